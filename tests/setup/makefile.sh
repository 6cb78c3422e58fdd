#!/bin/bash
# The Makefile: CPPFLAGS and LDFLAGS on every compile and link line, and a missing library named
# with its Debian package (pkg-config pointed at a copy of this machine's .pc files less one).
. "$(dirname "$0")/../cli/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# make as if typed here, not as a sub-make of `make test` (no inherited flags or jobserver).
mk() { expect_rc "$1" env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory -C "$ROOT" "${@:2}"; }

# Every command make would run (-n -B: all of them, nothing run), with a marker compiler.
mk 0 -n -B CC=isms-test-cc CPPFLAGS=-DISMS_TEST_CPPFLAGS LDFLAGS=-Wl,-O1 \
    build/isms build/san/isms build/san/tests/test_util build/bench/gen_workspace build/tools/embed
printf '%s\n' "$OUT" | grep '^isms-test-cc ' > "$T/cc"
CHECKS=$((CHECKS + 1)); [ "$(wc -l < "$T/cc")" -gt 100 ] || fail "the compile lines were listed ($(wc -l < "$T/cc"))"
while read -r line; do
    CHECKS=$((CHECKS + 1))
    case "$line" in
        *" -c "*) case "$line" in *-DISMS_TEST_CPPFLAGS*) ;; *) fail "CPPFLAGS missing: $line" ;; esac ;;
        *.c | *".c "*) case "$line" in *-DISMS_TEST_CPPFLAGS*-Wl,-O1* | *-Wl,-O1*-DISMS_TEST_CPPFLAGS*) ;;
                       *) fail "CPPFLAGS or LDFLAGS missing: $line" ;; esac ;;
        *) case "$line" in *-Wl,-O1*) ;; *) fail "LDFLAGS missing: $line" ;; esac ;;
    esac
done < "$T/cc"
equals "$(grep -c ' -o build/isms \| -o build/san/isms ' "$T/cc")" 2 "both programs are linked"

# pkg-config sees a copy of this machine's .pc files, less those named.
SYS_PC=$(pkg-config --variable pc_path pkg-config | tr : ' ')
pc_without() {
    rm -rf "$T/pc"; mkdir -p "$T/pc"
    for d in $SYS_PC; do [ -d "$d" ] && find "$d" -maxdepth 1 -name '*.pc' -exec cp {} "$T/pc/" \; ; done
    for n in "$@"; do rm -f "$T/pc/$n.pc"; done
    export PKG_CONFIG_LIBDIR="$T/pc" PKG_CONFIG_PATH=""
}
pc_without libzip
mk 2 -n -B build/isms
contains "$ERR" "isms: missing library libzip (Debian package libzip-dev); run \`make deps\`" "libzip named"
not_contains "$ERR" "sqlite3" "only the missing one"
mk 0 -n deps
mk 0 -n clean
# A library that is there but needs a missing one: the needed one is named.
pc_without libzip cairo
mk 2 -n -B build/san/isms
contains "$ERR" "missing library libzip (Debian package libzip-dev); library pangocairo needs cairo, which is missing (Debian package libcairo2-dev)" "both named"
# cmocka only for the unit tests.
pc_without cmocka
mk 0 -n -B build/isms
mk 2 -n -B build/san/tests/test_util
contains "$ERR" "isms: missing library cmocka (Debian package libcmocka-dev)" "cmocka named for the unit tests"
# No pkg-config at all.
mk 2 -n -B build/isms PKG_CONFIG=/nonexistent/pkg-config
contains "$ERR" "isms: /nonexistent/pkg-config is missing (Debian package pkg-config); run \`make deps\`" "pkg-config named"
finish
