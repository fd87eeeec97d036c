/* SPDX-License-Identifier: GPL-2.0-only */
/* The fuzz input as a stream of big-endian numbers; 0s once it runs out. */
#ifndef XECAM_FUZZ_INPUT_H
#define XECAM_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

struct input {
    const uint8_t *p;
    size_t left;
};

/*
 * Not instrumented for coverage: how many bytes are left is no behaviour
 * of the module's, and the per-byte comparisons cost libFuzzer's tracing
 * a tenth of a harness's time.
 */
#if defined(__clang__) && __clang_major__ >= 13
__attribute__((no_sanitize("coverage")))
#endif
static inline uint64_t take(struct input *in, unsigned int bytes)
{
    uint64_t v = 0;

    while ( bytes-- && in->left )
    {
        v = (v << 8) | *in->p++;
        in->left--;
    }

    return v;
}

#endif /* XECAM_FUZZ_INPUT_H */
