/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam walk: what the guest saw, against what the host served (the
 * exits carried every access intact), and against the same accesses
 * replayed through the module on a fresh domain (ecamctl replay's
 * semantics: the result depends on the accesses alone, not on KVM).
 */
#include <inttypes.h>
#include <stdio.h>

#include "kvmecam.h"

#define SHOW_MAX 10

static void show(const char *what, size_t i, const struct kg_rec *g,
                 uint64_t other)
{
    fprintf(stderr, "kvmecam: %s mismatch at access %zu: %s %s %#" PRIx64
            " /%u: guest %#" PRIx64 ", %s %#" PRIx64 "\n", what, i,
            g->write ? "write" : "read", g->space == KG_ECAM ? "ecam" : "pio",
            g->addr, g->size, g->val, what, other);
}

static bool same_access(const struct kg_rec *a, const struct kg_rec *b)
{
    return a->space == b->space && a->write == b->write &&
           a->addr == b->addr && a->size == b->size &&
           !((a->val ^ b->val) & size_ones(a->size));
}

static unsigned long transport(const struct host *h)
{
    size_t i, n = h->nr_glog < h->nr_srv ? h->nr_glog : h->nr_srv;
    unsigned long bad = 0;

    if ( h->nr_glog != h->nr_srv )
    {
        fprintf(stderr, "kvmecam: the guest made %zu accesses, the host "
                "served %zu\n", h->nr_glog, h->nr_srv);
        bad++;
    }
    for ( i = 0; i < n; i++ )
        if ( !same_access(&h->glog[i], &h->srv[i]) && bad++ < SHOW_MAX )
            show("host", i, &h->glog[i], h->srv[i].val);

    return bad;
}

static long replay_fresh(struct host *h, const struct opts *o)
{
    size_t i, n = h->nr_glog < h->nr_srv ? h->nr_glog : h->nr_srv;
    const struct kg_rec *g;
    unsigned long bad = 0;
    uint64_t val, ns;

    domain_teardown(&h->s);
    if ( domain_setup_again(&h->s, o) )
        return -1;
    for ( i = 0; i < n; i++ )
    {
        g = &h->glog[i];
        module_access(h->s.d, &h->srv[i], &val, &ns);
        if ( !g->write && ((val ^ g->val) & size_ones(g->size)) &&
             bad++ < SHOW_MAX )
            show("replay", i, g, val);
    }

    return bad;
}

static void misaligned(const struct host *h, struct check *c)
{
    const struct kg_rec *g;
    size_t i;

    for ( i = 0; i < h->nr_glog; i++ )
    {
        g = &h->glog[i];
        if ( g->write || !(g->addr & (g->size - 1)) )
            continue;
        c->misaligned++;
        c->misaligned_ones += g->val == size_ones(g->size);
    }
}

int check_walk(struct host *h, const struct opts *o, struct check *c)
{
    long r;

    c->transport = transport(h);
    misaligned(h, c);
    r = replay_fresh(h, o);
    if ( r < 0 )
        return -1;
    c->replay = r;

    return 0;
}
