/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen-ecam: place, read, move and remove a running domain's ECAM windows
 * from dom0, through the real HVMOP_set_ecam_space and HVMOP_get_ecam_space
 * (libxencall) or, with --dmop, the window DMOPs; and give a host function
 * the domain owns to its vPCI, or take it back, through XEN_DMOP_ecam_assign
 * and XEN_DMOP_ecam_deassign, or hot-plug it through an emulated Root
 * Port's slot with XEN_DMOP_ecam_hotplug (libxecamdm, tools/libxecamdm/).
 * The hypervisor's answer is printed as it came: an error is its -errno
 * name and text, exactly as docs/abi.md lists them.
 *
 * Exit status: 0 done, 1 the hypervisor refused, 2 usage error.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xencall.h>
#include <xen/xen.h>

#include <xecam/types.h>
#include <public/hvm/ecam_op.h>
#include <public/hvm/ecam_dm_op.h>
#include "xecamdm.h"
#include "iommu.h"

#ifndef XECAM_VERSION
#define XECAM_VERSION "unknown"
#endif

struct args {
    const char *cmd;
    unsigned long domid;
    uint16_t segment;
    unsigned int start_bus, end_bus;
    uint64_t base;
    unsigned long flags, rsvd;      /* raw fields, for checking Xen's checks */
    bool have_base;
    bool dmop;                      /* the window DMOPs, not the HVMOPs */
    bool assign;                    /* assign or deassign */
    uint32_t host_sbdf, guest_sbdf;
    uint32_t assign_flags;          /* XEN_DMOP_ECAM_ASSIGN_* */
    uint8_t root_port;
    bool iommu;                     /* assign: XEN_DOMCTL_assign_device first */
    int hotplug;                    /* XEN_DMOP_ECAM_HOTPLUG_*, or -1 */
    uint8_t secondary;              /* hotplug port: its secondary bus */
};

/* hotplug's actions, in XEN_DMOP_ECAM_HOTPLUG_* order. */
static const char *const hp_actions[] = {
    "port", "add", "button", "remove", "surprise",
};

/* Does this command take assign's options (flags, --iommu)? */
static bool assigns(const struct args *a)
{
    return !strcmp(a->cmd, "assign") ||
           a->hotplug == XEN_DMOP_ECAM_HOTPLUG_ADD;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: xen-ecam get DOMID [-s SEG] [--dmop]\n"
            "       xen-ecam set DOMID BASE [-s SEG] [-b FIRST-LAST] [--dmop]\n"
            "       xen-ecam move DOMID BASE [-s SEG] [--dmop]\n"
            "       xen-ecam remove DOMID [-s SEG] [--dmop]\n"
            "       xen-ecam assign DOMID HOST GUEST [--permissive]\n"
            "                [--hidden] [--no-rciep] [--irq-control]\n"
            "                [--root-port DD.F] [--iommu]\n"
            "       xen-ecam deassign DOMID GUEST\n"
            "       xen-ecam hotplug DOMID port PORT SECONDARY\n"
            "       xen-ecam hotplug DOMID add PORT HOST [--permissive]\n"
            "                [--irq-control] [--iommu]\n"
            "       xen-ecam hotplug DOMID button|remove|surprise PORT\n"
            "       xen-ecam --help | --version\n"
            "\n"
            "The ECAM (MMCONFIG) windows of a running HVM or PVH domain, by\n"
            "HVMOP_set_ecam_space and HVMOP_get_ecam_space, or with --dmop by\n"
            "XEN_DMOP_ecam_set_window and XEN_DMOP_ecam_get_window.  SEG is\n"
            "the PCI segment (0); FIRST-LAST the buses the window decodes\n"
            "(0-255); BASE the guest-physical address of bus FIRST, aligned\n"
            "to the window's size rounded up to a power of two.  move places\n"
            "the segment's window at BASE with the same buses, and puts it\n"
            "back where it was if Xen refuses the new place.\n"
            "\n"
            "assign gives host function HOST, which the domain owns through\n"
            "the IOMMU (xl pci-attach, XEN_DOMCTL_assign_device), to its vPCI\n"
            "at guest function GUEST, by XEN_DMOP_ecam_assign; deassign takes\n"
            "it back.  HOST and GUEST are [SSSS:]BB:DD.F, in hex.\n"
            "\n"
            "hotplug, by XEN_DMOP_ecam_hotplug: port places an empty Root\n"
            "Port with a hot-plug slot at PORT (00:DD.F) in front of bus\n"
            "SECONDARY; add puts HOST behind it while the guest runs (device\n"
            "0 of SECONDARY) and tells the guest; button asks the guest to\n"
            "let it go; remove releases it once the guest powered the slot\n"
            "off (-EBUSY before: call again); surprise releases it at once.\n"
            "\n"
            "  --dmop               the window DMOPs instead of the HVMOPs\n"
            "  --permissive         config writes reach the device\n"
            "  --hidden             assigned, but invisible to the guest\n"
            "  --no-rciep           on bus 0, an endpoint stays an endpoint\n"
            "  --irq-control        MSI/MSI-X enables reach the device\n"
            "  --root-port DD.F     an emulated Root Port at 00:DD.F of\n"
            "                       GUEST's segment, in front of its bus\n"
            "  --iommu              first give the domain HOST through the\n"
            "                       IOMMU and its memory BARs' MMIO, as xl\n"
            "                       pci-attach would (for PVH guests too)\n"
            "  --flags N, --rsvd N  pass raw values in those fields (for\n"
            "                       testing the hypervisor's checks)\n"
            "\n"
            "Exit status: 0 done, 1 the hypervisor refused (its -errno is\n"
            "printed), 2 usage error.\n");
}

static const char *errno_name(int e)
{
    static const struct {
        int e;
        const char *name;
    } names[] = {
        { EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { ESRCH, "ESRCH" },
        { ENOMEM, "ENOMEM" }, { EACCES, "EACCES" }, { EFAULT, "EFAULT" },
        { EBUSY, "EBUSY" }, { EEXIST, "EEXIST" }, { EINVAL, "EINVAL" },
        { ENOSPC, "ENOSPC" }, { ENOSYS, "ENOSYS" }, { ENODEV, "ENODEV" },
        { EOPNOTSUPP, "EOPNOTSUPP" }, { E2BIG, "E2BIG" }, { ENOTTY, "ENOTTY" },
        { EAGAIN, "EAGAIN" },
    };
    size_t i;

    for ( i = 0; i < sizeof(names) / sizeof(names[0]); i++ )
        if ( names[i].e == e )
            return names[i].name;
    return "E?";
}

static int bad_usage(const char *fmt, const char *what)
{
    fprintf(stderr, "xen-ecam: ");
    fprintf(stderr, fmt, what);
    fprintf(stderr, "\nTry 'xen-ecam --help'.\n");
    return 2;
}

static bool number(const char *s, unsigned long long max,
                   unsigned long long *out)
{
    char *end;

    errno = 0;
    if ( !*s || *s == '-' )
        return false;
    *out = strtoull(s, &end, 0);
    return !errno && !*end && *out <= max;
}

/* Hex digits only, at most 'max': the fields of a BDF. */
static bool hex(const char *s, size_t len, unsigned int max,
                unsigned int *out)
{
    size_t i;

    *out = 0;
    if ( !len || len > 4 )
        return false;
    for ( i = 0; i < len; i++ )
    {
        char c = s[i];
        unsigned int v = c >= '0' && c <= '9' ? c - '0' :
                         c >= 'a' && c <= 'f' ? c - 'a' + 10 :
                         c >= 'A' && c <= 'F' ? c - 'A' + 10 : 16;

        if ( v > 15 )
            return false;
        *out = *out * 16 + v;
    }
    return *out <= max;
}

/* DD.F (hex) into a devfn. */
static bool devfn(const char *s, unsigned int *out)
{
    const char *dot = strchr(s, '.');
    unsigned int dev, fn;

    if ( !dot || !hex(s, dot - s, 0x1f, &dev) ||
         !hex(dot + 1, strlen(dot + 1), 7, &fn) )
        return false;
    *out = dev << 3 | fn;
    return true;
}

/* [SSSS:]BB:DD.F (hex) into an SBDF, as XEN_DMOP_PCI_SBDF() makes them. */
static bool sbdf(const char *s, uint32_t *out)
{
    const char *c1 = strchr(s, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    unsigned int seg = 0, bus, df;

    if ( !c1 )
        return false;
    if ( c2 )
    {
        if ( !hex(s, c1 - s, 0xffff, &seg) )
            return false;
        s = c1 + 1;
        c1 = c2;
    }
    if ( !hex(s, c1 - s, 0xff, &bus) || !devfn(c1 + 1, &df) )
        return false;
    *out = (uint32_t)seg << 16 | bus << 8 | df;
    return true;
}

static bool bus_range(const char *s, unsigned int *first, unsigned int *last)
{
    char buf[32], *dash;
    unsigned long long a, b;

    if ( strlen(s) >= sizeof(buf) )
        return false;
    strcpy(buf, s);
    dash = strchr(buf, '-');
    if ( !dash )
        return false;
    *dash = '\0';
    if ( !number(buf, 255, &a) || !number(dash + 1, 255, &b) )
        return false;
    *first = a;
    *last = b;
    return true;
}

/* A flag without a value: 1 if 'o' is one this command takes, else 0. */
static int flag(const char *o, struct args *a)
{
    static const struct {
        const char *name;
        uint32_t flag;
    } assign[] = {
        { "--permissive", XEN_DMOP_ECAM_ASSIGN_PERMISSIVE },
        { "--hidden", XEN_DMOP_ECAM_ASSIGN_HIDDEN },
        { "--no-rciep", XEN_DMOP_ECAM_ASSIGN_NO_RCIEP },
        { "--irq-control", XEN_DMOP_ECAM_ASSIGN_IRQ_CONTROL },
    };
    size_t i;

    if ( !a->assign && !strcmp(o, "--dmop") )
    {
        a->dmop = true;
        return 1;
    }
    if ( assigns(a) && !strcmp(o, "--iommu") )
    {
        a->iommu = true;
        return 1;
    }
    for ( i = 0; assigns(a) &&
                 i < sizeof(assign) / sizeof(assign[0]); i++ )
        if ( !strcmp(o, assign[i].name) )
        {
            a->assign_flags |= assign[i].flag;
            return 1;
        }
    return 0;
}

/* May this command take option 'o' (with a value)? */
static bool takes(const struct args *a, const char *o)
{
    if ( !strcmp(o, "--rsvd") )
        return true;
    if ( !a->assign )
        return !strcmp(o, "-s") || !strcmp(o, "-b") || !strcmp(o, "--flags");
    return (!strcmp(a->cmd, "assign") &&
            (!strcmp(o, "--root-port") || !strcmp(o, "--flags"))) ||
           (a->hotplug >= 0 && !strcmp(o, "--flags"));
}

/* Options after the command; 0 or a usage exit status. */
static int parse_opts(int argc, char **argv, int i, struct args *a)
{
    unsigned long long v;
    unsigned int df;

    for ( ; i < argc; i++ )
    {
        const char *o = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

        if ( flag(o, a) )
            continue;
        if ( !takes(a, o) )
            return bad_usage("unknown option '%s'", o);
        if ( !val )
            return bad_usage("'%s' needs a value", o);
        i++;
        if ( !strcmp(o, "-s") && number(val, 0xffff, &v) )
            a->segment = v;
        else if ( !strcmp(o, "-b") && bus_range(val, &a->start_bus,
                                                 &a->end_bus) )
            continue;
        else if ( !strcmp(o, "--root-port") && devfn(val, &df) )
        {
            a->assign_flags |= XEN_DMOP_ECAM_ASSIGN_ROOT_PORT;
            a->root_port = df;
        }
        else if ( !strcmp(o, "--flags") &&
                  number(val, a->assign ? 0xffffffff : 0xffff, &v) )
            a->flags = v;
        else if ( !strcmp(o, "--rsvd") &&
                  number(val, !strcmp(a->cmd, "assign") ? 0xffffff :
                              0xffffffff, &v) )
            a->rsvd = v;
        else
            return bad_usage("bad value for '%s'", o);
    }
    return 0;
}

/* hotplug DOMID ACTION PORT [HOST | SECONDARY] [options] */
static int parse_hotplug(int argc, char **argv, struct args *a)
{
    unsigned long long v;
    size_t i;

    for ( i = 0; argc > 3 && i < sizeof(hp_actions) / sizeof(hp_actions[0]);
          i++ )
        if ( !strcmp(argv[3], hp_actions[i]) )
            a->hotplug = i;
    if ( a->hotplug < 0 )
        return bad_usage("'%s' needs port, add, button, remove or surprise",
                         a->cmd);
    a->assign = true;
    if ( argc < 5 || !sbdf(argv[4], &a->guest_sbdf) )
        return bad_usage("'%s' needs a Root Port, [SSSS:]00:DD.F", a->cmd);
    if ( a->hotplug == XEN_DMOP_ECAM_HOTPLUG_PORT )
    {
        if ( argc < 6 || !number(argv[5], 255, &v) || !v )
            return bad_usage("'%s port' needs a secondary bus (1-255)",
                             a->cmd);
        a->secondary = v;
        return parse_opts(argc, argv, 6, a);
    }
    if ( a->hotplug == XEN_DMOP_ECAM_HOTPLUG_ADD )
    {
        if ( argc < 6 || !sbdf(argv[5], &a->host_sbdf) )
            return bad_usage("'%s add' needs a host function, "
                             "[SSSS:]BB:DD.F", a->cmd);
        return parse_opts(argc, argv, 6, a);
    }

    return parse_opts(argc, argv, 5, a);
}

static int parse(int argc, char **argv, struct args *a)
{
    static const char *const cmds[] = {
        "get", "set", "move", "remove", "assign", "deassign", "hotplug",
    };
    unsigned long long v;
    bool known = false;
    size_t i;
    int pos = 3;

    a->cmd = argv[1];
    for ( i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++ )
        known |= !strcmp(a->cmd, cmds[i]);
    if ( !known )
        return bad_usage("unknown command '%s'", a->cmd);
    if ( argc < 3 || !number(argv[2], 0x7fff, &v) )
        return bad_usage("'%s' needs a domain id", a->cmd);
    a->domid = v;
    a->end_bus = 255;
    a->hotplug = -1;
    if ( !strcmp(a->cmd, "hotplug") )
        return parse_hotplug(argc, argv, a);
    a->assign = !strcmp(a->cmd, "assign") || !strcmp(a->cmd, "deassign");
    if ( !strcmp(a->cmd, "set") || !strcmp(a->cmd, "move") )
    {
        if ( argc < 4 || !number(argv[3], ~0ULL, &v) )
            return bad_usage("'%s' needs a base address", a->cmd);
        a->base = v;
        a->have_base = true;
        pos = 4;
    }
    if ( !strcmp(a->cmd, "assign") )
    {
        if ( argc < 4 || !sbdf(argv[3], &a->host_sbdf) )
            return bad_usage("'%s' needs a host function, [SSSS:]BB:DD.F",
                             a->cmd);
        pos = 4;
    }
    if ( a->assign )
    {
        if ( argc <= pos || !sbdf(argv[pos], &a->guest_sbdf) )
            return bad_usage("'%s' needs a guest function, [SSSS:]BB:DD.F",
                             a->cmd);
        pos++;
    }
    return parse_opts(argc, argv, pos, a);
}

/* One hvm_op; 0 or the positive errno. */
static int ecam_hvmop(xencall_handle *xc, unsigned int op,
                      struct xen_hvm_ecam_space *s)
{
    struct xen_hvm_ecam_space *buf = xencall_alloc_buffer(xc, sizeof(*s));
    int rc = 0;

    if ( !buf )
        return errno;
    *buf = *s;
    if ( xencall2(xc, __HYPERVISOR_hvm_op, op, (uintptr_t)buf) < 0 )
        rc = errno;
    *s = *buf;
    xencall_free_buffer(xc, buf);
    return rc;
}

/* The same through the window DMOPs (dm_op names the domain). */
static int ecam_dmop(xecamdm_handle *dm, unsigned int op,
                     struct xen_hvm_ecam_space *s)
{
    struct xen_dm_op_ecam_window w = {
        .segment = s->segment, .start_bus = s->start_bus,
        .end_bus = s->end_bus, .flags = s->flags, .base = s->base,
        .rsvd = { s->rsvd[0], s->rsvd[1] },
    };
    int rc = 0;

    if ( xecamdm_op(dm, s->domid, op == HVMOP_set_ecam_space ?
                    XEN_DMOP_ecam_set_window : XEN_DMOP_ecam_get_window,
                    &w, sizeof(w)) )
        rc = errno;
    s->start_bus = w.start_bus;
    s->end_bus = w.end_bus;
    s->base = w.base;
    return rc;
}

struct conn {
    xencall_handle *xc;
    xecamdm_handle *dm;
};

static int window_op(const struct conn *c, unsigned int op,
                     struct xen_hvm_ecam_space *s)
{
    return c->dm ? ecam_dmop(c->dm, op, s) : ecam_hvmop(c->xc, op, s);
}

static int refused(const struct args *a, const char *what, int e)
{
    fprintf(stderr, "xen-ecam: %s d%lu segment %u: -%s (%s)\n", what,
            a->domid, a->segment, errno_name(e), strerror(e));
    return 1;
}

static void show(const struct xen_hvm_ecam_space *s)
{
    printf("d%u segment %u buses %02x-%02x base %#llx size %u MiB\n",
           s->domid, s->segment, s->start_bus, s->end_bus,
           (unsigned long long)s->base, s->end_bus - s->start_bus + 1U);
}

static void put_sbdf(char *buf, size_t len, uint32_t s)
{
    snprintf(buf, len, "%04x:%02x:%02x.%u", s >> 16, (s >> 8) & 0xff,
             (s >> 3) & 0x1f, s & 7);
}

static int hotplug(const struct conn *c, const struct args *a)
{
    struct xen_dm_op_ecam_hotplug op = {
        .op = a->hotplug, .port_sbdf = a->guest_sbdf,
        .host_sbdf = a->host_sbdf, .flags = a->assign_flags | a->flags,
        .secondary = a->secondary,
        .pad = { a->rsvd, a->rsvd >> 8, a->rsvd >> 16 },
    };
    char port[16];
    int rc;

    put_sbdf(port, sizeof(port), a->guest_sbdf);
    if ( a->iommu && iommu_give(a->domid, a->host_sbdf) )
        return 1;
    if ( !xecamdm_op(c->dm, a->domid, XEN_DMOP_ecam_hotplug, &op,
                     sizeof(op)) )
        return 0;
    rc = errno;
    fprintf(stderr, "xen-ecam: hotplug %s d%lu %s: -%s (%s)\n",
            hp_actions[a->hotplug], a->domid, port, errno_name(rc),
            strerror(rc));

    return 1;
}

static int assignment(const struct conn *c, const struct args *a)
{
    char host[16], guest[16];
    int rc;

    put_sbdf(host, sizeof(host), a->host_sbdf);
    put_sbdf(guest, sizeof(guest), a->guest_sbdf);
    if ( a->iommu && iommu_give(a->domid, a->host_sbdf) )
        return 1;
    if ( !strcmp(a->cmd, "assign") )
    {
        struct xen_dm_op_ecam_assign op = {
            .host_sbdf = a->host_sbdf, .guest_sbdf = a->guest_sbdf,
            .flags = a->assign_flags | a->flags, .root_port = a->root_port,
            .pad = { a->rsvd, a->rsvd >> 8, a->rsvd >> 16 },
        };

        rc = xecamdm_op(c->dm, a->domid, XEN_DMOP_ecam_assign, &op,
                        sizeof(op));
    }
    else
    {
        struct xen_dm_op_ecam_deassign op = {
            .guest_sbdf = a->guest_sbdf, .pad = a->rsvd,
        };

        rc = xecamdm_op(c->dm, a->domid, XEN_DMOP_ecam_deassign, &op,
                        sizeof(op));
    }
    if ( !rc )
        return 0;
    rc = errno;
    if ( !strcmp(a->cmd, "assign") )
        fprintf(stderr, "xen-ecam: assign d%lu %s at %s: -%s (%s)\n",
                a->domid, host, guest, errno_name(rc), strerror(rc));
    else
        fprintf(stderr, "xen-ecam: deassign d%lu %s: -%s (%s)\n", a->domid,
                guest, errno_name(rc), strerror(rc));
    return 1;
}

static int run(const struct conn *c, const struct args *a)
{
    struct xen_hvm_ecam_space s = {
        .domid = a->domid, .segment = a->segment, .start_bus = a->start_bus,
        .end_bus = a->end_bus, .flags = a->flags, .base = a->base,
        .rsvd = { a->rsvd, 0 },
    }, old;
    int e;

    if ( a->hotplug >= 0 )
        return hotplug(c, a);
    if ( a->assign )
        return assignment(c, a);
    if ( !strcmp(a->cmd, "get") )
    {
        s.start_bus = s.end_bus = 0;
        s.base = 0;
        if ( (e = window_op(c, HVMOP_get_ecam_space, &s)) )
            return refused(a, "get", e);
        show(&s);
        return 0;
    }
    if ( !strcmp(a->cmd, "remove") )
    {
        s = (struct xen_hvm_ecam_space){
            .domid = a->domid, .segment = a->segment,
            .flags = XEN_HVM_ECAM_REMOVE | a->flags, .rsvd = { a->rsvd, 0 },
        };
        return (e = window_op(c, HVMOP_set_ecam_space, &s)) ?
               refused(a, "remove", e) : 0;
    }
    if ( !strcmp(a->cmd, "set") )
        return (e = window_op(c, HVMOP_set_ecam_space, &s)) ?
               refused(a, "set", e) : 0;

    /* move: the same buses at a new base; the old place back on refusal. */
    old = (struct xen_hvm_ecam_space){ .domid = a->domid,
                                       .segment = a->segment };
    if ( (e = window_op(c, HVMOP_get_ecam_space, &old)) )
        return refused(a, "move (get)", e);
    s = old;
    s.flags = XEN_HVM_ECAM_REMOVE;
    s.start_bus = s.end_bus = 0;
    s.base = 0;
    if ( (e = window_op(c, HVMOP_set_ecam_space, &s)) )
        return refused(a, "move (remove)", e);
    s = old;
    s.base = a->base;
    if ( !(e = window_op(c, HVMOP_set_ecam_space, &s)) )
        return 0;
    refused(a, "move (set)", e);
    if ( (e = window_op(c, HVMOP_set_ecam_space, &old)) )
        refused(a, "move (putting it back)", e);
    return 1;
}

int main(int argc, char **argv)
{
    struct args a = { 0 };
    struct conn c = { 0 };
    int rc;

    if ( argc < 2 )
    {
        usage(stderr);
        return 2;
    }
    if ( !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
         !strcmp(argv[1], "help") )
    {
        usage(stdout);
        return 0;
    }
    if ( !strcmp(argv[1], "--version") )
    {
        printf("xen-ecam version %s\n", XECAM_VERSION);
        return 0;
    }
    if ( (rc = parse(argc, argv, &a)) )
        return rc;
    if ( a.assign || a.dmop )
        c.dm = xecamdm_open(0);
    else
        c.xc = xencall_open(NULL, 0);
    if ( !c.dm && !c.xc )
    {
        fprintf(stderr, "xen-ecam: cannot open the hypercall interface: %s "
                "(is this dom0 on Xen, with privcmd loaded?)\n",
                strerror(errno));
        return 1;
    }
    rc = run(&c, &a);
    xecamdm_close(c.dm);
    if ( c.xc )
        xencall_close(c.xc);
    return rc;
}
