/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam: per-kind exit figures.  Sums always; when asked, every exit's
 * figures too, for medians (a preempted exit moves a mean by far more than
 * the module costs).
 */
#include <stdlib.h>

#include "kvmecam.h"

static uint32_t clamp32(uint64_t v)
{
    return v > UINT32_MAX ? UINT32_MAX : v;
}

static int grow(struct tally *t)
{
    size_t max = t->max_s ? 2 * t->max_s : 4096;
    uint32_t *w = realloc(t->s_wall, max * sizeof(*w)), *m;

    if ( !w )
        return -1;
    t->s_wall = w;
    m = realloc(t->s_module, max * sizeof(*m));
    if ( !m )
        return -1;
    t->s_module = m;
    t->max_s = max;

    return 0;
}

int tally_add(struct tally *t, uint64_t wall, uint64_t module, bool keep)
{
    t->n++;
    t->wall_ns += wall;
    t->module_ns += module;
    if ( !keep )
        return 0;
    if ( t->nr_s == t->max_s && grow(t) )
        return -1;
    t->s_wall[t->nr_s] = clamp32(wall);
    t->s_module[t->nr_s++] = clamp32(module);

    return 0;
}

static int cmp32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return (x > y) - (x < y);
}

/* The median of the kept figures (they are sorted in place); 0 if none. */
uint32_t tally_median(struct tally *t, bool module)
{
    uint32_t *v = module ? t->s_module : t->s_wall;

    if ( !t->nr_s )
        return 0;
    qsort(v, t->nr_s, sizeof(*v), cmp32);

    return v[t->nr_s / 2];
}

void tally_free(struct tally *t)
{
    free(t->s_wall);
    free(t->s_module);
    t->s_wall = t->s_module = NULL;
    t->nr_s = t->max_s = 0;
}
