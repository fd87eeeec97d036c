/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace port: what the core asks the host to do for a passed-through
 * function (bind MSI, switch MSI-X, change power state, reset; irq.c for
 * interrupts), recorded for tests to read.  Every call can be made to fail
 * (XECAM_FAULT_HOOK).
 */
#include <pthread.h>
#include <string.h>

#include <xecam/port.h>
#include "internal.h"

#define MAX_EVENTS 1024

static pthread_mutex_t ev_lock = PTHREAD_MUTEX_INITIALIZER;
static struct xecam_user_event events[MAX_EVENTS];
static unsigned int nr_events;

void xecam_user_record_quiet(const struct xecam_user_event *e)
{
    pthread_mutex_lock(&ev_lock);
    if ( nr_events < MAX_EVENTS )
        events[nr_events++] = *e;
    pthread_mutex_unlock(&ev_lock);
}

int xecam_user_record(const struct xecam_user_event *e)
{
    if ( xecam_user_fault(XECAM_FAULT_HOOK) )
        return -EIO;
    pthread_mutex_lock(&ev_lock);
    if ( nr_events < MAX_EVENTS )
        events[nr_events++] = *e;
    pthread_mutex_unlock(&ev_lock);

    return 0;
}

int xecam_port_power_state(uint32_t host_sbdf, unsigned int state)
{
    struct xecam_user_event e = {
        .kind = XECAM_EV_POWER, .sbdf = host_sbdf, .count = state,
    };

    xecam_user_lc_host(XECAM_LC_POWER_STATE);

    return xecam_user_record(&e);
}

int xecam_port_reset_function(uint32_t host_sbdf)
{
    struct xecam_user_event e = {
        .kind = XECAM_EV_RESET, .sbdf = host_sbdf,
    };

    xecam_user_lc_host(XECAM_LC_RESET_FUNCTION);

    return xecam_user_record(&e);
}

unsigned int xecam_user_events(struct xecam_user_event *out, unsigned int max)
{
    unsigned int n;

    pthread_mutex_lock(&ev_lock);
    n = nr_events < max ? nr_events : max;
    memcpy(out, events, n * sizeof(*out));
    pthread_mutex_unlock(&ev_lock);

    return n;
}

void xecam_user_events_clear(void)
{
    pthread_mutex_lock(&ev_lock);
    nr_events = 0;
    pthread_mutex_unlock(&ev_lock);
}

unsigned int xecam_user_events_count(enum xecam_user_event_kind kind)
{
    unsigned int i, n = 0;

    pthread_mutex_lock(&ev_lock);
    for ( i = 0; i < nr_events; i++ )
        n += events[i].kind == kind;
    pthread_mutex_unlock(&ev_lock);

    return n;
}
