#!/bin/bash
# Risk register, methodology, treatment, acceptance, plan, and the SoA derivation they drive.
. "$(dirname "$0")/lib.sh"
expect_rc 0 isms init --org "Acme"
expect_rc 0 isms asset add --name "Prod DB" --type cloud --owner "CTO" --classification restricted

expect_rc 0 isms risk method show --json
equals "$(jget "$OUT" 'd["likelihood_levels"]')" "5" "default 5-level scale"
equals "$(jget "$OUT" 'd["reviewed"]')" "false" "defaults not yet reviewed"

expect_rc 0 isms risk add --title "Ransomware on prod DB" --asset "Prod DB" --threat T01 --vulnerability "No immutable backups" \
    --likelihood 4 --impact 5 --owner "CTO"
equals "$OUT" "1" "risk id printed"
contains "$ERR" "20 (critical)" "inherent score and level reported"
expect_rc 0 isms risk show 1 --json
equals "$(jget "$OUT" 'd["threat"]')" "$(isms risk library --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["threats"][0]["name"])')" "library threat expanded"
equals "$(jget "$OUT" 'd["score"]')" "20" "score"
equals "$(jget "$OUT" 'd["plan_status"]')" "untreated" "untreated"

expect_rc 2 isms risk add --title "X" --asset "Prod DB" --threat t --vulnerability v --likelihood 6 --impact 1 --owner o
contains "$ERR" "likelihood 6 is out of range" "out-of-range likelihood"
expect_rc 2 isms risk add --title "X" --asset "Prod DB" --threat t --vulnerability v --likelihood 2 --impact abc --owner o
contains "$ERR" "abc" "non-numeric impact named"
expect_rc 2 isms risk add --title "X" --asset "Nope" --threat t --vulnerability v --likelihood 2 --impact 2 --owner o
contains "$ERR" "no asset 'Nope'" "unknown asset"
expect_rc 2 isms risk add --title "X" --threat t --vulnerability v --likelihood 2 --impact 2
contains "$ERR" "owner" "owner required"

# Treatment: controls are validated, linked, and become applicable in the SoA.
expect_rc 2 isms risk treat 1 --option mitigate
contains "$ERR" "controls" "mitigation needs controls"
expect_rc 2 isms risk treat 1 --option mitigate --controls A.8.13,A.9.9
contains "$ERR" "A.9.9" "unknown control named"
expect_rc 2 isms risk treat 1 --option nuke --controls A.8.13
expect_rc 2 isms risk treat 1 --option mitigate --controls A.8.13 --residual-likelihood 5 --residual-impact 5
contains "$ERR" "cannot raise" "residual above inherent refused"
expect_rc 2 isms risk treat 1 --option mitigate --controls A.8.13 --due 2026-13-01
contains "$ERR" "2026-13-01" "bad date named"
expect_rc 2 isms risk treat 99 --option accept
contains "$ERR" "99" "unknown risk named"
expect_rc 2 isms risk treat R-x --option accept
expect_rc 0 isms risk treat R1 --option mitigate --controls "8.13, A.8.7" --residual-likelihood 3 --residual-impact 4 \
    --due 2026-01-31 --plan "Immutable backups"
contains "$ERR" "above the appetite" "residual above appetite flagged"
expect_rc 0 isms soa list --json
equals "$(jget "$OUT" '[c["applicable"] for c in d if c["id"]=="A.8.13"][0]')" "true" "treating control becomes applicable"
equals "$(jget "$OUT" '[c["risks"] for c in d if c["id"]=="A.8.7"][0]')" "R1" "SoA lists the linked risk"
equals "$(jget "$OUT" '"risk" in [c for c in d if c["id"]=="A.8.7"][0]["reasons"]')" "true" "risk is a reason for inclusion"

# Acceptance: only the risk owner.
ISMS_TODAY=2026-01-15 expect_rc 0 isms risk plan --json
equals "$(jget "$OUT" 'd[0]["plan_status"]')" "awaiting acceptance" "needs the owner's acceptance"
expect_rc 2 isms risk accept 1 --by "Intern"
contains "$ERR" "only the risk owner (CTO)" "someone else cannot accept"
expect_rc 0 isms risk accept 1 --by CTO
ISMS_TODAY=2026-01-15 expect_rc 0 isms risk plan --json
equals "$(jget "$OUT" 'd[0]["plan_status"]')" "open" "accepted, due later"
equals "$(jget "$OUT" 'd[0]["accepted_by"]')" "CTO" "acceptance recorded"
ISMS_TODAY=2026-02-01 expect_rc 0 isms risk plan --json
equals "$(jget "$OUT" 'd[0]["plan_status"]')" "overdue" "past the due date"
ISMS_TODAY=2026-02-01 expect_rc 0 isms risk plan
contains "$OUT" "overdue" "text plan shows overdue"

# A new treatment clears the acceptance; --done completes it.
expect_rc 0 isms risk treat 1 --option mitigate --controls A.8.13 --residual-likelihood 1 --residual-impact 4 --due 2026-01-31 --done
expect_rc 0 isms risk show 1 --json
equals "$(jget "$OUT" 'd["accepted_by"]')" "null" "new treatment clears acceptance"
equals "$(jget "$OUT" 'd["controls"]')" '["A.8.13"]' "controls replaced"
equals "$(jget "$OUT" 'd["plan_status"]')" "done" "done"
equals "$(jget "$OUT" 'd["residual_level"]')" "low" "residual level"

# A control that treats a risk cannot be excluded; an excluded control cannot treat a risk.
expect_rc 2 isms soa set A.8.13 --applicable no --justification "We keep no data worth backing up anywhere at all in our company."
contains "$ERR" "R1" "exclusion names the risk"
expect_rc 0 isms soa set A.7.4 --applicable no --justification "No offices: all staff are remote and hosting is on AWS, covered by its certificate."
expect_rc 0 isms risk add --title "Office intrusion" --threat "Physical intrusion" --vulnerability "No monitoring" --likelihood 1 --impact 2 --owner "COO"
expect_rc 2 isms risk treat 2 --option mitigate --controls A.7.4
contains "$ERR" "A.7.4 is excluded" "excluded control cannot treat a risk"

# Methodology: 3x3 refused while risks are rated 4-5; edits; labels.
expect_rc 2 isms risk method set --likelihood-levels 3 --impact-levels 3 --low-max 2 --medium-max 4 --high-max 6 --appetite 4
contains "$ERR" "above the new 3x3" "shrinking scales with risks outside refused"
expect_rc 2 isms risk method set --low-max 12 --medium-max 9
contains "$ERR" "bands" "bad bands refused"
expect_rc 0 isms risk method set --appetite 6 --likelihood-labels "Rare,Unlikely,Possible,Likely,Frequent"
contains "$OUT" "Frequent" "labels shown"
expect_rc 0 isms risk method show --json
equals "$(jget "$OUT" 'd["appetite"]')" "6" "appetite saved"
equals "$(jget "$OUT" 'd["reviewed"]')" "true" "methodology reviewed"
expect_rc 0 isms risk edit 1 --likelihood 2 --impact 2 --title "Ransomware (re-rated)"
expect_rc 0 isms risk show 1 --json
equals "$(jget "$OUT" 'd["score"]')" "4" "edit re-scored"
expect_rc 2 isms risk edit 1 --likelihood 1 --impact 3
contains "$ERR" "below the residual" "inherent below residual refused"
expect_rc 0 isms risk list
contains "$OUT" "Ransomware (re-rated)" "register lists the risk"
expect_rc 0 isms risk library
contains "$OUT" "T01" "library lists threats"
contains "$OUT" "V01" "library lists vulnerabilities"
expect_rc 0 isms risk rm 2
expect_rc 2 isms risk show 2
expect_rc 0 isms log verify
contains "$OUT" "intact" "audit log intact"
finish
