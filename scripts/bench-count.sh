#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# `make bench-count`: the rows of `make bench` in instructions per access
# instead of nanoseconds, ours and Xen's, counted by callgrind.  Counts do not
# depend on the machine's load, so they explain what the timings show.
#
# usage: scripts/bench-count.sh BENCH_VPCI OUT_DIR
#   prints the table; OUT_DIR/count.csv gets the rows, OUT_DIR/cg/ the dumps.
set -euo pipefail

bench=$1
out=$2
command -v valgrind >/dev/null || { echo "bench-count: needs valgrind" >&2; exit 1; }
rm -rf "$out/cg"
mkdir -p "$out/cg"
XECAM_LOCKCHECK=off valgrind --tool=callgrind \
    --callgrind-out-file="$out/cg/cg.out" "$bench" --count \
    >"$out/cg/rows.txt" 2>"$out/cg/valgrind.log" ||
    { tail -20 "$out/cg/valgrind.log" >&2; exit 1; }

# Each dump: "desc: Trigger: Client Request: <n> <accesses>" and "totals: Ir".
for f in "$out"/cg/cg.out.*; do
    awk '/^desc: Trigger: Client Request:/ { n = $5; acc = $6 }
         /^totals:/ { ir = $2 }
         END { if ( n != "" ) printf "%s %s %s\n", n, acc, ir }' "$f"
done | sort -n >"$out/cg/counts.txt"

awk -F'\t' -v csv="$out/count.csv" '
    FNR == NR { split($0, a, " "); per[a[1]] = a[3] / a[2]; next }
    $1 == "count" {
        o = ($2 in per) ? per[$2] : -1; x = ($3 in per) ? per[$3] : -1
        if ( $4 != sect ) { sect = $4; printf "\n%s\n%-44s %9s %9s %9s\n", sect, "", "ours Ir", "Xen Ir", "ours/Xen" }
        if ( x > 0 ) printf "%-44s %9.1f %9.1f %9.3f\n", $5, o, x, o / x
        else         printf "%-44s %9.1f %9s %9s\n", $5, o, "-", "-"
        name = $5; if ( name ~ /[,"]/ ) { gsub(/"/, "\"\"", name); name = "\"" name "\"" }
        printf "%s,%s,%.1f,%.1f,%.4f\n", $4, name, o, (x > 0 ? x : 0), (x > 0 ? o / x : 0) >csv
        next
    }
    /^(Memory|per |  registers|per domain)/ { print }
' "$out/cg/counts.txt" - <"$out/cg/rows.txt" | { printf 'instructions per access (callgrind Ir), ours and Xen'"'"'s, same run\n'; cat; }
sed -i '1i section,case,ours_ir,xen_ir,ours_over_xen' "$out/count.csv"
echo "rows also in $out/count.csv"
