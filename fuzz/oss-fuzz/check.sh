#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run build.sh the way OSS-Fuzz does, with its variables set for this
# machine's clang and libFuzzer, then run each fuzzer briefly on its seeds.
set -eu
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/out" "$work/work"
export CC=clang CXX=clang++
export CFLAGS="-O1 -g -fsanitize=address,undefined -fsanitize=fuzzer-no-link"
export CXXFLAGS="$CFLAGS"
export LIB_FUZZING_ENGINE="-fsanitize=fuzzer,address,undefined"
export OUT="$work/out" WORK="$work/work" SRC="$PWD/.."
bash fuzz/oss-fuzz/build.sh
n=0
for f in "$OUT"/fuzz_*; do
    case "$f" in *.zip|*.dict) continue;; esac
    seeds="$work/seeds-$(basename "$f")"
    mkdir -p "$seeds"
    if [ -f "${f}_seed_corpus.zip" ]; then
        (cd "$seeds" && unzip -qo "${f}_seed_corpus.zip")
    fi
    "$f" -runs=2000 "$seeds" > "$work/run.log" 2>&1 ||
        { tail -20 "$work/run.log"; echo "oss-fuzz: $(basename "$f") failed"; exit 1; }
    n=$((n + 1))
done
echo "oss-fuzz build: $n fuzzers built and run"
