/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fuzz the ECAM core as a whole: an input is a sequence of operations, each
 * a hypercall (place / remove / get windows, from any caller), a change of
 * routing (vPCI devices, ioreq servers and their ranges) or a guest access
 * (MMCONFIG or CF8/CFC, any address, any size).  After every step:
 *
 *  - no write reached a host device (vPCI refuses them, servers are absent);
 *  - a read of a function nobody owns returned all-ones;
 *  - get returns exactly what a model of the windows says: for the
 *    segment a hypercall named, after it (the one kind of step that may
 *    change a window), and for every segment at the end of the input (a
 *    window that any other step changed is caught there);
 *  - the log stays bounded.
 *
 * Built with libFuzzer (make fuzz) or as a reproducer that runs files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <public/hvm/ecam_op.h>
#include <xecam/pci.h>
#include <xecam/user.h>
#include <xecam/vpci.h>

#include "input.h"

#define GUEST 1
#define NHOST 3


struct model_win {
    bool used;
    uint8_t start, end;
    uint64_t base;
};

static struct model_win model[4];      /* segments 0-3 are checked */
static struct xecam_domain *d;

/* The functions an input routed to vPCI, for undoing; at most one a step. */
#define MAX_STEPS 256
static uint32_t routed[MAX_STEPS];
static unsigned int nr_routed;

/*
 * The host and the guest are built with the first input and kept.  An
 * input changes windows (segments 0-3), vPCI routes and ioreq servers
 * 0-3: each is undone after it, so the next starts from the state the
 * first did, which check_windows() and the first access of the next
 * input see.  Counters are only ever compared before and after a step.
 */
static void build(void)
{
    uint8_t cfg[XECAM_CFG_SIZE];
    unsigned int h, i;

    xecam_user_reset();
    xecam_user_domain_privileged(0);
    xecam_user_domain_dm(2, GUEST);
    xecam_user_domain_add(GUEST, XECAM_DOMF_CF8_EXT, &d);
    xecam_user_p2m_add(GUEST, 0, 0x80000000ULL);       /* RAM below 2 GiB */
    for ( h = 0; h < NHOST; h++ )
    {
        for ( i = 0; i < sizeof(cfg); i++ )
            cfg[i] = i + h;
        xecam_user_pdev_add(XECAM_SBDF(0, 0x80 + h, 0, 0), cfg, sizeof(cfg));
    }
}

static void setup(void)
{
    static bool built;

    if ( !built )
    {
        build();
        built = true;
    }
    memset(model, 0, sizeof(model));
    nr_routed = 0;
}

/* What an input made, unmade: windows, routes, servers (their ranges). */
static void undo(void)
{
    struct xen_hvm_ecam_space a;
    unsigned int i;

    xecam_user_set_current(0);
    for ( i = 0; i < 4; i++ )
    {
        memset(&a, 0, sizeof(a));
        a.domid = GUEST;
        a.segment = i;
        a.flags = XEN_HVM_ECAM_REMOVE;
        if ( model[i].used && xecam_user_hvm_op(HVMOP_set_ecam_space, &a) )
            abort();
        xecam_ioreq_server_destroy(d, i);
    }
    for ( i = 0; i < nr_routed; i++ )
        xecam_vpci_destroy(xecam_route_remove_vpci(d, routed[i]));
}

/* Narrow a fuzzed address towards the interesting region most of the time. */
static uint64_t fuzz_gpa(struct input *in)
{
    uint64_t raw = take(in, 4);

    switch ( take(in, 1) & 3 )
    {
    case 0:  return raw << 8;
    case 1:  return 0x80000000ULL + (raw & 0x7fffffff);
    default: return 0xe0000000ULL + (raw & 0x0fffffff);
    }
}

static void check_window(unsigned int seg)
{
    struct xen_hvm_ecam_space a;
    long rc;

    xecam_user_set_current(0);
    memset(&a, 0, sizeof(a));
    a.domid = GUEST;
    a.segment = seg;
    rc = xecam_user_hvm_op(HVMOP_get_ecam_space, &a);
    if ( (rc == 0) != model[seg].used )
        abort();
    if ( !rc && (a.start_bus != model[seg].start ||
                 a.end_bus != model[seg].end || a.base != model[seg].base) )
        abort();
}

static void check_windows(void)
{
    unsigned int seg;

    for ( seg = 0; seg < 4; seg++ )
        check_window(seg);
}

static void op_set(struct input *in)
{
    struct xen_hvm_ecam_space a;
    domid_t caller = take(in, 1) & 3;
    unsigned int seg;
    long rc;

    memset(&a, 0, sizeof(a));
    a.domid = take(in, 1) & 1 ? GUEST : DOMID_SELF;
    a.segment = take(in, 1) & 3;
    seg = a.segment;
    a.start_bus = take(in, 1);
    a.end_bus = take(in, 1);
    a.base = fuzz_gpa(in) & ~0xfffffULL;
    if ( take(in, 1) == 0xff )
        a.rsvd[take(in, 1) & 1] = 1;
    if ( take(in, 1) & 1 )
    {
        a.flags = XEN_HVM_ECAM_REMOVE;
        a.start_bus = a.end_bus = 0;
        a.base = 0;
    }
    xecam_user_set_current(caller);
    rc = xecam_user_hvm_op(HVMOP_set_ecam_space, &a);
    if ( rc )
    {
        check_window(seg);      /* refused: nothing changed */
        return;
    }
    if ( (caller != 0 && caller != 2) || a.domid == DOMID_SELF ||
         a.rsvd[0] || a.rsvd[1] )
        abort();            /* succeeded without the right to */
    model[a.segment].used = !(a.flags & XEN_HVM_ECAM_REMOVE);
    model[a.segment].start = a.start_bus;
    model[a.segment].end = a.end_bus;
    model[a.segment].base = a.base;
    check_window(seg);
}

static uint32_t fuzz_sbdf(struct input *in)
{
    return XECAM_SBDF(take(in, 1) & 3, take(in, 1), take(in, 1) & 0x1f,
                      take(in, 1) & 7);
}

static void op_route(struct input *in)
{
    unsigned int id = take(in, 1) & 3;
    uint32_t a = fuzz_sbdf(in), b = fuzz_sbdf(in);
    struct xecam_vpci *dev;

    switch ( take(in, 1) % 6 )
    {
    case 0:
        if ( xecam_vpci_create(XECAM_SBDF(0, 0x80 + id % NHOST, 0, 0), &dev) )
            break;
        if ( xecam_route_add_vpci(d, a, dev) )
            xecam_vpci_destroy(dev);
        else
            routed[nr_routed++] = a;
        break;
    case 1:
        xecam_vpci_destroy(xecam_route_remove_vpci(d, a));
        break;
    case 2:
        xecam_ioreq_server_create(d, id);
        break;
    case 3:
        xecam_ioreq_server_destroy(d, id);
        break;
    case 4:
        /* Keep ranges small: a whole segment is legal but slow here. */
        xecam_ioreq_map_range(d, id, a, a + (b & 0x3ff));
        break;
    default:
        xecam_ioreq_unmap_range(d, id, a, a + (b & 0x3ff));
        break;
    }
}

static void op_access(struct input *in)
{
    unsigned int kind = take(in, 1), size = take(in, 1) % 9;
    unsigned int vcpu = take(in, 1) & 1;
    uint64_t val = take(in, 8), gpa;
    struct xecam_stats before, after;
    uint32_t v32 = val;

    xecam_domain_stats(d, &before);
    if ( kind & 1 )
    {
        unsigned int port = 0xcf8 + (take(in, 1) & 7);

        if ( kind & 2 )
            xecam_pio_write(d, vcpu, port, size, v32);
        else
            xecam_pio_read(d, vcpu, port, size, &v32);
        val = v32;
    }
    else
    {
        gpa = fuzz_gpa(in);
        if ( kind & 2 )
            xecam_mmio_write(d, vcpu, gpa, size, val);
        else
            xecam_mmio_read(d, vcpu, gpa, size, &val);
    }
    xecam_domain_stats(d, &after);

    /* A read nobody owned, or a bad one, must read all-ones. */
    if ( !(kind & 2) && after.to_vpci == before.to_vpci &&
         after.to_ioreq == before.to_ioreq && after.unclaimed +
         after.bad_accesses > before.unclaimed + before.bad_accesses )
    {
        unsigned int bytes = kind & 1 && size > 4 ? 4 : size;  /* port I/O */
        uint64_t ones = bytes >= 8 ? ~0ULL : (1ULL << (8 * bytes)) - 1;

        if ( (val & ones) != ones )
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = { .p = data, .left = size };
    unsigned int steps = 0;

    setup();
    xecam_user_ioreq_timeout(1);    /* no device model: -ENODEV at once */
    while ( in.left && steps++ < MAX_STEPS )
    {
        switch ( take(&in, 1) % 4 )
        {
        case 0:  op_set(&in); break;
        case 1:  op_route(&in); break;
        default: op_access(&in); break;
        }
        if ( xecam_user_pdev_writes() )
            abort();
    }
    /* 256 steps log at most a handful of lines per window and burst. */
    if ( xecam_user_log_lines() > 256 + 16 )
        abort();
    check_windows();
    undo();
    xecam_user_log_clear();     /* freed within the input: no leak check */

    return 0;
}
