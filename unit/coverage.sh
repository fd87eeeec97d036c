#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Line and branch coverage of the hypervisor code (hvm/, vpci/) from the
# unit tests and the fuzz corpora, with clang's source-based coverage.
# Prints llvm-cov's table; the TOTAL line is the figure to quote.
set -eu
cd "$(dirname "$0")/.."
out=${BUILD:-build}/cov
CC=${COV_CC:-clang}
PROFDATA=${LLVM_PROFDATA:-llvm-profdata}
LLVMCOV=${LLVM_COV:-llvm-cov}
flags="-std=gnu99 -O0 -g -fprofile-instr-generate -fcoverage-mapping -Iinclude -Iport/user/include -Iunit -Itools/ecamctl -pthread -w"
core=$(ls hvm/*.c vpci/*.c)
lib="$core $(ls port/user/*.c)"
tools="tools/ecamctl/xlcfg.c tools/ecamctl/pcispec.c tools/ecamctl/util.c"

rm -rf "$out"
mkdir -p "$out/bin" "$out/prof"
objs=()
for t in unit/cmocka/test_*.c; do
    b="$out/bin/$(basename "$t" .c)"
    extra=""
    # libxecamdm's test runs the library against the userspace port.
    [ "$t" = unit/cmocka/test_xecamdm.c ] &&
        extra="-Itools/libxecamdm -DXECAMDM_USER tools/libxecamdm/xecamdm.c"
    # shellcheck disable=SC2086
    $CC $flags "$t" $lib $extra -lcmocka -o "$b"
    objs+=("$b")
done
for t in unit/check/check_*.c; do
    b="$out/bin/$(basename "$t" .c)"
    $CC $flags "$t" $lib $(pkg-config --libs check) -o "$b"
    objs+=("$b")
done
for f in fuzz/fuzz_*.c; do
    n=$(basename "$f" .c)
    b="$out/bin/$n"
    extra=""
    [ "$n" = fuzz_parsers ] && extra="$tools"
    $CC $flags -DXECAM_FUZZ_STANDALONE "$f" fuzz/standalone.c $lib $extra \
        -o "$b"
    objs+=("$b")
done

for b in "${objs[@]}"; do
    n=$(basename "$b")
    case "$n" in
    fuzz_*)
        [ -d "fuzz/corpus/$n" ] || continue
        LLVM_PROFILE_FILE="$out/prof/$n-%p.profraw" "$b" "fuzz/corpus/$n" \
            > /dev/null 2>&1 || { echo "coverage: $n failed"; exit 1; }
        ;;
    *)
        LLVM_PROFILE_FILE="$out/prof/$n-%p.profraw" CK_FORK=no \
            "$b" > /dev/null 2>&1 || { echo "coverage: $n failed"; exit 1; }
        ;;
    esac
done

$PROFDATA merge -sparse "$out"/prof/*.profraw -o "$out/all.profdata"
args=("${objs[0]}")
for b in "${objs[@]:1}"; do args+=(-object "$b"); done
$LLVMCOV report "${args[@]}" -instr-profile "$out/all.profdata" \
    -show-branch-summary $core | tee "$out/report.txt"
