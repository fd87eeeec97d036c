#!/bin/bash -eu
# SPDX-License-Identifier: GPL-2.0-only
#
# OSS-Fuzz build: every fuzz/fuzz_*.c against the module and the userspace
# port, with the engine's flags ($CC, $CFLAGS, $LIB_FUZZING_ENGINE, $OUT).
# Seed corpora and dictionaries go next to each fuzzer.
# Checked locally by fuzz/oss-fuzz/check.sh.
cd "${SRC:-.}/xen-ecam" 2>/dev/null || cd "$(dirname "$0")/../.."

lib="$(ls hvm/*.c vpci/*.c port/user/*.c)"
tools="tools/ecamctl/xlcfg.c tools/ecamctl/pcispec.c tools/ecamctl/util.c"
inc="-Iinclude -Iport/user/include -Itools/ecamctl"
for f in fuzz/fuzz_*.c; do     # fuzz/standalone.c is not a fuzzer
    name=$(basename "$f" .c)
    extra=""
    if [ "$name" = fuzz_parsers ]; then
        extra="$tools"
    fi
    # shellcheck disable=SC2086
    $CC $CFLAGS -std=gnu99 $inc -pthread -c "$f" -o "$WORK/$name.o"
    objs=""
    for s in $lib $extra; do
        o="$WORK/$(echo "$s" | tr / _).o"
        if [ ! -f "$o" ]; then
            $CC $CFLAGS -std=gnu99 $inc -pthread -c "$s" -o "$o"
        fi
        objs="$objs $o"
    done
    # shellcheck disable=SC2086
    $CXX $CXXFLAGS "$WORK/$name.o" $objs $LIB_FUZZING_ENGINE -lpthread \
        -o "$OUT/$name"
    if [ -d "fuzz/corpus/$name" ]; then
        (cd "fuzz/corpus/$name" && zip -qr "$OUT/${name}_seed_corpus.zip" .)
    fi
    if [ -f "fuzz/$name.dict" ]; then
        cp "fuzz/$name.dict" "$OUT/$name.dict"
    fi
done
