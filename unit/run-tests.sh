#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run every suite given on the command line (cmocka and Check binaries,
# shell tests), show their output, and close with one total line.  Exit
# non-zero if any suite fails or reports a failure.
set -u
passed=0
failed=0
status=0
for t in "$@"; do
    echo "== $t"
    out=$(ASAN_OPTIONS=detect_leaks=1 "$t" 2>&1)
    rc=$?
    printf '%s\n' "$out"
    [ $rc = 0 ] || [ $rc = 77 ] || status=1   # 77: skipped
    # cmocka: "[  PASSED  ] N test(s)." / "[  FAILED  ] N test(s), listed below:"
    p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
    f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
    # Check: "100%: Checks: N, Failures: F, Errors: E"
    c=$(printf '%s\n' "$out" | sed -n 's/.*Checks: \([0-9]*\), Failures: \([0-9]*\), Errors: \([0-9]*\).*/\1 \2 \3/p' | tail -1)
    # Shell tests: "name: N passed, N failed"
    s=$(printf '%s\n' "$out" | sed -n 's/^[a-z_-]*: \([0-9]*\) passed, \([0-9]*\) failed.*$/\1 \2/p' | tail -1)
    if [ -n "$c" ]; then
        set -- $c "$@"; passed=$((passed + $1 - $2 - $3)); failed=$((failed + $2 + $3)); shift 3
    elif [ -n "$s" ]; then
        set -- $s "$@"; passed=$((passed + $1)); failed=$((failed + $2)); shift 2
    else
        passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
    fi
    if [ $rc != 0 ] && [ $rc != 77 ] && [ -z "$f$c$s" ]; then
        failed=$((failed + 1))          # crashed before reporting
    fi
done
echo "total: $passed passed, $failed failed"
[ $status = 0 ] && [ $failed = 0 ]
