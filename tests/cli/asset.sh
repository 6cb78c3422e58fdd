#!/bin/bash
# Asset inventory: add, list, show, edit, rm, and all-or-nothing CSV import with line/column errors.
. "$(dirname "$0")/lib.sh"
A="$FIXTURES/assets"
expect_rc 0 isms init --org "Acme"

expect_rc 0 isms asset add --name "CRM" --type service --owner "Sales ops" --classification internal \
    --confidentiality 2 --integrity 2 --availability 3
equals "$OUT" "1" "add prints the new id"
expect_rc 2 isms asset add --name "CRM" --type service --owner "Sales ops" --classification internal
contains "$ERR" "already exists" "duplicate name refused"
expect_rc 2 isms asset add --name "X" --type spaceship --owner "O" --classification internal
contains "$ERR" "spaceship" "bad type named"
expect_rc 2 isms asset add --name "X" --type software --owner "O" --classification top-secret
contains "$ERR" "top-secret" "bad classification named"
expect_rc 2 isms asset add --name "X" --type software --owner "O"
contains "$ERR" "an asset needs a classification" "a missing classification is asked for, not quoted as ''"
expect_rc 2 isms asset add --name "X" --owner "O" --classification internal
contains "$ERR" "an asset needs a type" "a missing type is asked for"
expect_rc 2 isms asset add --name "X" --type software --owner "O" --classification internal --integrity 4
contains "$ERR" "--integrity" "out-of-range CIA value named"
expect_rc 2 isms asset add --name "X" --type software --classification internal
contains "$ERR" "owner" "missing owner refused"

expect_rc 0 isms asset import "$A/good.csv"
contains "$OUT" "imported 4" "import counts rows"
expect_rc 0 isms asset list --json
equals "$(jget "$OUT" 'len(d)')" "5" "five assets"
equals "$(jget "$OUT" '[a["type"] for a in d if a["name"]=="Payroll data"][0]')" "information" "type lower-cased"
equals "$(jget "$OUT" '[a["availability"] for a in d if a["name"]=="Payroll data"][0]')" "1" "low maps to 1"
equals "$(jget "$OUT" '[a["description"] for a in d if a["name"].startswith("Laptop")][0]')" \
    "$(printf 'Managed by "Jamf" MDM\n(macOS only)')" "quoted multi-line field"
expect_rc 0 isms asset list
contains "$OUT" "Customer database" "text list"

# A bad file: every bad value reported with line and column; nothing imported.
expect_rc 2 isms asset import "$A/bad.csv"
contains "$ERR" "line 3, column 2" "bad type located"
contains "$ERR" "hardwre" "bad type value named"
contains "$ERR" "line 4, column 3" "missing owner located"
contains "$ERR" "line 5, column 4" "bad classification located"
contains "$ERR" "line 6, column 5" "bad CIA located"
contains "$ERR" "line 2, column 1" "duplicate CRM (already in the workspace) located"
contains "$ERR" "nothing was imported" "all or nothing"
expect_rc 0 isms asset list --json
equals "$(jget "$OUT" 'len(d)')" "5" "nothing from the bad file was imported"
equals "$(jget "$OUT" 'any(a["name"]=="Wiki" for a in d)')" "false" "even good rows of a bad file are not imported"

expect_rc 2 isms asset import "$A/unterminated.csv"
contains "$ERR" "never closed" "unterminated quote"
expect_rc 2 isms asset import "$A/badheader.csv"
contains "$ERR" "unknown column 'colour'" "unknown column named"
contains "$ERR" "'classification' is missing" "missing column named"
expect_rc 2 isms asset import "$T/nope.csv"
contains "$ERR" "nope.csv" "missing file named"
: > "$T/empty.csv"
expect_rc 2 isms asset import "$T/empty.csv"
contains "$ERR" "empty" "empty file"
head -c 3000 /dev/urandom > "$T/binary.csv"
printf '\0' >> "$T/binary.csv"
expect_rc 2 isms asset import "$T/binary.csv"
# A field over the cap, in a file over a few MB.
python3 -c 'import sys; sys.stdout.write("name,type,owner,classification\n" + "A"*200000 + ",software,IT,internal\n")' > "$T/huge.csv"
expect_rc 2 isms asset import "$T/huge.csv"
contains "$ERR" "longer than" "oversized field refused"
expect_rc 0 isms asset list --json
equals "$(jget "$OUT" 'len(d)')" "5" "failed imports left the workspace as it was"

expect_rc 0 isms asset show CRM --json
equals "$(jget "$OUT" 'd["availability"]')" "3" "show by name"
expect_rc 0 isms asset edit 1 --owner "Revenue ops" --classification confidential
expect_rc 0 isms asset show 1
contains "$OUT" "Revenue ops" "edit changed the owner"
contains "$OUT" "confidential" "edit changed the classification"
expect_rc 2 isms asset edit 1 --type nonsense
expect_rc 2 isms asset show 4242
contains "$ERR" "4242" "unknown asset named"

expect_rc 0 isms risk add --title "CRM breach" --asset CRM --threat T01 --vulnerability V01 --likelihood 3 --impact 3 --owner "Sales ops"
expect_rc 2 isms asset rm CRM
contains "$ERR" "referenced by 1 risk" "asset with risks cannot be removed"
expect_rc 0 isms asset rm "Public website"
expect_rc 2 isms asset show "Public website"
expect_rc 0 isms log --json
equals "$(jget "$OUT" '[e["action"] for e in d if e["entity"]=="asset"].count("delete")')" "1" "delete logged"
equals "$(jget "$OUT" '[e for e in d if e["entity"]=="asset" and e["action"]=="update"][0]["before"].count("Sales ops")')" "1" "before value logged"
finish
