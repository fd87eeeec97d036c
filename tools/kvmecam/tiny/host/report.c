/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam: the guest's report port.  FLUSH and DONE hand over the records
 * at the start of the guest's log (what each access returned, as the guest
 * saw it); FAIL says the guest could not do what it was asked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvmecam.h"

static int take_log(struct host *h, uint32_t count)
{
    struct kg_rec *n;
    size_t max = h->max_glog;

    if ( count > KG_LOG_MAX )
    {
        fprintf(stderr, "kvmecam: guest reports %u records (max %zu)\n",
                count, (size_t)KG_LOG_MAX);
        return -1;
    }
    while ( h->nr_glog + count > max )
        max = max ? 2 * max : 4096;
    if ( max != h->max_glog )
    {
        n = realloc(h->glog, max * sizeof(*n));
        if ( !n )
        {
            perror("kvmecam: guest log");
            return -1;
        }
        h->glog = n;
        h->max_glog = max;
    }
    memcpy(h->glog + h->nr_glog, h->vm.ram + KG_LOG, count * sizeof(*n));
    h->nr_glog += count;

    return 0;
}

int report_port(struct host *h, uint32_t val)
{
    uint32_t code = val >> 24, count = val & 0xffffff;

    if ( code == KG_REP_FLUSH || code == KG_REP_DONE )
    {
        h->done = code == KG_REP_DONE;
        return take_log(h, count);
    }
    fprintf(stderr, "kvmecam: the guest failed (report %#x)\n", val);

    return -1;
}
