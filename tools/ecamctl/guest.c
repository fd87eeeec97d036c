/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ecamctl: build the guest an xl config describes.
 *
 * Defaults are a Q35 guest's: one ECAM window for segment 0, buses 0-255 at
 * 0xe0000000.  Devices with a vslot go there; the others take the lowest
 * free slot on bus 0 from 1 on, as QEMU places them (0 is the host bridge,
 * 0x1f the ICH9 functions).  All functions of a device ("BB:DD.*") share
 * one slot and keep their numbers.  rootport=1 puts the device on a new bus
 * behind an emulated Root Port in that slot instead.  ecam_root_ports lists
 * slots for empty Root Ports, whose slots take functions hot-added later
 * (docs/hotplug.md); their secondary buses follow those of the devices.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <public/hvm/ecam_op.h>
#include <xecam/user.h>
#include <xecam/vpci.h>

#include "cli.h"
#include "replay.h"
#include "xlcfg.h"

#define MAX_SPECS 64

static int cfg_error(const struct xl_config *cfg, unsigned int line,
                     unsigned int col, const char *why)
{
    struct src_pos pos = { cfg->path, line };

    err_at(&pos, col, "%s", why);

    return -1;
}

static int number(const struct xl_config *cfg, const char *key,
                  unsigned long long def, unsigned long long max,
                  unsigned long long *out)
{
    const struct xl_setting *s = xl_get(cfg, key);

    *out = def;
    if ( !s )
        return 0;
    if ( s->val.kind != XL_NUMBER || s->val.num > max )
        return cfg_error(cfg, s->val.line, s->val.col, "number out of range");
    *out = s->val.num;

    return 0;
}

/*
 * The guest's RAM, as libxl lays out an HVM guest's: 'memory' MiB (or
 * 'maxmem', if more: populate-on-demand fills the p2m up to it; libxl's
 * default is 32), below the MMIO hole under 4 GiB ('mmio_hole' MiB,
 * 256-3840; 256 by default, HVM_BELOW_4G_MMIO_LENGTH), the rest from
 * 4 GiB up.  Told to the simulated p2m, which refuses an ECAM window
 * over it as Xen's would.
 */
#define GIB4        (1ULL << 32)
#define MIB         (1ULL << 20)

static int guest_ram(const struct session *s, const struct xl_config *cfg)
{
    const struct xl_setting *h = xl_get(cfg, "mmio_hole");
    unsigned long long mem, max, hole;
    uint64_t low, bytes;

    if ( number(cfg, "memory", 32, 1ULL << 30, &mem) ||
         number(cfg, "maxmem", mem, 1ULL << 30, &max) ||
         number(cfg, "mmio_hole", 256, 3840, &hole) )
        return -1;
    if ( hole < 256 )
        return cfg_error(cfg, h->val.line, h->val.col,
                         "expected an MMIO hole of 256-3840 MiB");
    bytes = (max > mem ? max : mem) * MIB;
    low = bytes < GIB4 - hole * MIB ? bytes : GIB4 - hole * MIB;
    if ( xecam_user_p2m_add(GUEST_ID, 0, low) ||
         (bytes > low && xecam_user_p2m_add(GUEST_ID, GIB4, bytes - low)) )
    {
        fprintf(stderr, "%s: cannot model the guest's RAM\n", cfg->path);
        return -1;
    }

    return 0;
}

/*
 * "FIRST-LAST" buses, each 0-255, FIRST <= LAST, nothing else; an error
 * names the column of what is wrong inside the string.
 */
static int bus_range(const struct xl_config *cfg, const struct xl_value *v,
                     unsigned int *first, unsigned int *last)
{
    static const char why[] = "expected \"FIRST-LAST\" buses (0-255)";
    const char *p = v->kind == XL_STRING ? v->str : NULL, *end;
    uint64_t a, b;

    if ( !p )
        return cfg_error(cfg, v->line, v->col, why);
    if ( !parse_u64(p, &a, &end) || a > 255 )
        return cfg_error(cfg, v->line, v->col, why);
    if ( *end != '-' )
        return cfg_error(cfg, v->line, v->col + (end - p), why);
    p = end + 1;
    if ( !parse_u64(p, &b, &end) || b > 255 )
        return cfg_error(cfg, v->line, v->col + (p - v->str), why);
    if ( *end )
        return cfg_error(cfg, v->line, v->col + (end - v->str), why);
    if ( a > b )
        return cfg_error(cfg, v->line, v->col, "the first bus is after the "
                                                "last");
    *first = a;
    *last = b;

    return 0;
}

/*
 * The place a refused window is said at: the value of the first of its
 * settings the config gives (the window is those and the defaults), else
 * of the guest's memory that it met.
 */
static const struct xl_setting *window_setting(const struct xl_config *cfg)
{
    static const char *const keys[] = {
        "ecam_base", "ecam_buses", "ecam_segment", "memory", "maxmem",
        "mmio_hole",
    };
    const struct xl_setting *s;
    unsigned int i;

    for ( i = 0; i < XECAM_ARRAY_SIZE(keys); i++ )
        if ( (s = xl_get(cfg, keys[i])) )
            return s;

    return NULL;
}

static int window(struct session *s, const struct xl_config *cfg)
{
    struct xen_hvm_ecam_space a = { .domid = GUEST_ID, .end_bus = 255 };
    const struct xl_setting *b = xl_get(cfg, "ecam_buses"), *at;
    unsigned long long base, seg;
    unsigned int first = 0, last = 255;
    char why[200];
    long rc;

    if ( number(cfg, "ecam_base", 0xe0000000ULL, ~0ULL, &base) ||
         number(cfg, "ecam_segment", 0, 0xffff, &seg) ||
         (b && bus_range(cfg, &b->val, &first, &last)) )
        return -1;
    a.start_bus = first;
    a.end_bus = last;
    a.segment = seg;
    a.base = base;
    xecam_user_set_current(0);
    rc = xecam_user_hvm_op(HVMOP_set_ecam_space, &a);
    if ( !rc )
    {
        s->seg = seg;
        return 0;
    }
    snprintf(why, sizeof(why), "the ECAM window (segment %#llx, buses "
             "%u-%u at %#llx) is refused: %s%s", seg, first, last, base,
             strerror(-rc), rc == -EEXIST ? " (the guest's RAM is there: "
             "see memory and mmio_hole)" : "");
    at = window_setting(cfg);
    if ( at )
        return cfg_error(cfg, at->val.line, at->val.col, why);
    fprintf(stderr, "%s: %s\n", cfg->path, why);

    return -1;
}

/* Functions an emulated device model claims: ioreq server 1. */
static int dm_claims(struct session *s, const struct xl_config *cfg,
                     bool *slot_used)
{
    const struct xl_setting *set = xl_get(cfg, "device_model_pci");
    const struct xl_value *v;
    const char *end;
    uint32_t sbdf;
    unsigned int i;

    if ( !set )
        return 0;
    if ( set->val.kind != XL_LIST )
        return cfg_error(cfg, set->val.line, set->val.col, "expected a list");
    if ( xecam_ioreq_server_create(s->d, 1) ||
         dm_ctx_start(&s->dm[0], GUEST_ID, 1) )
        return -1;
    for ( i = 0; i < set->val.nr; i++ )
    {
        v = &set->val.items[i];
        if ( v->kind != XL_STRING ||
             xecam_user_parse_bdf(v->str, &sbdf, &end) || *end )
            return cfg_error(cfg, v->line, v->col, "expected a BDF string");
        if ( !XECAM_SBDF_SEG(sbdf) )
            sbdf |= (uint32_t)s->seg << 16;
        if ( XECAM_SBDF_SEG(sbdf) != s->seg )
            return cfg_error(cfg, v->line, v->col,
                             "not in the ECAM window's segment");
        if ( xecam_ioreq_map_range(s->d, 1, sbdf, sbdf) )
            return cfg_error(cfg, v->line, v->col, "function claimed twice");
        if ( !XECAM_SBDF_BUS(sbdf) )
            slot_used[XECAM_SBDF_DEV(sbdf)] = true;
    }

    return 0;
}

static int free_slot(bool *used)
{
    unsigned int slot;

    for ( slot = 1; slot < 0x1f; slot++ )
        if ( !used[slot] )
            return slot;

    return -1;
}

/* Assign one spec at guest bus/slot; every function if all_fns. */
static int place(struct session *s, const struct xl_config *cfg,
                 const struct pci_spec *p, unsigned int bus,
                 unsigned int slot)
{
    unsigned int f, n = 0;
    uint8_t b[4];
    int rc;

    for ( f = 0; f < 8; f++ )
    {
        uint32_t host = (p->host & ~7U) | f;

        if ( (!p->all_fns && f != XECAM_SBDF_FN(p->host)) ||
             xecam_user_pdev_peek(host, 0, b, sizeof(b)) )
            continue;
        rc = xecam_assign_device(s->d, XECAM_SBDF(s->seg, bus, slot, f),
                                 host, p->flags);
        if ( rc )
        {
            fprintf(stderr, "%s:%u:%u: %04x:%02x:%02x.%u cannot be assigned: "
                    "%s\n", cfg->path, p->line, p->col,
                    XECAM_SBDF_SEG(host), XECAM_SBDF_BUS(host),
                    XECAM_SBDF_DEV(host), f, strerror(-rc));
            return -1;
        }
        if ( s->nr_placed < MAX_PLACED )
            s->placed[s->nr_placed++] = (struct placed){
                .guest = XECAM_SBDF(s->seg, bus, slot, f), .host = host,
            };
        n++;
    }

    return n ? 0 : cfg_error(cfg, p->line, p->col,
                             "no such host device (see --host)");
}

/* The Root Ports' secondary buses, from 1 on, in the order made. */
static int devices(struct session *s, const struct xl_config *cfg,
                   bool *used, unsigned int *bus)
{
    const struct xl_setting *set = xl_get(cfg, "pci");
    struct pci_spec specs[MAX_SPECS];
    unsigned int i, n, pass;
    int slot;

    if ( !set )
        return 0;
    if ( set->val.kind != XL_LIST || set->val.nr > MAX_SPECS )
        return cfg_error(cfg, set->val.line, set->val.col,
                         "expected a list of at most 64 devices");
    n = set->val.nr;
    for ( i = 0; i < n; i++ )
        if ( pci_spec_parse(cfg, &set->val.items[i], &specs[i]) )
            return -1;
    for ( i = 0; i < n; i++ )       /* explicit slots are taken first */
        if ( specs[i].vslot >= 0 )
        {
            if ( used[specs[i].vslot] )
                return cfg_error(cfg, specs[i].line, specs[i].col,
                                 "this slot is taken");
            used[specs[i].vslot] = true;
        }
    for ( pass = 0; pass < 2; pass++ )
        for ( i = 0; i < n; i++ )
        {
            if ( (specs[i].vslot >= 0) != !pass )
                continue;
            slot = specs[i].vslot >= 0 ? specs[i].vslot : free_slot(used);
            if ( slot < 0 )
                return cfg_error(cfg, specs[i].line, specs[i].col,
                                 "no free slot on bus 0");
            used[slot] = true;
            if ( specs[i].rootport &&
                 xecam_add_root_port(s->d, XECAM_SBDF(s->seg, 0, slot, 0),
                                     *bus) )
                return cfg_error(cfg, specs[i].line, specs[i].col,
                                 "the root port cannot be created");
            if ( place(s, cfg, &specs[i], specs[i].rootport ? *bus : 0,
                       specs[i].rootport ? 0 : slot) )
                return -1;
            *bus += specs[i].rootport;
        }

    return 0;
}

/* ecam_root_ports = [ SLOT, ... ]: their slots, before any device's. */
static int port_slots(const struct xl_config *cfg, bool *used)
{
    const struct xl_setting *set = xl_get(cfg, "ecam_root_ports");
    const struct xl_value *v;
    unsigned int i;

    if ( !set )
        return 0;
    if ( set->val.kind != XL_LIST )
        return cfg_error(cfg, set->val.line, set->val.col,
                         "expected a list of slots");
    for ( i = 0; i < set->val.nr; i++ )
    {
        v = &set->val.items[i];
        if ( v->kind != XL_NUMBER || v->num < 1 || v->num > 0x1e )
            return cfg_error(cfg, v->line, v->col, "expected a slot 1-0x1e");
        if ( used[v->num] )
            return cfg_error(cfg, v->line, v->col, "this slot is taken");
        used[v->num] = true;
    }

    return 0;
}

/* The empty Root Ports, on the buses after the devices' ports. */
static int empty_ports(struct session *s, const struct xl_config *cfg,
                       unsigned int bus)
{
    const struct xl_setting *set = xl_get(cfg, "ecam_root_ports");
    const struct xl_value *v;
    unsigned int i;

    for ( i = 0; set && i < set->val.nr; i++, bus++ )
    {
        v = &set->val.items[i];
        if ( bus > 255 ||
             xecam_add_root_port(s->d, XECAM_SBDF(s->seg, 0, v->num, 0),
                                 bus) )
            return cfg_error(cfg, v->line, v->col,
                             "the root port cannot be created");
    }

    return 0;
}

/* All of f, NUL-terminated, its length in *n (NUL bytes included). */
static char *slurp(FILE *f, size_t *n)
{
    size_t cap = 0, got;
    char *buf = NULL, *more;

    *n = 0;
    do
    {
        if ( cap - *n < 4096 )
        {
            more = realloc(buf, cap + 65536);
            if ( !more )
            {
                free(buf);
                errno = ENOMEM;
                return NULL;
            }
            buf = more;
            cap += 65536;
        }
        got = fread(buf + *n, 1, cap - *n - 1, f);
        *n += got;
    } while ( got );
    if ( ferror(f) )
    {
        free(buf);
        errno = EIO;
        return NULL;
    }
    buf[*n] = '\0';

    return buf;
}

/* A NUL byte in a config is refused where it is, as in traces and dumps. */
static int nul_byte(const char *path, const char *text, size_t len)
{
    struct src_pos pos = { path, 1 };
    const char *nul = memchr(text, '\0', len), *p, *line = text;

    if ( !nul )
        return 0;
    for ( p = text; p < nul; p++ )
        if ( *p == '\n' )
        {
            pos.line++;
            line = p + 1;
        }
    err_at(&pos, nul - line + 1, "a NUL byte");

    return -1;
}

int guest_from_config(struct session *s, const char *path)
{
    struct xl_config cfg;
    unsigned long long perm;
    bool used[32] = { [0] = true, [0x1f] = true };
    unsigned int bus = 1;
    char *text = NULL;
    size_t len = 0;
    FILE *f = input_open(path);
    int rc;

    if ( !f )
        return -1;
    text = slurp(f, &len);
    rc = text ? 0 : -1;
    if ( rc )
        fprintf(stderr, "%s: %s: %s\n", cli_prog, path, strerror(errno));
    if ( f != stdin )
        fclose(f);
    if ( !rc )
        rc = nul_byte(path, text, len) ?: xl_parse(path, text, &cfg);
    free(text);
    if ( rc )
        return -1;
    rc = number(&cfg, "pci_permissive", 0, 1, &perm);
    if ( !rc )
    {
        s->dom_flags |= perm ? XECAM_DOMF_PERMISSIVE : 0;
        rc = xecam_user_domain_add(GUEST_ID, s->dom_flags, &s->d);
    }
    if ( !rc )
        rc = guest_ram(s, &cfg) ?: window(s, &cfg) ?:
             dm_claims(s, &cfg, used) ?:
             port_slots(&cfg, used) ?: devices(s, &cfg, used, &bus) ?:
             empty_ports(s, &cfg, bus);
    xl_free(&cfg);

    return rc ? -1 : 0;
}

int guest_host_of(const struct session *s, uint32_t guest, uint32_t *host)
{
    unsigned int i;

    for ( i = 0; i < s->nr_placed; i++ )
        if ( s->placed[i].guest == guest )
        {
            *host = s->placed[i].host;
            return 0;
        }

    return -1;
}

int load_hosts(const char *const *hosts, unsigned int nr)
{
    char err[512];
    unsigned int i;
    int rc;

    for ( i = 0; i < nr; i++ )
    {
        if ( strcmp(hosts[i], "sysfs") && input_check(hosts[i]) )
            return -1;
        rc = strcmp(hosts[i], "sysfs")
             ? xecam_user_load_lspci(hosts[i], err, sizeof(err))
             : xecam_user_load_sysfs("/sys/bus/pci/devices", err,
                                     sizeof(err));
        if ( rc )
        {
            fprintf(stderr, "%s\n", err);
            return -1;
        }
    }

    return 0;
}
