/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ECAM DMOPs (public/hvm/ecam_dm_op.h) through the userspace port's
 * dm_op, which runs them as Xen's dm_op() does: the layout and numbers,
 * dm_op's own refusals, the window ops against the HVMOPs, and device
 * assignment, every refusal with its errno and nothing changed after it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <public/hvm/ecam_dm_op.h>
#include <xen/hvm/dm_op.h>
#include "helpers.h"

#define BASE      0xe0000000ULL
#define HOST      XECAM_SBDF(0, 0x05, 0, 0)
#define HOST2     XECAM_SBDF(0, 0x06, 0, 0)
#define G_EP0     XECAM_SBDF(0, 0, 3, 0)        /* on bus 0 */
#define G_EP1     XECAM_SBDF(0, 1, 0, 0)        /* behind the Root Port */
#define PORT_DF   ((0x1c << 3) | 0)             /* its devfn on bus 0 */
#define G_PORT    XECAM_SBDF(0, 0, 0x1c, 0)
#define NO_DOM    7
#define BUS0(df)  XECAM_SBDF(0, 0, (df) >> 3, (df) & 7)

static struct xecam_domain *d;

/* ---- Helpers ---- */

/* dm_op as 'caller' on 'domid': struct xen_dm_op with 'arg' in its union. */
static long dmop(domid_t caller, domid_t domid, unsigned int op, void *arg,
                 size_t len)
{
    struct xen_dm_op buf = { .op = op };
    long rc;

    assert_true(len <= sizeof(buf.u));
    memcpy(&buf.u, arg, len);
    xecam_user_set_current(caller);
    rc = xecam_user_dm_op(domid, &buf, sizeof(buf));
    memcpy(arg, &buf.u, len);

    return rc;
}

static struct xen_dm_op_ecam_window win(uint16_t seg, uint8_t start,
                                        uint8_t end, uint64_t base)
{
    struct xen_dm_op_ecam_window w = {
        .segment = seg, .start_bus = start, .end_bus = end, .base = base,
    };

    return w;
}

static long set_win(domid_t caller, struct xen_dm_op_ecam_window w)
{
    return dmop(caller, GUEST, XEN_DMOP_ecam_set_window, &w, sizeof(w));
}

static long get_win(domid_t caller, struct xen_dm_op_ecam_window *w)
{
    return dmop(caller, GUEST, XEN_DMOP_ecam_get_window, w, sizeof(*w));
}

static struct xen_dm_op_ecam_assign asg(uint32_t host, uint32_t guest,
                                        uint32_t flags, uint8_t port)
{
    struct xen_dm_op_ecam_assign a = {
        .host_sbdf = host, .guest_sbdf = guest, .flags = flags,
        .root_port = port,
    };

    return a;
}

static long assign(domid_t caller, struct xen_dm_op_ecam_assign a)
{
    return dmop(caller, GUEST, XEN_DMOP_ecam_assign, &a, sizeof(a));
}

static long assign_port(uint32_t host, uint32_t guest, uint8_t port)
{
    return assign(DM_DOM, asg(host, guest, XEN_DMOP_ECAM_ASSIGN_ROOT_PORT,
                              port));
}

static long deassign(domid_t caller, uint32_t guest)
{
    struct xen_dm_op_ecam_deassign a = { .guest_sbdf = guest };

    return dmop(caller, GUEST, XEN_DMOP_ecam_deassign, &a, sizeof(a));
}

static uint64_t gpa(uint32_t sbdf, unsigned int reg)
{
    return BASE + ((uint64_t)XECAM_SBDF_BUS(sbdf) << 20) +
           ((uint64_t)XECAM_SBDF_DEVFN(sbdf) << 12) + reg;
}

static void wr(uint32_t sbdf, unsigned int reg, unsigned int size,
               uint32_t v)
{
    xecam_mmio_write(d, 0, gpa(sbdf, reg), size, v);
}

/* What the guest reads through its window. */
static uint32_t rd(uint32_t sbdf, unsigned int reg, unsigned int size)
{
    uint64_t v = 0;

    xecam_mmio_read(d, 0, gpa(sbdf, reg), size, &v);

    return v;
}

/* A PCI Express endpoint (type 0, PCIe capability v2 at 0x40), GUEST's. */
static void host_endpoint(uint32_t sbdf, domid_t owner)
{
    uint8_t cfg[XECAM_CFG_SIZE] = { 0 };

    h_put(cfg, 0x00, 4, 0x12348086);
    cfg[0x06] = 0x10;                   /* CAP_LIST */
    cfg[0x0b] = 0x02;                   /* network */
    cfg[0x34] = 0x40;
    h_put(cfg, 0x40, 4, 0x00020010);    /* PCIe v2 endpoint, end of chain */
    cfg[0x4c] = 0x11; cfg[0x52] = 0x11; /* link x1 2.5GT */
    assert_int_equal(xecam_user_pdev_add(sbdf, cfg, sizeof(cfg)), 0);
    assert_int_equal(xecam_user_pdev_owner(sbdf, owner), 0);
}

/* Nothing at these guest functions; nothing has reached a host device. */
static void nothing_at(uint32_t a, uint32_t b)
{
    assert_null(xecam_route_vpci(d, a));
    assert_null(xecam_route_vpci(d, b));
    assert_int_equal(rd(a, 0, 4), 0xffffffff);
    assert_int_equal(rd(b, 0, 4), 0xffffffff);
    assert_int_equal(xecam_user_pdev_writes(), 0);
}

static int setup(void **state)
{
    d = h_host(0);
    assert_non_null(d);
    assert_int_equal(set_win(TOOLSTACK, win(0, 0, 255, BASE)), 0);
    host_endpoint(HOST, GUEST);
    host_endpoint(HOST2, GUEST);
    xecam_user_pdev_log_clear();
    xecam_user_log_clear();

    return 0;
}

static int teardown(void **state)
{
    xecam_user_reset();

    return 0;
}

/* ---- The ABI ---- */

static void test_abi(void **state)
{
    assert_int_equal(XEN_DMOP_ecam_set_window, 21);
    assert_int_equal(XEN_DMOP_ecam_get_window, 22);
    assert_int_equal(XEN_DMOP_ecam_assign, 23);
    assert_int_equal(XEN_DMOP_ecam_deassign, 24);
    /* After every op of Xen 4.17's own dm_op.h. */
    assert_true(XEN_DMOP_ecam_set_window > XEN_DMOP_nr_vcpus);

    assert_int_equal(sizeof(struct xen_dm_op_ecam_window), 24);
    assert_int_equal(offsetof(struct xen_dm_op_ecam_window, segment), 0);
    assert_int_equal(offsetof(struct xen_dm_op_ecam_window, start_bus), 2);
    assert_int_equal(offsetof(struct xen_dm_op_ecam_window, end_bus), 3);
    assert_int_equal(offsetof(struct xen_dm_op_ecam_window, flags), 4);
    assert_int_equal(offsetof(struct xen_dm_op_ecam_window, pad), 6);
    assert_int_equal(offsetof(struct xen_dm_op_ecam_window, base), 8);
    assert_int_equal(offsetof(struct xen_dm_op_ecam_window, rsvd), 16);
    assert_int_equal(sizeof(struct xen_dm_op_ecam_assign), 16);
    assert_int_equal(offsetof(struct xen_dm_op_ecam_assign, host_sbdf), 0);
    assert_int_equal(offsetof(struct xen_dm_op_ecam_assign, guest_sbdf), 4);
    assert_int_equal(offsetof(struct xen_dm_op_ecam_assign, flags), 8);
    assert_int_equal(offsetof(struct xen_dm_op_ecam_assign, root_port), 12);
    assert_int_equal(offsetof(struct xen_dm_op_ecam_assign, pad), 13);
    assert_int_equal(sizeof(struct xen_dm_op_ecam_deassign), 8);
    assert_int_equal(offsetof(struct xen_dm_op_ecam_deassign, pad), 4);
    /* Each fits struct xen_dm_op's union, which stays as it is. */
    assert_int_equal(sizeof(((struct xen_dm_op *)0)->u), 24);

    assert_int_equal(XEN_DMOP_ECAM_REMOVE, XEN_HVM_ECAM_REMOVE);
    assert_int_equal(XEN_DMOP_ECAM_ASSIGN_PERMISSIVE, 1);
    assert_int_equal(XEN_DMOP_ECAM_ASSIGN_HIDDEN, 2);
    assert_int_equal(XEN_DMOP_ECAM_ASSIGN_NO_RCIEP, 4);
    assert_int_equal(XEN_DMOP_ECAM_ASSIGN_IRQ_CONTROL, 8);
    assert_int_equal(XEN_DMOP_ECAM_ASSIGN_ROOT_PORT, 16);
    assert_int_equal(xecam_dm_op_size(XEN_DMOP_ecam_set_window), 24);
    assert_int_equal(xecam_dm_op_size(XEN_DMOP_ecam_get_window), 24);
    assert_int_equal(xecam_dm_op_size(XEN_DMOP_ecam_assign), 16);
    assert_int_equal(xecam_dm_op_size(XEN_DMOP_ecam_deassign), 8);
    assert_int_equal(xecam_dm_op_size(XEN_DMOP_nr_vcpus), 0);
}

/* ---- dm_op's own refusals, before any op ---- */

static void test_dm_op_refusals(void **state)
{
    struct xen_dm_op_ecam_window w = win(0, 0, 0, 0);
    struct xen_dm_op buf = { .op = XEN_DMOP_ecam_get_window };
    unsigned int op;

    /* No such domain; the caller itself; neither its toolstack nor DM. */
    assert_int_equal(dmop(DM_DOM, NO_DOM, XEN_DMOP_ecam_get_window, &w,
                          sizeof(w)), -ESRCH);
    assert_int_equal(dmop(DM_DOM, DOMID_SELF, XEN_DMOP_ecam_get_window, &w,
                          sizeof(w)), -ESRCH);
    assert_int_equal(get_win(GUEST, &w), -EPERM);
    assert_int_equal(get_win(OTHER, &w), -EPERM);
    assert_int_equal(dmop(DM_DOM, OTHER, XEN_DMOP_ecam_get_window, &w,
                          sizeof(w)), -EPERM);
    /* Short buffers, a copy fault. */
    xecam_user_set_current(DM_DOM);
    assert_int_equal(xecam_user_dm_op(GUEST, &buf, 7), -EFAULT);
    assert_int_equal(xecam_user_dm_op(GUEST, &buf, 8 + 23), -EFAULT);
    assert_int_equal(xecam_user_dm_op(GUEST, NULL, sizeof(buf)), -EFAULT);
    xecam_user_fault_arm(XECAM_FAULT_COPY, 2);
    assert_int_equal(xecam_user_dm_op(GUEST, &buf, sizeof(buf)), -EFAULT);
    xecam_user_fault_arm(0, 0);
    /* An exact buffer will do. */
    assert_int_equal(xecam_user_dm_op(GUEST, &buf, 8 + 24), 0);
    /* dm_op's pad. */
    buf.pad = 1;
    assert_int_equal(xecam_user_dm_op(GUEST, &buf, sizeof(buf)), -EINVAL);
    /* Other ops are not ours: 4.17's, and 26 on. */
    for ( op = 0; op < 64; op++ )
        if ( op < XEN_DMOP_ecam_set_window || op > XEN_DMOP_ecam_hotplug )
        {
            struct xen_dm_op other = { .op = op };

            assert_int_equal(xecam_user_dm_op(GUEST, &other, sizeof(other)),
                             -EOPNOTSUPP);
        }
    /* dm_op's XSM check, apart from the ops' own. */
    assert_int_equal(xecam_user_xsm_refuse(DM_DOM, XECAM_USER_XSM_DM_OP), 0);
    assert_int_equal(get_win(DM_DOM, &w), -EPERM);
    assert_int_equal(deassign(DM_DOM, G_EP0), -EPERM);
    assert_int_equal(get_win(TOOLSTACK, &w), 0);
}

/*
 * Never for oneself: dm_op refuses its caller as target, and the core,
 * called for it all the same, refuses assignment and placement (reading
 * stays as the HVMOP allows it).
 */
static void test_self(void **state)
{
    struct xen_dm_op_ecam_window w = win(0, 0, 0, 0);
    struct xen_dm_op_ecam_assign a = asg(HOST, G_EP0, 0, 0);
    struct xen_dm_op_ecam_deassign da = { .guest_sbdf = G_EP0 };
    struct xecam_domain *self;
    bool copy_back;

    /* A privileged HVM domain: dm_op on itself is still refused. */
    assert_int_equal(xecam_user_domain_add(NO_DOM, 0, &self), 0);
    assert_int_equal(xecam_user_domain_privileged(NO_DOM), 0);
    host_endpoint(XECAM_SBDF(0, 7, 0, 0), NO_DOM);
    assert_int_equal(dmop(NO_DOM, NO_DOM, XEN_DMOP_ecam_get_window, &w,
                          sizeof(w)), -EPERM);
    assert_int_equal(dmop(NO_DOM, GUEST, XEN_DMOP_ecam_get_window, &w,
                          sizeof(w)), 0);

    xecam_user_set_current(NO_DOM);
    a.host_sbdf = XECAM_SBDF(0, 7, 0, 0);
    assert_int_equal(xecam_dm_op(self, XEN_DMOP_ecam_assign, &a, &copy_back),
                     -EPERM);
    assert_int_equal(xecam_dm_op(self, XEN_DMOP_ecam_deassign, &da,
                                 &copy_back), -EPERM);
    w = win(0, 0, 0, BASE);
    assert_int_equal(xecam_dm_op(self, XEN_DMOP_ecam_set_window, &w,
                                 &copy_back), -EPERM);
    w = win(0, 0, 0, 0);
    assert_int_equal(xecam_dm_op(self, XEN_DMOP_ecam_get_window, &w,
                                 &copy_back), -ENOENT);
    assert_int_equal(xecam_dm_op(self, XEN_DMOP_nr_vcpus, &w, &copy_back),
                     -EOPNOTSUPP);
    assert_false(copy_back);
}

/* ---- Windows: the HVMOPs' rules, on dm_op's domain ---- */

static void test_window_set_get_remove(void **state)
{
    struct xen_dm_op_ecam_window w = win(1, 0, 15, 0x80000000ULL);
    struct xen_hvm_ecam_space s;

    /* The device model places it; the HVMOP reads it back. */
    assert_int_equal(set_win(DM_DOM, w), 0);
    assert_int_equal(h_get(TOOLSTACK, GUEST, 1, &s), 0);
    assert_int_equal(s.start_bus, 0);
    assert_int_equal(s.end_bus, 15);
    assert_int_equal(s.base, 0x80000000ULL);
    assert_true(xecam_mmio_accept(d, 0x80000000ULL + (15 << 20)));
    assert_int_equal(xecam_user_log_count("segment 0001 buses 00-0f at "
                                          "0x80000000 placed"), 1);

    /* get: OUT fields only, whatever came in. */
    w = win(1, 0x77, 0x66, 0x1234);
    assert_int_equal(get_win(DM_DOM, &w), 0);
    assert_int_equal(w.segment, 1);
    assert_int_equal(w.start_bus, 0);
    assert_int_equal(w.end_bus, 15);
    assert_int_equal(w.base, 0x80000000ULL);

    /* remove, then get: -ENOENT and the argument as it was. */
    w = win(1, 0, 0, 0);
    w.flags = XEN_DMOP_ECAM_REMOVE;
    assert_int_equal(set_win(DM_DOM, w), 0);
    assert_false(xecam_mmio_accept(d, 0x80000000ULL));
    w = win(1, 0x77, 0x66, 0x1234);
    assert_int_equal(get_win(DM_DOM, &w), -ENOENT);
    assert_int_equal(w.start_bus, 0x77);
    assert_int_equal(w.base, 0x1234);
    w = win(1, 0, 0, 0);
    w.flags = XEN_DMOP_ECAM_REMOVE;
    assert_int_equal(set_win(TOOLSTACK, w), -ENOENT);
}

static void test_window_refusals(void **state)
{
    struct xen_dm_op_ecam_window w, ok = win(2, 0, 0, 0x90000000ULL);
    struct xen_hvm_ecam_space s;
    unsigned int i;

    /* Arguments: the HVMOP's checks, and the DMOP's own pad. */
    w = ok; w.pad = 1;
    assert_int_equal(set_win(DM_DOM, w), -EINVAL);
    w = ok; w.rsvd[0] = 1;
    assert_int_equal(set_win(DM_DOM, w), -EINVAL);
    w = ok; w.rsvd[1] = 0x80000000U;
    assert_int_equal(set_win(DM_DOM, w), -EINVAL);
    for ( i = 1; i < 16; i++ )
    {
        w = ok;
        w.flags = 1U << i;
        assert_int_equal(set_win(DM_DOM, w), -EINVAL);
    }
    w = ok; w.flags = XEN_DMOP_ECAM_REMOVE;
    assert_int_equal(set_win(DM_DOM, w), -EINVAL);
    assert_int_equal(set_win(DM_DOM, win(2, 3, 2, 0x90000000ULL)), -EINVAL);
    assert_int_equal(set_win(DM_DOM, win(2, 0, 2, 0x90100000ULL)), -EINVAL);
    /* Arguments before rights. */
    assert_int_equal(xecam_user_xsm_refuse(DM_DOM, XECAM_USER_XSM_WINDOW), 0);
    w = ok; w.pad = 1;
    assert_int_equal(set_win(DM_DOM, w), -EINVAL);
    /* The windows' own hook: dm_op passed, the op refused. */
    assert_int_equal(set_win(DM_DOM, ok), -EPERM);
    w = win(0, 0, 0, 0);
    assert_int_equal(get_win(DM_DOM, &w), -EPERM);
    /* get: flags, pad, rsvd. */
    w = win(0, 0, 0, 0); w.flags = 1;
    assert_int_equal(get_win(TOOLSTACK, &w), -EINVAL);
    w = win(0, 0, 0, 0); w.pad = 1;
    assert_int_equal(get_win(TOOLSTACK, &w), -EINVAL);
    w = win(0, 0, 0, 0); w.rsvd[1] = 1;
    assert_int_equal(get_win(TOOLSTACK, &w), -EINVAL);
    /* State: the segment has one, another overlaps, RAM is there. */
    assert_int_equal(set_win(TOOLSTACK, win(0, 0, 0, 0x90000000ULL)), -EBUSY);
    assert_int_equal(set_win(TOOLSTACK, win(3, 0, 0, BASE)), -EEXIST);
    assert_int_equal(xecam_user_p2m_add(GUEST, 0x90000000ULL, 4096), 0);
    assert_int_equal(set_win(TOOLSTACK, ok), -EEXIST);
    /* Nothing changed: segment 0 as placed, no other. */
    assert_int_equal(h_get(TOOLSTACK, GUEST, 0, &s), 0);
    assert_int_equal(s.base, BASE);
    for ( i = 1; i < 4; i++ )
        assert_int_equal(h_get(TOOLSTACK, GUEST, i, &s), -ENOENT);
}

/* A placement preempted in its p2m walk goes on where it stopped. */
static void test_window_preempted(void **state)
{
    struct xen_dm_op_ecam_window w = win(4, 0, 255, 0x100000000ULL);
    unsigned int n = 0;
    long rc;

    assert_int_equal(xecam_user_p2m_preempt(GUEST, 16 << 20), 0);
    while ( (rc = set_win(DM_DOM, w)) == -ERESTART )
        assert_true(++n < 100);
    assert_int_equal(rc, 0);
    assert_int_equal(n, 15);
    assert_true(xecam_mmio_accept(d, 0x100000000ULL + (255 << 20)));
}

/* On a dying domain set_window changes nothing, as the HVMOP does. */
static void test_window_dying(void **state)
{
    struct xen_dm_op_ecam_window w = win(4, 0, 0, 0x100000000ULL);

    assert_int_equal(xecam_user_domain_dying(GUEST, true), 0);
    assert_int_equal(set_win(DM_DOM, w), -EINVAL);
    assert_false(xecam_mmio_accept(d, 0x100000000ULL));
    assert_int_equal(xecam_user_domain_dying(GUEST, false), 0);
    assert_int_equal(set_win(DM_DOM, w), 0);
    assert_true(xecam_mmio_accept(d, 0x100000000ULL));
}

/* ---- Assignment ---- */

static void test_assign_deassign(void **state)
{
    struct xecam_vpci *v;

    assert_int_equal(assign(DM_DOM, asg(HOST, G_EP0, 0, 0)), 0);
    v = xecam_route_vpci(d, G_EP0);
    assert_non_null(v);
    assert_int_equal(xecam_vpci_host_of(v), HOST);
    assert_int_equal(rd(G_EP0, 0, 4), 0x12348086);
    /* On bus 0 it is a Root Complex Integrated Endpoint. */
    assert_int_equal((rd(G_EP0, 0x42, 1) >> 4) & 0xf, 0x9);
    assert_int_equal(xecam_user_log_count("0000:05:00.0 assigned at "
                                          "0000:00:03.0"), 1);

    assert_int_equal(deassign(DM_DOM, G_EP0), 0);
    assert_null(xecam_route_vpci(d, G_EP0));
    assert_int_equal(rd(G_EP0, 0, 4), 0xffffffff);
    assert_int_equal(deassign(DM_DOM, G_EP0), -ENOENT);
    /* The toolstack may too; again at the same place. */
    assert_int_equal(assign(TOOLSTACK, asg(HOST, G_EP0, 0, 0)), 0);
    assert_int_equal(deassign(TOOLSTACK, G_EP0), 0);
}

static void test_assign_options(void **state)
{
    /* no-rciep: an endpoint on bus 0 stays one. */
    assert_int_equal(assign(DM_DOM, asg(HOST, G_EP0,
                                        XEN_DMOP_ECAM_ASSIGN_NO_RCIEP, 0)), 0);
    assert_int_equal((rd(G_EP0, 0x42, 1) >> 4) & 0xf, 0x0);
    assert_int_equal(deassign(DM_DOM, G_EP0), 0);

    /* hidden: assigned, the guest sees nothing. */
    assert_int_equal(assign(DM_DOM, asg(HOST, G_EP0,
                                        XEN_DMOP_ECAM_ASSIGN_HIDDEN, 0)), 0);
    assert_non_null(xecam_route_vpci(d, G_EP0));
    assert_int_equal(rd(G_EP0, 0, 4), 0xffffffff);
    assert_int_equal(deassign(DM_DOM, G_EP0), 0);

    /* permissive: a write to a byte nothing claims reaches the device. */
    assert_int_equal(assign(DM_DOM, asg(HOST, G_EP0, 0, 0)), 0);
    xecam_user_pdev_log_clear();
    xecam_mmio_write(d, 0, gpa(G_EP0, 0x80), 4, 0x5a5a5a5a);
    assert_int_equal(xecam_user_pdev_writes(), 0);
    assert_int_equal(deassign(DM_DOM, G_EP0), 0);
    assert_int_equal(assign(DM_DOM, asg(HOST, G_EP0,
                                        XEN_DMOP_ECAM_ASSIGN_PERMISSIVE, 0)),
                     0);
    xecam_user_pdev_log_clear();
    xecam_mmio_write(d, 0, gpa(G_EP0, 0x80), 4, 0x5a5a5a5a);
    assert_int_equal(xecam_user_pdev_writes(), 1);
    assert_int_equal(xecam_user_log_count(", permissive"), 1);
    assert_int_equal(deassign(DM_DOM, G_EP0), 0);

    /* interrupt control: taken. */
    assert_int_equal(assign(DM_DOM, asg(HOST, G_EP0,
                                        XEN_DMOP_ECAM_ASSIGN_IRQ_CONTROL, 0)),
                     0);
    assert_int_equal(deassign(DM_DOM, G_EP0), 0);
}

static long hp(domid_t caller, uint32_t op, uint32_t port, uint32_t host,
              uint32_t flags, uint8_t secondary)
{
    struct xen_dm_op_ecam_hotplug h = {
        .op = op, .port_sbdf = port, .host_sbdf = host, .flags = flags,
        .secondary = secondary,
    };

    return dmop(caller, GUEST, XEN_DMOP_ecam_hotplug, &h, sizeof(h));
}

/* XEN_DMOP_ecam_hotplug: an empty port, add, button, remove. */
static void test_hotplug(void **state)
{
    assert_int_equal(hp(DM_DOM, XEN_DMOP_ECAM_HOTPLUG_PORT, G_PORT, 0, 0, 1),
                     0);
    assert_int_equal(rd(G_PORT, 0x00, 4), 0xc0de5853);
    assert_int_equal(rd(G_PORT, 0x5a, 2) & 0x40, 0);      /* empty */
    assert_int_equal(hp(DM_DOM, XEN_DMOP_ECAM_HOTPLUG_ADD, G_PORT, HOST,
                        XEN_DMOP_ECAM_ASSIGN_PERMISSIVE, 0), 0);
    assert_int_equal(rd(G_PORT, 0x5a, 2), 0x48);          /* PDS, PDC */
    wr(G_PORT, 0x58, 2, 0);                               /* powered on */
    assert_int_equal(rd(G_EP1, 0x00, 4), 0x12348086);
    assert_int_equal(hp(DM_DOM, XEN_DMOP_ECAM_HOTPLUG_BUTTON, G_PORT, 0, 0,
                        0), 0);
    /* Not powered off by the guest: still its. */
    assert_int_equal(hp(DM_DOM, XEN_DMOP_ECAM_HOTPLUG_REMOVE, G_PORT, 0, 0,
                        0), -EBUSY);
    wr(G_PORT, 0x58, 2, 0x0400);
    assert_int_equal(hp(DM_DOM, XEN_DMOP_ECAM_HOTPLUG_REMOVE, G_PORT, 0, 0,
                        0), 0);
    nothing_at(G_EP1, G_EP1);
    /* Surprise, and the empty port goes with a deassignment. */
    wr(G_PORT, 0x5a, 2, 0xffff);
    assert_int_equal(hp(DM_DOM, XEN_DMOP_ECAM_HOTPLUG_ADD, G_PORT, HOST, 0,
                        0), 0);
    assert_int_equal(hp(DM_DOM, XEN_DMOP_ECAM_HOTPLUG_SURPRISE, G_PORT, 0,
                        0, 0), 0);
    assert_int_equal(deassign(DM_DOM, G_PORT), 0);
    nothing_at(G_PORT, G_EP1);
}

/* Every argument the op does not use is zero; the caller needs rights. */
static void test_hotplug_refusals(void **state)
{
    struct xen_dm_op_ecam_hotplug h = { .op = XEN_DMOP_ECAM_HOTPLUG_PORT,
                                        .port_sbdf = G_PORT, .secondary = 1 };

    assert_int_equal(hp(DM_DOM, 5, G_PORT, 0, 0, 0), -EINVAL);
    assert_int_equal(hp(DM_DOM, XEN_DMOP_ECAM_HOTPLUG_PORT, G_PORT, 0, 0, 0),
                     -EINVAL);
    assert_int_equal(hp(DM_DOM, XEN_DMOP_ECAM_HOTPLUG_PORT, G_EP1, 0, 0, 1),
                     -EINVAL);
    assert_int_equal(hp(DM_DOM, XEN_DMOP_ECAM_HOTPLUG_BUTTON, G_PORT, HOST,
                        0, 0), -EINVAL);
    assert_int_equal(hp(DM_DOM, XEN_DMOP_ECAM_HOTPLUG_ADD, G_PORT, HOST,
                        XEN_DMOP_ECAM_ASSIGN_ROOT_PORT, 0), -EINVAL);
    h.pad[2] = 1;
    assert_int_equal(dmop(DM_DOM, GUEST, XEN_DMOP_ecam_hotplug, &h,
                          sizeof(h)), -EINVAL);
    /* The guest itself may not. */
    assert_int_equal(hp(GUEST, XEN_DMOP_ECAM_HOTPLUG_PORT, G_PORT, 0, 0, 1),
                     -EPERM);
    /* No port; then a port, and a function the domain does not own. */
    assert_int_equal(hp(DM_DOM, XEN_DMOP_ECAM_HOTPLUG_BUTTON, G_PORT, 0, 0,
                        0), -ENODEV);
    assert_int_equal(hp(DM_DOM, XEN_DMOP_ECAM_HOTPLUG_PORT, G_PORT, 0, 0, 1),
                     0);
    host_endpoint(XECAM_SBDF(0, 7, 0, 0), NO_DOM);
    assert_int_equal(hp(DM_DOM, XEN_DMOP_ECAM_HOTPLUG_ADD, G_PORT,
                        XECAM_SBDF(0, 7, 0, 0), 0, 0), -EPERM);
    /* A port an assignment brought is that assignment's alone. */
    assert_int_equal(assign_port(HOST, XECAM_SBDF(0, 2, 0, 0),
                                 (0x1d << 3)), 0);
    assert_int_equal(hp(DM_DOM, XEN_DMOP_ECAM_HOTPLUG_BUTTON,
                        XECAM_SBDF(0, 0, 0x1d, 0), 0, 0, 0), -EBUSY);
}

/*
 * XEN_DMOP_ecam_hotplug's refusals past its arguments: the rights and the
 * domain's life as assign checks them, flags on an op other than ADD, and
 * each op the slot's state refuses, through the DMOP.
 */
static void test_hotplug_state_refusals(void **state)
{
    const uint16_t ctl_on = 0x0020 | 0x0001 | 0x03c0;  /* HPIE, ABPE */

    assert_int_equal(hp(DM_DOM, XEN_DMOP_ECAM_HOTPLUG_BUTTON, G_PORT, 0,
                        XEN_DMOP_ECAM_ASSIGN_PERMISSIVE, 0), -EINVAL);
    assert_int_equal(xecam_user_domain_dying(GUEST, true), 0);
    assert_int_equal(hp(DM_DOM, XEN_DMOP_ECAM_HOTPLUG_PORT, G_PORT, 0, 0, 1),
                     -EINVAL);
    assert_int_equal(xecam_user_domain_dying(GUEST, false), 0);
    assert_int_equal(xecam_user_xsm_refuse(DM_DOM, XECAM_USER_XSM_ASSIGN), 0);
    assert_int_equal(hp(DM_DOM, XEN_DMOP_ECAM_HOTPLUG_PORT, G_PORT, 0, 0, 1),
                     -EPERM);
    assert_null(xecam_route_vpci(d, G_PORT));

    /* The slot's own refusals, the toolstack asking. */
    assert_int_equal(hp(TOOLSTACK, XEN_DMOP_ECAM_HOTPLUG_PORT, G_PORT, 0, 0,
                        1), 0);
    assert_int_equal(hp(TOOLSTACK, XEN_DMOP_ECAM_HOTPLUG_PORT, G_PORT, 0, 0,
                        2), -EEXIST);
    assert_int_equal(hp(TOOLSTACK, XEN_DMOP_ECAM_HOTPLUG_BUTTON, G_PORT, 0, 0,
                        0), -ENOENT);
    assert_int_equal(hp(TOOLSTACK, XEN_DMOP_ECAM_HOTPLUG_REMOVE, G_PORT, 0, 0,
                        0), -ENOENT);
    assert_int_equal(hp(TOOLSTACK, XEN_DMOP_ECAM_HOTPLUG_SURPRISE, G_PORT, 0,
                        0, 0), -ENOENT);
    wr(G_PORT, 0x58, 2, ctl_on);
    assert_int_equal(hp(TOOLSTACK, XEN_DMOP_ECAM_HOTPLUG_ADD, G_PORT, HOST, 0,
                        0), 0);
    assert_int_equal(hp(TOOLSTACK, XEN_DMOP_ECAM_HOTPLUG_ADD, G_PORT, HOST2,
                        0, 0), -EBUSY);
    assert_int_equal(hp(TOOLSTACK, XEN_DMOP_ECAM_HOTPLUG_BUTTON, G_PORT, 0, 0,
                        0), 0);
    assert_int_equal(hp(TOOLSTACK, XEN_DMOP_ECAM_HOTPLUG_BUTTON, G_PORT, 0, 0,
                        0), -EAGAIN);
    /* Gone by surprise; the button press is not acknowledged yet. */
    assert_int_equal(hp(TOOLSTACK, XEN_DMOP_ECAM_HOTPLUG_SURPRISE, G_PORT, 0,
                        0, 0), 0);
    assert_int_equal(hp(TOOLSTACK, XEN_DMOP_ECAM_HOTPLUG_ADD, G_PORT, HOST, 0,
                        0), -EAGAIN);
    assert_null(xecam_route_vpci(d, G_EP1));
}

/* get_window's answer cannot be copied back: -EFAULT, nothing changed. */
static void test_get_window_copy_out_fault(void **state)
{
    struct xen_dm_op_ecam_window w = win(0, 0, 0, 0);

    xecam_user_fault_arm(XECAM_FAULT_COPY, 3);  /* in, in, then out */
    assert_int_equal(get_win(DM_DOM, &w), -EFAULT);
    assert_true(xecam_user_fault_fired());
    xecam_user_fault_arm(0, 0);
    w = win(0, 0, 0, 0);
    assert_int_equal(get_win(DM_DOM, &w), 0);
    assert_int_equal(w.end_bus, 255);
    assert_int_equal(w.base, BASE);
}

static void test_assign_root_port(void **state)
{
    assert_int_equal(assign_port(HOST, G_EP1, PORT_DF), 0);
    /* The emulated Root Port, secondary bus 1, and the endpoint behind. */
    assert_int_equal(rd(G_PORT, 0x00, 4), 0xc0de5853);
    assert_int_equal(rd(G_PORT, 0x18, 4), 0x00010100);
    assert_int_equal(rd(G_EP1, 0x00, 4), 0x12348086);
    assert_int_equal((rd(G_EP1, 0x42, 1) >> 4) & 0xf, 0x0);

    /* The port is not deassigned on its own; the endpoint takes it along. */
    assert_int_equal(deassign(DM_DOM, G_PORT), -EBUSY);
    assert_int_equal(rd(G_PORT, 0x00, 4), 0xc0de5853);
    assert_int_equal(deassign(DM_DOM, G_EP1), 0);
    nothing_at(G_PORT, G_EP1);
    /* And it can come again. */
    assert_int_equal(assign_port(HOST, G_EP1, PORT_DF), 0);
    assert_int_equal(rd(G_PORT, 0x00, 4), 0xc0de5853);
}

/*
 * A failed deassignment changes nothing: the function gone by another way
 * (the core's own call), the port stays, still not deassigned on its own.
 */
static void test_deassign_gone(void **state)
{
    assert_int_equal(assign_port(HOST, G_EP1, PORT_DF), 0);
    assert_int_equal(xecam_deassign_device(d, G_EP1), 0);
    assert_int_equal(deassign(DM_DOM, G_EP1), -ENOENT);
    assert_int_equal(deassign(DM_DOM, G_EP1), -ENOENT);
    assert_int_equal(deassign(DM_DOM, G_PORT), -EBUSY);
    assert_int_equal(rd(G_PORT, 0x00, 4), 0xc0de5853);
}

/*
 * A deassignment preempted while the function's BARs are unmapped answers
 * -ERESTART (dm_op's continuation) until done; the Root Port stays until
 * then, and still refuses to go while another function came behind it.
 */
static void test_deassign_preempted(void **state)
{
    uint32_t g_fn1 = XECAM_SBDF(0, 1, 0, 1);
    struct xecam_user_mapping m[4];
    unsigned int calls = 0;
    long rc;

    assert_int_equal(xecam_user_pdev_bar(HOST, 0, 0x100000), 0);
    assert_int_equal(assign_port(HOST, G_EP1, PORT_DF), 0);
    xecam_mmio_write(d, 0, gpa(G_EP1, 0x10), 4, 0xf0000000U);
    xecam_mmio_write(d, 0, gpa(G_EP1, 0x04), 2, 0x0002);
    assert_int_equal(xecam_user_mappings(GUEST, m, 4), 1);

    assert_int_equal(xecam_user_map_preempt(GUEST, 0x10000), 0);
    assert_int_equal(deassign(DM_DOM, G_EP1), -ERESTART);
    assert_int_equal(rd(G_EP1, 0, 4), 0xffffffff);
    assert_int_equal(rd(G_PORT, 0, 4), 0xc0de5853);
    /* Another function behind the port meanwhile: it stays for that one. */
    assert_int_equal(assign(DM_DOM, asg(HOST2, g_fn1, 0, 0)), 0);
    assert_int_equal(deassign(DM_DOM, G_EP1), -EBUSY);
    assert_int_equal(deassign(DM_DOM, g_fn1), 0);
    while ( (rc = deassign(DM_DOM, G_EP1)) == -ERESTART )
        assert_true(++calls < 100);
    assert_int_equal(rc, 0);
    assert_true(calls > 0);
    assert_int_equal(xecam_user_mappings(GUEST, m, 4), 0);
    assert_null(xecam_route_vpci(d, G_PORT));
    assert_int_equal(rd(G_PORT, 0, 4), 0xffffffff);
    assert_int_equal(deassign(DM_DOM, G_EP1), -ENOENT);
}

/* A second function behind the port keeps it until it goes first. */
static void test_root_port_shared(void **state)
{
    uint32_t g_fn1 = XECAM_SBDF(0, 1, 0, 1);

    assert_int_equal(assign_port(HOST, G_EP1, PORT_DF), 0);
    assert_int_equal(assign(DM_DOM, asg(HOST2, g_fn1, 0, 0)), 0);
    assert_int_equal(deassign(DM_DOM, G_EP1), -EBUSY);
    assert_int_equal(rd(G_EP1, 0x00, 4), 0x12348086);
    assert_int_equal(deassign(DM_DOM, g_fn1), 0);
    assert_int_equal(deassign(DM_DOM, G_EP1), 0);
    nothing_at(G_PORT, G_EP1);
}

static void test_assign_arguments(void **state)
{
    struct xen_dm_op_ecam_assign a;
    struct xen_dm_op_ecam_deassign da = { .guest_sbdf = G_EP0, .pad = 1 };
    unsigned int i;

    for ( i = 5; i < 32; i++ )
        assert_int_equal(assign(DM_DOM, asg(HOST, G_EP0, 1U << i, 0)),
                         -EINVAL);
    for ( i = 0; i < 3; i++ )
    {
        a = asg(HOST, G_EP0, 0, 0);
        a.pad[i] = 1;
        assert_int_equal(assign(DM_DOM, a), -EINVAL);
    }
    /* A port number without the flag; the flag for a function on bus 0. */
    assert_int_equal(assign(DM_DOM, asg(HOST, G_EP1, 0, PORT_DF)), -EINVAL);
    assert_int_equal(assign_port(HOST, G_EP0, PORT_DF), -EINVAL);
    assert_int_equal(dmop(DM_DOM, GUEST, XEN_DMOP_ecam_deassign, &da,
                          sizeof(da)), -EINVAL);
    /* Arguments come first: before rights, life and ownership. */
    assert_int_equal(xecam_user_xsm_refuse(DM_DOM, XECAM_USER_XSM_ASSIGN), 0);
    assert_int_equal(xecam_user_domain_dying(GUEST, true), 0);
    assert_int_equal(assign(DM_DOM, asg(0xdead, G_EP0, 1U << 31, 0)),
                     -EINVAL);
    assert_int_equal(assign(DM_DOM, asg(0xdead, G_EP1, 0, PORT_DF)), -EINVAL);
    assert_int_equal(assign(DM_DOM, asg(0xdead, G_EP0,
                                        XEN_DMOP_ECAM_ASSIGN_ROOT_PORT,
                                        PORT_DF)), -EINVAL);
    nothing_at(G_EP0, G_EP1);
    assert_int_equal(xecam_user_log_lines(), 0);
}

static void test_assign_rights(void **state)
{
    struct xen_dm_op_ecam_window w = win(0, 0, 0, 0);

    /* The assignment's own hook: dm_op and the windows' hook passed. */
    assert_int_equal(xecam_user_xsm_refuse(DM_DOM, XECAM_USER_XSM_ASSIGN), 0);
    assert_int_equal(get_win(DM_DOM, &w), 0);
    assert_int_equal(assign(DM_DOM, asg(HOST, G_EP0, 0, 0)), -EPERM);
    assert_int_equal(assign_port(HOST, G_EP1, PORT_DF), -EPERM);
    nothing_at(G_EP0, G_EP1);
    assert_null(xecam_route_vpci(d, G_PORT));
    /* Rights before life and ownership. */
    assert_int_equal(xecam_user_domain_dying(GUEST, true), 0);
    assert_int_equal(assign(DM_DOM, asg(0xdead, G_EP0, 0, 0)), -EPERM);
    assert_int_equal(xecam_user_domain_dying(GUEST, false), 0);
    /* The toolstack still may; then the DM may not take it back. */
    assert_int_equal(assign(TOOLSTACK, asg(HOST, G_EP0, 0, 0)), 0);
    assert_int_equal(deassign(DM_DOM, G_EP0), -EPERM);
    assert_non_null(xecam_route_vpci(d, G_EP0));
    assert_int_equal(deassign(TOOLSTACK, G_EP0), 0);
}

static void test_assign_dying(void **state)
{
    assert_int_equal(assign(DM_DOM, asg(HOST, G_EP0, 0, 0)), 0);
    assert_int_equal(xecam_user_domain_dying(GUEST, true), 0);
    /* As XEN_DOMCTL_assign_device: -EINVAL, before ownership. */
    assert_int_equal(assign(DM_DOM, asg(HOST2, G_EP1, 0, 0)), -EINVAL);
    assert_int_equal(assign(DM_DOM, asg(0xdead, G_EP1, 0, 0)), -EINVAL);
    assert_int_equal(assign_port(HOST2, G_EP1, PORT_DF), -EINVAL);
    assert_int_equal(deassign(DM_DOM, G_EP0), -EINVAL);
    assert_non_null(xecam_route_vpci(d, G_EP0));
    nothing_at(G_EP1, G_PORT);
    assert_int_equal(xecam_user_domain_dying(GUEST, false), 0);
    assert_int_equal(deassign(DM_DOM, G_EP0), 0);
}

static void test_assign_not_owned(void **state)
{
    /* No such host function. */
    assert_int_equal(assign(DM_DOM, asg(XECAM_SBDF(0, 9, 0, 0), G_EP0, 0,
                                        0)), -ENODEV);
    assert_int_equal(assign_port(XECAM_SBDF(1, 5, 0, 0), G_EP1, PORT_DF),
                     -ENODEV);
    /* The hardware domain's, another guest's, the device model's own. */
    assert_int_equal(xecam_user_pdev_owner(HOST, TOOLSTACK), 0);
    assert_int_equal(assign(DM_DOM, asg(HOST, G_EP0, 0, 0)), -EPERM);
    assert_int_equal(xecam_user_pdev_owner(HOST, OTHER), 0);
    assert_int_equal(assign(DM_DOM, asg(HOST, G_EP0, 0, 0)), -EPERM);
    assert_int_equal(assign_port(HOST, G_EP1, PORT_DF), -EPERM);
    assert_int_equal(xecam_user_pdev_owner(HOST, DM_DOM), 0);
    assert_int_equal(assign(DM_DOM, asg(HOST, G_EP0, 0, 0)), -EPERM);
    nothing_at(G_EP0, G_EP1);
    assert_null(xecam_route_vpci(d, G_PORT));
    assert_int_equal(xecam_user_log_lines(), 0);
    /* Back with the guest: it goes. */
    assert_int_equal(xecam_user_pdev_owner(HOST, GUEST), 0);
    assert_int_equal(assign(DM_DOM, asg(HOST, G_EP0, 0, 0)), 0);
}

static void test_assign_slot_taken(void **state)
{
    uint32_t g_other = XECAM_SBDF(0, 2, 0, 0);

    assert_int_equal(assign(DM_DOM, asg(HOST, G_EP0, 0, 0)), 0);
    /* Refused before anything is made: no allocation on the way. */
    xecam_user_fault_arm(XECAM_FAULT_ALLOC | XECAM_FAULT_LOCK, 1);
    /* The guest function is taken. */
    assert_int_equal(assign(DM_DOM, asg(HOST2, G_EP0, 0, 0)), -EEXIST);
    assert_int_equal(assign(DM_DOM, asg(HOST2, G_EP0,
                                        XEN_DMOP_ECAM_ASSIGN_PERMISSIVE, 0)),
                     -EEXIST);
    /* The Root Port's function is taken. */
    assert_int_equal(assign_port(HOST2, G_EP1, XECAM_SBDF_DEVFN(G_EP0)),
                     -EEXIST);
    assert_false(xecam_user_fault_fired());
    xecam_user_fault_arm(0, 0);
    nothing_at(G_EP1, XECAM_SBDF(0, 1, 0, 1));
    assert_int_equal(xecam_vpci_host_of(xecam_route_vpci(d, G_EP0)), HOST);

    /* A Root Port in front of the bus already; at that port's function. */
    assert_int_equal(deassign(DM_DOM, G_EP0), 0);
    assert_int_equal(assign_port(HOST, G_EP1, PORT_DF), 0);
    xecam_user_fault_arm(XECAM_FAULT_ALLOC | XECAM_FAULT_LOCK, 1);
    assert_int_equal(assign_port(HOST2, XECAM_SBDF(0, 1, 0, 1),
                                 PORT_DF + 8), -EEXIST);
    assert_int_equal(assign_port(HOST2, g_other, PORT_DF), -EEXIST);
    assert_false(xecam_user_fault_fired());
    xecam_user_fault_arm(0, 0);
    assert_null(xecam_route_vpci(d, XECAM_SBDF(0, 0, 0x1d, 0)));
    nothing_at(g_other, XECAM_SBDF(0, 1, 0, 1));
    /* The same host function twice: -EBUSY, and its new port goes again. */
    assert_int_equal(assign_port(HOST, g_other, PORT_DF + 8), -EBUSY);
    nothing_at(g_other, XECAM_SBDF(0, 0, 0x1d, 0));
    assert_int_equal(assign(DM_DOM, asg(HOST, G_EP0, 0, 0)), -EBUSY);
    nothing_at(G_EP0, g_other);
    /* And the other host function where the first would have gone. */
    assert_int_equal(assign_port(HOST2, g_other, PORT_DF + 8), 0);
    assert_int_equal(rd(XECAM_SBDF(0, 0, 0x1d, 0), 0x18, 4), 0x00020200);
}

/* Every Root Port of the table in use: -ENOSPC, and one more after one. */
static void test_root_ports_full(void **state)
{
    unsigned int i;

    for ( i = 0; i <= XECAM_MAX_DMOP_PORTS; i++ )
        host_endpoint(XECAM_SBDF(0, 0x40 + i, 0, 0), GUEST);
    for ( i = 0; i < XECAM_MAX_DMOP_PORTS; i++ )
        assert_int_equal(assign_port(XECAM_SBDF(0, 0x40 + i, 0, 0),
                                     XECAM_SBDF(0, 1 + i, 0, 0), 0x40 + i),
                         0);
    assert_int_equal(assign_port(XECAM_SBDF(0, 0x40 + i, 0, 0),
                                 XECAM_SBDF(0, 1 + i, 0, 0), 0x40 + i),
                     -ENOSPC);
    nothing_at(XECAM_SBDF(0, 1 + i, 0, 0), BUS0(0x40 + i));
    /* Without a port it goes. */
    assert_int_equal(assign(DM_DOM, asg(XECAM_SBDF(0, 0x40 + i, 0, 0),
                                        XECAM_SBDF(0, 1 + i, 0, 0), 0, 0)),
                     0);
    assert_int_equal(deassign(DM_DOM, XECAM_SBDF(0, 1 + i, 0, 0)), 0);
    /* One gone, one more comes. */
    assert_int_equal(deassign(DM_DOM, XECAM_SBDF(0, 1, 0, 0)), 0);
    assert_null(xecam_route_vpci(d, BUS0(0x40)));
    assert_int_equal(assign_port(XECAM_SBDF(0, 0x40 + i, 0, 0),
                                 XECAM_SBDF(0, 1 + i, 0, 0), 0x40 + i), 0);
}

/*
 * A failure of any fallible call on the way (memory, locks, host config
 * space, BAR mapping) leaves nothing behind, or the assignment whole.
 */
static void test_assign_faults(void **state)
{
    unsigned long nth;
    bool fired;
    long rc = -1;

    for ( nth = 1; nth < 10000; nth++ )
    {
        xecam_user_fault_arm(XECAM_FAULT_ALL, nth);
        rc = assign_port(HOST, G_EP1, PORT_DF);
        fired = xecam_user_fault_fired();
        xecam_user_fault_arm(0, 0);
        if ( !fired )
            break;
        if ( !rc )
        {
            assert_int_equal(rd(G_PORT, 0, 4), 0xc0de5853);
            assert_int_equal(rd(G_EP1, 0, 4), 0x12348086);
            assert_int_equal(deassign(DM_DOM, G_EP1), 0);
        }
        else
        {
            assert_null(xecam_route_vpci(d, G_PORT));
            assert_null(xecam_route_vpci(d, G_EP1));
        }
        /* The port's record is free again either way. */
        assert_int_equal(assign_port(HOST, G_EP1, PORT_DF), 0);
        assert_int_equal(deassign(DM_DOM, G_EP1), 0);
    }
    assert_int_equal(rc, 0);
    assert_true(nth > 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_abi),
        cmocka_unit_test_setup_teardown(test_dm_op_refusals, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_self, setup, teardown),
        cmocka_unit_test_setup_teardown(test_window_set_get_remove, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_window_refusals, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_window_preempted, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_window_dying, setup, teardown),
        cmocka_unit_test_setup_teardown(test_assign_deassign, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_assign_options, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_assign_root_port, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_deassign_gone, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_deassign_preempted, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_root_port_shared, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_assign_arguments, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_assign_rights, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_assign_dying, setup, teardown),
        cmocka_unit_test_setup_teardown(test_assign_not_owned, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_assign_slot_taken, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_root_ports_full, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_assign_faults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hotplug, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hotplug_refusals, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_hotplug_state_refusals, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_get_window_copy_out_fault, setup,
                                        teardown),
    };

    return cmocka_run_group_tests_name("dmop", tests, NULL, NULL);
}
