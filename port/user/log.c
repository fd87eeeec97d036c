/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace port: the log sink and its rate limiter.
 *
 * Lines are kept in memory for tests to read (the first XECAM_LOG_KEEP of
 * them; later ones are counted only).  Guest-triggerable lines pass at most
 * 'burst' per interval, like Xen's printk_ratelimit(); the first line of a
 * new interval reports how many were suppressed.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xecam/logline.h>
#include <xecam/port.h>
#include "internal.h"

#define XECAM_LOG_KEEP 4096

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char *lines[XECAM_LOG_KEEP];
static unsigned int nr_lines;
static bool echo;
static unsigned int rl_burst = 10, rl_interval = 5000;
static uint64_t rl_start, clock_offset;
static unsigned int rl_used;
static unsigned long rl_suppressed;

uint64_t xecam_user_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);

    return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 +
           __atomic_load_n(&clock_offset, __ATOMIC_RELAXED);
}

void xecam_user_clock_advance(uint64_t ms)
{
    __atomic_fetch_add(&clock_offset, ms, __ATOMIC_RELAXED);
}

void xecam_user_log_ratelimit(unsigned int burst, unsigned int interval_ms)
{
    pthread_mutex_lock(&log_lock);
    rl_burst = burst;
    rl_interval = interval_ms;
    rl_used = 0;
    rl_suppressed = 0;
    rl_start = xecam_user_now_ms();
    pthread_mutex_unlock(&log_lock);
}

static void keep(const char *line)
{
    if ( echo )
        fputs(line, stderr);
    if ( nr_lines < XECAM_LOG_KEEP )
        lines[nr_lines] = strdup(line);
    if ( nr_lines < XECAM_LOG_KEEP && !lines[nr_lines] )
        return;
    nr_lines++;
}

/* May a guest-triggerable line pass now?  Called with log_lock held. */
static bool ratelimit_pass(void)
{
    uint64_t now = xecam_user_now_ms();
    char note[96];

    if ( now - rl_start >= rl_interval )
    {
        if ( rl_suppressed )
        {
            snprintf(note, sizeof(note),
                     "(xecam: %lu guest-triggered messages suppressed)\n",
                     rl_suppressed);
            keep(note);
        }
        rl_start = now;
        rl_used = 0;
        rl_suppressed = 0;
    }
    if ( rl_used < rl_burst )
    {
        rl_used++;
        return true;
    }
    rl_suppressed++;

    return false;
}

void xecam_port_log(unsigned int level, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    xecam_log_line(buf, sizeof(buf), n);

    pthread_mutex_lock(&log_lock);
    if ( !(level & XECAM_LOG_GUEST) || ratelimit_pass() )
        keep(buf);
    pthread_mutex_unlock(&log_lock);
}

void xecam_user_log_clear(void)
{
    unsigned int i;

    pthread_mutex_lock(&log_lock);
    for ( i = 0; i < nr_lines && i < XECAM_LOG_KEEP; i++ )
        free(lines[i]);
    nr_lines = 0;
    rl_used = 0;
    rl_suppressed = 0;
    rl_start = xecam_user_now_ms();
    pthread_mutex_unlock(&log_lock);
}

unsigned int xecam_user_log_lines(void)
{
    unsigned int n;

    pthread_mutex_lock(&log_lock);
    n = nr_lines;
    pthread_mutex_unlock(&log_lock);

    return n;
}

const char *xecam_user_log_line(unsigned int i)
{
    const char *l;

    pthread_mutex_lock(&log_lock);
    l = i < nr_lines && i < XECAM_LOG_KEEP ? lines[i] : NULL;
    pthread_mutex_unlock(&log_lock);

    return l;
}

unsigned int xecam_user_log_count(const char *needle)
{
    unsigned int i, n = 0;

    pthread_mutex_lock(&log_lock);
    for ( i = 0; i < nr_lines && i < XECAM_LOG_KEEP; i++ )
        n += !!strstr(lines[i], needle);
    pthread_mutex_unlock(&log_lock);

    return n;
}

void xecam_user_log_echo(bool on)
{
    pthread_mutex_lock(&log_lock);
    echo = on;
    pthread_mutex_unlock(&log_lock);
}
