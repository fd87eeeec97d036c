/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fuzz the ECAM DMOPs' arguments (public/hvm/ecam_dm_op.h) through the
 * userspace port's dm_op, which runs them as Xen 4.17's dm_op() does.  A
 * step is a dm_op from any of four callers (the toolstack, the guest, its
 * device model, another guest) on any of four targets (the guest, the
 * other guest, no domain, DOMID_SELF), with a buffer of any length, any op
 * number and a union whose fields come from the input: mostly well-formed
 * with one defect the input picks (or none), sometimes raw bytes.  Other
 * steps make the guest dying or not, have XSM refuse the device model's
 * hooks, or arm a fault in the port (memory, locks, copies, config space,
 * BAR mappings).
 *
 * A model of docs/abi.md's check order predicts every refusal that comes
 * before the domain's state is looked at: dm_op's own (-ESRCH, -EPERM,
 * -EFAULT, -EOPNOTSUPP, -EINVAL for its pad), then the op's arguments
 * (-EINVAL), the caller's rights (-EPERM) and the domain's life (-EINVAL).
 * With no fault armed it must be exact.  After every step:
 *
 *  - the result is one of the op's documented errnos;
 *  - a refused op changed nothing: every window, every guest function the
 *    ops can name (the same vPCI device, or none) are as before;
 *  - set_window's window reads back; get_window's answer is the window;
 *    an assigned function is there, a deassigned one gone;
 *  - the log stays bounded.
 *
 * Both guests are made again for every input (the host functions kept),
 * so nothing one input leaves reaches the next.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <public/hvm/ecam_op.h>
#include <public/hvm/ecam_dm_op.h>
#include <xen/hvm/dm_op.h>
#include <xecam/ecam.h>
#include <xecam/pci.h>
#include <xecam/user.h>
#include <xecam/vpci.h>

#include "harness.h"
#include "input.h"

#define TOOLSTACK  0
#define GUEST      1
#define DM_DOM     2
#define OTHER      3
#define NO_DOM     9
#define HEAD       offsetof(struct xen_dm_op, u)
#define MAX_STEPS  64
#define MAX_LOG    64

/* The op's argument in the buffer's union (Xen 4.17's has no member). */
#define ARG(c, type) ((struct xen_dm_op_ecam_##type *)&(c)->buf.u)

static const domid_t callers[4] = { TOOLSTACK, GUEST, DM_DOM, OTHER };
static const domid_t targets[4] = { GUEST, OTHER, NO_DOM, DOMID_SELF };

/* Guest functions the ops name: endpoints, behind ports, ports. */
static const uint32_t gfn[8] = {
    XECAM_SBDF(0, 0, 3, 0), XECAM_SBDF(0, 0, 4, 0), XECAM_SBDF(0, 1, 0, 0),
    XECAM_SBDF(0, 2, 0, 0), XECAM_SBDF(0, 0, 0x1c, 0),
    XECAM_SBDF(0, 0, 0x1d, 0), XECAM_SBDF(1, 1, 0, 0), XECAM_SBDF(0, 0, 0, 0),
};
#define NGFN 8

/* Host functions: two the guest owns, the other guest's, none there. */
static const uint32_t hfn[4] = {
    XECAM_SBDF(0, 0x05, 0, 0), XECAM_SBDF(0, 0x06, 0, 0),
    XECAM_SBDF(0, 0x07, 0, 0), XECAM_SBDF(0, 0x08, 0, 0),
};

static struct xecam_domain *d[2];       /* GUEST, OTHER */
static unsigned int refused;            /* XSM hooks refused for DM_DOM */
static bool dying;
static unsigned int fault_kinds;        /* armed for the next call only */
static unsigned long fault_nth;

/* ---- What a refused op must leave as it was ---- */

struct state {
    bool win[2][4];
    struct xen_hvm_ecam_space w[2][4];
    struct xecam_vpci *dev[2][NGFN];
};

static void snapshot(struct state *s)
{
    unsigned int g, i;

    memset(s, 0, sizeof(*s));
    xecam_user_set_current(TOOLSTACK);
    for ( g = 0; g < 2; g++ )
    {
        for ( i = 0; i < 4; i++ )
        {
            s->w[g][i].domid = g ? OTHER : GUEST;
            s->w[g][i].segment = i;
            s->win[g][i] = !xecam_user_hvm_op(HVMOP_get_ecam_space,
                                              &s->w[g][i]);
        }
        for ( i = 0; i < NGFN; i++ )
            s->dev[g][i] = xecam_route_vpci(d[g], gfn[i]);
    }
}

/* ---- The model of the checks before the domain's state ---- */

/* May 'caller' act on 'target' through 'hook' (the port's allowed()). */
static bool allowed(domid_t caller, domid_t target, unsigned int hook)
{
    if ( caller == DM_DOM && (refused & hook) )
        return false;

    return caller == TOOLSTACK || (caller == DM_DOM && target == GUEST);
}

static bool exists(domid_t target)
{
    return target == GUEST || target == OTHER;
}

/* The defects an input may put into a well-formed argument. */
enum defect { D_NONE, D_PAD, D_RSVD, D_FLAGS, D_SHAPE, D_RAW, NR_DEFECTS };

struct call {
    domid_t caller, target;
    unsigned int op;
    size_t size;                        /* of the whole buffer */
    enum defect defect;
    unsigned int copies;                /* copied in before the decision */
    struct xen_dm_op buf;
};

static uint32_t pick_gfn(struct input *in)
{
    unsigned int k = take(in, 1);

    return k < 0xf0 ? gfn[k % NGFN] : take(in, 4);
}

static uint32_t pick_hfn(struct input *in)
{
    unsigned int k = take(in, 1);

    return k < 0xf0 ? hfn[k & 3] : take(in, 4);
}

static void make_window(struct input *in, struct call *c)
{
    struct xen_dm_op_ecam_window *w = ARG(c, window);
    unsigned int k = take(in, 1);

    w->segment = k & 3;
    w->start_bus = k & 4 ? take(in, 1) : 0;
    w->end_bus = k & 8 ? take(in, 1) : 255;
    w->base = 0xe0000000ULL - ((uint64_t)(take(in, 1) & 7) << 28);
    if ( c->op == XEN_DMOP_ecam_set_window && (k & 0x10) )
    {
        w->flags = XEN_DMOP_ECAM_REMOVE;
        w->start_bus = w->end_bus = 0;
        w->base = 0;
    }
    if ( c->op == XEN_DMOP_ecam_get_window )
        w->start_bus = w->end_bus = w->base = 0;
    switch ( c->defect )
    {
    case D_PAD:   w->pad = 1 + take(in, 1); break;
    case D_RSVD:  w->rsvd[take(in, 1) & 1] = 1 + take(in, 1); break;
    case D_FLAGS: w->flags |= 2U << (take(in, 1) % 15); break;
    case D_SHAPE:
        if ( w->flags )
            w->base = 1ULL << 20;       /* REMOVE with a field */
        else if ( c->op == XEN_DMOP_ecam_get_window )
            w->flags = 1;
        else
        {
            w->start_bus |= 8;
            w->end_bus = w->start_bus - 1 - (take(in, 1) % 8);
        }
        break;
    default:
        break;
    }
}

static void make_assign(struct input *in, struct call *c)
{
    struct xen_dm_op_ecam_assign *a = ARG(c, assign);
    unsigned int k = take(in, 1);

    a->host_sbdf = pick_hfn(in);
    a->guest_sbdf = pick_gfn(in);
    a->flags = k & 0x1f;
    if ( a->flags & XEN_DMOP_ECAM_ASSIGN_ROOT_PORT )
        a->root_port = k & 0x20 ? (0x1c << 3) : (0x1d << 3);
    switch ( c->defect )
    {
    case D_PAD:   a->pad[take(in, 1) % 3] = take(in, 1) | 1; break;
    case D_FLAGS: a->flags |= 0x20U << (take(in, 1) % 27); break;
    case D_RSVD:
    case D_SHAPE:
        if ( a->flags & XEN_DMOP_ECAM_ASSIGN_ROOT_PORT )
            a->guest_sbdf &= ~0xff00U;  /* a port in front of bus 0 */
        else
            a->root_port = 1 + take(in, 1) % 255;
        break;
    default:
        break;
    }
}

static void make_deassign(struct input *in, struct call *c)
{
    struct xen_dm_op_ecam_deassign *a = ARG(c, deassign);

    a->guest_sbdf = pick_gfn(in);
    if ( c->defect == D_PAD || c->defect == D_RSVD )
        a->pad = take(in, 4) | 1;
}

static void make_hotplug(struct input *in, struct call *c)
{
    struct xen_dm_op_ecam_hotplug *h = ARG(c, hotplug);
    unsigned int k = take(in, 1);

    h->op = k % 5;
    h->port_sbdf = k & 8 ? gfn[4] : gfn[5];
    if ( h->op == XEN_DMOP_ECAM_HOTPLUG_PORT )
        h->secondary = 1 + (take(in, 1) & 3);
    if ( h->op == XEN_DMOP_ECAM_HOTPLUG_ADD )
    {
        h->host_sbdf = pick_hfn(in);
        h->flags = (k >> 4) & 0xf;
    }
    switch ( c->defect )
    {
    case D_PAD:   h->pad[take(in, 1) % 3] = take(in, 1) | 1; break;
    case D_FLAGS:
        h->flags |= h->op == XEN_DMOP_ECAM_HOTPLUG_ADD ?
                    XEN_DMOP_ECAM_ASSIGN_ROOT_PORT << (take(in, 1) % 28) :
                    1U << (take(in, 1) % 32);
        break;
    case D_RSVD:  h->op = 5 + take(in, 1) % 0xfb; break;
    case D_SHAPE:
        switch ( take(in, 1) % 3 )
        {
        case 1:  h->secondary = !h->secondary; break;
        case 2:
            if ( h->op != XEN_DMOP_ECAM_HOTPLUG_ADD )
            {
                h->host_sbdf = hfn[0];  /* a host function, not ADD */
                break;
            }
            /* fall through */
        default: h->port_sbdf |= (1 + take(in, 1) % 255) << 8; break;
        }
        break;
    default:
        break;
    }
}

/*
 * What the checks before the domain's state say: an errno, or 1 (they
 * pass: the op's own outcome follows).  Exact only with no fault armed.
 */
static int predict(struct call *c)
{
    size_t len;

    c->copies = 0;
    if ( !exists(c->target) )
        return -ESRCH;
    if ( c->caller == c->target ||
         !allowed(c->caller, c->target, XECAM_USER_XSM_DM_OP) )
        return -EPERM;
    if ( c->size < HEAD )
        return -EFAULT;
    c->copies = 1;                      /* op and pad */
    len = xecam_dm_op_size(c->op);
    if ( !len )
        return -EOPNOTSUPP;
    if ( c->size < HEAD + len )
        return -EFAULT;
    c->copies = 2;                      /* the op's argument */
    if ( c->buf.pad )
        return -EINVAL;
    if ( c->defect == D_RAW )
        return 1;                       /* anything: the invariants only */
    if ( c->defect != D_NONE )
        return -EINVAL;
    switch ( c->op )
    {
    case XEN_DMOP_ecam_set_window:
        /* Bases are 256 MiB-aligned: the bus range is the geometry. */
        if ( !ARG(c, window)->flags &&
             ARG(c, window)->end_bus < ARG(c, window)->start_bus )
            return -EINVAL;
        if ( !allowed(c->caller, c->target, XECAM_USER_XSM_WINDOW) )
            return -EPERM;
        return dying && c->target == GUEST ? -EINVAL : 1;
    case XEN_DMOP_ecam_get_window:
        return allowed(c->caller, c->target, XECAM_USER_XSM_WINDOW) ? 1
                                                                    : -EPERM;
    case XEN_DMOP_ecam_assign:
        /* A port in front of bus 0: picked functions may be there. */
        if ( (ARG(c, assign)->flags & XEN_DMOP_ECAM_ASSIGN_ROOT_PORT) &&
             !XECAM_SBDF_BUS(ARG(c, assign)->guest_sbdf) )
            return -EINVAL;
        /* fall through */
    default:
        if ( !allowed(c->caller, c->target, XECAM_USER_XSM_ASSIGN) )
            return -EPERM;
        return dying && c->target == GUEST ? -EINVAL : 1;
    }
}

/*
 * A copy to or from the caller's buffer that faults: -EFAULT if dm_op
 * makes it, the copies in before the decision, or get_window's copy of a
 * window back out.
 */
static int copy_fault(const struct call *c, const struct state *s,
                      int want)
{
    const struct xen_dm_op_ecam_window *w = ARG(c, window);

    if ( fault_nth <= c->copies )
        return -EFAULT;
    if ( fault_nth == c->copies + 1 && c->op == XEN_DMOP_ecam_get_window &&
         want == 1 && c->defect != D_RAW && w->segment < 4 &&
         s->win[c->target == OTHER][w->segment] )
        return -EFAULT;                 /* raw fields: refused or not */

    return want;
}

/* The errnos docs/abi.md gives each op after those checks. */
static bool documented(unsigned int op, int rc)
{
    switch ( rc )
    {
    case 0: case -ESRCH: case -EPERM: case -EFAULT: case -EOPNOTSUPP:
    case -EINVAL: case -ENOMEM:
        return true;
    case -EBUSY: case -EEXIST: case -ENOENT:
        return op != XEN_DMOP_ecam_get_window || rc == -ENOENT;
    case -ENODEV: case -ENOSPC: case -EIO:
        return op >= XEN_DMOP_ecam_assign;
    case -EAGAIN:
        return op == XEN_DMOP_ecam_hotplug;
    }

    return false;
}

/* ---- Steps ---- */

static void op_call(struct input *in)
{
    unsigned int k = take(in, 1), i;
    struct state before, after;
    struct call c;
    bool armed;
    long rc;
    int want;

    memset(&c, 0, sizeof(c));
    c.caller = callers[k & 3];
    c.target = k & 0x0c ? targets[(k >> 2) & 3] : GUEST;
    c.op = XEN_DMOP_ecam_set_window + (k >> 4) % 5;
    c.defect = take(in, 1) % (2 * NR_DEFECTS);
    if ( c.defect >= NR_DEFECTS )
        c.defect = D_NONE;              /* half of them well-formed */
    if ( (k >> 4) >= 15 )
        c.op = take(in, 1);             /* any op number */
    if ( c.op == XEN_DMOP_ecam_deassign &&
         (c.defect == D_FLAGS || c.defect == D_SHAPE) )
        c.defect = D_NONE;              /* its one field to spoil: pad */
    c.buf.op = c.op;
    switch ( c.op )
    {
    case XEN_DMOP_ecam_set_window:
    case XEN_DMOP_ecam_get_window: make_window(in, &c); break;
    case XEN_DMOP_ecam_assign:     make_assign(in, &c); break;
    case XEN_DMOP_ecam_deassign:   make_deassign(in, &c); break;
    case XEN_DMOP_ecam_hotplug:    make_hotplug(in, &c); break;
    }
    if ( c.defect == D_RAW )
        for ( i = 0; i < sizeof(c.buf.u) && i < 24; i++ )
            ((uint8_t *)&c.buf.u)[i] = take(in, 1);
    if ( take(in, 1) == 0xff )
        c.buf.pad = 1 + take(in, 1);    /* dm_op's own */
    c.size = sizeof(c.buf);
    if ( take(in, 1) == 0xfe )
        c.size = take(in, 1) % sizeof(c.buf);   /* short */

    want = predict(&c);
    snapshot(&before);
    if ( fault_kinds == XECAM_FAULT_COPY )
        want = copy_fault(&c, &before, want);
    armed = fault_kinds & ~XECAM_FAULT_COPY;   /* copies: predicted */
    xecam_user_fault_arm(fault_kinds, fault_nth);
    xecam_user_set_current(c.caller);
    rc = xecam_user_dm_op(c.target, &c.buf, c.size);
    xecam_user_fault_arm(0, 0);
    fault_kinds = 0;
    snapshot(&after);

    if ( !armed && rc != want && !(want == 1 && rc <= 0) )
        fprintf(stderr, "op %u caller %u target %u defect %u size %zu: "
                "%ld, the model says %d\n", c.op, c.caller, c.target,
                c.defect, c.size, rc, want);
    CHECK(armed || rc == want || (want == 1 && rc <= 0));
    CHECK(documented(c.op, rc));
    if ( rc )
    {
        CHECK(!memcmp(&before, &after, sizeof(before)));
        return;
    }

    /* Taken: what it did. */
    i = c.target == OTHER;
    switch ( c.op )
    {
    case XEN_DMOP_ecam_set_window:
    {
        const struct xen_dm_op_ecam_window *w = ARG(&c, window);
        const struct xen_hvm_ecam_space *a = &after.w[i][w->segment & 3];

        if ( w->segment > 3 )
            break;
        CHECK(after.win[i][w->segment] == !(w->flags & XEN_DMOP_ECAM_REMOVE));
        CHECK((w->flags & XEN_DMOP_ECAM_REMOVE) ||
              (a->start_bus == w->start_bus && a->end_bus == w->end_bus &&
               a->base == w->base));
        break;
    }
    case XEN_DMOP_ecam_get_window:
    {
        const struct xen_dm_op_ecam_window *w = ARG(&c, window);
        const struct xen_hvm_ecam_space *a = &after.w[i][w->segment & 3];

        CHECK(w->segment > 3 ||
              (after.win[i][w->segment] && a->start_bus == w->start_bus &&
               a->end_bus == w->end_bus && a->base == w->base));
        CHECK(!memcmp(&before, &after, sizeof(before)));
        break;
    }
    case XEN_DMOP_ecam_assign:
        CHECK(xecam_route_vpci(d[i], ARG(&c, assign)->guest_sbdf));
        break;
    case XEN_DMOP_ecam_deassign:
        CHECK(!xecam_route_vpci(d[i], ARG(&c, deassign)->guest_sbdf));
        break;
    }
}

static void op_state(struct input *in)
{
    unsigned int k = take(in, 1);

    switch ( k & 3 )
    {
    case 0:
        dying = !dying;
        CHECK(!xecam_user_domain_dying(GUEST, dying));
        break;
    case 1:
        refused |= (k >> 2) & XECAM_USER_XSM_ALL;      /* added to */
        CHECK(!xecam_user_xsm_refuse(DM_DOM, (k >> 2) & XECAM_USER_XSM_ALL));
        break;
    default:
        /*
         * In the next call, the nth fallible port call of some kinds fails
         * (not an unmap's: that crashes the domain, as in Xen).
         */
        fault_kinds = (k >> 2) & 0x7f;
        fault_nth = 1 + take(in, 1) % 16;
        break;
    }
}

/* ---- The host, kept; the guests, made for every input ---- */

static void host_endpoint(uint32_t sbdf, domid_t owner)
{
    uint8_t cfg[XECAM_CFG_SIZE];

    fz_endpoint(cfg);
    CHECK(!xecam_user_pdev_add(sbdf, cfg, sizeof(cfg)));
    CHECK(!xecam_user_pdev_owner(sbdf, owner));
}

static void setup(void)
{
    static bool built;
    struct xen_hvm_ecam_space w = {
        .domid = GUEST, .segment = 0, .start_bus = 0, .end_bus = 255,
        .base = 0xe0000000ULL,
    };

    if ( !built )
    {
        xecam_user_reset();
        xecam_user_ioreq_timeout(1);
        xecam_user_domain_privileged(TOOLSTACK);
        host_endpoint(hfn[0], GUEST);
        host_endpoint(hfn[1], GUEST);
        host_endpoint(hfn[2], OTHER);
        built = true;
    }
    CHECK(!xecam_user_domain_add(GUEST, 0, &d[0]));
    CHECK(!xecam_user_domain_add(OTHER, 0, &d[1]));
    CHECK(!xecam_user_domain_dm(DM_DOM, GUEST));
    CHECK(!xecam_user_p2m_add(GUEST, 0, 0x80000000ULL));
    xecam_user_set_current(TOOLSTACK);
    CHECK(!xecam_user_hvm_op(HVMOP_set_ecam_space, &w));
    xecam_user_log_ratelimit(10, 5000);
    refused = fault_kinds = 0;
    dying = false;
}

static void teardown(void)
{
    xecam_user_fault_arm(0, 0);
    xecam_user_domain_remove(GUEST);
    xecam_user_domain_remove(OTHER);
    xecam_user_domain_remove(DM_DOM);
    xecam_user_log_clear();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = { .p = data, .left = size };
    unsigned int steps = 0;

    setup();
    while ( in.left && steps++ < MAX_STEPS )
    {
        if ( take(&in, 1) % 8 == 7 )
            op_state(&in);
        else
            op_call(&in);
        CHECK(xecam_user_log_lines() <= MAX_LOG);
    }
    teardown();

    return 0;
}
