/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam linux: the summary: what the host set up before the boot, then
 * the functions Linux reported, the accesses served and the registers
 * Linux wrote.  Parsed by unit/tools/test_e2e_linux.sh: keep the shapes.
 */
#include <stdio.h>

#include "linux.h"

const char *lx_bdf(uint32_t sbdf, char *buf)
{
    snprintf(buf, 8, "%02x:%02x.%u", (sbdf >> 8) & 0xff, (sbdf >> 3) & 0x1f,
             sbdf & 7);

    return buf;
}

void lx_report_setup(const struct lx_run *r, const char *cmdline)
{
    const struct lx_bridge *b = &r->bridge;
    char bdf[8];
    unsigned int i;

    printf("kvmecam linux: %s, kernel %s\n", r->o->cfg, r->o->kernel);
    printf("ECAM window: buses %02x-%02x at %#llx; e820: %s\n", b->start_bus,
           b->end_bus, (unsigned long long)b->base,
           r->o->no_reserve ? "not reserved" : "reserved");
    printf("host bridge: 00:00.0 8086:2770 (host %04x:%02x:%02x.%u), "
           "PCIEXBAR %#010x (%s), read back by ECAM and CF8\n",
           b->host >> 16, (b->host >> 8) & 0xff, (b->host >> 3) & 0x1f,
           b->host & 7, b->pciexbar, b->pciexbar & 1 ? "enabled" : "disabled");
    for ( i = 0; i < r->dm.nr; i++ )
        printf("device model: %s 1234:1111 (bytes of host %04x:%02x:%02x.%u)"
               ", ioreq server 1\n", lx_bdf(r->dm.guest[i], bdf),
               r->dm.host >> 16, (r->dm.host >> 8) & 0xff,
               (r->dm.host >> 3) & 0x1f, r->dm.host & 7);
    printf("kernel: entry %#llx, loaded at %#llx-%#llx\n",
           (unsigned long long)r->k.entry, (unsigned long long)r->k.start,
           (unsigned long long)r->k.end);
    printf("command line: %s\n", cmdline);
    lx_hp_report_setup(&r->hp);
    printf("functions in the module's view: %u\n", r->before.nr);
}

static void function(const struct lx_fn *f)
{
    const uint8_t *c = f->cfg;
    char bdf[8];

    printf("  %s %02x%02x:%02x%02x class %02x%02x cfg_size %u",
           lx_bdf(f->sbdf, bdf), c[1], c[0], c[3], c[2], c[11], c[10],
           f->cfg_size);
    if ( f->pcie_type >= 0 )
        printf(" pcie type %d", f->pcie_type);
    else
        printf(" pcie -");
    printf(" caps %s ecaps %s\n", f->caps, f->ecaps);
}

static void written(const struct lx_writes *w)
{
    unsigned int i, j;
    char bdf[8];

    for ( i = 0; i < w->nr; i++ )
    {
        printf("  wrote %s:", lx_bdf(w->fn[i].sbdf, bdf));
        for ( j = 0; j < LX_CFG_SIZE / 4; j++ )
            if ( w->fn[i].dw[j] )
                printf(" %02x", 4 * j);
        printf("\n");
    }
}

static void accesses(const struct lx_run *r)
{
    const struct tally *t = r->h.t;

    printf("accesses served: ECAM reads %lu, ECAM writes %lu, CF8/CFC %lu "
           "(the module); device-model requests %lu; console %lu; other "
           "ports %lu; MMIO elsewhere %lu\n", t[EX_ECAM_READ].n,
           t[EX_ECAM_WRITE].n, t[EX_CF8].n, r->dm_requests,
           t[EX_CONSOLE].n, r->other_ports, t[EX_PEER_MMIO].n);
    printf("PVM emulator quirks: int3 %lu, fwait %lu\n", r->quirks.int3,
           r->quirks.fwait);
}

void lx_report(const struct lx_run *r)
{
    const struct lx_dump *d = &r->cons.dump;
    unsigned int i;

    if ( d->ended )
        printf("boot: Linux's report was complete after %.1f s\n",
               r->boot_ns / 1e9);
    else
        printf("boot: no complete report after %.1f s\n", r->boot_ns / 1e9);
    printf("console: %lu bytes, %lu lines; report: %u functions (Linux "
           "counted %u), %u malformed lines\n", r->cons.bytes, r->cons.lines,
           d->nr, d->reported, d->bad);
    printf("functions Linux found: %u\n", d->nr);
    for ( i = 0; i < d->nr; i++ )
        function(&d->fn[i]);
    accesses(r);
    printf("config registers Linux wrote (dword offsets):\n");
    written(&r->writes);
    lx_hp_report(&r->hp);
}
