/* SPDX-License-Identifier: GPL-2.0-only */
/* The fuzz input as a stream of big-endian numbers; 0s once it runs out. */
#ifndef XECAM_FUZZ_INPUT_H
#define XECAM_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct input {
    const uint8_t *p;
    size_t left;
};

/*
 * A harness's own bookkeeping, not instrumented for coverage: its
 * branches are no behaviour of the module's, and libFuzzer's tracing of
 * their comparisons costs time and steers towards nothing.  The module's
 * functions it calls are traced as ever.  Never inlined: inlined, its
 * code would be traced as its caller's.
 */
#if defined(__clang__) && __clang_major__ >= 13
#define UNTRACED __attribute__((no_sanitize("coverage"), noinline))
#else
#define UNTRACED
#endif

/* How many bytes are left: a tenth of a harness's time when traced. */
UNTRACED
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

/* Up to n bytes into dst, as n take(in, 1) would; how many were left. */
UNTRACED
static inline size_t take_bytes(struct input *in, uint8_t *dst, size_t n)
{
    n = n < in->left ? n : in->left;
    memcpy(dst, in->p, n);
    in->p += n;
    in->left -= n;

    return n;
}

#endif /* XECAM_FUZZ_INPUT_H */
