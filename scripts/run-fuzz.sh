#!/bin/sh
# Runs the libFuzzer targets given (build/fuzz/fuzz_<name>) over their seed corpora
# (tests/fuzz/corpus/<name>/); prints "N passed, N failed" over the targets.
#   run-fuzz.sh smoke SECONDS TARGET...  replay every seed, then fuzz SECONDS each (new inputs
#                                         stay in a temporary directory)
#   run-fuzz.sh run SECONDS TARGET...    fuzz SECONDS each; new inputs go to build/fuzz/corpus/<name>
#                                         (copy the interesting ones into tests/fuzz/corpus)
# A crash, leak, timeout or sanitizer report fails the target; its input is kept in build/fuzz/crashes.
mode=$1 secs=$2
shift 2
pass=0 failn=0
mkdir -p build/fuzz/crashes
export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export LSAN_OPTIONS="suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
for bin in "$@"; do
    name=$(basename "$bin")
    name=${name#fuzz_}
    seeds=tests/fuzz/corpus/$name
    [ -d "$seeds" ] || { echo "fuzz $name: no seed corpus $seeds"; failn=$((failn + 1)); continue; }
    dict=tests/fuzz/$name.dict
    opts="-timeout=10 -rss_limit_mb=2048 -max_len=262144 -artifact_prefix=build/fuzz/crashes/$name- -print_final_stats=1"
    [ -f "$dict" ] && opts="$opts -dict=$dict"
    log=build/fuzz/$name.log
    ok=1
    if [ "$mode" = smoke ]; then
        # every seed once (the regression inputs), then a few seconds of fuzzing in a scratch copy
        "$bin" $opts -runs=0 "$seeds" >"$log" 2>&1 || ok=0
        if [ $ok = 1 ] && [ "$secs" -gt 0 ]; then
            work=$(mktemp -d)
            "$bin" $opts -max_total_time="$secs" "$work" "$seeds" >>"$log" 2>&1 || ok=0
            rm -rf "$work"
        fi
    else
        mkdir -p "build/fuzz/corpus/$name"
        nice "$bin" $opts -max_total_time="$secs" "build/fuzz/corpus/$name" "$seeds" >"$log" 2>&1 || ok=0
    fi
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    if [ $ok = 1 ]; then
        pass=$((pass + 1)); echo "fuzz $name: ok (${runs:-?} runs)"
    else
        failn=$((failn + 1)); echo "fuzz $name: FAILED (see $log)"; grep -m3 -E 'ERROR|runtime error|SUMMARY' "$log"
    fi
done
echo "fuzz: $pass passed, $failn failed"
[ "$failn" -eq 0 ]
