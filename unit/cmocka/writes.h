/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host's side of a cmocka test: a simulated device's config space as it
 * is now, and the writes that reached it (the write log of port/user/pci.c,
 * read into h_wlog[] and compared against what a test expects).
 * Include after <cmocka.h> and "helpers.h".
 */
#ifndef XECAM_UNIT_WRITES_H
#define XECAM_UNIT_WRITES_H

#include <stdbool.h>

#define H_MAX_LOG   4096

static struct xecam_user_pci_write h_wlog[H_MAX_LOG];

/* The device's own config space now. */
static inline uint32_t h_hw(uint32_t sbdf, unsigned int reg, unsigned int size)
{
    uint8_t b[4] = { 0 };
    uint32_t v = 0;
    unsigned int i;

    assert_int_equal(xecam_user_pdev_peek(sbdf, reg, b, size), 0);
    for ( i = 0; i < size; i++ )
        v |= (uint32_t)b[i] << (8 * i);

    return v;
}

/* Read the writes made to 'sbdf' since the last clear into h_wlog[]. */
static inline unsigned int h_dev_log(uint32_t sbdf)
{
    return xecam_user_pdev_log(sbdf, h_wlog, H_MAX_LOG);
}

/* Exactly these writes reached 'sbdf' since the last check; then clear. */
static inline void h_expect_writes(uint32_t sbdf,
                                   const struct xecam_user_pci_write *want,
                                   unsigned int n, const char *what)
{
    unsigned int i, got = h_dev_log(sbdf);
    bool ok = got == n;

    for ( i = 0; ok && i < n; i++ )
        ok = h_wlog[i].reg == want[i].reg && h_wlog[i].size == want[i].size &&
             h_wlog[i].val == want[i].val;
    if ( !ok )
    {
        for ( i = 0; i < n; i++ )
            print_message("want %u: %#x/%u of %#x\n", i, want[i].reg,
                          want[i].size, want[i].val);
        for ( i = 0; i < got && i < 16; i++ )
            print_message("got  %u: %#x/%u of %#x\n", i, h_wlog[i].reg,
                          h_wlog[i].size, h_wlog[i].val);
        fail_msg("%s: device writes differ: %u wanted, %u made", what, n,
                 got);
    }
    xecam_user_pdev_log_clear();
}

#define H_EXPECT_WRITES(sbdf, what, ...) do {                           \
    const struct xecam_user_pci_write want_w_[] = { __VA_ARGS__ };      \
    h_expect_writes(sbdf, want_w_, XECAM_ARRAY_SIZE(want_w_), what);    \
} while ( 0 )

#endif /* XECAM_UNIT_WRITES_H */
