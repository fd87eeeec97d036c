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

static int unmap(struct user_domain *u, bool io, uint64_t gaddr,
                 uint64_t size)
{
    unsigned int i;

    for ( i = 0; i < u->nr_maps; i++ )
        if ( u->map[i].io == io && u->map[i].gaddr == gaddr &&
             u->map[i].size == size )
        {
            u->map[i] = u->map[--u->nr_maps];
            return 0;
        }

    return -ENOENT;
}

/* Map onto nothing that is RAM; I/O ports stay below 64 KiB. */
int xecam_port_bar_map(const struct xecam_domain *d, bool map, bool io,
                       uint64_t gaddr, uint64_t haddr, uint64_t size)
{
    struct user_domain *u;
    int rc = -ESRCH;

    if ( map && xecam_user_fault(XECAM_FAULT_MAP) )
        return -ENOMEM;
    pthread_mutex_lock(&dom_lock);
    u = xecam_domain_host(d);
    if ( u && !map )
        rc = unmap(u, io, gaddr, size);
    else if ( u && ((io && gaddr + size > 0x10000) ||
                    (!io && over_ram(u, gaddr, size))) )
        rc = -EPERM;
    else if ( u && u->nr_maps == MAX_MAPS )
        rc = -ENOSPC;
    else if ( u )
    {
        u->map[u->nr_maps].io = io;
        u->map[u->nr_maps].gaddr = gaddr;
        u->map[u->nr_maps].haddr = haddr;
        u->map[u->nr_maps++].size = size;
        rc = 0;
    }
    pthread_mutex_unlock(&dom_lock);

    return rc;
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
    xecam_user_dm_reset();
    xecam_user_pdev_remove_all();
    xecam_user_events_clear();
    xecam_user_fault_arm(0, 0);
    current_domid = 0;
}

int xecam_port_copy_from_guest(void *dst, xecam_guest_handle_t src,
                               size_t len)
{
    if ( !src.p || xecam_user_fault(XECAM_FAULT_COPY) )
        return -EFAULT;
    memcpy(dst, src.p, len);

    return 0;
}

int xecam_port_copy_to_guest(xecam_guest_handle_t dst, const void *src,
                             size_t len)
{
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
