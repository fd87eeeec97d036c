/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam bench: the guest reads one ECAM dword N times, then makes N
 * exits nobody serves but the host (MMIO outside every window), then N CFC
 * reads and N reads of an idle port.  The peers give the cost of a KVM exit
 * alone; the differences are the module's.
 */
#include <stdio.h>

#include "kvmecam.h"

/* The first function on the window's first bus (vendor ID not all-ones). */
static int pick(struct host *h, uint32_t *bdf)
{
    const struct kg_params *p = h->params;
    unsigned int devfn;
    uint64_t v;

    for ( devfn = 0; devfn < 256; devfn++ )
    {
        v = ~0ULL;
        xecam_mmio_read(h->s.d, 0, p->ecam_base + ((uint64_t)devfn << 12), 4,
                        &v);
        if ( (v & 0xffff) != 0xffff )
        {
            *bdf = (p->start_bus << 8) | devfn;
            return 0;
        }
    }
    fprintf(stderr, "kvmecam: no function on the window's first bus\n");

    return -1;
}

/* MMIO below 4 GiB that is neither RAM nor in a window. */
static uint64_t peer_gpa(struct host *h)
{
    static const uint64_t cand[] = { 0xc0000000, 0xd0000000, 0xf0000000 };
    unsigned int i;

    for ( i = 0; i < 2; i++ )
        if ( !xecam_mmio_accept(h->s.d, cand[i]) )
            break;

    return cand[i];
}

/* Mean and median of the round trip and of the module's part. */
static void row(const char *what, struct tally *t)
{
    double n = t->n ? t->n : 1;

    printf("  %-24s %6lu  %7.0f %7u  %6.0f %6u  %5.2f%%\n", what, t->n,
           t->wall_ns / n, tally_median(t, false), t->module_ns / n,
           tally_median(t, true),
           t->wall_ns ? 100.0 * t->module_ns / t->wall_ns : 0.0);
}

static double ratio(struct tally *a, struct tally *b)
{
    uint32_t m = tally_median(b, false);

    return m ? (double)tally_median(a, false) / m : 0;
}

static void results(struct host *h, uint32_t bdf)
{
    struct tally *t = h->t;
    const struct kg_params *p = h->params;

    printf("kvmecam bench: %u exits of each kind, interleaved in %u blocks; "
           "guest: long mode, CPL0\nECAM dword: %02x:%02x.%u reg 0x00 at "
           "%#llx; peers: MMIO at %#llx, port %#x\n", p->count,
           KG_BENCH_ROUNDS, bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7,
           (unsigned long long)p->bench_gpa,
           (unsigned long long)p->peer_gpa, KG_PEER_PORT);
    printf("  %-24s %6s  %15s  %13s  %6s\n  %-24s %6s  %7s %7s  %6s %6s\n",
           "", "", "wall ns/exit", "module ns", "share", "", "exits",
           "mean", "median", "mean", "median");
    row("ECAM read (module)", &t[EX_ECAM_READ]);
    row("MMIO peer (accept only)", &t[EX_PEER_MMIO]);
    row("CF8/CFC (module)", &t[EX_CF8]);
    row("port peer (no module)", &t[EX_PEER_PIO]);
    printf("median wall ratios: ECAM/MMIO peer %.3f, CFC/port peer %.3f, "
           "ECAM/CFC %.3f\n", ratio(&t[EX_ECAM_READ], &t[EX_PEER_MMIO]),
           ratio(&t[EX_CF8], &t[EX_PEER_PIO]),
           ratio(&t[EX_ECAM_READ], &t[EX_CF8]));
    printf("share: the module's part of the mean round trip\n");
}

int cmd_bench(const struct opts *o)
{
    struct host h;
    uint32_t bdf = 0;
    int rc = host_init(&h, o, KG_MODE_BENCH);

    if ( !rc && pick(&h, &bdf) )
        rc = 1;
    if ( !rc )
    {
        h.params->count = o->count;
        h.params->bench_gpa = h.params->ecam_base +
                              ((uint64_t)(bdf & 0xff) << 12);
        h.params->peer_gpa = peer_gpa(&h);
        h.params->bench_cf8 = 0x80000000U | (bdf << 8);
        h.keep = true;
        rc = run_guest(&h, o->timeout_s) ? 1 : 0;
    }
    if ( !rc )
        results(&h, bdf);
    host_fini(&h);

    return rc;
}
