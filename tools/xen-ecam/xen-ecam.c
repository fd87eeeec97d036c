/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen-ecam: place, read, move and remove a running domain's ECAM windows
 * from dom0, through the real HVMOP_set_ecam_space and HVMOP_get_ecam_space
 * (libxencall).  The hypervisor's answer is printed as it came: an error is
 * its -errno name and text, exactly as docs/abi.md lists them.
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
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: xen-ecam get DOMID [-s SEG]\n"
            "       xen-ecam set DOMID BASE [-s SEG] [-b FIRST-LAST]\n"
            "       xen-ecam move DOMID BASE [-s SEG]\n"
            "       xen-ecam remove DOMID [-s SEG]\n"
            "       xen-ecam --help | --version\n"
            "\n"
            "The ECAM (MMCONFIG) windows of a running HVM or PVH domain, by\n"
            "HVMOP_set_ecam_space and HVMOP_get_ecam_space.  SEG is the PCI\n"
            "segment (0); FIRST-LAST the buses the window decodes (0-255);\n"
            "BASE the guest-physical address of bus FIRST, aligned to the\n"
            "window's size rounded up to a power of two.  move places the\n"
            "segment's window at BASE with the same buses, and puts it back\n"
            "where it was if Xen refuses the new place.\n"
            "\n"
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
        { ENOSPC, "ENOSPC" }, { ENOSYS, "ENOSYS" }, { EOPNOTSUPP, "EOPNOTSUPP" },
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

/* Options after the command; 0 or a usage exit status. */
static int parse_opts(int argc, char **argv, int i, struct args *a)
{
    unsigned long long v;

    for ( ; i < argc; i++ )
    {
        const char *o = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

        if ( strcmp(o, "-s") && strcmp(o, "-b") && strcmp(o, "--flags") &&
             strcmp(o, "--rsvd") )
            return bad_usage("unknown option '%s'", o);
        if ( !val )
            return bad_usage("'%s' needs a value", o);
        i++;
        if ( !strcmp(o, "-s") && number(val, 0xffff, &v) )
            a->segment = v;
        else if ( !strcmp(o, "-b") && bus_range(val, &a->start_bus,
                                                 &a->end_bus) )
            continue;
        else if ( !strcmp(o, "--flags") && number(val, 0xffff, &v) )
            a->flags = v;
        else if ( !strcmp(o, "--rsvd") && number(val, 0xffffffff, &v) )
            a->rsvd = v;
        else
            return bad_usage("bad value for '%s'", o);
    }
    return 0;
}

static int parse(int argc, char **argv, struct args *a)
{
    static const char *const cmds[] = { "get", "set", "move", "remove" };
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
    if ( !strcmp(a->cmd, "set") || !strcmp(a->cmd, "move") )
    {
        if ( argc < 4 || !number(argv[3], ~0ULL, &v) )
            return bad_usage("'%s' needs a base address", a->cmd);
        a->base = v;
        a->have_base = true;
        pos = 4;
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

static int run(xencall_handle *xc, const struct args *a)
{
    struct xen_hvm_ecam_space s = {
        .domid = a->domid, .segment = a->segment, .start_bus = a->start_bus,
        .end_bus = a->end_bus, .flags = a->flags, .base = a->base,
        .rsvd = { a->rsvd, 0 },
    }, old;
    int e;

    if ( !strcmp(a->cmd, "get") )
    {
        s.start_bus = s.end_bus = 0;
        s.base = 0;
        if ( (e = ecam_hvmop(xc, HVMOP_get_ecam_space, &s)) )
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
        return (e = ecam_hvmop(xc, HVMOP_set_ecam_space, &s)) ?
               refused(a, "remove", e) : 0;
    }
    if ( !strcmp(a->cmd, "set") )
        return (e = ecam_hvmop(xc, HVMOP_set_ecam_space, &s)) ?
               refused(a, "set", e) : 0;

    /* move: the same buses at a new base; the old place back on refusal. */
    old = (struct xen_hvm_ecam_space){ .domid = a->domid,
                                       .segment = a->segment };
    if ( (e = ecam_hvmop(xc, HVMOP_get_ecam_space, &old)) )
        return refused(a, "move (get)", e);
    s = old;
    s.flags = XEN_HVM_ECAM_REMOVE;
    s.start_bus = s.end_bus = 0;
    s.base = 0;
    if ( (e = ecam_hvmop(xc, HVMOP_set_ecam_space, &s)) )
        return refused(a, "move (remove)", e);
    s = old;
    s.base = a->base;
    if ( !(e = ecam_hvmop(xc, HVMOP_set_ecam_space, &s)) )
        return 0;
    refused(a, "move (set)", e);
    if ( (e = ecam_hvmop(xc, HVMOP_set_ecam_space, &old)) )
        refused(a, "move (putting it back)", e);
    return 1;
}

int main(int argc, char **argv)
{
    struct args a = { 0 };
    xencall_handle *xc;
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
    xc = xencall_open(NULL, 0);
    if ( !xc )
    {
        fprintf(stderr, "xen-ecam: cannot open the hypercall interface: %s "
                "(is this dom0 on Xen, with privcmd loaded?)\n",
                strerror(errno));
        return 1;
    }
    rc = run(xc, &a);
    xencall_close(xc);
    return rc;
}
