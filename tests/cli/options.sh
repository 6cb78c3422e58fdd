#!/bin/bash
# Global options anywhere on the line: --db after the command and its subcommand (and --db=PATH),
# --json and --help before the command, `--` ending the options; usage errors that name the command
# as typed, with its subcommand.
. "$(dirname "$0")/lib.sh"

# $ISMS_DB names a file that never exists: a command that ignored --db would fail on it.
export ISMS_DB="$T/not-here.db"
W="$T/elsewhere.db"

expect_rc 0 isms init --org "Acme Cloud Ltd" --db "$W"
CHECKS=$((CHECKS + 1)); [ -e "$W" ] || fail "init --org X --db PATH creates the workspace at PATH"
expect_rc 0 isms org show --json --db "$W"
equals "$(jget "$OUT" 'd["name"]')" "Acme Cloud Ltd" "the workspace --db named"
expect_rc 0 isms demo --db="$T/demo.db"
CHECKS=$((CHECKS + 1)); [ -e "$T/demo.db" ] || fail "demo --db=PATH creates the demo there"
D="$T/demo.db"

# One command of every family with --db after the subcommand and its own options.
while read -r rc cmd; do
    [ -n "$rc" ] || continue
    # shellcheck disable=SC2086 # the command line is split on purpose
    expect_rc "$rc" isms $cmd --db "$D"
    not_contains "$ERR" "unknown option" "--db after: isms $cmd"
done <<EOF
0 org show --json
0 control list --theme People
0 ask what is A.5.1
0 asset list --json
0 risk list
0 person list --json
0 supplier list
0 incident list
0 objective list
1 soa validate
0 policy list
0 evidence list
0 check list
0 monitor alerts
1 gap
0 user list
0 token list
0 log verify
0 logs scan $FIXTURES/cloudtrail/clean
0 map --from iso27001:2013 A.9.4.2
0 cert show
0 calendar -o $T/cal.ics
0 audit list
0 action list
0 review list
1 readiness
0 report audit -o $T/report.html
EOF
[ ! -e "$ISMS_DB" ] || fail "no command fell back to \$ISMS_DB"
# serve reads --db after its options too: a missing workspace named is the proof.
expect_rc 2 isms serve --listen 127.0.0.1:0 --db "$T/none.db"
contains "$ERR" "no workspace at $T/none.db" "serve uses --db after its options"

# Every command of every family, as `isms help FAMILY` lists them: --db after it is taken, and
# --json is taken exactly where the usage offers it. (--zz is no option: the first option refused
# is the answer.)
NCMDS=0
for fam in $("$ISMS" help | awk '/^commands:/ { f = 1; next } f && NF == 0 { exit } f { print $1 }'); do
    while read -r _ _ _ rest; do
        sub=""
        case "$rest" in [a-z]*) sub=${rest%% *} ;; esac
        NCMDS=$((NCMDS + 1))
        expect_rc 2 isms $fam $sub --db "$D" --json --zz
        case "$rest" in
            *--json*) contains "$ERR" "isms $fam${sub:+ $sub}: unknown option '--zz'" "isms $fam $sub takes --db and --json" ;;
            *) contains "$ERR" "isms $fam${sub:+ $sub}: unknown option '--json': this command has no JSON output" \
                   "isms $fam $sub takes --db, and no --json as its usage says" ;;
        esac
    done < <("$ISMS" help "$fam" | awk '/^usage:/ { if (l) print l; l = $0; next } { l = l " " $0 } END { print l }')
done
CHECKS=$((CHECKS + 1)); [ "$NCMDS" -gt 100 ] || fail "every command was tried ($NCMDS)"

# --db before the command, between command and subcommand, and as --db=PATH: the same workspace.
expect_rc 0 isms --db "$D" asset list --json
ALL=$OUT
expect_rc 0 isms asset --db "$D" list --json
equals "$OUT" "$ALL" "--db between the command and its subcommand"
expect_rc 0 isms asset list --db="$D" --json
equals "$OUT" "$ALL" "--db=PATH after the subcommand"
expect_rc 0 isms asset list --json --db "$D"
equals "$OUT" "$ALL" "--db last"

# --json and --help before the command are the command's own.
expect_rc 0 isms --json asset list --db "$D"
equals "$OUT" "$ALL" "--json before the command"
expect_rc 0 isms asset --json list --db "$D"
equals "$OUT" "$ALL" "--json between the command and its subcommand"
expect_rc 1 isms gap --all --json --db "$D"
GAP=$OUT
expect_rc 1 isms --json gap --db "$D" --all
equals "$OUT" "$GAP" "--json before a single-command family"
expect_rc 2 isms --json asset add --name X --type hardware --owner IT --classification internal --db "$D"
contains "$ERR" "isms asset add: unknown option '--json': this command has no JSON output" "--json where there is none"
expect_rc 0 isms --help asset list
contains "$OUT" "usage: isms asset list" "--help before the command"
expect_rc 0 isms asset --help list
contains "$OUT" "usage: isms asset list" "--help between command and subcommand"
expect_rc 0 isms --help asset
contains "$OUT" "usage: isms asset add" "--help before a family lists its subcommands"
expect_rc 0 isms --db "$D" --help
contains "$OUT" "usage: isms [--db PATH] COMMAND" "--help with only options"
contains "$OUT" "anywhere on the line" "the usage says where options go"

# `--` ends the options: what follows is an argument, even --db or --json.
expect_rc 2 isms asset show --db "$D" -- --json
contains "$ERR" "'--json'" "after --, --json is the asset's name"
expect_rc 2 isms --db "$D" asset add -- --db x
contains "$ERR" "isms asset add: unexpected argument '--db'" "after --, --db is an argument"
# An option's value is the option's, even when it looks like --db.
expect_rc 0 isms asset add --name --db --type hardware --owner IT --classification internal --db "$D"
expect_rc 0 isms asset show --db "$D" --json -- --db
equals "$(jget "$OUT" 'd["name"]')" "--db" "an option's value that looks like --db"

# --db twice, or without its value: a usage error naming the command typed.
expect_rc 2 isms --db "$D" asset list --db "$T/other.db"
contains "$ERR" "isms asset list: option '--db' given twice ('$D' and '$T/other.db')" "--db twice"
expect_rc 2 isms asset list --db "$D" --db="$D"
contains "$ERR" "given twice" "--db twice, even the same"
expect_rc 2 isms asset list --db
contains "$ERR" "isms asset list: option '--db' needs a value" "--db last without a value"
expect_rc 2 isms asset list --db --json
contains "$ERR" "option '--db' needs a value" "--db followed by an option"
expect_rc 2 isms asset list --db=
contains "$ERR" "option '--db' needs a value" "--db= empty"
expect_rc 2 isms --db
contains "$ERR" "isms: option '--db' needs a value: the workspace file (see \`isms --help\`)" "--db alone"
expect_rc 2 isms asset --db
contains "$ERR" "isms asset: option '--db' needs a value" "--db after the family only"

# Usage errors name the command with its subcommand.
expect_rc 2 isms asset list --problems --db "$D"
contains "$ERR" "isms asset list: unknown option '--problems' (see \`isms asset list --help\`)" "asset list"
expect_rc 2 isms action verify --db "$D"
contains "$ERR" "(see \`isms action verify --help\`)" "action verify"
contains "$ERR" "isms action verify: " "action verify names itself"
expect_rc 2 isms org scope add --colour --db "$D"
contains "$ERR" "(see \`isms org scope --help\`)" "org scope"
expect_rc 2 isms init --bogus --db "$T/x.db"
contains "$ERR" "isms init: unknown option '--bogus' (see \`isms init --help\`)" "a single-command family"
expect_rc 2 isms risk treat 1 --option sideways --db "$D"
contains "$ERR" "see \`isms risk treat --help\`" "risk treat"
expect_rc 2 isms asset --colour list
contains "$ERR" "isms asset: unknown option '--colour' (see \`isms asset --help\`)" "an option before the subcommand"
expect_rc 2 isms --colour asset list
contains "$ERR" "isms: unknown option '--colour' (see \`isms --help\`)" "an option before the command"
finish
