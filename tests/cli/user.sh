#!/bin/bash
# Users, roles, argon2id passwords, TOTP two-factor, API tokens: nothing secret is stored or logged.
. "$(dirname "$0")/lib.sh"
expect_rc 0 isms init --org "Acme"

expect_rc 0 isms user add --name alice --role admin </dev/null
contains "$OUT" "shown once" "generated password printed once"
pw=$(printf %s "$OUT" | sed -n 's/.*shown once: //p')
equals "${#pw}" "20" "generated password length"
printf 'correct horse battery staple\n' > "$T/pw"
expect_rc 0 isms user add --name bob --role auditor < "$T/pw"
not_contains "$OUT" "correct horse" "a piped password is never echoed"
expect_rc 2 isms user add --name carol --role wizard </dev/null
contains "$ERR" "wizard" "bad role named"
contains "$ERR" "isms: --role: the role must be admin, editor, viewer or auditor" "the option named"
printf 'short\n' > "$T/short"
expect_rc 2 isms user add --name dave --role viewer < "$T/short"
contains "$ERR" "12 characters" "short password refused"
expect_rc 2 isms user add --name alice --role viewer </dev/null
contains "$ERR" "already exists" "duplicate user"
expect_rc 2 isms user add --name "e ve" --role viewer </dev/null
contains "$ERR" "isms: --name: a user name has no spaces" "a bad name named by its option"
expect_rc 0 isms user list --json
equals "$(jget "$OUT" '[u["role"] for u in d]')" '["admin", "auditor"]' "roles"

# Only argon2id hashes are stored; the audit log holds no password.
hash=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select pw_hash from user where name=?",("bob",)).fetchone()[0])' "$ISMS_DB")
contains "$hash" '$argon2id$' "argon2id hash stored"
not_contains "$(python3 -c 'import sqlite3,sys; print(list(sqlite3.connect(sys.argv[1]).execute("select * from user")))' "$ISMS_DB")" "correct horse" "no plain password in the database"
expect_rc 0 isms log --json
not_contains "$OUT" "correct horse" "no password in the audit log"
not_contains "$OUT" "$pw" "no generated password in the audit log"
not_contains "$OUT" "argon2id" "no hash in the audit log"

expect_rc 0 isms user role --name bob --role viewer
expect_rc 2 isms user role --name nobody --role viewer
contains "$ERR" "nobody" "unknown user named"
printf 'another long passphrase\n' > "$T/pw2"
expect_rc 0 isms user passwd --name bob < "$T/pw2"
expect_rc 0 isms user disable --name bob
expect_rc 0 isms user list --json
equals "$(jget "$OUT" '[u["disabled"] for u in d if u["name"]=="bob"][0]')" "true" "disabled"
expect_rc 0 isms user disable --name bob --enable

# TOTP: enable prints the secret; a code from any authenticator (computed here per RFC 6238) confirms it.
expect_rc 0 isms user mfa enable --name bob
secret=$(printf %s "$OUT" | sed -n '2p' | tr -d ' ')
contains "$OUT" "otpauth://totp/isms:bob?secret=$secret" "otpauth URI"
totp() { python3 -c 'import base64,hmac,hashlib,struct,sys
k=base64.b32decode(sys.argv[1]); c=int(sys.argv[2])//30
h=hmac.new(k,struct.pack(">Q",c),hashlib.sha1).digest(); o=h[-1]&15
print("%06d" % ((struct.unpack(">I",h[o:o+4])[0]&0x7fffffff)%1000000))' "$secret" "$1"; }
T0=1700000000
expect_rc 1 env ISMS_TOTP_TIME=$T0 "$ISMS" user mfa confirm --name bob --code 000000
code=$(totp $T0)
[ "$code" = 000000 ] && code=$(totp $((T0 + 30)))
expect_rc 0 env ISMS_TOTP_TIME=$T0 "$ISMS" user mfa confirm --name bob --code "$code"
contains "$OUT" "is on" "MFA enabled"
expect_rc 1 env ISMS_TOTP_TIME=$T0 "$ISMS" user mfa confirm --name bob --code "$code"
contains "$ERR" "already used" "a code cannot be replayed"
expect_rc 0 env ISMS_TOTP_TIME=$((T0 + 30)) "$ISMS" user mfa confirm --name bob --code "$(totp $((T0 + 30)))"
expect_rc 1 env ISMS_TOTP_TIME=$((T0 + 300)) "$ISMS" user mfa confirm --name bob --code "$(totp $((T0 + 60)))"
expect_rc 0 isms user list --json
equals "$(jget "$OUT" '[u["mfa"] for u in d if u["name"]=="bob"][0]')" "true" "mfa listed"
expect_rc 0 isms log --json
not_contains "$OUT" "$secret" "the TOTP secret is not logged"
expect_rc 0 isms user mfa disable --name bob

# API tokens: shown once, only the hash kept, revocable.
expect_rc 0 isms token create --user alice --label ci
tok=$OUT
equals "${#tok}" "69" "token format"
contains "$tok" "isms_" "token prefix"
not_contains "$(python3 -c 'import sqlite3,sys; print(list(sqlite3.connect(sys.argv[1]).execute("select * from api_token")))' "$ISMS_DB")" "$tok" "token not stored"
expect_rc 0 isms log --json
not_contains "$OUT" "$tok" "token not logged"
expect_rc 0 isms token list --json
equals "$(jget "$OUT" 'd[0]["prefix"]')" "${tok:0:11}" "prefix listed"
expect_rc 2 isms token create --user nobody
expect_rc 0 isms token revoke 1
expect_rc 2 isms token revoke 1
expect_rc 0 isms token list --json
equals "$(jget "$OUT" 'd[0]["revoked_at"] is not None')" "true" "revoked"
finish
