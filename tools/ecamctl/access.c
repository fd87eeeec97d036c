/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ecamctl replay: one guest access, through the module, and its report:
 * the value read, where the router sent it, the ioreqs the device models
 * saw and the writes that reached host devices.
 */
#include <inttypes.h>
#include <string.h>

#include <public/hvm/ecam_op.h>

#include "replay.h"

enum space { SPACE_ECAM, SPACE_PIO, SPACE_CFG };

static const char *const space_names[] = { "ecam", "pio", "cfg" };

struct access {
    enum space space;
    bool write;
    uint64_t addr;                  /* GPA or port */
    unsigned int size;
    uint64_t val;
};

/* The ECAM address of SBDF/REG through its segment's window. */
static int cfg_gpa(struct session *s, uint32_t sbdf, uint64_t reg,
                   uint64_t *gpa)
{
    struct xen_hvm_ecam_space a = {
        .domid = GUEST_ID, .segment = XECAM_SBDF_SEG(sbdf),
    };
    unsigned int bus = XECAM_SBDF_BUS(sbdf);

    xecam_user_set_current(0);
    if ( xecam_user_hvm_op(HVMOP_get_ecam_space, &a) )
        return bad(s, 2, "no ECAM window for this segment");
    if ( bus < a.start_bus || bus > a.end_bus )
        return bad(s, 2, "bus outside the segment's ECAM window");
    if ( reg >= XECAM_CFG_SIZE )
        return bad(s, 3, "register past 4 KiB");
    *gpa = a.base + ((uint64_t)(bus - a.start_bus) << 20) +
           ((uint64_t)XECAM_SBDF_DEVFN(sbdf) << 12) + reg;

    return 0;
}

static int parse_access(struct session *s, bool write, struct access *a)
{
    unsigned int t = 2, want;
    uint64_t size;
    uint32_t sbdf;

    for ( a->space = 0; a->space < XECAM_ARRAY_SIZE(space_names); a->space++ )
        if ( !strcmp(s->tok[1], space_names[a->space]) )
            break;
    if ( a->space == XECAM_ARRAY_SIZE(space_names) )
        return bad(s, 1, "expected ecam, pio or cfg");
    want = 2 + (a->space == SPACE_CFG) + 2 + write;
    if ( s->nr_tok != want )
        return bad(s, 0, "wrong number of arguments");

    a->write = write;
    if ( a->space == SPACE_CFG )
    {
        if ( bdf_arg(s, t++, &sbdf) || num_arg(s, t, &a->addr) ||
             cfg_gpa(s, sbdf, a->addr, &a->addr) )
            return -1;
        t++;
    }
    else if ( num_arg(s, t++, &a->addr) )
        return -1;
    if ( num_arg(s, t, &size) || size < 1 || size > 8 )
        return bad(s, t, "expected a size 1-8");
    a->size = size;
    if ( write && num_arg(s, t + 1, &a->val) )
        return -1;

    return 0;
}

static const char *route_of(const struct xecam_stats *b,
                            const struct xecam_stats *a)
{
    if ( a->bad_accesses != b->bad_accesses )
        return "bad-access";
    if ( a->ioreq_failed != b->ioreq_failed )
        return "ioreq-failed";
    if ( a->refused != b->refused )
        return "vpci refused";
    if ( a->to_ioreq != b->to_ioreq )
        return "ioreq";
    if ( a->to_vpci != b->to_vpci )
        return "vpci";
    if ( a->unclaimed != b->unclaimed )
        return "nobody";

    return "-";
}

/*
 * One access through the module's MMIO or port handlers, as Xen's
 * hvm_mmio_ops and portio handlers call them; false if no handler takes it.
 */
bool module_perform(struct xecam_domain *d, bool pio, bool write,
                    uint64_t addr, unsigned int size, uint64_t *val)
{
    uint32_t v32 = *val;

    if ( !pio )
    {
        if ( !xecam_mmio_accept(d, addr) )
            return false;
        if ( write )
            xecam_mmio_write(d, 0, addr, size, *val);
        else
            xecam_mmio_read(d, 0, addr, size, val);
        return true;
    }
    if ( size > 4 || !xecam_pio_accept(addr, size) )
        return false;
    if ( write )
        xecam_pio_write(d, 0, addr, size, v32);
    else
    {
        xecam_pio_read(d, 0, addr, size, &v32);
        *val = v32;
    }

    return true;
}

static bool perform(struct session *s, struct access *a)
{
    return module_perform(s->d, a->space == SPACE_PIO, a->write, a->addr,
                          a->size, &a->val);
}

static void print_ioreq(const struct session *s, unsigned int id,
                        const ioreq_t *r, bool first)
{
    uint32_t sbdf = r->addr >> 32;

    if ( s->json )
        printf("%s{\"server\":%u,\"type\":%u,\"addr\":\"0x%016" PRIx64 "\","
               "\"sbdf\":\"%04x:%02x:%02x.%u\",\"reg\":\"0x%03x\","
               "\"size\":%u,\"dir\":\"%s\",\"data\":\"0x%" PRIx64 "\"}",
               first ? "" : ",", id, r->type, r->addr, XECAM_SBDF_SEG(sbdf),
               XECAM_SBDF_BUS(sbdf), XECAM_SBDF_DEV(sbdf), XECAM_SBDF_FN(sbdf),
               (unsigned int)(r->addr & 0xfff), r->size,
               r->dir == IOREQ_READ ? "read" : "write", r->data);
    else
        printf("      ioreq server %u: type %u addr 0x%016" PRIx64
               " (%04x:%02x:%02x.%u reg 0x%03x) size %u %s data 0x%" PRIx64
               "\n", id, r->type, r->addr, XECAM_SBDF_SEG(sbdf),
               XECAM_SBDF_BUS(sbdf), XECAM_SBDF_DEV(sbdf), XECAM_SBDF_FN(sbdf),
               (unsigned int)(r->addr & 0xfff), r->size,
               r->dir == IOREQ_READ ? "read" : "write", r->data);
}

static void print_ioreqs(struct session *s)
{
    ioreq_t log[DM_LOG_MAX];
    unsigned int i, j, n;
    bool first = true;

    for ( i = 0; i < XECAM_MAX_SERVERS; i++ )
    {
        if ( !s->dm[i].dm )
            continue;
        n = dm_ctx_take_log(&s->dm[i], log, DM_LOG_MAX);
        for ( j = 0; j < n; j++, first = false )
            print_ioreq(s, s->dm[i].id, &log[j], first);
    }
}

/*
 * A Root Port's slot event reached the guest: the port's own MSI (the
 * userspace port records it as a delivered interrupt of no host function).
 */
static bool port_msi(const struct xecam_user_event *e)
{
    return e->kind == XECAM_EV_IRQ && e->count == ~0U;
}

static void print_event(const struct xecam_user_event *e)
{
    static const char *const kinds[] = {
        [XECAM_EV_MSI_BIND] = "msi-bind",
        [XECAM_EV_MSI_UNBIND] = "msi-unbind",
        [XECAM_EV_MSIX] = "msix-control",
        [XECAM_EV_POWER] = "power-state",
        [XECAM_EV_RESET] = "reset",
        [XECAM_EV_MSIX_BIND] = "msix-bind",
        [XECAM_EV_MSIX_UNBIND] = "msix-unbind",
        [XECAM_EV_IRQ_MASK] = "irq-mask",
        [XECAM_EV_IRQ] = "irq",
        [XECAM_EV_BAR_WRITE] = "bar-write",
    };
    uint32_t f = e->sbdf;

    if ( port_msi(e) )
    {
        printf("      port msi addr %#llx data %#x\n",
               (unsigned long long)e->addr, e->data);
        return;
    }
    printf("      host %s %04x:%02x:%02x.%u addr %#llx data %#x count %u%s%s\n",
           e->kind < XECAM_ARRAY_SIZE(kinds) && kinds[e->kind]
           ? kinds[e->kind] : "?", XECAM_SBDF_SEG(f), XECAM_SBDF_BUS(f),
           XECAM_SBDF_DEV(f), XECAM_SBDF_FN(f), (unsigned long long)e->addr,
           e->data, e->count, e->enable ? " enable" : "",
           e->maskall ? " maskall" : "");
}

void report_events(const struct session *s)
{
    struct xecam_user_event ev[16];
    unsigned int i, n = xecam_user_events(ev, 16);
    const char *sep = "";

    if ( s->json )
        printf(",\"msis\":[");
    for ( i = 0; i < n; i++ )
    {
        if ( !s->json )
            print_event(&ev[i]);
        else if ( port_msi(&ev[i]) )
        {
            printf("%s{\"addr\":\"%#llx\",\"data\":\"%#x\"}", sep,
                   (unsigned long long)ev[i].addr, ev[i].data);
            sep = ",";
        }
    }
    if ( s->json )
        printf("]");
    xecam_user_events_clear();
}

/* Each write that reached a host device since 'mark': offset, size, value. */
static void print_host_writes(const struct session *s, unsigned long mark)
{
    struct xecam_user_host_write w[XECAM_USER_RECENT_WRITES];
    unsigned int i, n = xecam_user_host_writes_since(mark, w,
                                                     XECAM_ARRAY_SIZE(w));

    for ( i = 0; i < n; i++ )
    {
        uint32_t f = w[i].sbdf;

        if ( s->json )
            printf("%s{\"sbdf\":\"%04x:%02x:%02x.%u\",\"reg\":\"0x%03x\","
                   "\"size\":%u,\"value\":\"0x%x\"}", i ? "," : "",
                   XECAM_SBDF_SEG(f), XECAM_SBDF_BUS(f), XECAM_SBDF_DEV(f),
                   XECAM_SBDF_FN(f), w[i].w.reg, w[i].w.size, w[i].w.val);
        else
            printf("      host write %04x:%02x:%02x.%u reg 0x%03x size %u "
                   "value 0x%0*x\n", XECAM_SBDF_SEG(f), XECAM_SBDF_BUS(f),
                   XECAM_SBDF_DEV(f), XECAM_SBDF_FN(f), w[i].w.reg,
                   w[i].w.size, 2 * w[i].w.size, w[i].w.val);
    }
}

/* The domain's BAR mappings, as the p2m has them (holes are gaps). */
static void print_mappings(const struct session *s)
{
    struct xecam_user_mapping m[64];
    unsigned int i, n = xecam_user_mappings(GUEST_ID, m, XECAM_ARRAY_SIZE(m));

    for ( i = 0; i < n; i++ )
        if ( s->json )
            printf("%s{\"io\":%s,\"guest\":\"0x%" PRIx64 "\",\"host\":"
                   "\"0x%" PRIx64 "\",\"size\":\"0x%" PRIx64 "\"}",
                   i ? "," : "", m[i].io ? "true" : "false", m[i].gaddr,
                   m[i].haddr, m[i].size);
        else
            printf("      mapped %s 0x%" PRIx64 "-0x%" PRIx64 " -> host 0x%"
                   PRIx64 "\n", m[i].io ? "io" : "mmio", m[i].gaddr,
                   m[i].gaddr + m[i].size - 1, m[i].haddr);
}

static void report(struct session *s, const struct access *a, bool taken,
                   const char *route, unsigned long host_writes,
                   unsigned long mark, bool mapped)
{
    const char *op = a->write ? "write" : "read";

    if ( s->json )
    {
        printf("{\"line\":%u,\"op\":\"%s\",\"space\":\"%s\",\"addr\":\"0x%"
               PRIx64 "\",\"size\":%u,\"value\":\"0x%" PRIx64 "\","
               "\"trapped\":%s,\"route\":\"%s\",\"host_writes\":%lu,"
               "\"ioreqs\":[", s->pos.line, op, space_names[a->space],
               a->addr, a->size, a->val, taken ? "true" : "false", route,
               host_writes);
        print_ioreqs(s);
        printf("],\"host_write\":[");
        print_host_writes(s, mark);
        printf("]");
        if ( mapped )
        {
            printf(",\"mappings\":[");
            print_mappings(s);
            printf("]");
        }
        report_events(s);
        printf("}\n");
        return;
    }
    printf("L%-4u %-5s %-4s 0x%-12" PRIx64 " /%u  %s 0x%0*" PRIx64 "  %s",
           s->pos.line, op, a->space == SPACE_PIO ? "pio" : "ecam", a->addr,
           a->size, a->write ? "<-" : "= ", a->size > 8 ? 16 : 2 * a->size,
           a->val, taken ? route : "not-trapped");
    if ( host_writes )
        printf("  host-writes %lu", host_writes);
    printf("\n");
    print_ioreqs(s);
    print_host_writes(s, mark);
    if ( mapped )
        print_mappings(s);
    report_events(s);
}

static int do_access(struct session *s, bool write)
{
    struct xecam_stats before, after;
    struct access a = { 0 };
    unsigned long writes, maps;
    bool taken;

    if ( parse_access(s, write, &a) )
        return -1;
    xecam_domain_stats(s->d, &before);
    writes = xecam_user_pdev_writes();
    maps = xecam_user_map_calls(GUEST_ID);
    if ( !write )
        a.val = a.size >= 8 ? ~0ULL : (1ULL << (8 * a.size)) - 1;
    taken = perform(s, &a);
    xecam_domain_stats(s->d, &after);
    report(s, &a, taken, route_of(&before, &after),
           xecam_user_pdev_writes() - writes, writes,
           xecam_user_map_calls(GUEST_ID) != maps);

    return 0;
}

int do_read(struct session *s)
{
    return do_access(s, false);
}

int do_write(struct session *s)
{
    return do_access(s, true);
}
