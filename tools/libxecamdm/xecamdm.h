/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libxecamdm: the ECAM device-model operations (public/hvm/ecam_dm_op.h)
 * for a device model or the toolstack, in the manner of libxendevicemodel:
 * open a handle, issue ops on a domain, close it.
 *
 * Each op is one HYPERVISOR_dm_op with one buffer, a struct xen_dm_op:
 * through privcmd's own dm_op ioctl, which a handle restricted to one
 * domain (xecamdm_restrict(), as xl's dm_restrict does to a device model's
 * handles) still allows, or, on a kernel without it, through libxencall.
 *
 * Every call returns 0, or -1 with errno set: the hypervisor's error
 * (docs/abi.md lists them), or the library's own (EINVAL for a bad handle
 * or argument, ENOMEM, ...).  A handle is for one thread at a time.
 */
#ifndef XECAMDM_H
#define XECAMDM_H

#include <stddef.h>
#include <stdint.h>

#include <xen/xen.h>

typedef struct xecamdm_handle xecamdm_handle;

/* 'flags' must be 0.  NULL with errno set if the hypervisor is out of reach. */
xecamdm_handle *xecamdm_open(unsigned int flags);
/* NULL is fine. */
int xecamdm_close(xecamdm_handle *h);
/* Only ops on 'domid' from now on, for the life of the handle. */
int xecamdm_restrict(xecamdm_handle *h, domid_t domid);

/* XEN_DMOP_ecam_set_window: buses start_bus..end_bus of 'segment' at 'base'. */
int xecamdm_set_window(xecamdm_handle *h, domid_t domid, uint16_t segment,
                       uint8_t start_bus, uint8_t end_bus, uint64_t base);
/* XEN_DMOP_ecam_set_window with XEN_DMOP_ECAM_REMOVE. */
int xecamdm_remove_window(xecamdm_handle *h, domid_t domid, uint16_t segment);
/* XEN_DMOP_ecam_get_window; each out pointer may be NULL. */
int xecamdm_get_window(xecamdm_handle *h, domid_t domid, uint16_t segment,
                       uint8_t *start_bus, uint8_t *end_bus, uint64_t *base);

/*
 * XEN_DMOP_ecam_assign: host function host_sbdf, which domid owns through
 * the IOMMU, at guest function guest_sbdf, with XEN_DMOP_ECAM_ASSIGN_*
 * flags; with XEN_DMOP_ECAM_ASSIGN_ROOT_PORT an emulated Root Port at
 * devfn root_port of bus 0 in front of the function's bus.  SBDFs are
 * segment << 16 | bus << 8 | device << 3 | function.
 */
int xecamdm_assign(xecamdm_handle *h, domid_t domid, uint32_t host_sbdf,
                   uint32_t guest_sbdf, uint32_t flags, uint8_t root_port);
/* XEN_DMOP_ecam_deassign: the function at guest_sbdf, and its Root Port. */
int xecamdm_deassign(xecamdm_handle *h, domid_t domid, uint32_t guest_sbdf);

/*
 * Any op with its argument exactly as given ('size' bytes, at most 24),
 * the argument updated from what the hypervisor wrote back: for testing
 * the hypervisor's own checks.
 */
int xecamdm_op(xecamdm_handle *h, domid_t domid, unsigned int op, void *arg,
               size_t size);

#endif /* XECAMDM_H */
