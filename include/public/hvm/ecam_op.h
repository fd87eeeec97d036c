/* SPDX-License-Identifier: MIT */
/*
 * ecam_op.h: HVMOP_set_ecam_space / HVMOP_get_ecam_space.
 *
 * Where a domain's PCI Express enhanced configuration (ECAM, MMCONFIG)
 * windows live in its guest-physical address space.  One window per PCI
 * segment; 1 MiB of window per bus, 4 KiB per function.  See docs/abi.md.
 *
 * MIT, like every Xen public header: guests and tools copy these.
 */
#ifndef __XEN_PUBLIC_HVM_ECAM_OP_H__
#define __XEN_PUBLIC_HVM_ECAM_OP_H__

#include "../xen.h"

/*
 * Sub-op numbers of do_hvm_op().  16 and 17 are retired (HVMOP_inject_msi,
 * HVMOP_create_ioreq_server) and must never be reused; 0-5, 9-13, 15 and
 * 23-25 are in use.  26 and 27 are the first free numbers.
 */
#define HVMOP_set_ecam_space 26
#define HVMOP_get_ecam_space 27

/*
 * HVMOP_set_ecam_space: place (or, with XEN_HVM_ECAM_REMOVE, remove) the
 * ECAM window of one PCI segment of a domain.
 *
 *   domid      IN   target domain, or DOMID_SELF
 *   segment    IN   PCI segment the window decodes
 *   start_bus  IN   first bus decoded by the window
 *   end_bus    IN   last bus decoded by the window (inclusive)
 *   flags      IN   XEN_HVM_ECAM_*; unknown bits must be zero
 *   base       IN   guest-physical address of the first bus's config space
 *   rsvd       IN   must be zero
 *
 * The window spans (end_bus - start_bus + 1) MiB from base.  base must be
 * aligned to that size rounded up to a power of two, as chipsets decode it.
 * With XEN_HVM_ECAM_REMOVE, start_bus, end_bus and base must be zero.
 *
 * HVMOP_get_ecam_space: read the window of one segment.
 *
 *   domid, segment  IN; flags and rsvd must be zero
 *   start_bus, end_bus, base  OUT
 *
 * The structure has the same layout and size (24 bytes) for 32- and
 * 64-bit callers, with no implicit padding.
 */
struct xen_hvm_ecam_space {
    domid_t  domid;       /*  0 */
    uint16_t segment;     /*  2 */
    uint8_t  start_bus;   /*  4 */
    uint8_t  end_bus;     /*  5 */
    uint16_t flags;       /*  6 */
    uint64_t base;        /*  8 */
    uint32_t rsvd[2];     /* 16 */
};
typedef struct xen_hvm_ecam_space xen_hvm_ecam_space_t;
#if defined(DEFINE_XEN_GUEST_HANDLE)
DEFINE_XEN_GUEST_HANDLE(xen_hvm_ecam_space_t);
#endif

/* HVMOP_set_ecam_space: remove the segment's window instead of placing one. */
#define _XEN_HVM_ECAM_REMOVE  0
#define XEN_HVM_ECAM_REMOVE   (1U << _XEN_HVM_ECAM_REMOVE)

#define XEN_HVM_ECAM_BUS_SHIFT 20   /* 1 MiB of window per bus */

/*
 * The module's state in a domain's HVM save record (type XECAM, code 21),
 * written only for a domain with at least one window: its windows and its
 * CF8 latch (CONFIG_ADDRESS, 0xcf8).  On load every field is checked as a
 * hypercall's arguments are (docs/abi.md); a record that fails changes
 * nothing.  144 bytes for 32- and 64-bit builds alike, no padding.
 */
#define XEN_HVM_ECAM_RECORD_VERSION 1
#define XEN_HVM_ECAM_RECORD_WINDOWS 8

struct xen_hvm_ecam_record_window {
    uint16_t segment;     /*  0 */
    uint8_t  start_bus;   /*  2 */
    uint8_t  end_bus;     /*  3 */
    uint32_t rsvd;        /*  4: zero */
    uint64_t base;        /*  8 */
};

struct xen_hvm_ecam_record {
    uint32_t version;     /*  0: XEN_HVM_ECAM_RECORD_VERSION */
    uint32_t cf8;         /*  4: the CONFIG_ADDRESS latch */
    uint16_t nr_windows;  /*  8: entries of window[] in use, from 0 */
    uint16_t rsvd0;       /* 10: zero */
    uint32_t rsvd1;       /* 12: zero */
    struct xen_hvm_ecam_record_window window[XEN_HVM_ECAM_RECORD_WINDOWS];
};

#endif /* __XEN_PUBLIC_HVM_ECAM_OP_H__ */
