/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by the cmocka and check suites.  Header-only so each suite
 * stays one self-contained binary.
 */
#ifndef XECAM_UNIT_HELPERS_H
#define XECAM_UNIT_HELPERS_H

#include <string.h>

#include <public/hvm/ecam_op.h>
#include <xecam/ecam.h>
#include <xecam/pci.h>
#include <xecam/user.h>
#include <xecam/vpci.h>

#define TOOLSTACK  0      /* privileged */
#define GUEST      1      /* the HVM guest under test */
#define DM_DOM     2      /* GUEST's device model (stub domain) */
#define OTHER      3      /* an unrelated HVM guest */

/* A clean host: dom0 toolstack, guest 1 (with its DM domain 2), guest 3. */
static inline struct xecam_domain *h_host(unsigned int guest_flags)
{
    struct xecam_domain *d = NULL;

    xecam_user_reset();
    xecam_user_log_clear();
    xecam_user_log_ratelimit(10, 5000);
    xecam_user_ioreq_timeout(1000);
    xecam_user_domain_privileged(TOOLSTACK);
    if ( xecam_user_domain_add(GUEST, guest_flags, &d) ||
         xecam_user_domain_add(OTHER, 0, NULL) ||
         xecam_user_domain_dm(DM_DOM, GUEST) )
        return NULL;
    xecam_user_set_current(TOOLSTACK);

    return d;
}

static inline struct xen_hvm_ecam_space h_space(domid_t domid, uint16_t seg,
                                                uint8_t start, uint8_t end,
                                                uint64_t base)
{
    struct xen_hvm_ecam_space a = {
        .domid = domid, .segment = seg, .start_bus = start, .end_bus = end,
        .base = base,
    };

    return a;
}

/* HVMOP_set_ecam_space as 'caller'. */
static inline long h_set(domid_t caller, struct xen_hvm_ecam_space a)
{
    xecam_user_set_current(caller);
    return xecam_user_hvm_op(HVMOP_set_ecam_space, &a);
}

static inline long h_remove(domid_t caller, domid_t domid, uint16_t seg)
{
    struct xen_hvm_ecam_space a = h_space(domid, seg, 0, 0, 0);

    a.flags = XEN_HVM_ECAM_REMOVE;
    return h_set(caller, a);
}

/* HVMOP_get_ecam_space as 'caller'; fills *out on success. */
static inline long h_get(domid_t caller, domid_t domid, uint16_t seg,
                         struct xen_hvm_ecam_space *out)
{
    struct xen_hvm_ecam_space a = h_space(domid, seg, 0, 0, 0);
    long rc;

    xecam_user_set_current(caller);
    rc = xecam_user_hvm_op(HVMOP_get_ecam_space, &a);
    if ( out )
        *out = a;

    return rc;
}

/* Store 'val' little-endian at cfg[reg .. reg + size). */
static inline void h_put(uint8_t *cfg, unsigned int reg, unsigned int size,
                         uint32_t val)
{
    unsigned int i;

    for ( i = 0; i < size; i++ )
        cfg[reg + i] = (uint8_t)(val >> (8 * i));
}

/*
 * A host function whose config space is a recognisable pattern: byte i
 * holds (i * 7 + seed) & 0xff, except that a non-zero 'id' replaces the
 * vendor/device dword.
 */
static inline int h_pdev(uint32_t sbdf, uint8_t seed, uint32_t id)
{
    uint8_t cfg[XECAM_CFG_SIZE];
    unsigned int i;

    for ( i = 0; i < sizeof(cfg); i++ )
        cfg[i] = (uint8_t)(i * 7 + seed);
    if ( id )
        memcpy(cfg, &id, sizeof(id));

    return xecam_user_pdev_add(sbdf, cfg, sizeof(cfg));
}

static inline uint32_t h_pattern(unsigned int reg, unsigned int size,
                                 uint8_t seed)
{
    uint32_t v = 0;
    unsigned int i;

    for ( i = 0; i < size; i++ )
        v |= (uint32_t)(uint8_t)((reg + i) * 7 + seed) << (8 * i);

    return v;
}

/* A vPCI device for host function 'host' routed at guest 'sbdf'. */
static inline int h_vpci(struct xecam_domain *d, uint32_t sbdf, uint32_t host)
{
    struct xecam_vpci *dev;
    int rc = xecam_vpci_create(host, &dev);

    if ( rc )
        return rc;
    rc = xecam_route_add_vpci(d, sbdf, dev);
    if ( rc )
        xecam_vpci_destroy(dev);

    return rc;
}

#endif /* XECAM_UNIT_HELPERS_H */
