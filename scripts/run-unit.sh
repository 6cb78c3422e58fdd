#!/bin/sh
# Runs every unit test binary; prints "N passed, N failed" over the binaries.
pass=0; failn=0
for t in "$@"; do
    if ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS="suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0" "$t"; then pass=$((pass + 1)); else failn=$((failn + 1)); echo "unit test failed: $t"; fi
done
echo "unit: $pass passed, $failn failed"
[ "$failn" -eq 0 ]
