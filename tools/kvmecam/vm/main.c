/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam: run a tiny KVM guest whose config-space accesses (ECAM and
 * CF8/CFC) are served by the xen-ecam module hosted in userspace.  The
 * command line is ecamctl's (tools/ecamctl/cli.c): 'kvmecam help COMMAND'
 * or 'kvmecam COMMAND --help' for usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kvmecam.h"

#define DEF_CFG  "examples/q35/q35.cfg"
#define DEF_HOST "examples/q35/hosts.lspci"

enum {
    OPT_HOST, OPT_TRACE, OPT_LAST_BUS, OPT_TIMEOUT, OPT_COUNT, OPT_KERNEL,
    OPT_DUMP, OPT_APPEND, OPT_NO_PCIEXBAR, OPT_NO_RESERVE, OPT_CHECK,
    OPT_HOTPLUG,
};

static const struct cli_opt opts[] = {
    [OPT_HOST]        = { "--host", true },
    [OPT_TRACE]       = { "--trace", true },
    [OPT_LAST_BUS]    = { "--last-bus", true },
    [OPT_TIMEOUT]     = { "--timeout", true },
    [OPT_COUNT]       = { "--count", true },
    [OPT_KERNEL]      = { "--kernel", true },
    [OPT_DUMP]        = { "--dump", true },
    [OPT_APPEND]      = { "--append", true },
    [OPT_NO_PCIEXBAR] = { "--no-pciexbar", false },
    [OPT_NO_RESERVE]  = { "--no-reserve", false },
    [OPT_CHECK]       = { "--check", false },
    [OPT_HOTPLUG]     = { "--hotplug", false },
};

#define BIT(o) (1UL << (o))

#define HOST_HELP \
    "  --host FILE|sysfs  host devices: an lspci -xxx/-xxxx dump, or this\n" \
    "                     machine's sysfs (only read); up to 16 of them\n"
#define TIMEOUT_HELP \
    "  --timeout S        stop the guest after S seconds (1-86400; 120)\n"
#define CFG_HELP \
    "CFG is an xl domain config as ecamctl reads it (default " DEF_CFG "\n" \
    "with --host " DEF_HOST ", paths in the source tree).\n"
#define EXIT_STATUS \
    "Exit status: 0 done, 1 failed or mismatched, 2 usage or input error,\n" \
    "77 no usable KVM (skipped).\n"

static const struct cli_cmd cmds[] = {
    {
        .name = "walk",
        .summary = "the tiny guest enumerates and exercises its functions",
        .opts = BIT(OPT_HOST) | BIT(OPT_TRACE) | BIT(OPT_LAST_BUS) |
                BIT(OPT_TIMEOUT),
        .max_args = 1,
        .usage =
        "usage: kvmecam walk [--host FILE|sysfs]... [--trace OUT] "
        "[--last-bus N]\n"
        "                    [--timeout S] [CFG]\n"
        "\n"
        "The tiny guest enumerates its functions (the buses behind bridges,\n"
        "and every bus up to N) and exercises them through ECAM and CF8/CFC.\n"
        "What it read is checked against what the host served, and against\n"
        "a replay on a fresh domain.\n"
        "\n"
        HOST_HELP
        "  --trace OUT        every access as an `ecamctl replay` trace\n"
        "  --last-bus N       walk every bus up to N (0-255) too\n"
        TIMEOUT_HELP
        "  -h, --help         this text\n"
        "\n"
        CFG_HELP
        EXIT_STATUS,
    },
    {
        .name = "bench",
        .summary = "the cost of each kind of exit, timed",
        .opts = BIT(OPT_HOST) | BIT(OPT_COUNT) | BIT(OPT_TIMEOUT),
        .max_args = 1,
        .usage =
        "usage: kvmecam bench [--host FILE|sysfs]... [--count N] "
        "[--timeout S] [CFG]\n"
        "\n"
        "N exits of each kind (ECAM, CF8/CFC, and MMIO and port accesses\n"
        "outside the module), timed: ns per exit and the module's share.\n"
        "\n"
        HOST_HELP
        "  --count N          exits of each kind (1-16777216; 20000)\n"
        TIMEOUT_HELP
        "  -h, --help         this text\n"
        "\n"
        CFG_HELP
        EXIT_STATUS,
    },
    {
        .name = "spin",
        .summary = "a guest that never exits, stopped by the timeout",
        .opts = BIT(OPT_TIMEOUT),
        .usage =
        "usage: kvmecam spin [--timeout S]\n"
        "\n"
        "A guest that loops without an exit: the run must end at the\n"
        "timeout, KVM_RUN interrupted by the host's timer.\n"
        "\n"
        TIMEOUT_HELP
        "  -h, --help         this text\n"
        "\n"
        EXIT_STATUS,
    },
    {
        .name = "irq",
        .summary = "MSI and MSI-X from a simulated function into the guest",
        .opts = BIT(OPT_HOST) | BIT(OPT_TIMEOUT),
        .max_args = 1,
        .usage =
        "usage: kvmecam irq [--host FILE|sysfs]... [--timeout S] [CFG]\n"
        "\n"
        "The tiny guest programs the MSI and MSI-X of the first function on\n"
        "its first bus that has both, makes the simulated device raise (a\n"
        "doorbell port), and counts the vectors its IDT receives: msi,\n"
        "msix, and msix-mask (a masked entry stays pending in the PBA until\n"
        "unmasked).  One line per check.\n"
        "\n"
        HOST_HELP
        TIMEOUT_HELP
        "  -h, --help         this text\n"
        "\n"
        CFG_HELP
        EXIT_STATUS,
    },
    {
        .name = "linux",
        .summary = "boot a Linux vmlinux, and check what it saw",
        .opts = BIT(OPT_KERNEL) | BIT(OPT_HOST) | BIT(OPT_NO_PCIEXBAR) |
                BIT(OPT_NO_RESERVE) | BIT(OPT_DUMP) | BIT(OPT_TRACE) |
                BIT(OPT_APPEND) | BIT(OPT_CHECK) | BIT(OPT_TIMEOUT) |
                BIT(OPT_HOTPLUG),
        .max_args = 1,
        .usage =
        "usage: kvmecam linux --kernel VMLINUX [--host FILE|sysfs]... "
        "[--no-pciexbar]\n"
        "                     [--no-reserve] [--dump OUT] [--trace OUT] "
        "[--append ARGS]\n"
        "                     [--check] [--hotplug] [--timeout S] [CFG]\n"
        "\n"
        "Boot an ELF vmlinux built with tools/kvmecam/linux/ (make\n"
        "e2e-linux builds one).  An Intel 945 host bridge at 00:00.0 names\n"
        "the ECAM window in PCIEXBAR and e820 reserves it, so that Linux\n"
        "uses MMCONFIG; its console is echoed.\n"
        "\n"
        "  --kernel VMLINUX   the kernel (needed)\n"
        HOST_HELP
        "  --no-pciexbar      PCIEXBAR disabled\n"
        "  --no-reserve       the window not reserved in e820\n"
        "  --dump OUT         the guest's whole console to OUT\n"
        "  --trace OUT        every access as an `ecamctl replay` trace (and\n"
        "                     OUT.lspci: the functions kvmecam adds)\n"
        "  --append ARGS      more kernel command line\n"
        "  --check            what Linux saw against the module, before and\n"
        "                     after the boot\n"
        "  --hotplug          an empty Root Port beside the config's; once\n"
        "                     Linux booted, a function is hot-added behind\n"
        "                     it, then taken back (attention button)\n"
        TIMEOUT_HELP
        "  -h, --help         this text\n"
        "\n"
        CFG_HELP
        EXIT_STATUS,
    },
    {
        .name = "help",
        .summary = "a command's usage: kvmecam help COMMAND",
        .usage =
        "usage: kvmecam help [COMMAND]\n"
        "\n"
        "The usage of kvmecam, or of COMMAND (as 'kvmecam COMMAND --help').\n",
    },
};

static struct opts o = { .timeout_s = 120, .count = 20000 };
static struct cli cli;

static int number(const struct cli_cmd *cmd, const char *name,
                  const char *s, unsigned int min, unsigned int max,
                  unsigned int *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 0);

    if ( !*s || *end || *s == '-' || v < min || v > max )
        return cli_error(&cli, cmd, "%s: expected %u-%u, not '%s'", name,
                         min, max, s);
    *out = v;

    return 0;
}

static int set(void *ctx, const struct cli_cmd *cmd, unsigned int i,
               const char *val)
{
    static const char **const str[XECAM_ARRAY_SIZE(opts)] = {
        [OPT_TRACE] = &o.trace, [OPT_KERNEL] = &o.kernel,
        [OPT_DUMP] = &o.dump, [OPT_APPEND] = &o.append,
    };
    static bool *const flag[XECAM_ARRAY_SIZE(opts)] = {
        [OPT_NO_PCIEXBAR] = &o.no_pciexbar, [OPT_NO_RESERVE] = &o.no_reserve,
        [OPT_CHECK] = &o.check, [OPT_HOTPLUG] = &o.hotplug,
    };

    if ( str[i] )
        *str[i] = val;
    else if ( flag[i] )
        *flag[i] = true;
    else if ( i == OPT_TIMEOUT )
        return number(cmd, "--timeout", val, 1, 86400, &o.timeout_s);
    else if ( i == OPT_LAST_BUS )
        return number(cmd, "--last-bus", val, 0, 255, &o.last_bus);
    else if ( i == OPT_COUNT )
        return number(cmd, "--count", val, 1, 1U << 24, &o.count);
    else if ( o.nr_hosts == XECAM_ARRAY_SIZE(o.hosts) )
        return cli_error(&cli, cmd, "at most %zu --host options",
                         XECAM_ARRAY_SIZE(o.hosts));
    else
        o.hosts[o.nr_hosts++] = val;

    return 0;
}

static struct cli cli = {
    .prog = "kvmecam",
    .head =
    "usage: kvmecam [--version] [-h | --help] COMMAND [ARGS]\n"
    "\n"
    "Run a KVM guest whose PCI config-space accesses, ECAM and CF8/CFC,\n"
    "the xen-ecam module hosted in userspace serves, as Xen's MMIO and\n"
    "port handlers would.\n"
    "\n"
    "Commands:\n",
    .tail =
    "\n"
    CFG_HELP
    "'kvmecam help COMMAND' or 'kvmecam COMMAND --help': its usage.\n"
    "KVMECAM_LOG set (to anything): the module's log on stderr.\n"
    EXIT_STATUS,
    .opts = opts,
    .nr_opts = XECAM_ARRAY_SIZE(opts),
    .cmds = cmds,
    .nr_cmds = XECAM_ARRAY_SIZE(cmds),
    .set = set,
};

/*
 * The files named, before a VM is made: those read can be, those written
 * can be (not only after a boot).
 */
static int files(void)
{
    unsigned int i;

    if ( input_check(o.cfg) || (o.kernel && input_check(o.kernel)) ||
         (o.trace && output_check(o.trace)) ||
         (o.dump && output_check(o.dump)) )
        return -1;
    for ( i = 0; i < o.nr_hosts; i++ )
        if ( strcmp(o.hosts[i], "sysfs") && input_check(o.hosts[i]) )
            return -1;

    return 0;
}

static int run(const struct cli_args *a)
{
    const char *name = a->cmd->name;

    o.cfg = a->nr ? a->arg[0] : NULL;
    if ( !o.cfg && !o.nr_hosts )
        o.hosts[o.nr_hosts++] = DEF_HOST;
    if ( !o.cfg )
        o.cfg = DEF_CFG;
    if ( !strcmp(name, "linux") && !o.kernel )
        return cli_error(&cli, a->cmd, "linux needs --kernel VMLINUX");
    if ( files() )
        return CLI_USAGE;
    if ( !strcmp(name, "walk") )
        return cmd_walk(&o);
    if ( !strcmp(name, "bench") )
        return cmd_bench(&o);
    if ( !strcmp(name, "spin") )
        return cmd_spin(&o);
    if ( !strcmp(name, "irq") )
        return cmd_irq(&o);

    return cmd_linux(&o);
}

int main(int argc, char **argv)
{
    struct cli_args a;
    int rc;

    xecam_user_log_echo(getenv("KVMECAM_LOG") != NULL);
    setvbuf(stdout, NULL, _IOLBF, 0);
    rc = cli_parse(&cli, argc, argv, &a);
    if ( rc == CLI_RUN )
        rc = run(&a);

    return cli_finish(rc);
}
