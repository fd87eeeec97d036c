#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# What each harness's committed corpus covers of the hypervisor code
# (hvm/, vpci/; for fuzz_parsers, of the tools' parsers it drives), alone:
# line and branch coverage from clang's source-based coverage, the corpus
# run through the harness's standalone driver.  One line per harness;
# `scripts/fuzz-coverage.sh NAME` for one harness, with llvm-cov's table
# per file as well.
set -eu
cd "$(dirname "$0")/.."
out=${BUILD:-build}/fuzz-cov
CC=${COV_CC:-clang}
PROFDATA=${LLVM_PROFDATA:-llvm-profdata}
LLVMCOV=${LLVM_COV:-llvm-cov}
flags="-std=gnu99 -O0 -g -fprofile-instr-generate -fcoverage-mapping -Iinclude -Iport/user/include -Itools/ecamctl -pthread -w"
core=$(ls hvm/*.c vpci/*.c)
tools="tools/ecamctl/xlcfg.c tools/ecamctl/pcispec.c tools/ecamctl/util.c"
names=${*:-$(ls fuzz/fuzz_*.c | sed 's|fuzz/\(.*\)\.c|\1|')}

mkdir -p "$out/obj"
# The module and the port once, as objects every harness links.
objs=()
for s in $core port/user/*.c $tools; do
    o="$out/obj/$(echo "$s" | tr / _).o"
    [ "$o" -nt "$s" ] || $CC $flags -c "$s" -o "$o"
    objs+=("$o")
done

printf '%-14s %8s %16s %10s\n' harness inputs lines branches
for n in $names; do
    b="$out/$n"
    # shellcheck disable=SC2086
    $CC $flags -DXECAM_FUZZ_STANDALONE "fuzz/$n.c" fuzz/standalone.c \
        "${objs[@]}" -o "$b"
    rm -f "$out/$n".*.profraw
    LLVM_PROFILE_FILE="$out/$n.%p.profraw" "$b" "fuzz/corpus/$n" \
        > /dev/null 2>&1 || { echo "$n: its corpus fails"; exit 1; }
    $PROFDATA merge -sparse "$out/$n".*.profraw -o "$out/$n.profdata"
    files=$core
    [ "$n" = fuzz_parsers ] && files=$tools
    # shellcheck disable=SC2086
    $LLVMCOV report "$b" -instr-profile "$out/$n.profdata" \
        -show-branch-summary $files > "$out/$n.txt"
    awk -v n="$n" -v k="$(ls "fuzz/corpus/$n" | wc -l)" '/^TOTAL/ {
        printf "%-14s %8d %16s %10s\n", n, k, $10, $13 }' "$out/$n.txt"
    [ $# -eq 1 ] && cat "$out/$n.txt"
done
exit 0
