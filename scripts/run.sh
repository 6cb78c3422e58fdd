#!/bin/sh
# `make run`: create the demo workspace when there is none, then show its gap analysis.
set -e
DB=${ISMS_DB:-demo/isms.db}
mkdir -p "$(dirname "$DB")"
if [ ! -f "$DB" ]; then
    ./build/isms --db "$DB" demo
fi
echo
./build/isms --db "$DB" gap || true
echo
echo "Workspace: $DB — try: ./build/isms --db $DB soa list | risk plan | soa validate | control show A.5.23"
