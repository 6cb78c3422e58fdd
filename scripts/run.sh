#!/bin/sh
# `make run`: create the demo workspace when there is none, show its gap analysis, then serve the
# web app on it and say how to log in.
set -e
DB=${ISMS_DB:-demo/isms.db}
LISTEN=${ISMS_LISTEN:-127.0.0.1:8027}
DIR=$(dirname "$DB")
mkdir -p "$DIR"
if [ ! -f "$DB" ]; then
    ./build/isms --db "$DB" demo
    # A demo administrator with a random password, kept beside the demo workspace.
    umask 077
    ./build/isms --db "$DB" user add --name admin --role admin </dev/null | sed -n 's/.*shown once: //p' > "$DIR/admin-password.txt"
fi
echo
./build/isms --db "$DB" gap | head -n 12 || true
echo
echo "Log in as admin with the password in $DIR/admin-password.txt: $(cat "$DIR/admin-password.txt" 2>/dev/null)"
echo "CLI: ./build/isms --db $DB soa list | risk plan | soa validate | control show A.5.23"
exec ./build/isms --db "$DB" serve --listen "$LISTEN"
