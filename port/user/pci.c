/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace port: simulated host PCI functions with hardware semantics.
 *
 * Each function has a config space and, per byte, the bits software can
 * write and the bits that are write-1-to-clear.  A type 0 header gets the
 * masks a real one has (Command, Status errors, cache line, latency, BIST
 * START, interrupt line, BARs by their sizes); bytes from 0x40 on are
 * writable unless a test says otherwise.  Every write that reaches a
 * function is recorded.  Absent functions read all-ones and ignore writes.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <xecam/port.h>
#include <xecam/pci.h>
#include "internal.h"

#define MAX_PDEVS 256
#define MAX_LOG   4096

struct pdev {
    uint32_t sbdf;
    uint8_t cfg[XECAM_CFG_SIZE];
    uint8_t wmask[XECAM_CFG_SIZE];
    uint8_t w1c[XECAM_CFG_SIZE];
    uint64_t bar_size[XECAM_PORT_ROM_BAR + 1];
    domid_t owner;                  /* through the IOMMU; 0 when loaded */
    bool is_vf;                     /* an SR-IOV VF of 'pf' */
    uint32_t pf;
    uint64_t vf_bar_size[XECAM_PORT_VF_BARS];   /* of a PF: one VF's */
    unsigned int nr_log;
    struct xecam_user_pci_write log[MAX_LOG];
};

static pthread_mutex_t pci_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pdev *pdevs[MAX_PDEVS];
static unsigned int nr_slots;       /* pdevs[] from here on are NULL */
static unsigned long writes;

static struct pdev *find(uint32_t sbdf)
{
    unsigned int i;

    for ( i = 0; i < nr_slots; i++ )
        if ( pdevs[i] && pdevs[i]->sbdf == sbdf )
            return pdevs[i];

    return NULL;
}

static void set_mask(uint8_t *m, unsigned int off, unsigned int n, uint32_t v)
{
    unsigned int i;

    for ( i = 0; i < n; i++ )
        m[off + i] = v >> (8 * i);
}

/* BAR i's writable bits: address bits above its size. */
static void bar_masks(struct pdev *p, unsigned int i)
{
    unsigned int off = i == XECAM_PORT_ROM_BAR ? 0x30 : 0x10 + 4 * i;
    uint32_t lo = p->cfg[off] | (uint32_t)p->cfg[off + 1] << 8 |
                  (uint32_t)p->cfg[off + 2] << 16 |
                  (uint32_t)p->cfg[off + 3] << 24;
    uint64_t size = p->bar_size[i], addr = size ? ~(size - 1) : 0;
    bool io = i != XECAM_PORT_ROM_BAR && (lo & 1);
    bool mem64 = i < 5 && !io && (lo & 6) == 4;

    if ( i == XECAM_PORT_ROM_BAR )
        set_mask(p->wmask, off, 4, size ? ((uint32_t)addr & ~0x7ffU) | 1 : 0);
    else
        set_mask(p->wmask, off, 4, (uint32_t)addr & (io ? ~3U : ~0xfU));
    if ( mem64 )
        set_mask(p->wmask, off + 4, 4, size ? addr >> 32 : 0);
}

static void all_bar_masks(struct pdev *p)
{
    unsigned int i;

    for ( i = 0; i < 6; i++ )
    {
        bar_masks(p, i);
        if ( i < 5 && (p->cfg[0x10 + 4 * i] & 7) == 4 )
            i++;                                /* the top of a 64-bit BAR */
    }
    bar_masks(p, XECAM_PORT_ROM_BAR);
}

static void header_masks(struct pdev *p)
{
    memset(p->wmask, 0, 0x40);
    memset(p->wmask + 0x40, 0xff, sizeof(p->wmask) - 0x40);
    memset(p->w1c, 0, sizeof(p->w1c));
    set_mask(p->wmask, 0x04, 2, 0x07ff);        /* Command */
    set_mask(p->w1c, 0x06, 2, 0xf900);          /* Status errors */
    set_mask(p->wmask, 0x0c, 2, 0xffff);        /* cache line, latency */
    set_mask(p->wmask, 0x0f, 1, 0x40);          /* BIST START */
    set_mask(p->wmask, 0x3c, 1, 0xff);          /* interrupt line */
    all_bar_masks(p);
}

int xecam_user_pdev_add(uint32_t sbdf, const uint8_t *cfg, size_t len)
{
    struct pdev *p;
    unsigned int i;
    int rc = -ENOSPC;

    if ( len > XECAM_CFG_SIZE )
        return -EINVAL;
    p = calloc(1, sizeof(*p));
    if ( !p )
        return -ENOMEM;
    p->sbdf = sbdf;
    memcpy(p->cfg, cfg, len);
    header_masks(p);

    pthread_mutex_lock(&pci_lock);
    if ( find(sbdf) )
        rc = -EEXIST;
    for ( i = 0; rc == -ENOSPC && i < MAX_PDEVS; i++ )
        if ( !pdevs[i] )
        {
            pdevs[i] = p;
            nr_slots = i + 1 > nr_slots ? i + 1 : nr_slots;
            rc = 0;
        }
    pthread_mutex_unlock(&pci_lock);
    if ( rc )
        free(p);

    return rc;
}

int xecam_user_pdev_bar(uint32_t sbdf, unsigned int bar, uint64_t size)
{
    struct pdev *p;
    int rc = -ENODEV;

    if ( bar > XECAM_PORT_ROM_BAR || (size & (size - 1)) )
        return -EINVAL;
    pthread_mutex_lock(&pci_lock);
    p = find(sbdf);
    if ( p )
    {
        p->bar_size[bar] = size;
        all_bar_masks(p);
        rc = 0;
    }
    pthread_mutex_unlock(&pci_lock);

    return rc;
}

int xecam_user_pdev_masks(uint32_t sbdf, unsigned int reg, unsigned int len,
                          uint8_t wmask, uint8_t w1c)
{
    struct pdev *p;
    int rc = -ENODEV;

    if ( reg > XECAM_CFG_SIZE || len > XECAM_CFG_SIZE - reg )
        return -EINVAL;
    pthread_mutex_lock(&pci_lock);
    p = find(sbdf);
    if ( p )
    {
        memset(p->wmask + reg, wmask, len);
        memset(p->w1c + reg, w1c, len);
        rc = 0;
    }
    pthread_mutex_unlock(&pci_lock);

    return rc;
}

int xecam_user_pdev_vf(uint32_t vf, uint32_t pf)
{
    struct pdev *p;
    int rc = -ENODEV;

    pthread_mutex_lock(&pci_lock);
    p = find(vf);
    if ( p && find(pf) )
    {
        p->is_vf = true;
        p->pf = pf;
        rc = 0;
    }
    pthread_mutex_unlock(&pci_lock);

    return rc;
}

int xecam_user_pdev_vf_bar(uint32_t pf, unsigned int bar, uint64_t size)
{
    struct pdev *p;
    int rc = -ENODEV;

    if ( bar >= XECAM_PORT_VF_BARS )
        return -EINVAL;
    pthread_mutex_lock(&pci_lock);
    p = find(pf);
    if ( p )
    {
        p->vf_bar_size[bar] = size;
        rc = 0;
    }
    pthread_mutex_unlock(&pci_lock);

    return rc;
}

int xecam_port_pci_physfn(uint32_t host_sbdf, uint32_t *pf_sbdf)
{
    const struct pdev *p;
    int rc = -ENODEV;

    xecam_user_lc_host(XECAM_LC_PCI_PHYSFN);
    if ( xecam_user_fault(XECAM_FAULT_PCI) )
        return -EIO;
    pthread_mutex_lock(&pci_lock);
    p = find(host_sbdf);
    if ( p && p->is_vf )
    {
        *pf_sbdf = p->pf;
        rc = 0;
    }
    pthread_mutex_unlock(&pci_lock);

    return rc;
}

int xecam_port_pci_vf_bar_size(uint32_t pf_sbdf, unsigned int bar,
                               uint64_t *size)
{
    const struct pdev *p;

    xecam_user_lc_host(XECAM_LC_PCI_VF_BAR_SIZE);
    if ( bar >= XECAM_PORT_VF_BARS )
        return -EINVAL;
    if ( xecam_user_fault(XECAM_FAULT_PCI) )
        return -EIO;
    pthread_mutex_lock(&pci_lock);
    p = find(pf_sbdf);
    if ( p )
        *size = p->vf_bar_size[bar];
    pthread_mutex_unlock(&pci_lock);

    return p ? 0 : -ENODEV;
}

int xecam_user_pdev_owner(uint32_t sbdf, domid_t owner)
{
    struct pdev *p;

    pthread_mutex_lock(&pci_lock);
    p = find(sbdf);
    if ( p )
        p->owner = owner;
    pthread_mutex_unlock(&pci_lock);

    return p ? 0 : -ENODEV;
}

int xecam_port_pci_owned(const struct xecam_domain *d, uint32_t host_sbdf)
{
    const struct pdev *p;
    int rc;

    pthread_mutex_lock(&pci_lock);
    p = find(host_sbdf);
    rc = !p ? -ENODEV : p->owner != xecam_domain_id(d) ? -EPERM : 0;
    pthread_mutex_unlock(&pci_lock);

    return rc;
}

void xecam_user_pdev_remove_all(void)
{
    unsigned int i;

    pthread_mutex_lock(&pci_lock);
    for ( i = 0; i < MAX_PDEVS; i++ )
    {
        free(pdevs[i]);
        pdevs[i] = NULL;
    }
    nr_slots = 0;
    writes = 0;
    pthread_mutex_unlock(&pci_lock);
}

int xecam_user_pdev_peek(uint32_t sbdf, unsigned int reg, uint8_t *buf,
                         size_t len)
{
    const struct pdev *p;
    int rc = -ENODEV;

    if ( reg > XECAM_CFG_SIZE || len > XECAM_CFG_SIZE - reg )
        return -EINVAL;
    pthread_mutex_lock(&pci_lock);
    p = find(sbdf);
    if ( p )
    {
        memcpy(buf, p->cfg + reg, len);
        rc = 0;
    }
    pthread_mutex_unlock(&pci_lock);

    return rc;
}

unsigned long xecam_user_pdev_writes(void)
{
    unsigned long n;

    pthread_mutex_lock(&pci_lock);
    n = writes;
    pthread_mutex_unlock(&pci_lock);

    return n;
}

/* The last writes to any device, by their number (writes, 1 on). */
static struct xecam_user_host_write recent[XECAM_USER_RECENT_WRITES];

unsigned int xecam_user_host_writes_since(unsigned long mark,
                                          struct xecam_user_host_write *out,
                                          unsigned int max)
{
    unsigned long from, i;
    unsigned int n = 0;

    pthread_mutex_lock(&pci_lock);
    from = writes - mark > XECAM_USER_RECENT_WRITES
           ? writes - XECAM_USER_RECENT_WRITES : mark;
    for ( i = from; i < writes && n < max; i++ )
        out[n++] = recent[i % XECAM_USER_RECENT_WRITES];
    pthread_mutex_unlock(&pci_lock);

    return n;
}

unsigned int xecam_user_pdev_log(uint32_t sbdf,
                                 struct xecam_user_pci_write *out,
                                 unsigned int max)
{
    const struct pdev *p;
    unsigned int n = 0;

    pthread_mutex_lock(&pci_lock);
    p = find(sbdf);
    if ( p )
    {
        n = p->nr_log < max ? p->nr_log : max;
        memcpy(out, p->log, n * sizeof(*out));
    }
    pthread_mutex_unlock(&pci_lock);

    return n;
}

void xecam_user_pdev_log_clear(void)
{
    unsigned int i;

    pthread_mutex_lock(&pci_lock);
    for ( i = 0; i < nr_slots; i++ )
        if ( pdevs[i] )
            pdevs[i]->nr_log = 0;
    writes = 0;
    pthread_mutex_unlock(&pci_lock);
}

int xecam_port_pci_read(uint32_t host_sbdf, unsigned int reg,
                        unsigned int size, uint32_t *val)
{
    const struct pdev *p;
    unsigned int i;

    if ( !xecam_cfg_access_ok(reg, size) )
        return -EINVAL;
    if ( xecam_user_fault(XECAM_FAULT_PCI) )
        return -EIO;
    pthread_mutex_lock(&pci_lock);
    p = find(host_sbdf);
    *val = p ? 0 : xecam_ones(size);
    for ( i = 0; p && i < size; i++ )
        *val |= (uint32_t)p->cfg[reg + i] << (8 * i);
    pthread_mutex_unlock(&pci_lock);

    return 0;
}

static void apply_write(struct pdev *p, unsigned int reg, unsigned int size,
                        uint32_t val)
{
    unsigned int i;

    for ( i = 0; i < size; i++ )
    {
        uint8_t b = val >> (8 * i), m = p->wmask[reg + i];

        p->cfg[reg + i] = ((p->cfg[reg + i] & ~m) | (b & m)) &
                          ~(b & p->w1c[reg + i]);
    }
    if ( p->nr_log < MAX_LOG )
    {
        p->log[p->nr_log].reg = reg;
        p->log[p->nr_log].size = size;
        p->log[p->nr_log++].val = val;
    }
}

int xecam_port_pci_write(uint32_t host_sbdf, unsigned int reg,
                         unsigned int size, uint32_t val)
{
    struct pdev *p;

    if ( !xecam_cfg_access_ok(reg, size) )
        return -EINVAL;
    if ( xecam_user_fault(XECAM_FAULT_PCI) )
        return -EIO;
    pthread_mutex_lock(&pci_lock);
    p = find(host_sbdf);
    if ( p )
    {
        recent[writes % XECAM_USER_RECENT_WRITES] =
            (struct xecam_user_host_write){ host_sbdf, { reg, size, val } };
        writes++;
        apply_write(p, reg, size, val);
    }
    pthread_mutex_unlock(&pci_lock);

    return 0;
}

int xecam_port_pci_bar_size(uint32_t host_sbdf, unsigned int bar,
                            uint64_t *size)
{
    const struct pdev *p;

    if ( bar > XECAM_PORT_ROM_BAR )
        return -EINVAL;
    if ( xecam_user_fault(XECAM_FAULT_PCI) )
        return -EIO;
    pthread_mutex_lock(&pci_lock);
    p = find(host_sbdf);
    *size = p ? p->bar_size[bar] : 0;
    pthread_mutex_unlock(&pci_lock);

    return 0;
}

unsigned int xecam_user_pdev_list(uint32_t *sbdf, unsigned int max)
{
    unsigned int i, n = 0;

    pthread_mutex_lock(&pci_lock);
    for ( i = 0; i < nr_slots; i++ )
        if ( pdevs[i] && n < max )
            sbdf[n++] = pdevs[i]->sbdf;
    pthread_mutex_unlock(&pci_lock);

    return n;
}
