/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam: run a tiny KVM guest whose config-space accesses (ECAM and
 * CF8/CFC) are served by the xen-ecam module hosted in userspace.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvmecam.h"

#define DEF_CFG  "examples/q35/q35.cfg"
#define DEF_HOST "examples/q35/hosts.lspci"

static int usage(FILE *f, int rc)
{
    fprintf(f,
            "usage: kvmecam walk [--host FILE|sysfs]... [--trace OUT] "
            "[--last-bus N]\n"
            "                    [--timeout S] [CFG]\n"
            "       kvmecam bench [--host FILE|sysfs]... [--count N] "
            "[--timeout S] [CFG]\n"
            "       kvmecam spin [--timeout S]\n"
            "       kvmecam linux --kernel VMLINUX [--host FILE|sysfs]... "
            "[--no-pciexbar]\n"
            "                    [--no-reserve] [--dump OUT] [--trace OUT] "
            "[--append ARGS]\n"
            "                    [--check] [--timeout S] [CFG]\n"
            "\n"
            "CFG is an xl domain config as ecamctl reads it (default\n"
            DEF_CFG " with --host " DEF_HOST ").\n"
            "walk: the guest enumerates its functions (the buses behind\n"
            "bridges, or up to N) and exercises them through ECAM and\n"
            "CF8/CFC; OUT gets every access as an `ecamctl replay` trace.\n"
            "bench: N (20000) exits of each kind, timed.  spin: a guest\n"
            "that never exits, stopped by the timeout (S s, default 120).\n"
            "linux: boot an ELF vmlinux built with tools/kvmecam/linux/ (an\n"
            "Intel 945 host bridge at 00:00.0 names the window in PCIEXBAR,\n"
            "unless --no-pciexbar; e820 reserves it, unless --no-reserve);\n"
            "the console to OUT (--dump), the accesses as a trace\n"
            "(--trace), what Linux saw checked against the module (--check).\n"
            "Exit status: 0 done, 1 failed or mismatched, 2 bad usage or\n"
            "config, 77 no usable KVM (skipped).\n");

    return rc;
}

static int number(const char *s, unsigned int max, unsigned int *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 0);

    if ( !*s || *end || v > max )
        return -1;
    *out = v;

    return 0;
}

/* Options without a value; false if 'name' is none of them. */
static bool flag(struct opts *o, const char *name)
{
    if ( !strcmp(name, "--no-pciexbar") )
        o->no_pciexbar = true;
    else if ( !strcmp(name, "--no-reserve") )
        o->no_reserve = true;
    else if ( !strcmp(name, "--check") )
        o->check = true;
    else
        return false;

    return true;
}

static int option(struct opts *o, const char *name, const char *val)
{
    if ( !strcmp(name, "--host") && o->nr_hosts < 16 )
        o->hosts[o->nr_hosts++] = val;
    else if ( !strcmp(name, "--trace") )
        o->trace = val;
    else if ( !strcmp(name, "--timeout") )
        return number(val, 86400, &o->timeout_s) || !o->timeout_s ? -1 : 0;
    else if ( !strcmp(name, "--last-bus") )
        return number(val, 255, &o->last_bus);
    else if ( !strcmp(name, "--count") )
        return number(val, 1U << 24, &o->count) || !o->count ? -1 : 0;
    else if ( !strcmp(name, "--kernel") )
        o->kernel = val;
    else if ( !strcmp(name, "--dump") )
        o->dump = val;
    else if ( !strcmp(name, "--append") )
        o->append = val;
    else
        return -1;

    return 0;
}

static int parse(int argc, char **argv, struct opts *o)
{
    int i;

    for ( i = 2; i < argc; i++ )
    {
        if ( flag(o, argv[i]) )
            continue;
        if ( argv[i][0] == '-' && argv[i][1] )
        {
            if ( i + 1 == argc || option(o, argv[i], argv[i + 1]) )
                return -1;
            i++;
        }
        else if ( !o->cfg )
            o->cfg = argv[i];
        else
            return -1;
    }
    if ( !o->cfg && !o->nr_hosts )
        o->hosts[o->nr_hosts++] = DEF_HOST;
    if ( !o->cfg )
        o->cfg = DEF_CFG;

    return 0;
}

int main(int argc, char **argv)
{
    struct opts o = { .timeout_s = 120, .count = 20000 };
    const char *cmd = argc > 1 ? argv[1] : "";

    xecam_user_log_echo(getenv("KVMECAM_LOG") != NULL);
    setvbuf(stdout, NULL, _IOLBF, 0);
    if ( !strcmp(cmd, "help") || !strcmp(cmd, "--help") )
        return usage(stdout, 0);
    if ( parse(argc, argv, &o) )
        return usage(stderr, 2);
    if ( !strcmp(cmd, "walk") )
        return cmd_walk(&o);
    if ( !strcmp(cmd, "bench") )
        return cmd_bench(&o);
    if ( !strcmp(cmd, "spin") )
        return cmd_spin(&o);
    if ( !strcmp(cmd, "linux") )
        return cmd_linux(&o);

    return usage(stderr, 2);
}
