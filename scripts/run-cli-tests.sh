#!/bin/sh
# Runs every black-box test script (tests/cli, tests/web, tests/mcp, tests/setup) against the binary given,
# side by side (scripts/run-parallel.sh); prints "cli: N passed, N failed".
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
tests=""
for t in tests/cli/*.sh tests/web/*.sh tests/mcp/*.sh tests/setup/*.sh; do
    case "$(basename "$t")" in lib.sh|*_lib.sh) continue ;; esac
    tests="$tests $t"
done
ISMS="$bin" FIXTURES="$(pwd)/tests/fixtures" ASAN_OPTIONS=detect_leaks=1 \
    LSAN_OPTIONS="suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0" \
    exec sh scripts/run-parallel.sh cli $tests
