/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam: the guest's domain in the userspace-hosted module, set up as
 * ecamctl does it: host devices from lspci dumps or sysfs, then the xl
 * config through ecamctl's guest_from_config() (tools/ecamctl/guest.c).
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <public/hvm/ecam_op.h>

#include "kvmecam.h"

int domain_setup(struct session *s, const struct opts *o)
{
    memset(s, 0, sizeof(*s));
    xecam_user_domain_privileged(0);
    if ( load_hosts(o->hosts, o->nr_hosts) || guest_from_config(s, o->cfg) )
        return -1;

    return 0;
}

/* Again, for the replay: its notes were shown the first time. */
int domain_setup_again(struct session *s, const struct opts *o)
{
    int saved = dup(STDERR_FILENO), null = open("/dev/null", O_WRONLY);
    int rc;

    fflush(stderr);
    if ( saved >= 0 && null >= 0 )
        dup2(null, STDERR_FILENO);
    rc = domain_setup(s, o);
    fflush(stderr);
    if ( saved >= 0 && null >= 0 )
        dup2(saved, STDERR_FILENO);
    if ( null >= 0 )
        close(null);
    if ( saved >= 0 )
        close(saved);

    return rc;
}

void domain_teardown(struct session *s)
{
    session_end(s);
    memset(s, 0, sizeof(*s));
}

int domain_window(uint16_t *seg, uint64_t *base, unsigned int *start,
                  unsigned int *end)
{
    struct xen_hvm_ecam_space a;
    unsigned int i;

    xecam_user_set_current(0);
    for ( i = 0; i <= 0xffff; i++ )
    {
        memset(&a, 0, sizeof(a));
        a.domid = GUEST_ID;
        a.segment = i;
        if ( xecam_user_hvm_op(HVMOP_get_ecam_space, &a) )
            continue;
        *seg = i;
        *base = a.base;
        *start = a.start_bus;
        *end = a.end_bus;
        return 0;
    }
    fprintf(stderr, "kvmecam: the guest has no ECAM window\n");

    return -1;
}
