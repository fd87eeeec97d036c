/* SPDX-License-Identifier: MIT */
/*
 * ecam_dm_op.h: the ECAM device-model operations (XEN_DMOP_ecam_*).
 *
 * What HVMOP_set_ecam_space and HVMOP_get_ecam_space do for a domain's ECAM
 * windows (public/hvm/ecam_op.h), and the assignment of a host PCI function
 * the domain owns to its vPCI, as dm_op sub-ops: for device models that can
 * only issue HYPERVISOR_dm_op (xl's dm_restrict).  public/hvm/dm_op.h
 * includes this header and gives struct xen_dm_op's union a member for each
 * op.  See docs/abi.md.
 *
 * The target domain is dm_op's domid argument.  Every structure has the same
 * layout and size for 32- and 64-bit callers, without implicit padding, and
 * fits struct xen_dm_op's union (24 bytes); pad and reserved fields must be
 * zero.
 *
 * MIT, like every Xen public header: guests and tools copy these.
 */
#ifndef __XEN_PUBLIC_HVM_ECAM_DM_OP_H__
#define __XEN_PUBLIC_HVM_ECAM_DM_OP_H__

#include "../xen.h"

/* As public/hvm/dm_op.h: 8-byte aligned for 32-bit tools, where defined. */
#ifndef uint64_aligned_t
#define uint64_aligned_t uint64_t
#endif

/*
 * Op numbers.  Xen 4.17's public/hvm/dm_op.h ends at 20 (XEN_DMOP_nr_vcpus),
 * and a released branch never gains an op, so nothing written for 4.17 uses
 * 21-25.  They are numbers of this series only: a later upstream op may take
 * 21, and upstreaming these would renumber them after whatever is last then.
 */
#define XEN_DMOP_ecam_set_window 21
#define XEN_DMOP_ecam_get_window 22
#define XEN_DMOP_ecam_assign     23
#define XEN_DMOP_ecam_deassign   24
#define XEN_DMOP_ecam_hotplug    25

/*
 * XEN_DMOP_ecam_set_window: place (or, with XEN_DMOP_ECAM_REMOVE, remove)
 * the ECAM window of one PCI segment, as HVMOP_set_ecam_space does.
 *
 *   segment    IN   PCI segment the window decodes
 *   start_bus  IN   first bus decoded by the window
 *   end_bus    IN   last bus decoded by the window (inclusive)
 *   flags      IN   XEN_DMOP_ECAM_*; unknown bits must be zero
 *   pad, rsvd  IN   must be zero
 *   base       IN   guest-physical address of bus start_bus's config space
 *
 * With XEN_DMOP_ECAM_REMOVE, start_bus, end_bus and base must be zero.
 *
 * XEN_DMOP_ecam_get_window: read the window of one segment.
 *
 *   segment    IN;  flags, pad and rsvd must be zero
 *   start_bus, end_bus, base  OUT
 */
struct xen_dm_op_ecam_window {
    uint16_t segment;           /*  0 */
    uint8_t  start_bus;         /*  2 */
    uint8_t  end_bus;           /*  3 */
    uint16_t flags;             /*  4 */
    uint16_t pad;               /*  6 */
    uint64_aligned_t base;      /*  8 */
    uint32_t rsvd[2];           /* 16 */
};
typedef struct xen_dm_op_ecam_window xen_dm_op_ecam_window_t;

/* XEN_DMOP_ecam_set_window: remove the segment's window instead. */
#define _XEN_DMOP_ECAM_REMOVE 0
#define XEN_DMOP_ECAM_REMOVE  (1U << _XEN_DMOP_ECAM_REMOVE)

/*
 * XEN_DMOP_ecam_assign: give host function host_sbdf, which the domain
 * owns through the IOMMU (XEN_DOMCTL_assign_device), to the domain's vPCI
 * at guest function guest_sbdf.  Both are SBDFs as XEN_DMOP_PCI_SBDF()
 * makes them: segment << 16 | bus << 8 | device << 3 | function.
 *
 *   host_sbdf   IN   the host function
 *   guest_sbdf  IN   where the guest finds it
 *   flags       IN   XEN_DMOP_ECAM_ASSIGN_*; unknown bits must be zero
 *   root_port   IN   with XEN_DMOP_ECAM_ASSIGN_ROOT_PORT: the devfn on
 *                    bus 0 of guest_sbdf's segment of an emulated PCI
 *                    Express Root Port whose secondary bus is guest_sbdf's
 *                    bus (not 0); without it, must be zero
 *   pad         IN   must be zero
 *
 * XEN_DMOP_ecam_deassign: take the function at guest_sbdf back from the
 * domain's vPCI, with the Root Port its assignment brought, if any.  The
 * host function stays the domain's (XEN_DOMCTL_deassign_device takes it).
 *
 *   guest_sbdf  IN
 *   pad         IN   must be zero
 */
struct xen_dm_op_ecam_assign {
    uint32_t host_sbdf;         /*  0 */
    uint32_t guest_sbdf;        /*  4 */
    uint32_t flags;             /*  8 */
    uint8_t  root_port;         /* 12 */
    uint8_t  pad[3];            /* 13 */
};
typedef struct xen_dm_op_ecam_assign xen_dm_op_ecam_assign_t;

/* Config writes the normal policy refuses reach the device. */
#define XEN_DMOP_ECAM_ASSIGN_PERMISSIVE   (1U << 0)
/* Assigned, but invisible to the guest. */
#define XEN_DMOP_ECAM_ASSIGN_HIDDEN       (1U << 1)
/* An endpoint on bus 0 stays an endpoint (no Root Complex Integrated EP). */
#define XEN_DMOP_ECAM_ASSIGN_NO_RCIEP     (1U << 2)
/* MSI and MSI-X enable bits reach the device where they are not emulated. */
#define XEN_DMOP_ECAM_ASSIGN_IRQ_CONTROL  (1U << 3)
/* An emulated Root Port at root_port in front of guest_sbdf's bus. */
#define XEN_DMOP_ECAM_ASSIGN_ROOT_PORT    (1U << 4)

struct xen_dm_op_ecam_deassign {
    uint32_t guest_sbdf;        /*  0 */
    uint32_t pad;               /*  4 */
};
typedef struct xen_dm_op_ecam_deassign xen_dm_op_ecam_deassign_t;

/*
 * XEN_DMOP_ecam_hotplug: hot-plug through the slot of an emulated PCI
 * Express Root Port (docs/hotplug.md).
 *
 *   op         IN   XEN_DMOP_ECAM_HOTPLUG_*
 *   port_sbdf  IN   the Root Port: bus 0 of its segment
 *   host_sbdf  IN   ADD: the host function, which the domain owns through
 *                   the IOMMU; otherwise must be zero
 *   flags      IN   ADD: XEN_DMOP_ECAM_ASSIGN_* but ROOT_PORT; otherwise
 *                   must be zero
 *   secondary  IN   PORT: the port's secondary bus (not 0); otherwise must
 *                   be zero
 *   pad        IN   must be zero
 *
 * PORT places an empty Root Port (XEN_DMOP_ecam_deassign at port_sbdf
 * takes it away again while it is empty).  ADD: the host function appears
 * at device 0 of the port's secondary bus and the guest is told (-EBUSY
 * the slot is occupied, -EAGAIN the guest has not acknowledged the last
 * event).  BUTTON: the slot's attention button, asking the guest to let
 * the function go (-ENOENT empty, -EAGAIN the last press unacknowledged).
 * REMOVE: the function leaves the domain's vPCI once the guest powered
 * the slot off (-EBUSY before); SURPRISE: at once.  A port that came with
 * an XEN_DMOP_ecam_assign goes with its deassignment: -EBUSY here.
 */
struct xen_dm_op_ecam_hotplug {
    uint32_t op;                /*  0 */
    uint32_t port_sbdf;         /*  4 */
    uint32_t host_sbdf;         /*  8 */
    uint32_t flags;             /* 12 */
    uint8_t  secondary;         /* 16 */
    uint8_t  pad[3];            /* 17 */
};
typedef struct xen_dm_op_ecam_hotplug xen_dm_op_ecam_hotplug_t;

#define XEN_DMOP_ECAM_HOTPLUG_PORT      0
#define XEN_DMOP_ECAM_HOTPLUG_ADD       1
#define XEN_DMOP_ECAM_HOTPLUG_BUTTON    2
#define XEN_DMOP_ECAM_HOTPLUG_REMOVE    3
#define XEN_DMOP_ECAM_HOTPLUG_SURPRISE  4

#endif /* __XEN_PUBLIC_HVM_ECAM_DM_OP_H__ */
