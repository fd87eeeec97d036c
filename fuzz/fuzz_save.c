/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fuzz the HVM save record (hvm/save.c): the record's 144 bytes come from
 * the input, loaded onto a domain without windows (with or without
 * XECAM_DOMF_CF8_EXT, RAM below 2 GiB, a 40-bit address width).  A model
 * of abi.md's load checks predicts whether it is taken, and after every
 * load:
 *
 *  - a refused record changes nothing: no window, the latch as it was;
 *  - a taken one gives exactly its windows (HVMOP_get_ecam_space of each
 *    of its segments, nothing on the others it names not) and its latch,
 *    each window's first and last byte trap, and saving it again gives
 *    the same windows and latch back;
 *  - the errno is the documented one (-EINVAL, -EEXIST).
 *
 * The guests are built with the first input and kept: an input's windows
 * are removed and the latch cleared after it.
 *
 * Built with libFuzzer (make fuzz) or as a reproducer that runs files.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <public/hvm/ecam_op.h>
#include <xecam/pci.h>
#include <xecam/user.h>

#include "harness.h"
#include "input.h"

#define GUEST      1               /* GUEST + 1: with CF8_EXT */
#define RAM_END    0x80000000ULL
#define GPA_BITS   40

static struct xecam_domain *guest[2];

static void build(void)
{
    unsigned int g;

    xecam_user_reset();
    xecam_user_domain_privileged(0);
    xecam_user_log_ratelimit(10, 5000);
    for ( g = 0; g < 2; g++ )
    {
        CHECK(!xecam_user_domain_add(GUEST + g,
                                     g ? XECAM_DOMF_CF8_EXT : 0, &guest[g]));
        CHECK(!xecam_user_p2m_add(GUEST + g, 0, RAM_END));
        CHECK(!xecam_user_gpa_bits(GUEST + g, GPA_BITS));
    }
}

/* ---- The model of the load checks (docs/abi.md). ---- */

static uint64_t win_size(const struct xen_hvm_ecam_record_window *w)
{
    return (uint64_t)(w->end_bus - w->start_bus + 1) << 20;
}

static bool window_ok(const struct xen_hvm_ecam_record_window *w)
{
    uint64_t size = win_size(w), align = 1ULL << 20;

    if ( w->rsvd || w->end_bus < w->start_bus )
        return false;
    while ( align < size )
        align <<= 1;

    return !(w->base & (align - 1));
}

/* -EINVAL, -EEXIST or 0, as the load must answer. */
static int model(const struct xen_hvm_ecam_record *r, bool cf8_ext)
{
    static const struct xen_hvm_ecam_record_window zero;
    uint32_t keep = 0x80fffffcU | (cf8_ext ? 0x0f000000U : 0);
    unsigned int i, j;
    int rc = 0;

    if ( r->version != XEN_HVM_ECAM_RECORD_VERSION || r->rsvd0 ||
         r->rsvd1 || r->nr_windows > XEN_HVM_ECAM_RECORD_WINDOWS ||
         (r->cf8 & ~keep) )
        return -EINVAL;
    for ( i = r->nr_windows; i < XEN_HVM_ECAM_RECORD_WINDOWS; i++ )
        if ( memcmp(&r->window[i], &zero, sizeof(zero)) )
            return -EINVAL;
    for ( i = 0; i < r->nr_windows; i++ )
    {
        const struct xen_hvm_ecam_record_window *a = &r->window[i];

        if ( !window_ok(a) )
            return -EINVAL;
        for ( j = 0; j < i; j++ )
        {
            const struct xen_hvm_ecam_record_window *b = &r->window[j];

            if ( a->segment == b->segment ||
                 (a->base < b->base + win_size(b) &&
                  b->base < a->base + win_size(a)) )
                return -EINVAL;
        }
    }
    /* The p2m's answers, window by window in order. */
    for ( i = 0; !rc && i < r->nr_windows; i++ )
    {
        const struct xen_hvm_ecam_record_window *a = &r->window[i];
        uint64_t last = a->base + win_size(a) - 1;

        if ( last < a->base || (last >> GPA_BITS) )
            rc = -EINVAL;
        else if ( a->base < RAM_END )
            rc = -EEXIST;
    }

    return rc;
}

/* ---- The checks. ---- */

static uint32_t latch(struct xecam_domain *d)
{
    uint32_t v = 0;

    xecam_pio_read(d, 0, XECAM_PCI_CF8, 4, &v);

    return v;
}

static bool window_is(domid_t id, const struct xen_hvm_ecam_record_window *w)
{
    struct xen_hvm_ecam_space a = { .domid = id, .segment = w->segment };

    return !xecam_user_hvm_op(HVMOP_get_ecam_space, &a) &&
           a.start_bus == w->start_bus && a.end_bus == w->end_bus &&
           a.base == w->base;
}

static void check_taken(struct xecam_domain *d, domid_t id,
                        const struct xen_hvm_ecam_record *r)
{
    struct xen_hvm_ecam_record again;
    unsigned int i, j;

    CHECK(latch(d) == r->cf8);
    for ( i = 0; i < r->nr_windows; i++ )
    {
        CHECK(window_is(id, &r->window[i]));
        CHECK(xecam_mmio_accept(d, r->window[i].base));
        CHECK(xecam_mmio_accept(d, r->window[i].base +
                                   win_size(&r->window[i]) - 1));
    }
    CHECK(xecam_domain_save(d, &again) == (r->nr_windows > 0));
    if ( !r->nr_windows )
        return;
    CHECK(again.version == XEN_HVM_ECAM_RECORD_VERSION &&
          again.nr_windows == r->nr_windows && again.cf8 == r->cf8 &&
          !again.rsvd0 && !again.rsvd1);
    for ( i = 0; i < again.nr_windows; i++ )
    {
        for ( j = 0; j < r->nr_windows; j++ )
            if ( !memcmp(&again.window[i], &r->window[j],
                         sizeof(again.window[i])) )
                break;
        CHECK(j < r->nr_windows);
    }
}

/* The windows and latch an input left, undone. */
static void undo(struct xecam_domain *d, domid_t id,
                 const struct xen_hvm_ecam_record *r)
{
    struct xen_hvm_ecam_space a;
    unsigned int i;

    for ( i = 0; i < r->nr_windows && i < XEN_HVM_ECAM_RECORD_WINDOWS; i++ )
    {
        memset(&a, 0, sizeof(a));
        a.domid = id;
        a.segment = r->window[i].segment;
        a.flags = XEN_HVM_ECAM_REMOVE;
        xecam_user_hvm_op(HVMOP_set_ecam_space, &a);
    }
    xecam_pio_write(d, 0, XECAM_PCI_CF8, 4, 0);
    CHECK(!xecam_domain_has_window(d) && !latch(d));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool built;
    struct input in = { .p = data, .left = size };
    struct xen_hvm_ecam_record r;
    struct xecam_domain *d;
    unsigned int g = take(&in, 1) & 1;
    domid_t id = GUEST + g;
    int rc, want;

    if ( !built )
    {
        build();
        built = true;
    }
    d = guest[g];
    xecam_user_log_clear();
    xecam_user_set_current(0);
    memset(&r, 0, sizeof(r));
    memcpy(&r, in.p, in.left < sizeof(r) ? in.left : sizeof(r));
    want = model(&r, g);
    rc = xecam_domain_load(d, &r);
    if ( rc != want )
    {
        fprintf(stderr, "load: %d, the model says %d\n", rc, want);
        abort();
    }
    if ( rc )
        CHECK(!xecam_domain_has_window(d) && !latch(d));
    else
        check_taken(d, id, &r);
    CHECK(xecam_user_log_lines() <= 16);
    undo(d, id, rc ? &(struct xen_hvm_ecam_record){ 0 } : &r);
    xecam_user_log_clear();     /* freed within the input: no leak re-run */

    return 0;
}
