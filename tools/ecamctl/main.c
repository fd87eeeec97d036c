/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ecamctl: host the xen-ecam module in userspace and show what a guest's
 * config-space accesses do, before booting anything.  The command line is
 * cli.c's: 'ecamctl help COMMAND' or 'ecamctl COMMAND --help' for usage.
 */
#include <stdlib.h>
#include <string.h>

#include <xecam/user.h>

#include "cli.h"
#include "ecamctl.h"
#include "replay.h"

#define MAX_HOSTS 16

#define EXIT_STATUS \
    "Exit status: 0 done, 1 failed, 2 usage or input error"

enum { OPT_HOST, OPT_JSON, OPT_DIFF };

static const struct cli_opt opts[] = {
    [OPT_HOST] = { "--host", true },
    [OPT_JSON] = { "--json", false },
    [OPT_DIFF] = { "--diff", false },
};

#define HOST_HELP \
    "  --host FILE|sysfs  host devices: an lspci -xxx/-xxxx dump, or this\n" \
    "                     machine's sysfs (only read); up to 16 of them\n"

static const struct cli_cmd cmds[] = {
    {
        .name = "view",
        .summary = "the config spaces the guest of an xl config sees",
        .opts = 1UL << OPT_HOST | 1UL << OPT_JSON | 1UL << OPT_DIFF,
        .min_args = 1, .max_args = 1, .needs = "a CFG",
        .usage =
        "usage: ecamctl view [--diff | --json] [--host FILE|sysfs]... CFG\n"
        "\n"
        "Print every function the guest of the xl config CFG sees, read\n"
        "through the guest's own ECAM window, as `lspci -xxxx` prints them\n"
        "(for `lspci -F FILE -vvv`).  CFG '-' is standard input.\n"
        "\n"
        HOST_HELP
        "  --diff             host against guest, register by register,\n"
        "                     with the rule that applied\n"
        "  --json             a JSON array: each function's address, host\n"
        "                     and bytes (not with --diff)\n"
        "  -h, --help         this text\n"
        "\n"
        EXIT_STATUS ": a CFG\n"
        "or host dump that cannot be read, or an error in CFG (said as\n"
        "FILE:LINE:COLUMN).\n",
    },
    {
        .name = "replay",
        .summary = "run a trace of guest accesses through the module",
        .opts = 1UL << OPT_HOST | 1UL << OPT_JSON,
        .min_args = 1, .max_args = 2, .needs = "a TRACE, or a CFG and a TRACE",
        .usage =
        "usage: ecamctl replay [--json] [--host FILE|sysfs]... CFG TRACE\n"
        "       ecamctl replay [--json] TRACE\n"
        "\n"
        "Run the guest accesses of TRACE (ECAM, CF8/CFC, or cfg SBDF REG)\n"
        "through the module's trap, route and vPCI/ioreq path on the guest\n"
        "of the xl config CFG.  Each access prints the value read, where it\n"
        "went, the ioreqs sent and the writes that reached a host device.\n"
        "A TRACE alone sets up its own guest (host, window, vpci lines; see\n"
        "examples/q35-basic).  TRACE '-' is standard input.  'hotplug add\n"
        "PORT HOST', 'hotplug button PORT' and 'hotplug remove PORT\n"
        "[surprise]' act on a Root Port's slot (examples/q35-hotplug), each\n"
        "printing 0 or the -errno name, and the port's MSIs it caused.\n"
        "\n"
        HOST_HELP
        "                     (with a CFG only)\n"
        "  --json             a JSON object a line\n"
        "  -h, --help         this text\n"
        "\n"
        EXIT_STATUS ": a file\n"
        "that cannot be read, or a malformed line (said as FILE:LINE:COLUMN;\n"
        "it ends the run).\n",
    },
    {
        .name = "shell",
        .summary = "the same, a line at a time, with line editing",
        .opts = 1UL << OPT_HOST,
        .min_args = 1, .max_args = 1, .needs = "a CFG",
        .usage =
        "usage: ecamctl shell [--host FILE|sysfs]... CFG\n"
        "\n"
        "Run trace lines on the guest of the xl config CFG as they are\n"
        "typed, with line editing and history: 'help' lists them, 'quit' or\n"
        "the end of input ends.  Without a terminal, standard input is read\n"
        "quietly, like a trace.\n"
        "\n"
        HOST_HELP
        "  -h, --help         this text\n"
        "\n"
        EXIT_STATUS ": a CFG\n"
        "that cannot be used, or malformed lines (each is said, and the shell\n"
        "goes on).\n",
    },
    {
        .name = "rules",
        .summary = "the permissive rules table (docs/permissive.md)",
        .usage =
        "usage: ecamctl rules\n"
        "\n"
        "Print the rules the module applies to a guest's writes, register by\n"
        "register, for a reference device: the table of docs/permissive.md.\n"
        "\n"
        EXIT_STATUS ".\n",
    },
    {
        .name = "help",
        .summary = "a command's usage: ecamctl help COMMAND",
        .usage =
        "usage: ecamctl help [COMMAND]\n"
        "\n"
        "The usage of ecamctl, or of COMMAND (as 'ecamctl COMMAND --help').\n",
    },
};

struct args {
    unsigned int nr_hosts;
    const char *hosts[MAX_HOSTS];
};

static const struct cli_cmd *const cmd_view = &cmds[0];

static struct cli cli;

static int set(void *ctx, const struct cli_cmd *cmd, unsigned int o,
               const char *val)
{
    struct args *a = ctx;

    if ( o != OPT_HOST )
        return 0;
    if ( a->nr_hosts == MAX_HOSTS )
        return cli_error(&cli, cmd, "at most %u --host options", MAX_HOSTS);
    a->hosts[a->nr_hosts++] = val;

    return 0;
}

static struct args args;

static struct cli cli = {
    .prog = "ecamctl",
    .head =
    "usage: ecamctl [--version] [-h | --help] COMMAND [ARGS]\n"
    "\n"
    "Host the xen-ecam module in userspace: see what an HVM guest's PCI\n"
    "config space looks like, and where its accesses go, before booting\n"
    "anything.\n"
    "\n"
    "Commands:\n",
    .tail =
    "\n"
    "CFG is an xl domain config: pci = [ ... ], pci_permissive, and ours,\n"
    "ecam_base, ecam_segment, ecam_buses, device_model_pci.\n"
    "'ecamctl help COMMAND' or 'ecamctl COMMAND --help': its usage.\n"
    "ECAMCTL_LOG set (to anything): the module's log on stderr.\n"
    EXIT_STATUS ".\n",
    .opts = opts,
    .nr_opts = XECAM_ARRAY_SIZE(opts),
    .cmds = cmds,
    .nr_cmds = XECAM_ARRAY_SIZE(cmds),
    .set = set,
    .ctx = &args,
};

/* view CFG / shell CFG / replay CFG TRACE: a guest from a config. */
static int with_config(const struct cli_args *a)
{
    const char *name = a->cmd->name;
    struct session s = { .json = a->given & (1UL << OPT_JSON) };
    int rc = CLI_USAGE;

    xecam_user_domain_privileged(0);
    if ( !load_hosts(args.hosts, args.nr_hosts) &&
         !guest_from_config(&s, a->arg[0]) )
        rc = !strcmp(name, "view")
             ? view(&s, a->given & (1UL << OPT_DIFF))
             : !strcmp(name, "shell") ? shell(&s)
             : replay_session(&s, a->arg[1]);
    session_end(&s);

    return rc;
}

static int run(const struct cli_args *a)
{
    const char *name = a->cmd->name;

    if ( a->cmd == cmd_view && (a->given & (1UL << OPT_JSON)) &&
         (a->given & (1UL << OPT_DIFF)) )
        return cli_error(&cli, a->cmd, "--json and --diff cannot be combined");
    if ( !strcmp(name, "rules") )
        return rules();
    if ( !strcmp(name, "replay") && a->nr == 1 )
    {
        if ( args.nr_hosts )
            return cli_error(&cli, a->cmd, "--host needs a CFG (a TRACE "
                             "alone loads its hosts with 'host' lines)");
        return replay(a->arg[0], a->given & (1UL << OPT_JSON));
    }

    return with_config(a);
}

int main(int argc, char **argv)
{
    struct cli_args a;
    int rc;

    xecam_user_log_echo(getenv("ECAMCTL_LOG") != NULL);
    rc = cli_parse(&cli, argc, argv, &a);
    if ( rc == CLI_RUN )
        rc = run(&a);

    return cli_finish(rc);
}
