/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ecamctl replay: the host's and the toolstack's other moves, and the
 * attacks a trace can make on the module from outside the guest.
 *
 *   fail KIND N | fail off          the Nth fallible host call of KIND
 *                                   fails (alloc, lock, copy, p2m, pci,
 *                                   ioreq, map, hook, unmap, any)
 *   deassign GUEST                  the toolstack takes a function back
 *   xsm refuse HOOK...              from now on the security policy
 *                                   refuses the toolstack (domain 0)
 *                                   dm-op, window or assign
 *   misbehave ID MODE [ARG] [N]     server ID's device model answers the
 *                                   next N requests (default all) badly:
 *                                   silent, late MS, state V, addr V,
 *                                   size V, count V, type V, dir V,
 *                                   data-is-ptr; 'well' to stop
 *   timeout MS                      how long a vCPU waits for an answer
 */
#include <stdlib.h>
#include <string.h>

#include <xecam/user.h>

#include "cli.h"
#include "replay.h"

static const struct {
    const char *name;
    unsigned int kinds;
} fault_kinds[] = {
    { "alloc", XECAM_FAULT_ALLOC }, { "lock", XECAM_FAULT_LOCK },
    { "copy", XECAM_FAULT_COPY },   { "p2m", XECAM_FAULT_P2M },
    { "pci", XECAM_FAULT_PCI },     { "ioreq", XECAM_FAULT_IOREQ },
    { "map", XECAM_FAULT_MAP },     { "hook", XECAM_FAULT_HOOK },
    { "unmap", XECAM_FAULT_UNMAP }, { "any", XECAM_FAULT_ALL },
};

int do_fail(struct session *s)
{
    unsigned int k;
    uint64_t nth;

    if ( s->nr_tok == 2 && !strcmp(s->tok[1], "off") )
    {
        xecam_user_fault_arm(0, 0);
        say(s, "fail off", 0);
        return 0;
    }
    for ( k = 0; k < XECAM_ARRAY_SIZE(fault_kinds); k++ )
        if ( !strcmp(s->tok[1], fault_kinds[k].name) )
            break;
    if ( k == XECAM_ARRAY_SIZE(fault_kinds) )
        return bad(s, 1, "expected a fault kind (alloc, lock, copy, p2m, "
                         "pci, ioreq, map, hook, unmap, any) or 'off'");
    if ( s->nr_tok != 3 || num_arg(s, 2, &nth) || !nth || nth > 1000000 )
        return bad(s, 2, "expected N, 1-1000000: the Nth call fails");
    xecam_user_fault_arm(fault_kinds[k].kinds, nth);
    say(s, "fail", 0);

    return 0;
}

/* Deassignment may be preempted: called again, as a continuation is. */
int do_deassign(struct session *s)
{
    unsigned int tries = 0;
    uint32_t guest;
    int rc;

    if ( bdf_arg(s, 1, &guest) )
        return -1;
    while ( (rc = xecam_deassign_device(s->d, guest)) == -ERESTART &&
            ++tries < 100000 )
        continue;
    say(s, "deassign", rc);

    return 0;
}

static const struct {
    const char *name;
    unsigned int hook;
} xsm_hooks[] = {
    { "dm-op", XECAM_USER_XSM_DM_OP },
    { "window", XECAM_USER_XSM_WINDOW },
    { "assign", XECAM_USER_XSM_ASSIGN },
};

int do_xsm(struct session *s)
{
    unsigned int t, h, hooks = 0;

    if ( strcmp(s->tok[1], "refuse") || s->nr_tok < 3 )
        return bad(s, 1, "expected 'refuse HOOK...'");
    for ( t = 2; t < s->nr_tok; t++ )
    {
        for ( h = 0; h < XECAM_ARRAY_SIZE(xsm_hooks); h++ )
            if ( !strcmp(s->tok[t], xsm_hooks[h].name) )
                break;
        if ( h == XECAM_ARRAY_SIZE(xsm_hooks) )
            return bad(s, t, "expected an XSM hook (dm-op, window, assign)");
        hooks |= xsm_hooks[h].hook;
    }
    say(s, "xsm refuse", xecam_user_xsm_refuse(0, hooks));

    return 0;
}

static const struct {
    const char *name;
    enum dm_mode mode;
    bool arg;
} dm_modes[] = {
    { "well", DM_WELL, false },     { "silent", DM_SILENT, false },
    { "late", DM_LATE, true },      { "state", DM_STATE, true },
    { "addr", DM_ADDR, true },      { "size", DM_SIZE, true },
    { "count", DM_COUNT, true },    { "type", DM_TYPE, true },
    { "dir", DM_DIR, true },        { "data-is-ptr", DM_DATA_IS_PTR, false },
};

int do_misbehave(struct session *s)
{
    uint64_t id, arg = 0, count = ~0ULL;
    struct dm_ctx *c;
    unsigned int m, t = 3;

    if ( num_arg(s, 1, &id) )
        return -1;
    if ( !(c = dm_of(s, id)) )
        return bad(s, 1, "no such server (create it with 'server')");
    for ( m = 0; m < XECAM_ARRAY_SIZE(dm_modes); m++ )
        if ( !strcmp(s->tok[2], dm_modes[m].name) )
            break;
    if ( m == XECAM_ARRAY_SIZE(dm_modes) )
        return bad(s, 2, "expected well, silent, late, state, addr, size, "
                         "count, type, dir or data-is-ptr");
    if ( dm_modes[m].arg && t >= s->nr_tok )
        return bad(s, 2, "this mode needs a value");
    if ( dm_modes[m].arg && num_arg(s, t++, &arg) )
        return -1;
    if ( dm_modes[m].mode == DM_LATE && arg > 60000 )
        return bad(s, 3, "expected at most 60000 ms");
    if ( t < s->nr_tok && (num_arg(s, t, &count) || !count) )
        return bad(s, t, "expected how many requests, 1 or more");
    if ( t + 1 < s->nr_tok )
        return bad(s, t + 1, "too many arguments");
    dm_ctx_misbehave(c, dm_modes[m].mode, arg,
                     count > ~0UL ? ~0UL : (unsigned long)count);
    say(s, "misbehave", 0);

    return 0;
}

int do_timeout(struct session *s)
{
    uint64_t ms;

    if ( num_arg(s, 1, &ms) || !ms || ms > 60000 )
        return bad(s, 1, "expected 1-60000 ms");
    xecam_user_ioreq_timeout(ms);
    say(s, "timeout", 0);

    return 0;
}
