#!/bin/bash
# init, org and scope, workspace file handling: missing, foreign, newer schema, migration, help.
. "$(dirname "$0")/lib.sh"

expect_rc 2 isms asset list
contains "$ERR" "no workspace at $ISMS_DB" "a missing workspace is named"
contains "$ERR" "isms init --org NAME" "a missing workspace tells how to create one"
[ ! -e "$ISMS_DB" ] || fail "a read command must not create the workspace"

expect_rc 2 isms init
contains "$ERR" "--org" "init names the missing option"
expect_rc 0 isms init --org "Acme Cloud Ltd"
contains "$OUT" "Acme Cloud Ltd" "init confirms the organization"
expect_rc 2 isms init --org "Other"
contains "$ERR" "already initialised" "a second init is refused"

expect_rc 0 isms org set --scope "Development and operation of the Acme SaaS platform" --context "SaaS on AWS, 40 staff"
expect_rc 0 isms org scope add --kind system --name "Production AWS account"
expect_rc 0 isms org scope add --kind unit --name "Sales" --out --note "no access to customer data"
expect_rc 2 isms org scope add --kind planet --name Mars
contains "$ERR" "--kind: kind must be one of unit, location, system" "bad scope kind is named"
expect_rc 2 isms org scope add --kind system --name "Production AWS account"
contains "$ERR" "already" "duplicate scope item refused"
expect_rc 0 isms org party add --name Customers --requirements "ISO 27001 certificate"
expect_rc 0 isms org show --json
equals "$(jget "$OUT" 'd["name"]')" "Acme Cloud Ltd" "org name in JSON"
equals "$(jget "$OUT" 'len(d["scope_items"])')" "2" "two scope items"
equals "$(jget "$OUT" '[s["in_scope"] for s in d["scope_items"] if s["name"]=="Sales"][0]')" "false" "out of scope item"
equals "$(jget "$OUT" 'd["interested_parties"][0]["requirements"]')" "ISO 27001 certificate" "party requirements"
expect_rc 0 isms org show
contains "$OUT" "OUT of scope" "text view marks out-of-scope items"
expect_rc 2 isms org scope rm 999
contains "$ERR" "999" "removing an unknown id names it"

# --db and $ISMS_DB
expect_rc 0 isms --db "$T/other.db" init --org Other
expect_rc 0 isms --db "$T/other.db" org show --json
equals "$(jget "$OUT" 'd["name"]')" "Other" "--db selects the workspace"

# Not an isms workspace: garbage, and another program's SQLite database. Both left untouched.
printf 'this is not a database at all, just text\n%.0s' {1..100} > "$T/junk.db"
sum=$(sha256sum "$T/junk.db")
expect_rc 2 isms --db "$T/junk.db" asset list
contains "$ERR" "not an isms workspace" "garbage file refused"
equals "$(sha256sum "$T/junk.db")" "$sum" "garbage file unchanged"
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("create table t(x)"); c.commit()' "$T/foreign.db"
sum=$(sha256sum "$T/foreign.db")
expect_rc 2 isms --db "$T/foreign.db" asset list
contains "$ERR" "another program" "foreign SQLite database refused"
equals "$(sha256sum "$T/foreign.db")" "$sum" "foreign database unchanged"
expect_rc 2 isms --db "$T" asset list
contains "$ERR" "directory" "a directory is refused"

# A newer schema is refused with a clear message; an older one is upgraded.
cp "$ISMS_DB" "$T/newer.db"
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("pragma user_version=99"); c.commit()' "$T/newer.db"
expect_rc 2 isms --db "$T/newer.db" asset list
contains "$ERR" "newer isms" "newer workspace refused"
cp "$ISMS_DB" "$T/older.db"
python3 -c 'import sqlite3,sys
c=sqlite3.connect(sys.argv[1])
v1 = {"org", "scope_item", "party", "method", "asset", "risk", "risk_control", "soa", "soa_version", "soa_version_entry"}
for (t,) in c.execute("select name from sqlite_master where type = \"table\"").fetchall():
    if t not in v1: c.execute("drop table " + t)
# and what later schemas added to the first tables: triggers, and indexes beyond the first two
for (kind, name) in c.execute("select type, name from sqlite_master where type in (\"trigger\", \"index\") "
                              "and name not like \"sqlite_autoindex_%\"").fetchall():
    if name not in ("risk_asset", "risk_control_control"): c.execute("drop " + kind + " " + name)
c.execute("pragma user_version=1"); c.commit()' "$T/older.db"
expect_rc 0 isms --db "$T/older.db" asset add --name Laptop --type hardware --owner IT --classification internal
equals "$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("pragma user_version").fetchone()[0])' "$T/older.db")" \
    "$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("pragma user_version").fetchone()[0])' "$ISMS_DB")" "older workspace migrated to the current schema"
expect_rc 0 isms --db "$T/older.db" log --json
equals "$(jget "$OUT" 'd[0]["entity"]')" "asset" "migrated workspace logs changes"

# A workspace is a file: SQLite's in-memory names are refused, and nothing is left behind.
mkdir "$T/mem"
for name in :memory: "file::memory:"; do
    (cd "$T/mem" && "$ISMS" --db "$name" init --org M >"$T/.out" 2>"$T/.err"); rc=$?
    CHECKS=$((CHECKS + 1)); [ "$rc" != 0 ] || fail "$name was taken as a workspace"
    contains "$(cat "$T/.err")" "is not a file" "$name is refused as a workspace"
    equals "$(ls -A "$T/mem")" "" "refusing $name leaves no file in the current directory"
done

# Help for every command; unknown commands and options.
expect_rc 0 isms --help
for cmd in "init" "org show" "org set" "org scope" "org party" "control list" "control show" "asset add" \
           "asset list" "asset show" "asset edit" "asset rm" "asset import" "risk add" "risk list" "risk show" \
           "risk edit" "risk treat" "risk accept" "risk rm" "risk plan" "risk method" "risk library" "risk export" \
           "soa list" "soa show" "soa set" "soa validate" "soa approve" "soa versions" "soa export" "gap" "log" "demo" \
           "evidence add" "evidence list" "evidence show" "evidence verify" "evidence import" "evidence types" \
           "check list" "check run" "check history" "monitor run" "monitor alerts" "logs scan" "user add" "user list" \
           "user passwd" "user role" "user disable" "user mfa" "token create" "token list" "token revoke" "serve"; do
    expect_rc 0 isms $cmd --help
    contains "$OUT" "usage: isms $cmd" "help for $cmd"
done
expect_rc 2 isms frobnicate
contains "$ERR" "no command" "unknown command"
expect_rc 2 isms asset list --colour
contains "$ERR" "unknown option" "unknown option"
expect_rc 2 isms asset
finish
