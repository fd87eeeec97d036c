/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace port: the host's side of a passed-through function's
 * interrupts.  What Xen does with a pirq and pt_irq_create_bind, and what
 * the device does with its own MSI registers and MSI-X table once the host
 * has programmed them, modelled closely enough for the core's tests, the
 * fuzzers and the KVM harness: bindings per vector, host masks, MSI-X's
 * enable and function mask, pending bits (the PBA) and delivery.  Every
 * call can be made to fail (XECAM_FAULT_HOOK).
 */
#include <pthread.h>
#include <string.h>

#include <xecam/port.h>
#include "internal.h"

#define MAX_VECS    4096
#define MAX_FUNCS   64
#define FIRST_PIRQ  1000

/*
 * A vector of a function: bound (pirq >= 0) or only pending.  vecs[] is a
 * hash table on (sbdf, msix, nr), linear probing: a chain ends at a slot
 * never claimed; a freed slot stays claimed (a tombstone) while a claimed
 * slot follows it.
 */
struct vec {
    bool used, claimed, msix;
    uint32_t sbdf;
    unsigned int nr;                /* MSI vector or MSI-X entry */
    int pirq;                       /* -1: not bound */
    domid_t domid;
    struct xecam_msi_msg msg;
    bool masked, pending;
};

/* MSI-X's control as the host keeps it. */
struct func {
    bool used;
    uint32_t sbdf;
    bool enable, maskall;
};

static pthread_mutex_t irq_lock = PTHREAD_MUTEX_INITIALIZER;
static struct vec vecs[MAX_VECS];
static struct func funcs[MAX_FUNCS];
static int next_pirq = FIRST_PIRQ;
static xecam_user_irq_sink_t sink;
/* What was written to the function's memory, read back (not the PBA). */
#define SCRATCH 64
static struct {
    uint32_t sbdf;
    uint64_t haddr;
    uint64_t val;
} scratch[SCRATCH];
static unsigned int nr_scratch;
static void *sink_opaque;

void xecam_user_irq_reset(void)
{
    pthread_mutex_lock(&irq_lock);
    memset(vecs, 0, sizeof(vecs));
    memset(funcs, 0, sizeof(funcs));
    next_pirq = FIRST_PIRQ;
    nr_scratch = 0;
    sink = NULL;
    pthread_mutex_unlock(&irq_lock);
}

void xecam_user_irq_sink(xecam_user_irq_sink_t fn, void *opaque)
{
    pthread_mutex_lock(&irq_lock);
    sink = fn;
    sink_opaque = opaque;
    pthread_mutex_unlock(&irq_lock);
}

static unsigned int vec_hash(uint32_t sbdf, bool msix, unsigned int nr)
{
    uint32_t h = sbdf * 0x9e3779b1U ^ nr * 0x85ebca6bU ^ msix;

    return (h ^ h >> 15) & (MAX_VECS - 1);
}

static struct vec *vec_of(uint32_t sbdf, bool msix, unsigned int nr,
                          bool create)
{
    unsigned int i = vec_hash(sbdf, msix, nr), n;
    struct vec *v, *free_slot = NULL;

    for ( n = 0; n < MAX_VECS; n++, i = (i + 1) & (MAX_VECS - 1) )
    {
        v = &vecs[i];
        if ( v->used && v->sbdf == sbdf && v->msix == msix && v->nr == nr )
            return v;
        if ( !v->used && !free_slot )
            free_slot = v;
        if ( !v->claimed )
            break;
    }
    if ( !create || !free_slot )
        return NULL;
    memset(free_slot, 0, sizeof(*free_slot));
    free_slot->used = free_slot->claimed = true;
    free_slot->msix = msix;
    free_slot->sbdf = sbdf;
    free_slot->nr = nr;
    free_slot->pirq = -1;
    free_slot->masked = true;       /* the host masks what is not bound */

    return free_slot;
}

/* v is free: it and the tombstones before it end their chain if it did. */
static void vec_free(struct vec *v)
{
    unsigned int i = v - vecs, n;

    v->used = false;
    for ( n = 0; n < MAX_VECS; n++, i = (i - 1) & (MAX_VECS - 1) )
    {
        if ( vecs[i].used || (n && !vecs[i].claimed) ||
             vecs[(i + 1) & (MAX_VECS - 1)].claimed )
            break;
        vecs[i].claimed = false;
    }
}

static struct vec *vec_of_pirq(int pirq)
{
    unsigned int i;

    for ( i = 0; i < MAX_VECS; i++ )
        if ( vecs[i].used && vecs[i].pirq == pirq && pirq >= 0 )
            return &vecs[i];

    return NULL;
}

static struct func *func_of(uint32_t sbdf, bool create)
{
    unsigned int i;

    for ( i = 0; i < MAX_FUNCS; i++ )
        if ( funcs[i].used && funcs[i].sbdf == sbdf )
            return &funcs[i];
    for ( i = 0; create && i < MAX_FUNCS; i++ )
        if ( !funcs[i].used )
        {
            funcs[i] = (struct func){ .used = true, .sbdf = sbdf };
            return &funcs[i];
        }

    return NULL;
}

/* Under irq_lock: may v's interrupt leave the device now? */
static bool may_send(const struct vec *v)
{
    const struct func *f = v->msix ? func_of(v->sbdf, false) : NULL;

    if ( v->pirq < 0 || v->masked )
        return false;

    return !v->msix || (f && f->enable && !f->maskall);
}

/* Under irq_lock: the message goes out (the MSI vector in its data). */
static void deliver(struct vec *v)
{
    uint32_t data = v->msix ? v->msg.data : v->msg.data | v->nr;
    struct xecam_user_event e = {
        .kind = XECAM_EV_IRQ, .sbdf = v->sbdf, .addr = v->msg.addr,
        .data = data, .count = v->nr, .enable = v->msix,
    };

    v->pending = false;
    xecam_user_record_quiet(&e);
    if ( sink )
        sink(sink_opaque, v->domid, v->msg.addr, data);
}

/* Under irq_lock: pending vectors that may go now, go. */
static void flush(void)
{
    unsigned int i;

    for ( i = 0; i < MAX_VECS; i++ )
        if ( vecs[i].used && vecs[i].pending && may_send(&vecs[i]) )
            deliver(&vecs[i]);
}

static int bind(const struct xecam_domain *d, uint32_t sbdf, bool msix,
                unsigned int nr, const struct xecam_msi_msg *msg, bool masked,
                int pirq)
{
    struct vec *v = vec_of(sbdf, msix, nr, true);

    if ( !v )
        return -ENOSPC;
    v->pirq = pirq;
    v->domid = xecam_domain_id(d);
    v->msg = *msg;
    v->masked = masked;

    return 0;
}

static void unbind(uint32_t sbdf, bool msix, unsigned int nr)
{
    struct vec *v = vec_of(sbdf, msix, nr, false);

    if ( v )
    {
        v->pirq = -1;
        v->masked = true;
        if ( !v->pending )          /* a pending bit stays with the device */
            vec_free(v);
    }
}

static int fail_or_record(struct xecam_user_event *e)
{
    return xecam_user_record(e);
}

int xecam_port_msi_bind(const struct xecam_domain *d, uint32_t host_sbdf,
                        const struct xecam_msi_msg *msg, unsigned int vectors,
                        uint32_t masks, int *pirq)
{
    struct xecam_user_event e = {
        .kind = XECAM_EV_MSI_BIND, .sbdf = host_sbdf, .addr = msg->addr,
        .data = msg->data, .count = vectors,
    };
    unsigned int i;
    int base, rc;

    xecam_user_lc_host(XECAM_LC_MSI_BIND);
    if ( !vectors || vectors > 32 || (vectors & (vectors - 1)) )
        return -EINVAL;
    rc = fail_or_record(&e);
    if ( rc )
        return rc;
    pthread_mutex_lock(&irq_lock);
    base = *pirq >= 0 ? *pirq : next_pirq;
    for ( i = 0; !rc && i < vectors; i++ )
        rc = bind(d, host_sbdf, false, i, msg,
                  i ? masks & (1U << i) : msg->masked, base + i);
    if ( rc )
        for ( i = 0; i < vectors; i++ )
            unbind(host_sbdf, false, i);
    else if ( *pirq < 0 )
    {
        next_pirq += vectors;
        *pirq = base;
    }
    flush();
    pthread_mutex_unlock(&irq_lock);

    return rc;
}

int xecam_port_msi_unbind(const struct xecam_domain *d, uint32_t host_sbdf,
                          int pirq, unsigned int vectors)
{
    struct xecam_user_event e = {
        .kind = XECAM_EV_MSI_UNBIND, .sbdf = host_sbdf, .count = vectors,
    };
    const struct vec *v;
    unsigned int i;

    xecam_user_lc_host(XECAM_LC_MSI_UNBIND);
    pthread_mutex_lock(&irq_lock);
    v = vec_of(host_sbdf, false, 0, false);
    if ( v && v->pirq >= 0 )
    {
        e.addr = v->msg.addr;       /* what it undoes, for the record */
        e.data = v->msg.data;
    }
    for ( i = 0; i < vectors && i < 32; i++ )
        unbind(host_sbdf, false, i);
    pthread_mutex_unlock(&irq_lock);

    return fail_or_record(&e);
}

int xecam_port_msix_bind(const struct xecam_domain *d, uint32_t host_sbdf,
                         unsigned int entry, const struct xecam_msi_msg *msg,
                         int *pirq)
{
    struct xecam_user_event e = {
        .kind = XECAM_EV_MSIX_BIND, .sbdf = host_sbdf, .addr = msg->addr,
        .data = msg->data, .count = entry, .enable = msg->masked,
    };
    int rc;

    xecam_user_lc_host(XECAM_LC_MSIX_BIND);
    if ( entry >= 2048 )
        return -EINVAL;
    rc = fail_or_record(&e);
    if ( rc )
        return rc;
    pthread_mutex_lock(&irq_lock);
    rc = bind(d, host_sbdf, true, entry, msg, msg->masked,
              *pirq >= 0 ? *pirq : next_pirq);
    if ( !rc && *pirq < 0 )
        *pirq = next_pirq++;
    flush();
    pthread_mutex_unlock(&irq_lock);

    return rc;
}

int xecam_port_msix_unbind(const struct xecam_domain *d, uint32_t host_sbdf,
                           unsigned int entry, int pirq)
{
    struct xecam_user_event e = {
        .kind = XECAM_EV_MSIX_UNBIND, .sbdf = host_sbdf, .count = entry,
    };

    xecam_user_lc_host(XECAM_LC_MSIX_UNBIND);
    pthread_mutex_lock(&irq_lock);
    unbind(host_sbdf, true, entry);
    pthread_mutex_unlock(&irq_lock);

    return fail_or_record(&e);
}

int xecam_port_irq_mask(const struct xecam_domain *d, int pirq, bool mask)
{
    struct xecam_user_event e = {
        .kind = XECAM_EV_IRQ_MASK, .count = pirq, .enable = mask,
    };
    struct vec *v;
    int rc;

    xecam_user_lc_host(XECAM_LC_IRQ_MASK);
    pthread_mutex_lock(&irq_lock);
    v = vec_of_pirq(pirq);
    e.sbdf = v ? v->sbdf : 0;
    pthread_mutex_unlock(&irq_lock);
    rc = fail_or_record(&e);
    if ( rc )
        return rc;
    pthread_mutex_lock(&irq_lock);
    v = vec_of_pirq(pirq);
    if ( v && v->domid == xecam_domain_id(d) )
    {
        v->masked = mask;
        flush();
    }
    else
        rc = -ENOENT;
    pthread_mutex_unlock(&irq_lock);

    return rc;
}

int xecam_port_msix_control(const struct xecam_domain *d, uint32_t host_sbdf,
                            bool enable, bool maskall)
{
    struct xecam_user_event e = {
        .kind = XECAM_EV_MSIX, .sbdf = host_sbdf, .enable = enable,
        .maskall = maskall,
    };
    struct func *f;
    int rc;

    xecam_user_lc_host(XECAM_LC_MSIX_CONTROL);
    rc = fail_or_record(&e);
    if ( rc )
        return rc;
    pthread_mutex_lock(&irq_lock);
    f = func_of(host_sbdf, true);
    if ( f )
    {
        f->enable = enable;
        f->maskall = maskall;
        flush();
    }
    pthread_mutex_unlock(&irq_lock);

    return f ? 0 : -ENOSPC;
}

/* An emulated device's MSI (a Root Port's slot): delivered as it is. */
int xecam_port_msi_inject(const struct xecam_domain *d, uint64_t addr,
                          uint32_t data)
{
    struct xecam_user_event e = {
        .kind = XECAM_EV_IRQ, .addr = addr, .data = data, .count = ~0U,
    };
    int rc;

    xecam_user_lc_host(XECAM_LC_MSI_INJECT);
    rc = xecam_user_record(&e);
    if ( rc )
        return rc;
    pthread_mutex_lock(&irq_lock);
    if ( sink )
        sink(sink_opaque, xecam_domain_id(d), addr, data);
    pthread_mutex_unlock(&irq_lock);

    return 0;
}

int xecam_user_irq_raise(uint32_t sbdf, bool msix, unsigned int nr)
{
    const struct func *f;
    struct vec *v;
    int rc = 0;

    pthread_mutex_lock(&irq_lock);
    f = func_of(sbdf, false);
    v = vec_of(sbdf, msix, nr, false);
    if ( msix && !(f && f->enable) )
        rc = -ENOENT;
    else if ( !msix && !(v && v->pirq >= 0) )
        rc = -ENOENT;               /* MSI is off at the host */
    else if ( !v && !(v = vec_of(sbdf, msix, nr, true)) )
        rc = -ENOSPC;
    else if ( may_send(v) )
    {
        deliver(v);
        rc = 1;
    }
    else
        v->pending = true;
    pthread_mutex_unlock(&irq_lock);

    return rc;
}

unsigned int xecam_user_irq_bound(uint32_t sbdf, bool msix)
{
    unsigned int i, n = 0;

    pthread_mutex_lock(&irq_lock);
    for ( i = 0; i < MAX_VECS; i++ )
        n += vecs[i].used && vecs[i].sbdf == sbdf && vecs[i].msix == msix &&
             vecs[i].pirq >= 0;
    pthread_mutex_unlock(&irq_lock);

    return n;
}

int xecam_user_irq_masked(uint32_t sbdf, bool msix, unsigned int nr)
{
    const struct vec *v;
    int rc;

    pthread_mutex_lock(&irq_lock);
    v = vec_of(sbdf, msix, nr, false);
    rc = v && v->pirq >= 0 ? v->masked : -ENOENT;
    pthread_mutex_unlock(&irq_lock);

    return rc;
}

/* ---- The function's memory: the PBA, and the scratch for the rest ---- */

/* The host address of the function's PBA, from its config space. */
static bool pba_at(uint32_t sbdf, uint64_t *at, unsigned int *len)
{
    uint8_t cfg[256];
    unsigned int pos, n, bir;
    uint32_t ctrl, pba, lo, hi = 0;

    if ( xecam_user_pdev_peek(sbdf, 0, cfg, sizeof(cfg)) )
        return false;
    pos = cfg[0x34] & 0xfc;
    for ( n = 0; pos && n < 48 && cfg[pos] != 0x11; n++ )
        pos = cfg[pos + 1] & 0xfc;
    if ( !pos || cfg[pos] != 0x11 || pos > 256 - 12 )
        return false;
    memcpy(&ctrl, &cfg[pos], 4);
    memcpy(&pba, &cfg[pos + 8], 4);
    bir = pba & 7;
    if ( bir > 5 )
        return false;
    memcpy(&lo, &cfg[0x10 + 4 * bir], 4);
    if ( (lo & 6) == 4 && bir < 5 )
        memcpy(&hi, &cfg[0x14 + 4 * bir], 4);
    *at = (((uint64_t)hi << 32) | (lo & ~0xfU)) + (pba & ~7U);
    *len = 8 * ((((ctrl >> 16) & 0x7ff) + 1 + 63) / 64);

    return true;
}

/* Under irq_lock: pending bits [bit, bit + 8 * size) of the PBA. */
static uint64_t pending_bits(uint32_t sbdf, unsigned int bit,
                             unsigned int size)
{
    uint64_t v = 0;
    unsigned int i;

    for ( i = 0; i < MAX_VECS; i++ )
        if ( vecs[i].used && vecs[i].msix && vecs[i].sbdf == sbdf &&
             vecs[i].pending && vecs[i].nr >= bit &&
             vecs[i].nr < bit + 8 * size )
            v |= 1ULL << (vecs[i].nr - bit);

    return v;
}

int xecam_port_bar_read(const struct xecam_domain *d, uint32_t host_sbdf,
                        uint64_t haddr, unsigned int size, uint64_t *val)
{
    unsigned int len, i;
    uint64_t pba;

    xecam_user_lc_host(XECAM_LC_BAR_READ);
    if ( xecam_user_fault(XECAM_FAULT_HOOK) )
        return -EIO;
    pthread_mutex_lock(&irq_lock);
    *val = 0;
    if ( pba_at(host_sbdf, &pba, &len) && haddr >= pba &&
         haddr - pba < len )
        *val = pending_bits(host_sbdf, 8 * (haddr - pba), size);
    else
        for ( i = 0; i < nr_scratch; i++ )
            if ( scratch[i].sbdf == host_sbdf && scratch[i].haddr == haddr )
                *val = scratch[i].val;
    pthread_mutex_unlock(&irq_lock);
    if ( size < 8 )
        *val &= (1ULL << (8 * size)) - 1;

    return 0;
}

int xecam_port_bar_write(const struct xecam_domain *d, uint32_t host_sbdf,
                         uint64_t haddr, unsigned int size, uint64_t val)
{
    struct xecam_user_event e = {
        .kind = XECAM_EV_BAR_WRITE, .sbdf = host_sbdf, .addr = haddr,
        .data = val, .count = size,
    };
    unsigned int i;
    int rc;

    xecam_user_lc_host(XECAM_LC_BAR_WRITE);
    rc = xecam_user_record(&e);
    if ( rc )
        return rc;
    pthread_mutex_lock(&irq_lock);
    for ( i = 0; i < nr_scratch; i++ )
        if ( scratch[i].sbdf == host_sbdf && scratch[i].haddr == haddr )
            break;
    if ( i == nr_scratch && nr_scratch < SCRATCH )
        nr_scratch++;
    if ( i < nr_scratch )
        scratch[i] = (typeof(scratch[0])){ host_sbdf, haddr, val };
    pthread_mutex_unlock(&irq_lock);

    return 0;
}
