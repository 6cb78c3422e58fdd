#!/bin/bash
# isms check run host against fake host trees (ISMS_HOST_ROOT): tests/fixtures/host/good passes
# every check; tests/fixtures/host/bad fails each one, naming the file, line and setting at fault;
# every run is kept (check history, evidence with what was read); a missing root cannot run.
. "$(dirname "$0")/lib.sh"
IDS='["host.disk_encryption", "host.firewall", "host.auto_updates", "host.ssh_hardening", "host.malware_protection", "host.screen_lock"]'
status_of() { jget "$OUT" "[r['status'] for r in d['results'] if r['id']=='$1'][0]"; }
field_of() { jget "$OUT" "[r['$2'] for r in d['results'] if r['id']=='$1'][0]"; }
expect_rc 0 isms init --org "Host Test Ltd"
# git keeps no modification times: copy the trees and date the ClamAV signatures as each tree needs
cp -a "$FIXTURES/host/good" "$FIXTURES/host/bad" "$T/"
touch "$T/good/var/lib/clamav/"*
touch -d '30 days ago' "$T/bad/var/lib/clamav/"*

# The good tree: every check passes.
expect_rc 0 env ISMS_HOST_ROOT="$T/good" "$ISMS" check run host
for id in host.disk_encryption host.firewall host.auto_updates host.ssh_hardening host.malware_protection host.screen_lock; do
    contains "$OUT" "PASS  $id" "$id passes on the good tree"
done
contains "$OUT" "6 check(s) run, 0 failed" "the text summary"
expect_rc 0 env ISMS_HOST_ROOT="$T/good/" "$ISMS" check run host --json
equals "$(jget "$OUT" '[r["id"] for r in d["results"]]')" "$IDS" "the host checks in a stable order"
equals "$(jget "$OUT" 'sorted(set(r["status"] for r in d["results"]))')" '["pass"]' "all pass as JSON"
equals "$(jget "$OUT" 'd["failed"]')" "0" "none failed"
equals "$(field_of host.disk_encryption summary)" "/ is on /dev/mapper/luks-root, encrypted by dm-crypt (luks-root)" "LUKS root"
contains "$(field_of host.disk_encryption details)" "CRYPT-LUKS2-" "the dm-crypt device is shown"
equals "$(field_of host.firewall summary)" "nftables.service loads /etc/nftables.conf, which drops incoming traffic by default" "nftables default deny"
contains "$(field_of host.auto_updates details)" 'APT::Periodic::Unattended-Upgrade "1" (/etc/apt/apt.conf.d/20auto-upgrades)' "unattended-upgrades on"
contains "$(field_of host.ssh_hardening details)" "PermitRootLogin no (/etc/ssh/sshd_config.d/10-hardening.conf:1)" "the Include drop-in is read"
contains "$(field_of host.malware_protection details)" "0 days ago; freshclam is running" "fresh ClamAV signatures"
contains "$(field_of host.screen_lock details)" "KDE kscreenlockerrc Autolock=true Timeout=10 min" "KDE locks after 10 minutes"
equals "$(field_of host.ssh_hardening controls)" '["A.8.5", "A.8.9", "A.8.20"]' "the controls a check supports"

# The bad tree: each check fails and says why.
expect_rc 1 env ISMS_HOST_ROOT="$T/bad" "$ISMS" check run host
for id in host.disk_encryption host.firewall host.auto_updates host.ssh_hardening host.malware_protection host.screen_lock; do
    contains "$OUT" "FAIL  $id" "$id fails on the bad tree"
done
contains "$OUT" "6 check(s) run, 6 failed" "the text summary counts the failures"
expect_rc 1 env ISMS_HOST_ROOT="$T/bad" "$ISMS" check run host --json
equals "$(jget "$OUT" 'sorted(set(r["status"] for r in d["results"]))')" '["fail"]' "all fail as JSON"
equals "$(jget "$OUT" 'd["failed"]')" "6" "six failed"
equals "$(field_of host.disk_encryption summary)" "/ is on /dev/sda1, not encrypted" "plain root partition"
equals "$(field_of host.firewall summary)" "no active firewall with a default-deny incoming policy" "no default-deny firewall"
contains "$(field_of host.firewall details)" "ufw: ENABLED=no in /etc/ufw/ufw.conf" "ufw installed but off"
contains "$(field_of host.firewall details)" "iptables: the loaded rules accept incoming traffic by default" "live iptables rules read from the override file"
equals "$(field_of host.auto_updates summary)" "APT::Periodic::Unattended-Upgrade is not enabled" "updates off"
contains "$(field_of host.auto_updates details)" 'APT::Periodic::Unattended-Upgrade "0" (/etc/apt/apt.conf.d/20auto-upgrades)' "where updates are turned off"
equals "$(field_of host.ssh_hardening summary)" "sshd settings at fault: PermitRootLogin, PasswordAuthentication, Ciphers" "sshd faults named"
contains "$(field_of host.ssh_hardening details)" "PermitRootLogin yes (/etc/ssh/sshd_config:2): not allowed" "root login with file and line"
contains "$(field_of host.ssh_hardening details)" "Ciphers includes weak aes128-cbc,3des-cbc (/etc/ssh/sshd_config:6)" "weak ciphers named"
equals "$(field_of host.malware_protection summary)" "ClamAV signatures are 30 days old" "stale signatures"
contains "$(field_of host.malware_protection details)" "(older than 7 days); freshclam is not running" "why they are stale"
equals "$(field_of host.screen_lock summary)" "the screen does not lock within 15 minutes idle" "no screen lock"
EVID=$(field_of host.ssh_hardening evidence_id)
contains "$(field_of host.screen_lock details)" "lock-enabled=false (/etc/dconf/db/local.d/00-screensaver): the screen never locks" "the dconf setting at fault"

# Every run is recorded: history with the change from pass to fail, evidence of what was read.
expect_rc 0 isms check history host.ssh_hardening --json
equals "$(jget "$OUT" '[r["status"] for r in d["runs"]]')" '["fail", "fail", "pass", "pass"]' "four runs, newest first"
contains "$(jget "$OUT" 'd["failing_since"]')" "T" "failing since the first failed run"
expect_rc 0 isms check history host.malware_protection
contains "$OUT" "failing since" "the text history says since when"
expect_rc 0 isms evidence show "$EVID" --json
equals "$(jget "$OUT" '[d["type"], d["controls"]]')" '["check_result", ["A.8.5", "A.8.9", "A.8.20"]]' "the run is evidence for its controls"
EVPATH=$("$ISMS" evidence show "$EVID" | sed -n 's/^  stored at: *//p')
contains "$(cat "$EVPATH")" '"check":"host.ssh_hardening"' "the evidence names the check"
contains "$(cat "$EVPATH")" "$T/bad" "and the root it read"
contains "$(cat "$EVPATH")" "PermitRootLogin yes" "and what it read"
expect_rc 0 isms evidence list --json
equals "$(jget "$OUT" 'len([e for e in d if e["type"] == "check_result"])')" "24" "one evidence item per check run"
expect_rc 0 isms evidence verify

# An sshd_config that includes itself (through a drop-in, twice): the cycle is named, not followed,
# and the check gives no verdict; it used to parse the file 2^16 times (1.5 GB).
expect_rc 1 env ISMS_HOST_ROOT="$FIXTURES/host/include-cycle" "$ISMS" check run host.ssh_hardening --json
equals "$(status_of host.ssh_hardening)" "error" "an Include cycle is an error"
contains "$(field_of host.ssh_hardening summary)" "/etc/ssh/sshd_config.d/10-loop.conf:1: Include of /etc/ssh/sshd_config, which is already being read (an Include cycle" "the cycle is named"
contains "$(field_of host.ssh_hardening details)" "PermitRootLogin no (/etc/ssh/sshd_config:2)" "what was read is still shown"
EVPATH=$("$ISMS" evidence show "$(field_of host.ssh_hardening evidence_id)" | sed -n 's/^  stored at: *//p')
equals "$(grep -o '"include"' "$EVPATH" | wc -l)" "3" "each Include line is looked at once"

# A root that does not exist cannot run the checks: an error, never a pass.
expect_rc 1 env ISMS_HOST_ROOT="$T/missing" "$ISMS" check run host.firewall --json
equals "$(status_of host.firewall)" "error" "a missing root is an error"
contains "$(field_of host.firewall summary)" "$T/missing" "the missing root is named"
printf 'not a directory' > "$T/file"
expect_rc 1 env ISMS_HOST_ROOT="$T/file" "$ISMS" check run host.disk_encryption
contains "$OUT" "is not a directory" "a root that is a file is named"
expect_rc 0 isms log verify
finish
