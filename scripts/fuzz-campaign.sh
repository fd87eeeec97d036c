#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# A fuzzing campaign: each harness named (default: all of them) runs for
# SECONDS on JOBS processes (libFuzzer's fork mode), from its committed
# corpus; the new inputs are then merged into fuzz/corpus/NAME and one
# line is added to the ledger fuzz/campaign.tsv.  `fuzz-campaign.sh
# --sum` prints the ledger's totals per harness.
#
#   scripts/fuzz-campaign.sh BUILD SECONDS JOBS [HARNESS ...]
#
# A harness that finds a bug stops its run: the input is left in
# BUILD/crash-* (or leak-*, timeout-*), the ledger counts it, and the
# script goes on to the next harness and exits 1 at the end.
set -u

LEDGER=fuzz/campaign.tsv

sum()
{
    printf "%-14s %5s %9s %14s %7s %7s %7s %9s\n" harness runs \
           "cpu h" executions cov ft corpus findings
    awk -F'\t' '
        NR == 1 { next }
        { runs[$3]++; wall[$3] += $4; cpu[$3] += $5; ex[$3] += $7;
          if ( $8 > cov[$3] ) cov[$3] = $8;
          if ( $9 > ft[$3] ) ft[$3] = $9;
          corp[$3] = $11; bad[$3] += $12 }
        END {
            for ( h in runs )
                printf "%-14s %5d %9.2f %14d %7d %7d %7d %9d\n", h, \
                       runs[h], cpu[h] / 3600, ex[h], cov[h], ft[h], \
                       corp[h], bad[h] | "sort";
        }' "$LEDGER"
}

# The hand-made seeds keep their names (a merge would name them by their
# SHA-1): each is copied back over its hashed copy.
keep_named()
{
    for s in "$1"/*; do
        b=$(basename "$s")
        echo "$b" | grep -qE '^[0-9a-f]{40}$' && continue
        rm -f "$2/$(sha1sum < "$s" | cut -c1-40)"
        cp "$s" "$2/$b"
    done
}

if [ "${1:-}" = --sum ]; then
    sum
    exit 0
fi
if [ $# -lt 3 ]; then
    echo "usage: $0 BUILD SECONDS JOBS [HARNESS ...] | --sum" >&2
    exit 2
fi

build=$1 secs=$2 jobs=$3
shift 3
[ $# -gt 0 ] || set -- $(ls fuzz/fuzz_*.c | sed 's|fuzz/\(.*\)\.c|\1|')
[ -f "$LEDGER" ] || printf 'date\tcommit\tharness\twall_s\tcpu_s\tjobs\texecutions\tcov\tft\tcorpus_before\tcorpus_after\tfindings\n' > "$LEDGER"

rev=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
[ -z "$(git status --porcelain -- hvm vpci port fuzz include 2>/dev/null |
        grep -v campaign.tsv | grep -v 'fuzz/corpus')" ] || rev="$rev+"
status=0

for n in "$@"; do
    f=$build/fuzz/$n
    [ -x "$f" ] || { echo "$n: $f not built" >&2; exit 2; }
    work=$build/corpus/$n
    mkdir -p "$work"
    before=$(ls "fuzz/corpus/$n" | wc -l)
    log=$build/$n.campaign
    dict=
    [ -f "fuzz/$n.dict" ] && dict=-dict=fuzz/$n.dict
    echo "== $n ($secs s, $jobs jobs)"
    start=$(date +%s)
    touch "$log.start"
    # %e wall, %U+%S CPU of the parent and every child it waited for.
    /usr/bin/time -f 'cpu %U %S' -o "$log.time" \
        "$f" -fork="$jobs" -max_total_time="$secs" -max_len=4200 $dict \
            -artifact_prefix="$build/$n-" -print_final_stats=1 \
            "$work" "fuzz/corpus/$n" > "$log" 2>&1
    rc=$?
    wall=$(( $(date +%s) - start ))
    cpu=$(awk '/^cpu/ { printf "%d", $2 + $3 }' "$log.time")
    # Fork mode's progress lines: "#RUNS: cov: C ft: F corp: ...".
    last=$(grep -E '^#[0-9]+: cov:' "$log" | tail -1)
    execs=$(echo "$last" | sed -n 's/^#\([0-9]*\):.*/\1/p')
    cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
    found=$(find "$build" -maxdepth 1 -newer "$log.start" \
                 \( -name "$n-crash-*" -o -name "$n-leak-*" \
                    -o -name "$n-timeout-*" \) | wc -l)
    if [ "$rc" != 0 ] || [ "$found" != 0 ]; then
        echo "$n: stopped with rc $rc; $found input(s) in $build/$n-*"
        tail -30 "$log"
        status=1
    fi
    # Merged and minimized: the smallest set of the old and new inputs
    # that keeps every feature, in place of the committed corpus.
    min=$build/corpus/$n.min
    rm -rf "$min" && mkdir -p "$min"
    if "$f" -merge=1 -max_len=4200 "$min" "fuzz/corpus/$n" "$work" \
           > "$log.merge" 2>&1 && [ -n "$(ls "$min")" ]; then
        keep_named "fuzz/corpus/$n" "$min"
        rm -rf "fuzz/corpus/$n" && mv "$min" "fuzz/corpus/$n"
    else
        tail -5 "$log.merge"
        status=1
    fi
    after=$(ls "fuzz/corpus/$n" | wc -l)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
        "$(date -u +%Y-%m-%dT%H:%MZ)" "$rev" "$n" "$wall" "${cpu:-0}" \
        "$jobs" "${execs:-0}" "${cov:-0}" "${ft:-0}" "$before" "$after" \
        "$found" >> "$LEDGER"
    echo "$n: ${execs:-0} executions in $wall s (${cpu:-0} CPU s)," \
         "cov ${cov:-0}, corpus $before -> $after, findings $found"
done
exit $status
