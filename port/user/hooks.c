/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace port: what the core asks the host to do for a passed-through
 * function (bind MSI, switch MSI-X, change power state, reset), recorded
 * for tests to read.  Every call can be made to fail (XECAM_FAULT_HOOK).
 */
#include <pthread.h>
#include <string.h>

#include <xecam/port.h>
#include "internal.h"

#define MAX_EVENTS 1024

static pthread_mutex_t ev_lock = PTHREAD_MUTEX_INITIALIZER;
static struct xecam_user_event events[MAX_EVENTS];
static unsigned int nr_events;

static int record(const struct xecam_user_event *e)
{
    if ( xecam_user_fault(XECAM_FAULT_HOOK) )
        return -EIO;
    pthread_mutex_lock(&ev_lock);
    if ( nr_events < MAX_EVENTS )
        events[nr_events++] = *e;
    pthread_mutex_unlock(&ev_lock);

    return 0;
}

int xecam_port_msi_bind(const struct xecam_domain *d, uint32_t host_sbdf,
                        bool bind, uint64_t addr, uint32_t data,
                        unsigned int vectors)
{
    struct xecam_user_event e = {
        .kind = bind ? XECAM_EV_MSI_BIND : XECAM_EV_MSI_UNBIND,
        .sbdf = host_sbdf, .addr = addr, .data = data, .count = vectors,
    };

    xecam_user_lc_host(XECAM_LC_MSI_BIND);

    return record(&e);
}

int xecam_port_msix_control(const struct xecam_domain *d, uint32_t host_sbdf,
                            bool enable, bool maskall)
{
    struct xecam_user_event e = {
        .kind = XECAM_EV_MSIX, .sbdf = host_sbdf, .enable = enable,
        .maskall = maskall,
    };

    xecam_user_lc_host(XECAM_LC_MSIX_CONTROL);

    return record(&e);
}

int xecam_port_power_state(uint32_t host_sbdf, unsigned int state)
{
    struct xecam_user_event e = {
        .kind = XECAM_EV_POWER, .sbdf = host_sbdf, .count = state,
    };

    xecam_user_lc_host(XECAM_LC_POWER_STATE);

    return record(&e);
}

int xecam_port_reset_function(uint32_t host_sbdf)
{
    struct xecam_user_event e = {
        .kind = XECAM_EV_RESET, .sbdf = host_sbdf,
    };

    xecam_user_lc_host(XECAM_LC_RESET_FUNCTION);

    return record(&e);
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
