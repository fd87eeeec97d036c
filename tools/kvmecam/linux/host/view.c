/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam linux: every function of the guest and its 4 KiB of config
 * space, read through the guest's ECAM window by the module's own trap ->
 * route -> vPCI / ioreq path, as `ecamctl view` reads them.  Taken before
 * the boot (what ecamctl view shows) and after it (what Linux left).
 */
#include <stdlib.h>
#include <string.h>

#include "linux.h"

static void read_fn(struct xecam_domain *d, uint64_t gpa, uint8_t *cfg)
{
    unsigned int i, j;
    uint64_t v;

    for ( i = 0; i < LX_CFG_SIZE; i += 4 )
    {
        v = ~0ULL;
        xecam_mmio_read(d, 0, gpa + i, 4, &v);
        for ( j = 0; j < 4; j++ )
            cfg[i + j] = v >> (8 * j);
    }
}

int lx_view_take(struct xecam_domain *d, uint64_t base,
                 unsigned int start, unsigned int end, struct lx_view *v)
{
    unsigned int bus, devfn;
    uint64_t gpa, id;

    memset(v, 0, sizeof(*v));
    v->cfg = calloc(LX_MAX_FNS, LX_CFG_SIZE);
    if ( !v->cfg )
        return -1;
    for ( bus = start; bus <= end; bus++ )
        for ( devfn = 0; devfn < 256 && v->nr < LX_MAX_FNS; devfn++ )
        {
            gpa = base + ((uint64_t)(bus - start) << 20) +
                  ((uint64_t)devfn << 12);
            id = ~0ULL;
            xecam_mmio_read(d, 0, gpa, 4, &id);
            if ( (id & 0xffff) == 0xffff )
                continue;
            v->sbdf[v->nr] = (bus << 8) | devfn;
            read_fn(d, gpa, v->cfg[v->nr++]);
        }

    return 0;
}

void lx_view_free(struct lx_view *v)
{
    free(v->cfg);
    memset(v, 0, sizeof(*v));
}

const uint8_t *lx_view_find(const struct lx_view *v, uint32_t sbdf)
{
    unsigned int i;

    for ( i = 0; i < v->nr; i++ )
        if ( v->sbdf[i] == sbdf )
            return v->cfg[i];

    return NULL;
}
