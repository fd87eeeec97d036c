#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Fuzzing throughput now against an earlier revision, side by side: the
# harnesses of BASE (a git revision, built in a temporary worktree) and
# those of this tree run at the same time, SECONDS each, from two copies
# of the same corpus, with the same seed, options and dictionary.  Each
# is given in executions per second (of the run's wall time: on a quiet
# machine with two cores or more, each has one) and per CPU-second (user
# + system: what load on the machine weighs on both alike, but the time a
# harness spends waiting, a device model's timeout, goes uncounted), and
# the ratios now / BASE.
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

# run NAME BINARY CORPUS: NAME's executions per second and per
# CPU-second, left in CORPUS.rate (empty if the run stopped).
run()
{
    local dict=
    [ -f "fuzz/$1.dict" ] && dict=-dict=fuzz/$1.dict
    {
        TIMEFORMAT='%U %S'
        time "$2" -seed=1 -max_total_time="$secs" -max_len=4200 $dict \
                  -artifact_prefix="$3-" "$3" > "$3.log" 2>&1
    } 2> "$3.time"
    sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 \2/p' \
        "$3.log" | awk -v t="$(cat "$3.time")" '{
            split(t, c, " ");
            if ( $1 && $2 && c[1] + c[2] )
                printf "%d %d", $1 / $2, $1 / (c[1] + c[2]) }' > "$3.rate"
}

printf '%-14s %9s %9s %6s %11s %11s %6s\n' harness "base/s" "now/s" x \
       "base/cpu-s" "now/cpu-s" x
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
    bw= bc= aw= ac=
    read -r bw bc < "$work/$n.base.rate"
    read -r aw ac < "$work/$n.now.rate"
    if [ -z "${bc:-}" ] || [ -z "${ac:-}" ]; then
        echo "$n: a run stopped (an older harness may fail on newer" \
             "inputs: CORPUS=base); logs in $work" >&2
        status=1
        continue
    fi
    awk -v n="$n" -v bw="$bw" -v aw="$aw" -v bc="$bc" -v ac="$ac" 'BEGIN {
        printf "%-14s %9d %9d %6.2f %11d %11d %6.2f\n", n, bw, aw, aw / bw,
               bc, ac, ac / bc }'
done
exit $status
