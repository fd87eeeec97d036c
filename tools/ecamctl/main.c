/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ecamctl: host the xen-ecam module in userspace and show what a guest's
 * config-space accesses do, before booting anything.
 */
#include <stdlib.h>
#include <string.h>

#include <xecam/user.h>

#include "ecamctl.h"
#include "replay.h"

static int usage(FILE *f, int rc)
{
    fprintf(f,
            "usage: ecamctl view [--diff|--json] [--host FILE|sysfs]... CFG\n"
            "       ecamctl shell [--host FILE|sysfs]... CFG\n"
            "       ecamctl replay [--json] [--host FILE|sysfs]... CFG TRACE\n"
            "       ecamctl replay [--json] TRACE\n"
            "       ecamctl rules\n"
            "       ecamctl help\n"
            "\n"
            "CFG is an xl domain config (pci = [ ... ], pci_permissive,\n"
            "ecam_base, ecam_segment, ecam_buses, device_model_pci).\n"
            "Host devices come from lspci -xxx/-xxxx dumps or from this\n"
            "machine's sysfs (read only).  view prints the guest's config\n"
            "spaces as a dump for `lspci -F FILE -vvv`.  A TRACE lists guest\n"
            "accesses ('-': stdin); see examples/.\n"
            "Exit status: 0 done, 1 failed, 2 bad usage or a malformed line.\n");

    return rc;
}

struct args {
    bool json, diff;
    unsigned int nr_hosts, nr_pos;
    const char *hosts[16], *pos[2];
};

static int parse_args(int argc, char **argv, struct args *a)
{
    int i;

    for ( i = 2; i < argc; i++ )
    {
        if ( !strcmp(argv[i], "--json") )
            a->json = true;
        else if ( !strcmp(argv[i], "--diff") )
            a->diff = true;
        else if ( !strcmp(argv[i], "--host") && i + 1 < argc &&
                  a->nr_hosts < 16 )
            a->hosts[a->nr_hosts++] = argv[++i];
        else if ( argv[i][0] == '-' && argv[i][1] )
            return -1;
        else if ( a->nr_pos < 2 )
            a->pos[a->nr_pos++] = argv[i];
        else
            return -1;
    }

    return 0;
}

/* view CFG / replay CFG TRACE: a guest from a config, then the command. */
static int with_config(const char *cmd, const struct args *a)
{
    struct session s = { .json = a->json };
    int rc = 2;

    xecam_user_domain_privileged(0);
    if ( !load_hosts(a->hosts, a->nr_hosts) &&
         !guest_from_config(&s, a->pos[0]) )
        rc = !strcmp(cmd, "view") ? view(&s, a->diff)
             : !strcmp(cmd, "shell") ? shell(&s)
             : replay_session(&s, a->pos[1]);
    session_end(&s);

    return rc;
}

int main(int argc, char **argv)
{
    struct args a = { 0 };
    const char *cmd = argc > 1 ? argv[1] : "";

    xecam_user_log_echo(getenv("ECAMCTL_LOG") != NULL);
    if ( !strcmp(cmd, "help") )
        return usage(stdout, 0);
    if ( !strcmp(cmd, "rules") && argc == 2 )
        return rules();
    if ( parse_args(argc, argv, &a) )
        return usage(stderr, 2);
    if ( ((!strcmp(cmd, "view") && !(a.json && a.diff)) ||
          (!strcmp(cmd, "shell") && !a.json)) && a.nr_pos == 1 )
        return with_config(cmd, &a);
    if ( !strcmp(cmd, "replay") && a.nr_pos == 2 )
        return with_config(cmd, &a);
    if ( !strcmp(cmd, "replay") && a.nr_pos == 1 && !a.nr_hosts )
        return replay(a.pos[0], a.json);

    return usage(stderr, 2);
}
