/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vcpu and the device model take turns and never run together.  On one
 * CPU a request is two context switches; across the CPUs of a virtual
 * machine each wake-up can cost a good part of a millisecond.  Stay on the
 * CPU the process started on (threads created later inherit it).
 *
 * Include after defining _GNU_SOURCE (sched_setaffinity()).
 */
#ifndef XECAM_FUZZ_ONE_CPU_H
#define XECAM_FUZZ_ONE_CPU_H

#include <sched.h>
#include <stdbool.h>

static inline void stay_on_one_cpu(void)
{
    static bool done;
    cpu_set_t set;
    int cpu;

    if ( done )
        return;
    done = true;
    cpu = sched_getcpu();
    if ( cpu < 0 )
        return;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    sched_setaffinity(0, sizeof(set), &set);
}

#endif /* XECAM_FUZZ_ONE_CPU_H */
