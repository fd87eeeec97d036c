/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * State shared by the files of hvm/.  Nothing outside hvm/ includes this.
 *
 * Locking: d->lock is taken for reading on every trapped access and for
 * writing by everything that changes windows, routes or servers.  It is
 * never held while waiting for anything: a request to a device model is
 * sent after the lock is dropped (dispatch.c).  Counters and the CF8 latch
 * are updated with relaxed atomics and no lock.
 */
#ifndef XECAM_HVM_PRIVATE_H
#define XECAM_HVM_PRIVATE_H

#include <xecam/ecam.h>
#include <xecam/pci.h>
#include <xecam/seqcount.h>
#include <xecam/vpci.h>

#define XECAM_MIB_SHIFT      20
#define XECAM_GRANULE_SHIFT  28   /* 256 MiB: the largest window */
#define XECAM_MAX_WINDOW     (256ULL << XECAM_MIB_SHIFT)

/* One ECAM window: buses [start_bus, end_bus] of 'seg' at 'base'. */
struct xecam_window {
    uint64_t base;
    uint64_t size;
    uint16_t seg;
    uint8_t  start_bus;
    uint8_t  end_bus;
    bool     used;
};

/*
 * Every window is aligned to its size rounded up to a power of two, and no
 * window is larger than 256 MiB, so each lies inside one 256 MiB-aligned
 * granule.  A small open-addressed table of granules, each mapping its 256
 * MiB slots to a window, finds the window of any address in O(1).
 */
struct xecam_granule {
    uint64_t key;                 /* gpa >> XECAM_GRANULE_SHIFT */
    unsigned int nr;              /* windows in it; 0: slot empty */
    uint8_t  slot[256];           /* window index + 1 per MiB, 0: none */
};

#define XECAM_NR_GRANULES (2 * XECAM_MAX_WINDOWS)

struct xecam_windows {
    struct xecam_seq     seq;     /* lock-free lookups (xecam_mmio_accept) */
    struct xecam_window  win[XECAM_MAX_WINDOWS];
    uint64_t             lo, last;    /* [lo, last] spans them; last 0: none */
    struct xecam_granule gran[XECAM_NR_GRANULES];
};

/*
 * A trapped range of a mapped BAR (trap.c): guest [start, start + len) is
 * BAR 'bar' of 'dev' from offset 'bar_off'.
 */
struct xecam_trap {
    uint64_t start, len, bar_off;
    struct xecam_vpci *dev;
    unsigned int bar;
};

#define XECAM_MAX_TRAPS 32

struct xecam_traps {
    struct xecam_seq  seq;        /* lock-free lookups (xecam_trap_hit) */
    unsigned int      nr;         /* trap[0, nr) in use */
    struct xecam_trap trap[XECAM_MAX_TRAPS];
};

/* Owners of the 256 functions of one guest bus. */
struct xecam_route_bus {
    struct xecam_vpci *vpci[256];
    uint8_t server[256];          /* ioreq server slot + 1, 0: none */
    bool shown[256];              /* vpci[] the guest sees (dispatch.c) */
    unsigned int owners;          /* non-empty entries above, both kinds */
};

/*
 * Guest segments with routed functions: open addressing, linear probing.
 * The 256 bus pointers of a segment are allocated with it.
 */
struct xecam_route_seg {
    bool used;
    uint16_t seg;
    unsigned int nr_bus;          /* bus[] entries allocated */
    struct xecam_route_bus **bus;
};

struct xecam_sbdf_range {
    uint32_t start;
    uint32_t end;
};

struct xecam_ioreq_server {
    unsigned int id;
    unsigned long serial;         /* unique in the domain's lifetime */
    bool broken;                  /* broke the protocol: never asked again */
    unsigned int nr_ranges;
    struct xecam_sbdf_range range[XECAM_MAX_RANGES];
};

/* Which server a request goes to, once d->lock is dropped. */
struct xecam_fwd {
    bool host;                    /* the host forwards it (DOMF_HOST_IOREQ) */
    unsigned int id;
    unsigned long serial;
    /* A vPCI device with host work to do, referenced (work.c). */
    struct xecam_vpci *work;
};

/*
 * vCPUs that can wait on a device's host work (work.c); a vCPU above them
 * does its work unpreempted.  Xen's HVM guests have at most 128.
 */
#define XECAM_MAX_VCPUS 128
#define XECAM_MAX_LIMBO 4

/* Counters; 'accesses' is their sum, not counted itself. */
/*
 * to_vpci and unclaimed are bumped on every access without a locked
 * instruction (xecam_count_stat): exact on one vCPU, may miss a count when
 * vCPUs race.  The others are exact.
 */
struct xecam_counters {
    unsigned long bad_accesses, to_vpci, to_ioreq, unclaimed, ioreq_failed;
    unsigned long refused;
};

#define XECAM_DMOP_PORT_FREE   0
#define XECAM_DMOP_PORT_BUSY   1  /* being assigned or deassigned */
#define XECAM_DMOP_PORT_READY  2

struct xecam_domain {
    domid_t id;
    unsigned int flags;           /* XECAM_DOMF_* */
    /*
     * pending[] entries in use (work.c; atomic): an access asks its vCPU's
     * entry only if some are, and what it reads first (this, the lock, the
     * first window) shares a cache line.
     */
    unsigned int nr_pending;
    void *host;                   /* the host's own domain object */
    struct xecam_lock *lock;
    struct xecam_windows windows;
    struct xecam_traps traps;
    struct xecam_route_seg seg[XECAM_MAX_SEGMENTS];
    struct xecam_ioreq_server *server[XECAM_MAX_SERVERS];
    unsigned long next_serial;
    /*
     * A placement preempted in its p2m walk (hypercall.c): the same call
     * from the same caller goes on from 'checked'.  Under the write lock.
     */
    struct {
        bool valid;
        domid_t caller;
        struct xecam_window w;
        uint64_t checked;
    } resume;
    /*
     * The device each vCPU waits on (work.c): written by that vCPU alone,
     * while it is kept from its guest, and by teardown once no vCPU runs.
     */
    struct xecam_vpci *pending[XECAM_MAX_VCPUS];
    /* Deassigned devices whose quiescing was preempted (assign.c). */
    struct xecam_vpci *limbo[XECAM_MAX_LIMBO];
    uint32_t limbo_sbdf[XECAM_MAX_LIMBO];
    /*
     * Root Ports that came with an assignment by XEN_DMOP_ecam_assign and
     * go with its deassignment (dmop.c).  Under the write lock.
     */
    struct xecam_dmop_port {
        uint8_t state;            /* XECAM_DMOP_PORT_* */
        uint32_t guest_sbdf;      /* the function assigned behind it */
        uint32_t port_sbdf;
    } dmop_port[XECAM_MAX_DMOP_PORTS];
    /* Written by guest accesses without the lock: their own cache lines. */
    uint32_t cf8 __attribute__((aligned(64)));  /* CONFIG_ADDRESS latch */
    struct xecam_counters stats __attribute__((aligned(64)));
};

/* window.c; the lookup is inline, it runs twice on every trapped access. */
static inline unsigned int xecam_granule_hash(uint64_t key)
{
    XECAM_BUILD_BUG_ON(XECAM_NR_GRANULES != 16);

    return (key * 0x9e3779b97f4a7c15ULL) >> 60;
}

/* The granule holding 'key', or the empty slot where it would go. */
static inline struct xecam_granule *
xecam_granule_slot(const struct xecam_windows *t, uint64_t key)
{
    unsigned int i = xecam_granule_hash(key), n;

    for ( n = 0; n < XECAM_NR_GRANULES; n++ )
    {
        const struct xecam_granule *g = &t->gran[i];

        if ( !g->nr || g->key == key )
            return (struct xecam_granule *)g;
        i = (i + 1) % XECAM_NR_GRANULES;
    }

    /* Unreachable: at most XECAM_MAX_WINDOWS of the slots are ever used. */
    return NULL;
}

static inline const struct xecam_window *
xecam_window_find(const struct xecam_domain *d, uint64_t gpa)
{
    const struct xecam_windows *t = &d->windows;
    const struct xecam_granule *g;
    unsigned int idx;

    /* A domain mostly has one window, the first: no table needed. */
    if ( t->win[0].used && gpa - t->win[0].base < t->win[0].size )
        return &t->win[0];
    if ( gpa - t->lo > t->last - t->lo )    /* outside them all: the MSI-X */
        return NULL;                        /* pages' accesses, mostly */
    g = xecam_granule_slot(t, gpa >> XECAM_GRANULE_SHIFT);
    if ( !g || !g->nr )
        return NULL;
    idx = g->slot[(gpa >> XECAM_MIB_SHIFT) & 0xff];

    return idx ? &t->win[idx - 1] : NULL;
}


/*
 * Is gpa in a window?  Without the lock: may be stale, never torn.  The
 * lock after XECAM_SEQ_TRIES collisions with writers (window.c).
 */
bool xecam_window_hit_locked(const struct xecam_domain *d, uint64_t gpa);

static inline bool xecam_window_hit(const struct xecam_domain *d,
                                    uint64_t gpa)
{
    unsigned int tries, seq;
    bool hit;

    for ( tries = 0; XECAM_SEQ_READERS && tries < XECAM_SEQ_TRIES; tries++ )
    {
        seq = xecam_seq_begin(&d->windows.seq);
        hit = xecam_window_find(d, gpa);
        if ( !xecam_seq_retry(&d->windows.seq, seq) )
            return hit;
    }

    return xecam_window_hit_locked(d, gpa);
}

/* hotplug.c: a function assigned (hot: added to a running guest), gone. */
void xecam_hotplug_assigned(struct xecam_domain *d, uint32_t sbdf,
                            struct xecam_vpci *dev, bool hot);
void xecam_hotplug_gone(struct xecam_domain *d, uint32_t sbdf,
                        struct xecam_vpci *dev);
int xecam_assign_hot(struct xecam_domain *d, uint32_t guest_sbdf,
                     uint32_t host_sbdf, const struct xecam_assign_opts *opts,
                     bool hot);

/* trap.c: is gpa in a trapped BAR range (lock-free), and its accesses. */
bool xecam_trap_hit_slow(const struct xecam_domain *d, uint64_t gpa);
/* An access to a trapped page (true); false, and nothing done, if not. */
bool xecam_trap_try(struct xecam_domain *d, unsigned int vcpu, uint64_t gpa,
                    unsigned int size, bool write, uint64_t *val);
/*
 * The rest of it, with a reference on dev (dropped or handed on), or with
 * no device (NULL: gone, the access reaches nothing).
 */
void xecam_trap_rest(struct xecam_domain *d, unsigned int vcpu,
                     struct xecam_vpci *dev, unsigned int bar, uint64_t off,
                     unsigned int size, bool write, uint64_t *val, bool done);

/*
 * The traps in use are trap[0, nr): a domain with one MSI-X device pays two
 * compares, not XECAM_MAX_TRAPS.  A trap never wraps
 * (xecam_domain_trap_add()), so one unsigned compare is the range check:
 * below 'start', gpa - start is larger than any 'len'.
 */
static inline const struct xecam_trap *
xecam_trap_find(const struct xecam_domain *d, uint64_t gpa)
{
    const struct xecam_traps *t = &d->traps;
    unsigned int i, nr = xecam_read_once(t->nr);

    if ( nr > XECAM_MAX_TRAPS )
        nr = XECAM_MAX_TRAPS;
    for ( i = 0; i < nr; i++ )
        if ( gpa - t->trap[i].start < t->trap[i].len )
            return &t->trap[i];

    return NULL;
}

/* Lock-free: a lookup that meets a writer is done again (then locked). */
static inline bool xecam_trap_hit(const struct xecam_domain *d, uint64_t gpa)
{
    unsigned int seq;
    bool hit;

    if ( !xecam_read_once(d->traps.nr) )
        return false;
    if ( !XECAM_SEQ_READERS )
        return xecam_trap_hit_slow(d, gpa);
    seq = xecam_seq_begin(&d->traps.seq);
    hit = xecam_trap_find(d, gpa);
    if ( !xecam_seq_retry(&d->traps.seq, seq) )
        return hit;

    return xecam_trap_hit_slow(d, gpa);
}

/*
 * The access to a trapped page that xecam_trap_access() found: t, in the
 * traps' seqcount from seq (NULL: it met a writer).  trap.c.
 */
bool xecam_trap_found(struct xecam_domain *d, unsigned int vcpu,
                      const struct xecam_trap *t, unsigned int seq,
                      uint64_t gpa, unsigned int size, bool write,
                      uint64_t *val);

/*
 * An access to a trapped MSI-X page (true; false, nothing done, if gpa is
 * not trapped), with no module lock.  The trap is looked up here, inline,
 * in its seqcount: an address no trap holds (an ECAM access of a domain
 * with traps) costs that lookup and nothing more.  The rest is
 * xecam_trap_found()'s.
 */
static inline bool xecam_trap_access(struct xecam_domain *d, unsigned int vcpu,
                                     uint64_t gpa, unsigned int size,
                                     bool write, uint64_t *val)
{
    const struct xecam_trap *t;
    unsigned int seq;

    if ( !XECAM_SEQ_READERS )
        return xecam_trap_try(d, vcpu, gpa, size, write, val);
    seq = xecam_seq_begin(&d->traps.seq);
    t = xecam_trap_find(d, gpa);
    if ( !t && !xecam_seq_retry(&d->traps.seq, seq) )
        return false;

    return xecam_trap_found(d, vcpu, t, seq, gpa, size, write, val);
}
struct xecam_window *xecam_window_of_seg(struct xecam_domain *d, uint16_t seg);
int xecam_window_add(struct xecam_domain *d, const struct xecam_window *w);
void xecam_window_remove(struct xecam_domain *d, struct xecam_window *w);
uint64_t xecam_window_size(uint8_t start_bus, uint8_t end_bus);
/* -EINVAL unless the buses are in order and base is aligned as decoded. */
int xecam_window_geometry(uint8_t start_bus, uint8_t end_bus, uint64_t base);
bool xecam_windows_overlap(const struct xecam_window *a,
                           const struct xecam_window *b);
bool xecam_window_overlaps(const struct xecam_domain *d,
                           const struct xecam_window *w);
/* Under the write lock: -EBUSY, -EEXIST (another window), -ENOSPC. */
int xecam_window_place(struct xecam_domain *d, const struct xecam_window *w);

/*
 * hypercall.c: the window operations the HVMOPs and the DMOPs share, in the
 * order they run: arguments, rights (d held), then the state.
 */
struct xen_hvm_ecam_space;
int xecam_window_check_set(const struct xen_hvm_ecam_space *a);
int xecam_window_rights(const struct xecam_domain *d, domid_t caller,
                        bool for_read);
int xecam_window_set(struct xecam_domain *d,
                     const struct xen_hvm_ecam_space *a);
int xecam_window_get(struct xecam_domain *d, struct xen_hvm_ecam_space *a);

/* route.c: the SBDF table; callers hold d->lock for writing. */
static inline unsigned int xecam_seg_home(uint16_t seg)
{
    return (seg * 0x9e37U >> 8) % XECAM_MAX_SEGMENTS;
}

static inline struct xecam_route_seg *
xecam_seg_find(const struct xecam_domain *d, uint16_t seg)
{
    unsigned int i = xecam_seg_home(seg), n;

    for ( n = 0; n < XECAM_MAX_SEGMENTS; n++ )
    {
        const struct xecam_route_seg *s = &d->seg[i];

        if ( !s->used )
            return NULL;
        if ( s->seg == seg )
            return (struct xecam_route_seg *)s;
        i = (i + 1) % XECAM_MAX_SEGMENTS;
    }

    return NULL;
}

static inline struct xecam_route_bus *
xecam_route_bus(const struct xecam_domain *d, uint32_t sbdf)
{
    const struct xecam_route_seg *s = xecam_seg_find(d, XECAM_SBDF_SEG(sbdf));

    return s ? s->bus[XECAM_SBDF_BUS(sbdf)] : NULL;
}
int xecam_route_prepare(struct xecam_domain *d, uint32_t start, uint32_t end);
/*
 * Free the bus pages of SBDFs [start, end] left without owners, and the
 * segments left without bus pages: the span of what the caller changed.
 */
void xecam_route_trim(struct xecam_domain *d, uint32_t start, uint32_t end);
void xecam_route_destroy(struct xecam_domain *d);
int xecam_route_quiesce(struct xecam_domain *d);
bool xecam_route_each_vpci(const struct xecam_domain *d,
                           bool (*fn)(struct xecam_vpci *dev, uint32_t sbdf,
                                      void *arg),
                           void *arg);

/*
 * dispatch.c: one config access.  _locked runs with d->lock held for
 * reading and returns false if the access must go to the ioreq server in
 * *fwd, which the caller does with xecam_ioreq_forward() once it has dropped
 * the lock.  xecam_dispatch() does all of it.
 */
bool xecam_dispatch_locked(struct xecam_domain *d, uint32_t sbdf,
                           unsigned int reg, unsigned int size, bool write,
                           uint32_t *val, struct xecam_fwd *fwd);

/*
 * Its vPCI side, d->lock held, inline for the intercept's own fast path
 * (mmcfg.c): false if no vPCI function is at devfn of bus b.  One that is
 * there but hidden or powered off reads all-ones and drops writes, as
 * nobody's.  A write's host work is left in *work, with a reference, for
 * after the lock.
 */
static inline bool xecam_dispatch_vpci(struct xecam_domain *d,
                                       const struct xecam_route_bus *b,
                                       unsigned int devfn, unsigned int reg,
                                       unsigned int size, bool write,
                                       uint32_t *val,
                                       struct xecam_vpci **work)
{
    struct xecam_vpci *dev = b ? b->vpci[devfn] : NULL;

    if ( !dev )
        return false;
    if ( !b->shown[devfn] || xecam_vpci_off(dev) )
    {
        xecam_count_stat(d->stats.unclaimed);
        if ( !write )
            *val = xecam_ones(size);
        return true;
    }
    xecam_count_stat(d->stats.to_vpci);
    if ( !write )
    {
        xecam_vpci_read(dev, reg, size, val);
        return true;
    }
    if ( xecam_vpci_write_defer(dev, reg, size, *val) )
        xecam_count(d->stats.refused);
    if ( xecam_vpci_has_work(dev) )
    {
        xecam_vpci_get(dev);
        *work = dev;
    }

    return true;
}
/* work.c: a vCPU's device work, after the locks are dropped. */
void xecam_work_after(struct xecam_domain *d, unsigned int vcpu,
                      struct xecam_vpci *dev);
void xecam_work_drain(struct xecam_domain *d, unsigned int vcpu);

/*
 * Before an access: the vCPU's unfinished host work.  Inline, so that an
 * access with none pays a load and no call (the intercepts run with the
 * module's code out of the caches).
 */
static inline void xecam_drain(struct xecam_domain *d, unsigned int vcpu)
{
    if ( xecam_read_once(d->nr_pending) && vcpu < XECAM_MAX_VCPUS &&
         d->pending[vcpu] )
        xecam_work_drain(d, vcpu);
}
void xecam_work_destroy(struct xecam_domain *d);
/* XECAM_IO_OKAY, or XECAM_IO_UNHANDLED: the host's (DOMF_HOST_IOREQ). */
int xecam_dispatch(struct xecam_domain *d, unsigned int vcpu, uint32_t sbdf,
                   unsigned int reg, unsigned int size, bool write,
                   uint32_t *val);

/* dispatch.c: route an assigned device (one guest function per host one). */
int xecam_route_assign_vpci(struct xecam_domain *d, uint32_t sbdf,
                            struct xecam_vpci *dev);

/* ioreq.c: servers and their ranges. */
struct xecam_ioreq_server *xecam_ioreq_server(const struct xecam_domain *d,
                                              const struct xecam_fwd *fwd);
void xecam_ioreq_destroy_all(struct xecam_domain *d);

/* forward.c: a request to a server; no lock held. */
void xecam_ioreq_forward(struct xecam_domain *d, const struct xecam_fwd *fwd,
                         unsigned int vcpu, uint32_t sbdf, unsigned int reg,
                         unsigned int size, bool write, uint32_t *val);

/* cf8.c: the CONFIG_ADDRESS bits the latch keeps. */
uint32_t xecam_cf8_mask(const struct xecam_domain *d);

/* domain_state.c: a bad access, counted and logged with a rate limit. */
void xecam_bad_access(struct xecam_domain *d, const char *what,
                      uint64_t addr, unsigned int size);

#endif /* XECAM_HVM_PRIVATE_H */
