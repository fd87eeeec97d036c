#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Fuzzing throughput now against an earlier revision, side by side: the
# harnesses of BASE (a git revision, built in a temporary worktree) and
# those of this tree run at the same time, SECONDS each, from two copies
# of the same corpus, with the same seed, options and dictionary.  Each
# is given in executions per CPU-second (user + system), so that the two
# processes sharing the machine, and anything else on it, weigh on both
# alike; the last column is now / BASE.
#
#   scripts/fuzz-throughput.sh BUILD BASE SECONDS [HARNESS ...]
#
# The corpus is this tree's fuzz/corpus/NAME, or BASE's with
# CORPUS=base.  The harnesses default to the four core ones.
set -u

if [ $# -lt 3 ]; then
    echo "usage: $0 BUILD BASE SECONDS [HARNESS ...]" >&2
    exit 2
fi
build=$1 base=$2 secs=$3
shift 3
[ $# -gt 0 ] || set -- fuzz_assign fuzz_ecam fuzz_cf8 fuzz_ioreq

top=$(pwd)
work=$top/$build/throughput
src=$work/base
rev=$(git rev-parse --short=12 "$base^{commit}") || exit 2

rm -rf "$work"
mkdir -p "$work"
git worktree prune
git worktree add -q --detach "$src" "$rev" || exit 2
trap 'git -C "$top" worktree remove --force "$src"' EXIT
echo "== building the harnesses of $rev"
make -s -C "$src" fuzz > "$work/build.log" 2>&1 || {
    tail -20 "$work/build.log"
    exit 1
}

# run NAME BINARY CORPUS: NAME's executions per CPU-second, in the
# background; its figure is left in $work/NAME.rate.
run()
{
    local dict=
    [ -f "fuzz/$1.dict" ] && dict=-dict=fuzz/$1.dict
    {
        TIMEFORMAT='%U %S'
        time "$2" -seed=1 -max_total_time="$secs" -max_len=4200 $dict \
                  "$3" > "$3.log" 2>&1
    } 2> "$3.time"
    awk -v runs="$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$3.log")" \
        '{ cpu = $1 + $2; if ( runs && cpu ) printf "%d", runs / cpu }' \
        "$3.time" > "$3.rate"
}

printf '%-14s %14s %14s %7s\n' harness "base exec/cpu-s" "now exec/cpu-s" \
       ratio
status=0
for n in "$@"; do
    corpus=fuzz/corpus/$n
    [ "${CORPUS:-}" = base ] && corpus=$src/fuzz/corpus/$n
    if [ ! -x "$src/$build/fuzz/$n" ] || [ ! -x "$build/fuzz/$n" ] ||
       [ ! -d "$corpus" ]; then
        echo "$n: not in both trees" >&2
        status=1
        continue
    fi
    for side in base now; do
        rm -rf "$work/$n.$side"
        cp -r "$corpus" "$work/$n.$side"
    done
    run "$n" "$src/$build/fuzz/$n" "$work/$n.base" &
    run "$n" "$build/fuzz/$n" "$work/$n.now" &
    wait
    b=$(cat "$work/$n.base.rate") a=$(cat "$work/$n.now.rate")
    if [ -z "$b" ] || [ -z "$a" ]; then
        echo "$n: a run failed (logs in $work)" >&2
        status=1
        continue
    fi
    printf '%-14s %14d %14d %7s\n' "$n" "$b" "$a" \
           "$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a / b }')"
done
exit $status
