#!/bin/sh
# Runs every tests/cli/*.sh against the binary given; prints "N passed, N failed".
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
pass=0; failn=0
for t in tests/cli/*.sh tests/web/*.sh; do
    case "$(basename "$t")" in lib.sh|*_lib.sh) continue ;; esac
    if ISMS="$bin" FIXTURES="$(pwd)/tests/fixtures" ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS="suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0" bash "$t"; then
        pass=$((pass + 1))
    else
        failn=$((failn + 1)); echo "cli test failed: $t"
    fi
done
echo "cli: $pass passed, $failn failed"
[ "$failn" -eq 0 ]
