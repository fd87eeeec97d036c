/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace port: the domains the core sees, who may control whom, each
 * domain's occupied guest-physical ranges, and guest handles.
 */
#include <pthread.h>
#include <string.h>

#include <xecam/port.h>
#include "internal.h"

#define MAX_DOMAINS 64
#define MAX_P2M     32
#define MAX_MAPS    64

struct user_domain {
    bool used;
    domid_t id;
    bool privileged;
    domid_t dm_for;                  /* DOMID_INVALID: nobody */
    unsigned int refs;
    struct xecam_domain *d;          /* NULL: not an HVM guest */
    unsigned int nr_p2m;
    struct { uint64_t gpa, size; } p2m[MAX_P2M];
    unsigned int nr_maps;
    struct xecam_user_mapping map[MAX_MAPS];
    unsigned int xsm_refuse;         /* XECAM_USER_XSM_*: policy refuses */
    bool dying;                      /* being destroyed */
    unsigned int gpa_bits;           /* guest-physical address width */
    uint64_t preempt_bytes;          /* p2m walked per preemptible call */
    uint64_t map_bytes;              /* mapped per preemptible call */
    unsigned long map_calls;         /* xecam_port_bar_map() calls */
    bool crashed;
};

static pthread_mutex_t dom_lock = PTHREAD_MUTEX_INITIALIZER;
static struct user_domain doms[MAX_DOMAINS];
static __thread domid_t current_domid;

static struct user_domain *find(domid_t id)
{
    unsigned int i;

    for ( i = 0; i < MAX_DOMAINS; i++ )
        if ( doms[i].used && doms[i].id == id )
            return &doms[i];

    return NULL;
}

static struct user_domain *find_or_add(domid_t id)
{
    struct user_domain *u = find(id);
    unsigned int i;

    for ( i = 0; !u && i < MAX_DOMAINS; i++ )
        if ( !doms[i].used )
        {
            u = &doms[i];
            memset(u, 0, sizeof(*u));
            u->used = true;
            u->id = id;
            u->dm_for = DOMID_INVALID;
            u->gpa_bits = 52;
        }

    return u;
}

static bool overlaps(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
    return as && bs && a <= b + (bs - 1) && b <= a + (as - 1);
}

static bool over_ram(const struct user_domain *u, uint64_t gpa, uint64_t size)
{
    unsigned int i;

    for ( i = 0; i < u->nr_p2m; i++ )
        if ( overlaps(gpa, size, u->p2m[i].gpa, u->p2m[i].size) )
            return true;

    return false;
}

int xecam_user_domain_add(domid_t id, unsigned int flags,
                          struct xecam_domain **out)
{
    struct xecam_domain *d;
    struct user_domain *u;
    int rc = 0;

    pthread_mutex_lock(&dom_lock);
    u = find_or_add(id);
    if ( !u || u->d )
        rc = u ? -EEXIST : -ENOSPC;
    pthread_mutex_unlock(&dom_lock);
    if ( !rc )
        rc = xecam_domain_create(id, flags, u, &d);
    if ( rc )
        return rc;
    pthread_mutex_lock(&dom_lock);
    u->d = d;
    pthread_mutex_unlock(&dom_lock);
    if ( out )
        *out = d;

    return 0;
}

/* The domain's ECAM state goes first: its teardown still uses the entry. */
void xecam_user_domain_remove(domid_t id)
{
    struct xecam_domain *d = NULL;
    struct user_domain *u;

    pthread_mutex_lock(&dom_lock);
    u = find(id);
    if ( u )
        d = u->d;
    pthread_mutex_unlock(&dom_lock);
    xecam_domain_destroy(d);
    pthread_mutex_lock(&dom_lock);
    if ( u && u->used && u->id == id )
        u->used = false;
    pthread_mutex_unlock(&dom_lock);
}

int xecam_user_domain_privileged(domid_t id)
{
    struct user_domain *u;

    pthread_mutex_lock(&dom_lock);
    u = find_or_add(id);
    if ( u )
        u->privileged = true;
    pthread_mutex_unlock(&dom_lock);

    return u ? 0 : -ENOSPC;
}

int xecam_user_domain_dm(domid_t dm, domid_t target)
{
    struct user_domain *u;

    pthread_mutex_lock(&dom_lock);
    u = find_or_add(dm);
    if ( u )
        u->dm_for = target;
    pthread_mutex_unlock(&dom_lock);

    return u ? 0 : -ENOSPC;
}

void xecam_user_set_current(domid_t id)
{
    current_domid = id;
}

domid_t xecam_port_current_domid(void)
{
    return current_domid;
}

struct xecam_domain *xecam_port_domain_get(domid_t domid)
{
    struct xecam_domain *d = NULL;
    struct user_domain *u;

    xecam_user_lc_host(XECAM_LC_DOMAIN_GET);
    pthread_mutex_lock(&dom_lock);
    u = find(domid);
    if ( u && u->d )
    {
        u->refs++;
        d = u->d;
    }
    pthread_mutex_unlock(&dom_lock);

    return d;
}

void xecam_port_domain_put(struct xecam_domain *d)
{
    struct user_domain *u = xecam_domain_host(d);

    xecam_user_lc_host(XECAM_LC_DOMAIN_PUT);
    pthread_mutex_lock(&dom_lock);
    if ( u->refs )
        u->refs--;
    pthread_mutex_unlock(&dom_lock);
}

/* May 'caller' act on 'target' through 'hook' (XECAM_USER_XSM_*)? */
static int allowed(domid_t caller, domid_t target, unsigned int hook,
                   bool self)
{
    const struct user_domain *u;
    int rc = -EPERM;

    xecam_user_lc_host(XECAM_LC_MAY_CONTROL);
    pthread_mutex_lock(&dom_lock);
    u = find(caller);
    if ( u && !(u->xsm_refuse & hook) &&
         (u->privileged || (self && caller == target) ||
          u->dm_for == target) )
        rc = 0;
    pthread_mutex_unlock(&dom_lock);

    return rc;
}

int xecam_port_may_control(domid_t caller, const struct xecam_domain *target)
{
    return allowed(caller, xecam_domain_id(target), XECAM_USER_XSM_WINDOW,
                   true);
}

/* Device assignment: never for oneself, as XSM_DM_PRIV. */
int xecam_port_may_assign(domid_t caller, const struct xecam_domain *target)
{
    domid_t id = xecam_domain_id(target);

    return caller == id ? -EPERM :
           allowed(caller, id, XECAM_USER_XSM_ASSIGN, false);
}

/* Xen's dm_op(): xsm_dm_op(XSM_DM_PRIV) on a domain other than the caller. */
int xecam_user_dm_op_allowed(domid_t caller, domid_t target)
{
    return allowed(caller, target, XECAM_USER_XSM_DM_OP, false);
}

bool xecam_port_domain_dying(const struct xecam_domain *target)
{
    const struct user_domain *u = xecam_domain_host(target);
    bool dying;

    pthread_mutex_lock(&dom_lock);
    dying = u->dying;
    pthread_mutex_unlock(&dom_lock);

    return dying;
}

int xecam_user_domain_dying(domid_t id, bool dying)
{
    struct user_domain *u;

    pthread_mutex_lock(&dom_lock);
    u = find(id);
    if ( u )
        u->dying = dying;
    pthread_mutex_unlock(&dom_lock);

    return u ? 0 : -ESRCH;
}

int xecam_user_xsm_refuse(domid_t id, unsigned int hooks)
{
    struct user_domain *u;

    pthread_mutex_lock(&dom_lock);
    u = find_or_add(id);
    if ( u )
        u->xsm_refuse |= hooks;
    pthread_mutex_unlock(&dom_lock);

    return u ? 0 : -ENOSPC;
}

int xecam_user_xsm_deny(domid_t id)
{
    return xecam_user_xsm_refuse(id, XECAM_USER_XSM_ALL);
}

int xecam_user_gpa_bits(domid_t id, unsigned int bits)
{
    struct user_domain *u;

    if ( bits < 32 || bits > 64 )
        return -EINVAL;
    pthread_mutex_lock(&dom_lock);
    u = find_or_add(id);
    if ( u )
        u->gpa_bits = bits;
    pthread_mutex_unlock(&dom_lock);

    return u ? 0 : -ENOSPC;
}

int xecam_user_p2m_add(domid_t id, uint64_t gpa, uint64_t size)
{
    struct user_domain *u;
    int rc = -ENOSPC;

    pthread_mutex_lock(&dom_lock);
    u = find_or_add(id);
    if ( u && u->nr_p2m < MAX_P2M )
    {
        u->p2m[u->nr_p2m].gpa = gpa;
        u->p2m[u->nr_p2m++].size = size;
        rc = 0;
    }
    pthread_mutex_unlock(&dom_lock);

    return rc;
}

int xecam_user_p2m_preempt(domid_t id, uint64_t bytes)
{
    struct user_domain *u;

    pthread_mutex_lock(&dom_lock);
    u = find_or_add(id);
    if ( u )
        u->preempt_bytes = bytes;
    pthread_mutex_unlock(&dom_lock);

    return u ? 0 : -ENOSPC;
}

int xecam_port_gpa_range_free(const struct xecam_domain *d, uint64_t gpa,
                              uint64_t size, uint64_t *progress)
{
    const struct user_domain *u;
    uint64_t from = progress ? *progress : 0, len = size - from;
    int rc = 0;

    xecam_user_lc_host(XECAM_LC_GPA_RANGE_FREE);
    if ( xecam_user_fault(XECAM_FAULT_P2M) )
        return -ENOMEM;
    pthread_mutex_lock(&dom_lock);
    u = xecam_domain_host(d);
    if ( progress && u->preempt_bytes && u->preempt_bytes < len )
        len = u->preempt_bytes;
    if ( from >= size )
        rc = -EINVAL;
    else if ( u->gpa_bits < 64 && (gpa >> u->gpa_bits ||
                                   (gpa + size - 1) >> u->gpa_bits) )
        rc = -EINVAL;
    else if ( over_ram(u, gpa + from, len) )
        rc = -EEXIST;
    else if ( from + len < size )
    {
        *progress = from + len;     /* preempted: the rest next time */
        rc = -ERESTART;
    }
    pthread_mutex_unlock(&dom_lock);

    return rc;
}

/* Take [g, g + size) of I/O or memory space out of every mapping. */
static int unmap(struct user_domain *u, bool io, uint64_t g, uint64_t size)
{
    unsigned int i;
    bool hit = false;

    for ( i = 0; i < u->nr_maps; )
    {
        struct xecam_user_mapping *m = &u->map[i];
        uint64_t end = m->gaddr + m->size;

        if ( m->io != io || g >= end || m->gaddr >= g + size )
        {
            i++;
            continue;
        }
        hit = true;
        if ( m->gaddr < g && end > g + size )   /* a hole in the middle */
        {
            if ( u->nr_maps == MAX_MAPS )
                return -ENOSPC;
            u->map[u->nr_maps] = *m;
            u->map[u->nr_maps].gaddr = g + size;
            u->map[u->nr_maps].haddr += g + size - m->gaddr;
            u->map[u->nr_maps++].size = end - (g + size);
            m->size = g - m->gaddr;
            i++;
        }
        else if ( m->gaddr < g )                /* keep the head */
        {
            m->size = g - m->gaddr;
            i++;
        }
        else if ( end > g + size )              /* keep the tail */
        {
            m->haddr += g + size - m->gaddr;
            m->size = end - (g + size);
            m->gaddr = g + size;
            i++;
        }
        else
            *m = u->map[--u->nr_maps];
    }

    return hit ? 0 : -ENOENT;
}

/* Map, growing a mapping this one continues (a preempted map's next part). */
static int map(struct user_domain *u, bool io, uint64_t g, uint64_t h,
               uint64_t size)
{
    unsigned int i;

    if ( (io && g + size > 0x10000) || (!io && over_ram(u, g, size)) )
        return -EPERM;
    for ( i = 0; i < u->nr_maps; i++ )
        if ( u->map[i].io == io && u->map[i].gaddr + u->map[i].size == g &&
             u->map[i].haddr + u->map[i].size == h )
        {
            u->map[i].size += size;
            return 0;
        }
    if ( u->nr_maps == MAX_MAPS )
        return -ENOSPC;
    u->map[u->nr_maps].io = io;
    u->map[u->nr_maps].gaddr = g;
    u->map[u->nr_maps].haddr = h;
    u->map[u->nr_maps++].size = size;

    return 0;
}

/* Map onto nothing that is RAM; I/O ports stay below 64 KiB. */
int xecam_port_bar_map(const struct xecam_domain *d, bool on, bool io,
                       uint64_t gaddr, uint64_t haddr, uint64_t size,
                       bool preempt, uint64_t *done)
{
    struct user_domain *u;
    uint64_t len;
    int rc = -ESRCH;

    xecam_user_lc_host(XECAM_LC_BAR_MAP);
    if ( on && xecam_user_fault(XECAM_FAULT_MAP) )
        return -ENOMEM;
    if ( !on && xecam_user_fault(XECAM_FAULT_UNMAP) )
        return -EIO;
    pthread_mutex_lock(&dom_lock);
    u = xecam_domain_host(d);
    len = size - *done;
    if ( u && preempt && u->map_bytes && u->map_bytes < len )
        len = u->map_bytes;
    if ( u )
    {
        u->map_calls++;
        rc = on ? map(u, io, gaddr + *done, haddr + *done, len)
                : unmap(u, io, gaddr + *done, len);
    }
    if ( !rc )
        *done += len;
    if ( !rc && *done < size )
        rc = -ERESTART;
    pthread_mutex_unlock(&dom_lock);

    return rc;
}

void xecam_port_domain_crash(const struct xecam_domain *d)
{
    struct user_domain *u;

    pthread_mutex_lock(&dom_lock);
    u = xecam_domain_host(d);
    if ( u )
        u->crashed = true;
    pthread_mutex_unlock(&dom_lock);
}

int xecam_user_map_preempt(domid_t id, uint64_t bytes)
{
    struct user_domain *u;

    pthread_mutex_lock(&dom_lock);
    u = find_or_add(id);
    if ( u )
        u->map_bytes = bytes;
    pthread_mutex_unlock(&dom_lock);

    return u ? 0 : -ENOSPC;
}

bool xecam_user_domain_crashed(domid_t id)
{
    const struct user_domain *u;
    bool crashed;

    pthread_mutex_lock(&dom_lock);
    u = find(id);
    crashed = u && u->crashed;
    pthread_mutex_unlock(&dom_lock);

    return crashed;
}

unsigned long xecam_user_map_calls(domid_t id)
{
    const struct user_domain *u;
    unsigned long n;

    pthread_mutex_lock(&dom_lock);
    u = find(id);
    n = u ? u->map_calls : 0;
    pthread_mutex_unlock(&dom_lock);

    return n;
}

unsigned int xecam_user_mappings(domid_t id, struct xecam_user_mapping *out,
                                 unsigned int max)
{
    const struct user_domain *u;
    unsigned int n = 0;

    pthread_mutex_lock(&dom_lock);
    u = find(id);
    if ( u )
    {
        n = u->nr_maps < max ? u->nr_maps : max;
        memcpy(out, u->map, n * sizeof(*out));
    }
    pthread_mutex_unlock(&dom_lock);

    return n;
}

void xecam_user_reset(void)
{
    unsigned int i;

    for ( i = 0; i < MAX_DOMAINS; i++ )
        if ( doms[i].used )
            xecam_user_domain_remove(doms[i].id);
    xecam_user_rcu_barrier();           /* what they left for RCU, freed */
    xecam_user_dm_reset();
    xecam_user_pdev_remove_all();
    xecam_user_events_clear();
    xecam_user_irq_reset();
    xecam_user_fault_arm(0, 0);
    xecam_user_lockcheck_reset();
    current_domid = 0;
}

int xecam_port_copy_from_guest(void *dst, xecam_guest_handle_t src,
                               size_t len)
{
    xecam_user_lc_host(XECAM_LC_COPY_FROM_GUEST);
    if ( !src.p || xecam_user_fault(XECAM_FAULT_COPY) )
        return -EFAULT;
    memcpy(dst, src.p, len);

    return 0;
}

int xecam_port_copy_to_guest(xecam_guest_handle_t dst, const void *src,
                             size_t len)
{
    xecam_user_lc_host(XECAM_LC_COPY_TO_GUEST);
    if ( !dst.p || xecam_user_fault(XECAM_FAULT_COPY) )
        return -EFAULT;
    memcpy(dst.p, src, len);

    return 0;
}

long xecam_user_hvm_op(unsigned int op, void *arg)
{
    xecam_guest_handle_t h = { .p = arg };

    return xecam_hvm_op(op, h);
}
