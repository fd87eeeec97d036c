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
