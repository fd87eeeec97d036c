/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ecamctl: host the xen-ecam module in userspace and show what a guest's
 * config-space accesses do, before booting anything.
 */
#include <stdlib.h>
#include <string.h>

#include <xecam/user.h>

#include "ecamctl.h"

static int usage(FILE *f, int rc)
{
    fprintf(f,
            "usage: ecamctl replay [--json] TRACE   run a trace ('-': stdin)\n"
            "       ecamctl rules                   the permissive rules table\n"
            "       ecamctl help\n"
            "\n"
            "A trace sets up a guest (host dumps, ECAM windows, vPCI devices,\n"
            "ioreq servers) and lists guest accesses; see examples/.\n"
            "Exit status: 0 done, 2 bad usage or a malformed trace line.\n");

    return rc;
}

int main(int argc, char **argv)
{
    bool json = false;
    int i = 2;

    if ( argc >= 2 && !strcmp(argv[1], "help") )
        return usage(stdout, 0);
    if ( argc == 2 && !strcmp(argv[1], "rules") )
        return rules();
    if ( argc < 3 || strcmp(argv[1], "replay") )
        return usage(stderr, 2);
    if ( !strcmp(argv[i], "--json") )
    {
        json = true;
        i++;
    }
    if ( i != argc - 1 )
        return usage(stderr, 2);
    xecam_user_log_echo(getenv("ECAMCTL_LOG") != NULL);

    return replay(argv[i], json);
}
