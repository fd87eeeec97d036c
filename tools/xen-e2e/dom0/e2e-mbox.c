/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * e2e-mbox: dom0's side of the e2e-xen test guest's mailbox (../mbox.h),
 * mapped from the guest with libxenforeignmemory.
 *
 *   e2e-mbox DOMID init ARG...   before the guest runs: the window dom0
 *                                placed (base, last bus), then the magic
 *   e2e-mbox DOMID wait STEP [S] until the guest waits at STEP (or is
 *                                done: exit 1); S seconds at most (60)
 *   e2e-mbox DOMID go STEP [ARG...] the guest may go on past STEP
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <xenforeignmemory.h>

#include "../mbox.h"

static int usage(void)
{
    fprintf(stderr, "usage: e2e-mbox DOMID init|go|wait STEP|ARG...\n");
    return 2;
}

static void args(struct mbox *mb, int argc, char **argv)
{
    int i;

    for ( i = 0; i < argc && i < 4; i++ )
        mb->arg[i] = strtoull(argv[i], NULL, 0);
}

static int wait_for(struct mbox *mb, unsigned int step, unsigned int secs)
{
    time_t end = time(NULL) + secs;

    while ( mb->wait != step )
    {
        if ( mb->done )
        {
            fprintf(stderr, "e2e-mbox: the guest finished before step %u\n",
                    step);
            return 1;
        }
        if ( time(NULL) > end )
        {
            fprintf(stderr, "e2e-mbox: no step %u after %u s (at %u)\n",
                    step, secs, mb->wait);
            return 1;
        }
        usleep(20000);
    }
    return 0;
}

int main(int argc, char **argv)
{
    xenforeignmemory_handle *fm;
    xen_pfn_t pfn = MBOX_GPA >> 12;
    struct mbox *mb;
    int err = 0, rc = 0;
    unsigned int domid, step;

    if ( argc < 3 )
        return usage();
    domid = strtoul(argv[1], NULL, 0);
    fm = xenforeignmemory_open(NULL, 0);
    if ( !fm )
        return 1;
    mb = xenforeignmemory_map(fm, domid, PROT_READ | PROT_WRITE, 1, &pfn,
                              &err);
    if ( !mb || err )
    {
        fprintf(stderr, "e2e-mbox: cannot map d%u's mailbox: %s\n", domid,
                strerror(mb ? -err : errno));
        return 1;
    }
    step = argc > 3 ? strtoul(argv[3], NULL, 0) : 0;
    if ( !strcmp(argv[2], "init") )
    {
        args(mb, argc - 3, argv + 3);
        __sync_synchronize();
        mb->magic = MBOX_MAGIC;
    }
    else if ( !strcmp(argv[2], "wait") && argc > 3 )
        rc = wait_for(mb, step, argc > 4 ? strtoul(argv[4], NULL, 0) : 60);
    else if ( !strcmp(argv[2], "go") && argc > 3 )
    {
        args(mb, argc - 4, argv + 4);
        __sync_synchronize();
        mb->go = step;
    }
    else
        rc = usage();
    xenforeignmemory_unmap(fm, mb, 1);
    xenforeignmemory_close(fm);
    return rc;
}
