/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ECAM DMOPs (public/hvm/ecam_dm_op.h): the window operations of the
 * HVMOPs, and device assignment, for device models that can only use
 * dm_op (xl's dm_restrict).
 *
 * The host's dm_op has looked the target domain up (never the caller
 * itself), passed its own XSM check and copied the argument in.  Each op
 * then checks, in order (docs/abi.md): its arguments, the caller's rights
 * through the op's own XSM hook, the domain's state.  A refused op leaves
 * the domain as it was.
 */
#include "private.h"
#include <xecam/vpci.h>
#include <public/hvm/ecam_op.h>
#include <public/hvm/ecam_dm_op.h>
#if defined(__XEN__)
#include <public/hvm/dm_op.h>
#else
#include <xen/hvm/dm_op.h>
#endif

/*
 * One layout for 32- and 64-bit callers (`make m32` builds this for i386;
 * Xen's compat dm_op checks the same with CHECK_dm_op_ecam_*), each inside
 * struct xen_dm_op's union, numbered after Xen 4.17's last op.
 */
#define OFF(s, f) xecam_offsetof(struct xen_dm_op_ecam_##s, f)
XECAM_BUILD_BUG_ON(sizeof(struct xen_dm_op_ecam_window) != 24);
XECAM_BUILD_BUG_ON(OFF(window, segment) != 0 || OFF(window, start_bus) != 2);
XECAM_BUILD_BUG_ON(OFF(window, end_bus) != 3 || OFF(window, flags) != 4);
XECAM_BUILD_BUG_ON(OFF(window, pad) != 6 || OFF(window, base) != 8);
XECAM_BUILD_BUG_ON(OFF(window, rsvd) != 16);
XECAM_BUILD_BUG_ON(sizeof(struct xen_dm_op_ecam_assign) != 16);
XECAM_BUILD_BUG_ON(OFF(assign, host_sbdf) != 0 || OFF(assign, guest_sbdf) != 4);
XECAM_BUILD_BUG_ON(OFF(assign, flags) != 8 || OFF(assign, root_port) != 12);
XECAM_BUILD_BUG_ON(OFF(assign, pad) != 13);
XECAM_BUILD_BUG_ON(sizeof(struct xen_dm_op_ecam_deassign) != 8);
XECAM_BUILD_BUG_ON(OFF(deassign, guest_sbdf) != 0 || OFF(deassign, pad) != 4);
XECAM_BUILD_BUG_ON(sizeof(struct xen_dm_op_ecam_hotplug) != 20);
XECAM_BUILD_BUG_ON(OFF(hotplug, op) != 0 || OFF(hotplug, port_sbdf) != 4);
XECAM_BUILD_BUG_ON(OFF(hotplug, host_sbdf) != 8 || OFF(hotplug, flags) != 12);
XECAM_BUILD_BUG_ON(OFF(hotplug, secondary) != 16 || OFF(hotplug, pad) != 17);
#undef OFF
XECAM_BUILD_BUG_ON(sizeof(struct xen_dm_op_ecam_window) >
                   sizeof(((struct xen_dm_op *)0)->u));
XECAM_BUILD_BUG_ON(XEN_DMOP_ecam_set_window <= XEN_DMOP_nr_vcpus);
XECAM_BUILD_BUG_ON(XEN_DMOP_ECAM_REMOVE != XEN_HVM_ECAM_REMOVE);

/* ---- Windows: the HVMOPs' checks and placement (hypercall.c) ---- */

/* The HVMOP's argument the op stands for: dm_op names the domain. */
static struct xen_hvm_ecam_space
as_hvmop(const struct xecam_domain *d, const struct xen_dm_op_ecam_window *op)
{
    struct xen_hvm_ecam_space a = {
        .domid = d->id, .segment = op->segment, .start_bus = op->start_bus,
        .end_bus = op->end_bus, .flags = op->flags, .base = op->base,
        .rsvd = { op->rsvd[0], op->rsvd[1] },
    };

    return a;
}

static int set_window(struct xecam_domain *d,
                      const struct xen_dm_op_ecam_window *op)
{
    struct xen_hvm_ecam_space a = as_hvmop(d, op);
    int rc = op->pad ? -EINVAL : xecam_window_check_set(&a);

    if ( !rc )
        rc = xecam_window_rights(d, xecam_port_current_domid(), false);

    return rc ? rc : xecam_window_set(d, &a);
}

static int get_window(struct xecam_domain *d,
                      struct xen_dm_op_ecam_window *op, bool *copy_back)
{
    struct xen_hvm_ecam_space a = as_hvmop(d, op);
    int rc;

    if ( op->flags || op->pad || op->rsvd[0] || op->rsvd[1] )
        return -EINVAL;
    rc = xecam_window_rights(d, xecam_port_current_domid(), true);
    if ( !rc )
        rc = xecam_window_get(d, &a);
    if ( rc )
        return rc;

    op->start_bus = a.start_bus;
    op->end_bus = a.end_bus;
    op->base = a.base;
    *copy_back = true;

    return 0;
}

/* ---- Assignment ---- */

#define ASSIGN_FLAGS (XEN_DMOP_ECAM_ASSIGN_PERMISSIVE | \
                      XEN_DMOP_ECAM_ASSIGN_HIDDEN | \
                      XEN_DMOP_ECAM_ASSIGN_NO_RCIEP | \
                      XEN_DMOP_ECAM_ASSIGN_IRQ_CONTROL | \
                      XEN_DMOP_ECAM_ASSIGN_ROOT_PORT)

/* The module's options for an assignment's DMOP flags. */
static unsigned int assign_flags(uint32_t dmop_flags)
{
    return
        (dmop_flags & XEN_DMOP_ECAM_ASSIGN_PERMISSIVE ?
         XECAM_ASSIGN_PERMISSIVE : 0) |
        (dmop_flags & XEN_DMOP_ECAM_ASSIGN_HIDDEN ? XECAM_ASSIGN_HIDDEN : 0) |
        (dmop_flags & XEN_DMOP_ECAM_ASSIGN_NO_RCIEP ?
         XECAM_ASSIGN_NO_RCIEP : 0) |
        (dmop_flags & XEN_DMOP_ECAM_ASSIGN_IRQ_CONTROL ?
         XECAM_ASSIGN_IRQ_CONTROL : 0);
}

/* The assignment itself (assign.c): its one call, whatever its options. */
static int assign_device(struct xecam_domain *d, uint32_t guest,
                         uint32_t host, uint32_t dmop_flags)
{
    return xecam_assign_device(d, guest, host, assign_flags(dmop_flags));
}

/* Root Port records (d->dmop_port), under the write lock. */
static struct xecam_dmop_port *port_of(struct xecam_domain *d,
                                       uint32_t guest_sbdf)
{
    unsigned int i;

    for ( i = 0; i < XECAM_MAX_DMOP_PORTS; i++ )
        if ( d->dmop_port[i].state != XECAM_DMOP_PORT_FREE &&
             d->dmop_port[i].guest_sbdf == guest_sbdf )
            return &d->dmop_port[i];

    return NULL;
}

/* Is a Root Port of ours in front of the bus of 'sbdf' already? */
static bool bus_fronted(const struct xecam_domain *d, uint32_t sbdf)
{
    unsigned int i;

    for ( i = 0; i < XECAM_MAX_DMOP_PORTS; i++ )
        if ( d->dmop_port[i].state != XECAM_DMOP_PORT_FREE &&
             (d->dmop_port[i].guest_sbdf >> 8) == (sbdf >> 8) )
            return true;

    return false;
}

/*
 * Record the Root Port 'port' of the assignment at 'guest', busy until it
 * is made: -EEXIST if a port is in front of guest's bus already, -ENOSPC if
 * the table is full.  (The route table keeps the port's own function.)
 */
static int port_reserve(struct xecam_domain *d, uint32_t guest, uint32_t port,
                        struct xecam_dmop_port **out)
{
    struct xecam_dmop_port *p = NULL;
    unsigned int i;
    int rc = -ENOSPC;

    xecam_port_write_lock(d->lock);
    if ( bus_fronted(d, guest) )
        rc = -EEXIST;
    for ( i = 0; rc == -ENOSPC && i < XECAM_MAX_DMOP_PORTS; i++ )
        if ( d->dmop_port[i].state == XECAM_DMOP_PORT_FREE )
        {
            p = &d->dmop_port[i];
            p->state = XECAM_DMOP_PORT_BUSY;
            p->guest_sbdf = guest;
            p->port_sbdf = port;
            rc = 0;
        }
    xecam_port_write_unlock(d->lock);
    *out = p;

    return rc;
}

static void port_settle(struct xecam_domain *d, struct xecam_dmop_port *p,
                        unsigned int state)
{
    xecam_port_write_lock(d->lock);
    p->state = state;
    xecam_port_write_unlock(d->lock);
}

/* Arguments, rights and the domain's life, as both ops check them. */
static int may_assign(struct xecam_domain *d)
{
    int rc = xecam_port_may_assign(xecam_port_current_domid(), d);

    /* As XEN_DOMCTL_assign_device and rcu_lock_live_remote_domain_by_id. */
    if ( !rc && xecam_port_domain_dying(d) )
        rc = -EINVAL;

    return rc;
}

static int assign_args(const struct xen_dm_op_ecam_assign *op)
{
    if ( (op->flags & ~ASSIGN_FLAGS) || op->pad[0] || op->pad[1] ||
         op->pad[2] )
        return -EINVAL;
    if ( !(op->flags & XEN_DMOP_ECAM_ASSIGN_ROOT_PORT) )
        return op->root_port ? -EINVAL : 0;

    /* The port is on bus 0, in front of the function's bus. */
    return XECAM_SBDF_BUS(op->guest_sbdf) ? 0 : -EINVAL;
}

static int assign(struct xecam_domain *d,
                  const struct xen_dm_op_ecam_assign *op)
{
    bool with_port = op->flags & XEN_DMOP_ECAM_ASSIGN_ROOT_PORT;
    uint32_t guest = op->guest_sbdf, host = op->host_sbdf;
    uint32_t port = XECAM_SBDF(XECAM_SBDF_SEG(guest), 0, 0, 0) | op->root_port;
    struct xecam_dmop_port *p = NULL;
    int rc = assign_args(op);

    if ( !rc )
        rc = may_assign(d);
    if ( !rc )
        rc = xecam_port_pci_owned(d, host);
    /*
     * The slots, before anything is made (the guest would see a port come
     * and go); the calls below check again, under the lock.
     */
    if ( !rc && (xecam_route_vpci(d, guest) ||
                 (with_port && xecam_route_vpci(d, port))) )
        rc = -EEXIST;
    if ( !rc && with_port )
        rc = port_reserve(d, guest, port, &p);
    if ( rc )
        return rc;

    if ( p )
        rc = xecam_add_root_port(d, port, XECAM_SBDF_BUS(guest));
    if ( !rc )
    {
        rc = assign_device(d, guest, host, op->flags);
        if ( rc && p )
            xecam_deassign_device(d, port);
    }
    if ( p )
        port_settle(d, p, rc ? XECAM_DMOP_PORT_FREE : XECAM_DMOP_PORT_READY);

    return rc;
}

/*
 * Other owners (vPCI devices, ioreq server claims) of the bus of 'guest'
 * than guest's own device, which a preempted deassignment may have taken
 * off the bus already.  Write lock held.
 */
static unsigned int others_on_bus(const struct xecam_domain *d,
                                  uint32_t guest)
{
    const struct xecam_route_bus *b = xecam_route_bus(d, guest);

    if ( !b )
        return 0;

    return b->owners - (b->vpci[XECAM_SBDF_DEVFN(guest)] ? 1 : 0);
}

/*
 * Which Root Port goes with the function at 'guest', marked busy meanwhile:
 * -EBUSY if guest is such a port itself, if its assignment is still being
 * made or unmade, or if other functions are behind its port.
 */
static int port_take(struct xecam_domain *d, uint32_t guest,
                     struct xecam_dmop_port **out)
{
    struct xecam_dmop_port *p;
    unsigned int i;
    int rc = 0;

    xecam_port_write_lock(d->lock);
    p = port_of(d, guest);
    for ( i = 0; i < XECAM_MAX_DMOP_PORTS; i++ )
        if ( d->dmop_port[i].state != XECAM_DMOP_PORT_FREE &&
             d->dmop_port[i].port_sbdf == guest )
            rc = -EBUSY;
    if ( p && (p->state != XECAM_DMOP_PORT_READY || others_on_bus(d, guest)) )
        rc = -EBUSY;
    if ( !rc && p )
        p->state = XECAM_DMOP_PORT_BUSY;
    xecam_port_write_unlock(d->lock);
    *out = rc ? NULL : p;

    return rc;
}

static int deassign(struct xecam_domain *d,
                    const struct xen_dm_op_ecam_deassign *op)
{
    struct xecam_dmop_port *p;
    int rc = op->pad ? -EINVAL : may_assign(d);

    if ( !rc )
        rc = port_take(d, op->guest_sbdf, &p);
    if ( rc )
        return rc;

    /*
     * -ERESTART: the function is off the bus, still being quiesced; the
     * continuation comes back here and goes on with it.  Then its Root
     * Port, which has no host work and so goes at once.
     */
    rc = xecam_deassign_device(d, op->guest_sbdf);
    if ( p && !rc )
        xecam_deassign_device(d, p->port_sbdf);
    if ( p )
        port_settle(d, p, rc ? XECAM_DMOP_PORT_READY : XECAM_DMOP_PORT_FREE);

    return rc;
}

/* A port an XEN_DMOP_ecam_assign brought: its deassignment's alone. */
static bool dmop_port(struct xecam_domain *d, uint32_t port)
{
    unsigned int i;
    bool found = false;

    xecam_port_read_lock(d->lock);
    for ( i = 0; i < XECAM_MAX_DMOP_PORTS; i++ )
        found |= d->dmop_port[i].state != XECAM_DMOP_PORT_FREE &&
                 d->dmop_port[i].port_sbdf == port;
    xecam_port_read_unlock(d->lock);

    return found;
}

static int hotplug_args(const struct xen_dm_op_ecam_hotplug *op)
{
    bool add = op->op == XEN_DMOP_ECAM_HOTPLUG_ADD;
    bool port = op->op == XEN_DMOP_ECAM_HOTPLUG_PORT;

    if ( op->op > XEN_DMOP_ECAM_HOTPLUG_SURPRISE || op->pad[0] ||
         op->pad[1] || op->pad[2] || XECAM_SBDF_BUS(op->port_sbdf) ||
         (!add && (op->host_sbdf || op->flags)) ||
         (add && (op->flags & ~(ASSIGN_FLAGS &
                                ~XEN_DMOP_ECAM_ASSIGN_ROOT_PORT))) ||
         (port != !!op->secondary) )
        return -EINVAL;

    return 0;
}

static int hotplug(struct xecam_domain *d,
                   const struct xen_dm_op_ecam_hotplug *op)
{
    int rc = hotplug_args(op);

    if ( !rc )
        rc = may_assign(d);
    if ( !rc && op->op != XEN_DMOP_ECAM_HOTPLUG_PORT &&
         dmop_port(d, op->port_sbdf) )
        rc = -EBUSY;
    if ( rc )
        return rc;
    switch ( op->op )
    {
    case XEN_DMOP_ECAM_HOTPLUG_PORT:
        return xecam_add_root_port(d, op->port_sbdf, op->secondary);
    case XEN_DMOP_ECAM_HOTPLUG_ADD:
        return xecam_hotplug_add(d, op->port_sbdf, op->host_sbdf,
                                 assign_flags(op->flags));
    case XEN_DMOP_ECAM_HOTPLUG_BUTTON:
        return xecam_hotplug_button(d, op->port_sbdf);
    default:
        return xecam_hotplug_remove(d, op->port_sbdf,
                                    op->op == XEN_DMOP_ECAM_HOTPLUG_SURPRISE);
    }
}

size_t xecam_dm_op_size(unsigned int op)
{
    switch ( op )
    {
    case XEN_DMOP_ecam_set_window:
    case XEN_DMOP_ecam_get_window:
        return sizeof(struct xen_dm_op_ecam_window);
    case XEN_DMOP_ecam_assign:
        return sizeof(struct xen_dm_op_ecam_assign);
    case XEN_DMOP_ecam_deassign:
        return sizeof(struct xen_dm_op_ecam_deassign);
    case XEN_DMOP_ecam_hotplug:
        return sizeof(struct xen_dm_op_ecam_hotplug);
    }

    return 0;
}

int xecam_dm_op(struct xecam_domain *d, unsigned int op, void *arg,
                bool *copy_back)
{
    *copy_back = false;
    switch ( op )
    {
    case XEN_DMOP_ecam_set_window:
        return set_window(d, arg);
    case XEN_DMOP_ecam_get_window:
        return get_window(d, arg, copy_back);
    case XEN_DMOP_ecam_assign:
        return assign(d, arg);
    case XEN_DMOP_ecam_deassign:
        return deassign(d, arg);
    case XEN_DMOP_ecam_hotplug:
        return hotplug(d, arg);
    }

    return -EOPNOTSUPP;
}
