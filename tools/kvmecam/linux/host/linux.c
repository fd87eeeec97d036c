/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam linux: boot an ELF vmlinux on the domain an xl config describes.
 * The VM has 128 MiB of RAM, the in-kernel PIC, IOAPIC and PIT, and COM1;
 * the domain is ecamctl's, plus a 945 host bridge at 00:00.0 whose
 * PCIEXBAR names the ECAM window, plus the bytes the device model serves.
 * The kernel is entered at its 64-bit entry point with RSI = the zero
 * page, as a loader that skips the decompressor does.  The run ends when
 * our initcall's report is complete (or at the timeout); then the module's
 * view is taken again and the summary printed (and checked with --check).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux.h"

/*
 * As kvm-guest runs measured it: acpi=off (MMCONFIG through the 945 probe),
 * no XSAVE, and the CPU features whose instructions PVM's emulator cannot
 * run hidden.  clearcpuid takes bit numbers (6.1's cpufeatures.h; names
 * would overflow its 128-byte buffer): cx16 141, fsgsbase 288, rdrand 158,
 * rdseed 306, popcnt 151, smap 308, invpcid 298, pcid 145, rdpid 534,
 * rdtscp 59, pku 515, umip 514, ssse3 137, sse4_1 147, sse4_2 148, aes 153,
 * pclmulqdq 129, sha_ni 317, gfni 520, vaes 521, vpclmulqdq 522.
 */
#define CMDLINE "console=ttyS0 earlyprintk=serial,ttyS0,115200 acpi=off " \
    "noxsave clearcpuid=141,288,158,306,151,308,298,145,534,59,515,514," \
    "137,147,148,153,129,317,520,521,522"

static unsigned int last_bus(const struct lx_view *v)
{
    unsigned int i, bus = 0;

    for ( i = 0; i < v->nr; i++ )
        if ( ((v->sbdf[i] >> 8) & 0xff) > bus )
            bus = (v->sbdf[i] >> 8) & 0xff;

    return bus;
}

static int boot_params(struct lx_run *r, char *cmdline, size_t len)
{
    const struct lx_bridge *b = &r->bridge;
    struct lx_e820 map[LX_E820_MAX] = {
        { 0, 0x9fc00, LX_E820_RAM },
        { 0xf0000, 0x10000, LX_E820_RESERVED },
        { LX_LOW_END, LX_RAM_SIZE - LX_LOW_END, LX_E820_RAM },
        { b->base, (uint64_t)(b->end_bus - b->start_bus + 1) << 20,
          LX_E820_RESERVED },
    };

    snprintf(cmdline, len, "%s pci=lastbus=%u%s%s", CMDLINE,
             last_bus(&r->before), r->o->append ? " " : "",
             r->o->append ?: "");

    return lx_zero_page(&r->h.vm, map, r->o->no_reserve ? 3 : 4, cmdline);
}

static int load(struct lx_run *r, char *cmdline, size_t len)
{
    const struct lx_bridge *b = &r->bridge;
    struct lm_entry e = {
        .gdt = LX_GDT, .pt_pool = LX_PT_POOL, .pt_pool_end = LX_PT_POOL_END,
        .sel_code = LX_SEL_CODE, .sel_data = LX_SEL_DATA,
        .rsp = LX_STACK_TOP, .rsi = LX_ZERO_PAGE,
    };

    if ( lx_load_elf(&r->h.vm, r->o->kernel, &r->k) ||
         boot_params(r, cmdline, len) )
        return -1;
    e.rip = r->k.entry;

    return vm_long_mode(&r->h.vm, &e, b->base,
                        (uint64_t)(b->end_bus - b->start_bus + 1) << 20);
}

/* The domain, the host bridge, the DM's function; the view before. */
static int domain(struct lx_run *r)
{
    struct session *s = &r->h.s;
    const struct lx_bridge *b = &r->bridge;

    if ( domain_setup(s, r->o) )
        return 2;
    irq_attach(&r->h);
    if ( lx_bridge_add(s, !r->o->no_pciexbar, &r->bridge) ||
         lx_dm_setup(s, r->o->cfg, &r->dm) ||
         (r->o->hotplug && lx_hp_setup(s, &r->bridge, &r->hp)) ||
         lx_view_take(s->d, b->base, b->start_bus, b->end_bus, &r->before) )
        return 1;
    r->dm.base_requests = lx_dm_requests(s);

    return 0;
}

static int setup(struct lx_run *r, char *cmdline, size_t len)
{
    static const struct vm_spec spec = {
        .ram_size = LX_RAM_SIZE, .irqchip = true, .pit = true,
    };
    char why[256];
    int rc = vm_open_spec(&r->h.vm, &spec, why, sizeof(why));

    if ( rc == KVMECAM_SKIP )
        printf("kvmecam: skipped: %s\n", why);
    if ( rc )
        return rc == KVMECAM_SKIP ? rc : 1;
    rc = domain(r);
    if ( rc )
        return rc;
    r->cons.dump.fn = calloc(LX_MAX_FNS, sizeof(*r->cons.dump.fn));
    if ( !r->cons.dump.fn )
        return 1;
    r->cons.echo = true;
    r->cons.hp = &r->hp;
    r->cons.out = r->o->dump ? fopen(r->o->dump, "w") : NULL;
    if ( r->o->dump && !r->cons.out )
    {
        perror(r->o->dump);
        return 1;
    }

    return load(r, cmdline, len) ? 1 : 0;
}

/*
 * The boot is over: the module's view again, what the guest wrote; the
 * accesses recorded so far are the boot's (the trace's).  --hotplug's
 * run goes on, unrecorded.
 */
int lx_boot_over(struct lx_run *r)
{
    const struct lx_bridge *b = &r->bridge;

    r->boot_over = true;
    r->h.record = false;
    r->boot_ns = now_ns() - r->boot_ns;
    r->dm_requests = lx_dm_requests(&r->h.s) - r->dm.base_requests;
    if ( r->cons.out )
        fflush(r->cons.out);
    lx_writes_collect(&r->h, &r->writes);
    r->view_failed = lx_view_take(r->h.s.d, b->base, b->start_bus,
                                  b->end_bus, &r->after) != 0;

    return r->view_failed ? -1 : 0;
}

/* Boot (and hot-plug); the boot's figures once its report is complete. */
static int boot(struct lx_run *r)
{
    int rc;

    lx_hooks(r);
    r->h.record = true;
    r->boot_ns = now_ns();
    rc = run_guest(&r->h, r->o->timeout_s);
    if ( r->cons.out )
        fflush(r->cons.out);
    if ( !r->boot_over )
        lx_boot_over(r);

    return r->view_failed ? -1 : rc;
}

static void teardown(struct lx_run *r)
{
    if ( r->cons.out )
        fclose(r->cons.out);
    free(r->cons.dump.fn);
    lx_view_free(&r->before);
    lx_view_free(&r->after);
    host_fini(&r->h);
    free(r);
}

int cmd_linux(const struct opts *o)
{
    struct lx_run *r = calloc(1, sizeof(*r));
    char cmdline[LX_CMDLINE_MAX];
    int rc;

    if ( !r )
        return 1;
    if ( !o->kernel )
    {
        fprintf(stderr, "kvmecam linux: --kernel VMLINUX is needed\n");
        free(r);
        return 2;
    }
    r->o = o;
    rc = setup(r, cmdline, sizeof(cmdline));
    if ( !rc )
    {
        lx_report_setup(r, cmdline);
        rc = boot(r) ? 1 : 0;
        lx_report(r);
        if ( o->trace && lx_trace_write(r, o) )
            rc = 1;
        if ( !rc && o->check )
            rc = lx_check(r) ? 1 : 0;
    }
    teardown(r);

    return rc;
}
