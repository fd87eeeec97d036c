/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace port: ioreq servers served by device-model threads.
 *
 * Each server has a shared page of ioreq slots, one per vcpu (Xen's
 * shared_iopage_t), and the protocol's state machine:
 *
 *   vcpu: NONE -> READY, notify                   (xecam_port_ioreq_send)
 *   dm:   READY -> INPROCESS, handle, -> IORESP_READY, notify
 *   vcpu: IORESP_READY -> copy the response -> NONE
 *
 * Slot updates happen under the server's lock, which also carries the two
 * notifications (the event channel, here).  A vcpu waits a bounded time; a
 * slot found in any state but NONE before sending, or but IORESP_READY after
 * the device model notified, is a protocol error (-EIO).
 *
 * An inline device model has no thread: the vcpu serves its own slot, in
 * the same states, while it holds the server's lock (the handler runs
 * without it, as the thread's does).  Fuzzers use it: no thread to wake
 * and no timeout to wait out, so an input's outcome never depends on the
 * scheduler.  The protocol races (an answer while the vcpu gives up) are
 * the threaded model's, in the unit and stress tests.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xecam/port.h>
#include "internal.h"

#define MAX_DMS    16
#define PAGE_SIZE  4096
#define MAX_VCPUS  (PAGE_SIZE / sizeof(ioreq_t))

struct xecam_user_dm {
    domid_t domid;
    unsigned int id;
    xecam_dm_handler_t handler;
    void *opaque;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t to_dm;           /* a slot went READY, or stop */
    pthread_cond_t to_vcpu;         /* a slot was answered */
    bool stop;
    bool inline_dm;                 /* no thread: the vcpu serves */
    unsigned int users;             /* vcpus in exchange(); dms_lock */
    unsigned long requests;
    shared_iopage_t *page;          /* PAGE_SIZE bytes: MAX_VCPUS slots */
};

static pthread_mutex_t dms_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t dms_idle = PTHREAD_COND_INITIALIZER;
static struct xecam_user_dm *dms[MAX_DMS];
static unsigned int timeout_ms = 1000;

void xecam_user_ioreq_timeout(unsigned int ms)
{
    __atomic_store_n(&timeout_ms, ms, __ATOMIC_RELAXED);
}

static ioreq_t *slot(struct xecam_user_dm *dm, unsigned int vcpu)
{
    return &dm->page->vcpu_ioreq[vcpu];
}

static int next_ready(struct xecam_user_dm *dm)
{
    unsigned int v;

    for ( v = 0; v < MAX_VCPUS; v++ )
        if ( slot(dm, v)->state == STATE_IOREQ_READY )
            return v;

    return -1;
}

/* Handle one READY slot; called and returns with dm->lock held. */
static void serve(struct xecam_user_dm *dm, unsigned int v)
{
    ioreq_t req = *slot(dm, v);
    enum xecam_dm_answer answer;

    slot(dm, v)->state = STATE_IOREQ_INPROCESS;
    dm->requests++;
    pthread_mutex_unlock(&dm->lock);
    req.state = STATE_IOREQ_INPROCESS;
    answer = dm->handler(dm->opaque, &req);
    pthread_mutex_lock(&dm->lock);

    if ( answer == XECAM_DM_SILENT )
        return;
    if ( answer == XECAM_DM_ANSWER )
        req.state = STATE_IORESP_READY;
    *slot(dm, v) = req;
    pthread_cond_broadcast(&dm->to_vcpu);
}

static void *dm_thread(void *arg)
{
    struct xecam_user_dm *dm = arg;
    int v;

    pthread_mutex_lock(&dm->lock);
    while ( !dm->stop )
    {
        v = next_ready(dm);
        if ( v < 0 )
            pthread_cond_wait(&dm->to_dm, &dm->lock);
        else
            serve(dm, v);
    }
    pthread_mutex_unlock(&dm->lock);

    return NULL;
}

static int dm_register(struct xecam_user_dm *dm)
{
    unsigned int i;
    int rc = -ENOSPC;

    pthread_mutex_lock(&dms_lock);
    for ( i = 0; i < MAX_DMS; i++ )
        if ( dms[i] && dms[i]->domid == dm->domid && dms[i]->id == dm->id )
            rc = -EEXIST;
    for ( i = 0; rc == -ENOSPC && i < MAX_DMS; i++ )
        if ( !dms[i] )
        {
            dms[i] = dm;
            rc = 0;
        }
    pthread_mutex_unlock(&dms_lock);

    return rc;
}

/* Deadlines on the monotonic clock: wall-clock steps do not matter. */
static void monotonic_cond_init(pthread_cond_t *c)
{
    pthread_condattr_t attr;

    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(c, &attr);
    pthread_condattr_destroy(&attr);
}

static void dm_free(struct xecam_user_dm *dm)
{
    pthread_cond_destroy(&dm->to_vcpu);
    pthread_cond_destroy(&dm->to_dm);
    pthread_mutex_destroy(&dm->lock);
    free(dm->page);
    free(dm);
}

static int dm_start(domid_t domid, unsigned int id, bool inline_dm,
                    xecam_dm_handler_t handler, void *opaque,
                    struct xecam_user_dm **out)
{
    struct xecam_user_dm *dm = calloc(1, sizeof(*dm));
    int rc;

    if ( !dm || !(dm->page = calloc(1, PAGE_SIZE)) )
    {
        free(dm);
        return -ENOMEM;
    }
    dm->domid = domid;
    dm->id = id;
    dm->handler = handler;
    dm->opaque = opaque;
    dm->inline_dm = inline_dm;
    pthread_mutex_init(&dm->lock, NULL);
    pthread_cond_init(&dm->to_dm, NULL);
    monotonic_cond_init(&dm->to_vcpu);

    rc = dm_register(dm);
    if ( !rc && !inline_dm &&
         pthread_create(&dm->thread, NULL, dm_thread, dm) )
    {
        xecam_user_dm_stop(dm);     /* unregisters; no thread to join */
        return -EAGAIN;
    }
    if ( rc )
        dm_free(dm);
    else
        *out = dm;

    return rc;
}

int xecam_user_dm_start(domid_t domid, unsigned int id,
                        xecam_dm_handler_t handler, void *opaque,
                        struct xecam_user_dm **out)
{
    return dm_start(domid, id, false, handler, opaque, out);
}

int xecam_user_dm_start_inline(domid_t domid, unsigned int id,
                               xecam_dm_handler_t handler, void *opaque,
                               struct xecam_user_dm **out)
{
    return dm_start(domid, id, true, handler, opaque, out);
}

void xecam_user_dm_answer(struct xecam_user_dm *dm, unsigned int vcpu,
                          const ioreq_t *rsp)
{
    if ( vcpu >= MAX_VCPUS )
        return;
    pthread_mutex_lock(&dm->lock);
    *slot(dm, vcpu) = *rsp;
    pthread_cond_broadcast(&dm->to_vcpu);
    pthread_mutex_unlock(&dm->lock);
}

/* Unregister and wait until no vcpu is in an exchange with dm. */
static void dm_unregister(struct xecam_user_dm *dm)
{
    unsigned int i;

    pthread_mutex_lock(&dms_lock);
    for ( i = 0; i < MAX_DMS; i++ )
        if ( dms[i] == dm )
            dms[i] = NULL;
    while ( dm->users )
        pthread_cond_wait(&dms_idle, &dms_lock);
    pthread_mutex_unlock(&dms_lock);
}

void xecam_user_dm_stop(struct xecam_user_dm *dm)
{
    if ( !dm )
        return;
    dm_unregister(dm);
    pthread_mutex_lock(&dm->lock);
    dm->stop = true;
    pthread_cond_broadcast(&dm->to_dm);
    pthread_mutex_unlock(&dm->lock);
    if ( dm->thread )
        pthread_join(dm->thread, NULL);
    dm_free(dm);
}

void xecam_user_dm_reset(void)
{
    unsigned int i;

    for ( i = 0; i < MAX_DMS; i++ )
        xecam_user_dm_stop(dms[i]);
}

unsigned long xecam_user_dm_requests(const struct xecam_user_dm *dm)
{
    return __atomic_load_n(&dm->requests, __ATOMIC_RELAXED);
}

static void deadline(struct timespec *ts)
{
    unsigned int ms = __atomic_load_n(&timeout_ms, __ATOMIC_RELAXED);

    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (long)(ms % 1000) * 1000000;
    if ( ts->tv_nsec >= 1000000000 )
    {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000;
    }
}

static bool past(const struct timespec *ts)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);

    return now.tv_sec > ts->tv_sec ||
           (now.tv_sec == ts->tv_sec && now.tv_nsec >= ts->tv_nsec);
}

/*
 * The inline device model serves the vcpu's slot until it leaves READY (a
 * RAW answer may set READY again: served again, until the deadline).  A
 * slot left INPROCESS times out at once: nobody else will answer it.
 */
static int serve_inline(struct xecam_user_dm *dm, unsigned int vcpu,
                        const struct timespec *ts)
{
    while ( slot(dm, vcpu)->state == STATE_IOREQ_READY )
    {
        if ( past(ts) )
            return -ETIMEDOUT;
        serve(dm, vcpu);
    }

    return slot(dm, vcpu)->state == STATE_IOREQ_INPROCESS ? -ETIMEDOUT : 0;
}

/* Post *req in the vcpu's slot and wait; called with dm->lock held. */
static int exchange(struct xecam_user_dm *dm, unsigned int vcpu, ioreq_t *req)
{
    ioreq_t *s = slot(dm, vcpu);
    struct timespec ts;
    int rc = 0;

    if ( s->state != STATE_IOREQ_NONE )
        return -EIO;                 /* left over from a broken exchange */
    *s = *req;
    s->vp_eport = vcpu + 1;
    s->state = STATE_IOREQ_READY;
    pthread_cond_signal(&dm->to_dm);

    deadline(&ts);
    if ( dm->inline_dm && (rc = serve_inline(dm, vcpu, &ts)) )
        return rc;
    while ( !rc && (s->state == STATE_IOREQ_READY ||
                    s->state == STATE_IOREQ_INPROCESS) )
        rc = pthread_cond_timedwait(&dm->to_vcpu, &dm->lock, &ts);
    if ( rc )
        return rc == ETIMEDOUT ? -ETIMEDOUT : -EIO;
    if ( s->state != STATE_IORESP_READY )
        return -EIO;
    *req = *s;
    s->state = STATE_IOREQ_NONE;

    return 0;
}

int xecam_port_ioreq_send(const struct xecam_domain *d, unsigned int id,
                          unsigned int vcpu, ioreq_t *req)
{
    struct xecam_user_dm *dm = NULL;
    unsigned int i;
    int rc;

    xecam_user_lc_host(XECAM_LC_IOREQ_SEND);
    if ( vcpu >= MAX_VCPUS )
        return -EINVAL;
    if ( xecam_user_fault(XECAM_FAULT_IOREQ) )
        return -ENOMEM;

    pthread_mutex_lock(&dms_lock);
    for ( i = 0; i < MAX_DMS && !dm; i++ )
        if ( dms[i] && dms[i]->domid == xecam_domain_id(d) &&
             dms[i]->id == id )
            dm = dms[i];
    if ( dm )
        dm->users++;
    pthread_mutex_unlock(&dms_lock);
    if ( !dm )
        return -ENODEV;

    pthread_mutex_lock(&dm->lock);
    rc = exchange(dm, vcpu, req);
    pthread_mutex_unlock(&dm->lock);

    pthread_mutex_lock(&dms_lock);
    if ( !--dm->users )
        pthread_cond_broadcast(&dms_idle);
    pthread_mutex_unlock(&dms_lock);

    return rc;
}
