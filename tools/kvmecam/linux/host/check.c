/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam linux --check: what Linux reported against the module.
 *
 * - Linux found exactly the functions the module's view has.
 * - Each function's config size is what Linux must pick: 4096 when ECAM
 *   is usable (PCIEXBAR enabled and the window e820-reserved) and the
 *   function has a PCI Express capability or is a host bridge, and dword
 *   0x100 is neither all-ones nor an alias of dword 0; else 256.
 * - Its bytes are the module's view after the boot, all of them, and the
 *   view before the boot (ecamctl view's) except the dwords Linux wrote.
 * - Its capability chains are the ones the view's bytes give (the hidden
 *   capabilities skipped), its PCI Express type the view's, and Linux's
 *   own lookups find no SR-IOV, ACS or L1 PM Substates.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "linux.h"

#define SHOW_MAX 8

struct verdict {
    unsigned long bad, shown;
};

static void __attribute__((format(printf, 3, 4)))
fail(struct verdict *v, uint32_t sbdf, const char *fmt, ...)
{
    char bdf[8];
    va_list ap;

    v->bad++;
    if ( v->shown++ >= SHOW_MAX )
        return;
    printf("check: FAIL %s: ", lx_bdf(sbdf, bdf));
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

static uint32_t dword(const uint8_t *c, unsigned int off)
{
    return c[off] | (c[off + 1] << 8) | (c[off + 2] << 16) |
           ((uint32_t)c[off + 3] << 24);
}

/* "01@40 05@50" as the initcall prints it; the PCIe cap's offset. */
static unsigned int caps_of(const uint8_t *c, char *out, size_t len)
{
    unsigned int pos = (c[6] & 0x10) ? c[0x34] : 0, ttl = 48, exp = 0;
    size_t n = 0;

    out[0] = '\0';
    while ( pos >= 0x40 && ttl-- && c[pos & ~3U] != 0xff )
    {
        pos &= ~3U;
        n += snprintf(out + n, n < len ? len - n : 0, "%s%02x@%02x",
                      n ? " " : "", c[pos], pos);
        exp = c[pos] == 0x10 && !exp ? pos : exp;
        pos = c[pos + 1];
    }
    if ( !n )
        snprintf(out, len, "-");

    return exp;
}

static void ecaps_of(const uint8_t *c, unsigned int size, char *out,
                     size_t len)
{
    unsigned int pos = 0x100, ttl = (4096 - 256) / 8;
    uint32_t h;
    size_t n = 0;

    while ( size > 0x100 && pos >= 0x100 && ttl-- )
    {
        h = dword(c, pos);
        if ( !h || h == ~0U )
            break;
        n += snprintf(out + n, n < len ? len - n : 0, "%s%04x@%03x",
                      n ? " " : "", h & 0xffff, pos);
        pos = (h >> 20) & 0xffc;
    }
    if ( !n )
        snprintf(out, len, "-");
}

static unsigned int expected_size(const struct lx_run *r, const uint8_t *c)
{
    char caps[160];
    bool ext = caps_of(c, caps, sizeof(caps)) ||
               (c[0x0b] == 0x06 && c[0x0a] == 0x00);

    if ( r->o->no_pciexbar || r->o->no_reserve || !ext ||
         dword(c, 0x100) == ~0U || !memcmp(c, c + 0x100, 0x100) )
        return 256;

    return 4096;
}

static void bytes(struct verdict *v, const struct lx_run *r,
                  const struct lx_fn *f)
{
    const uint8_t *pre = lx_view_find(&r->before, f->sbdf);
    const uint8_t *post = lx_view_find(&r->after, f->sbdf);
    const struct lx_written *w = lx_writes_of(&r->writes, f->sbdf);
    unsigned int i;

    for ( i = 0; post && i < f->cfg_size; i++ )
        if ( f->cfg[i] != post[i] )
        {
            fail(v, f->sbdf, "byte %03x: Linux %02x, the module's after the "
                 "boot %02x", i, f->cfg[i], post[i]);
            break;
        }
    for ( i = 0; pre && i < f->cfg_size; i++ )
        if ( f->cfg[i] != pre[i] && !(w && w->dw[i / 4]) )
        {
            fail(v, f->sbdf, "byte %03x, never written: Linux %02x, the "
                 "module's before the boot %02x", i, f->cfg[i], pre[i]);
            break;
        }
}

static void chains(struct verdict *v, const struct lx_fn *f,
                   const uint8_t *c)
{
    char caps[160], ecaps[256];
    unsigned int exp = caps_of(c, caps, sizeof(caps));
    int want = exp ? (c[exp + 2] >> 4) & 0xf : -1;

    ecaps_of(c, f->cfg_size, ecaps, sizeof(ecaps));
    if ( strcmp(caps, f->caps) )
        fail(v, f->sbdf, "capabilities: Linux %s, the module's %s", f->caps,
             caps);
    if ( strcmp(ecaps, f->ecaps) )
        fail(v, f->sbdf, "extended capabilities: Linux %s, the module's %s",
             f->ecaps, ecaps);
    if ( f->pcie_type != want || f->pcie_cap != (int)exp )
        fail(v, f->sbdf, "PCI Express capability: Linux %x type %d, the "
             "module's %x type %d", f->pcie_cap, f->pcie_type, exp, want);
    if ( f->sriov || f->acs || f->l1ss || f->physfn )
        fail(v, f->sbdf, "Linux found a hidden capability: SR-IOV %x, ACS "
             "%x, L1SS %x", f->sriov, f->acs, f->l1ss);
}

static void function(struct verdict *v, const struct lx_run *r,
                     const struct lx_fn *f)
{
    const uint8_t *post = lx_view_find(&r->after, f->sbdf);
    unsigned int want;

    if ( !post )
    {
        fail(v, f->sbdf, "Linux found it, the module's view has no such "
             "function");
        return;
    }
    want = expected_size(r, post);
    if ( f->cfg_size != want )
        fail(v, f->sbdf, "cfg_size %u, expected %u", f->cfg_size, want);
    if ( f->lines * 16 != f->cfg_size )
        fail(v, f->sbdf, "the report is incomplete (%u lines)", f->lines);
    bytes(v, r, f);
    chains(v, f, post);
}

int lx_check(const struct lx_run *r)
{
    const struct lx_dump *d = &r->cons.dump;
    struct verdict v = { 0 };
    unsigned int i;

    for ( i = 0; i < d->nr; i++ )
        function(&v, r, &d->fn[i]);
    for ( i = 0; i < r->before.nr; i++ )
        if ( !lx_dump_find(d, r->before.sbdf[i]) )
            fail(&v, r->before.sbdf[i], "in the module's view, Linux did "
                 "not find it");
    if ( !d->ended || d->reported != d->nr || d->bad )
        fail(&v, 0, "the report: %s", d->ended ? "malformed lines or a "
             "wrong count" : "it never ended");
    printf("check: %u functions, %lu mismatches: %s\n", d->nr, v.bad,
           v.bad ? "FAILED" : "Linux saw what the module serves");

    return v.bad ? -1 : 0;
}
