#!/bin/sh
# Runs every unit test binary given, side by side (scripts/run-parallel.sh); prints
# "unit: N passed, N failed" over the binaries.
ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS="suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0" \
    exec sh scripts/run-parallel.sh unit "$@"
