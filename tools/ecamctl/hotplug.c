/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ecamctl replay: the toolstack's side of a Root Port's hot-plug slot
 * (docs/hotplug.md), as trace lines.
 *
 *   hotplug add PORT HOST [permissive] [hidden] [norciep]
 *   hotplug button PORT
 *   hotplug remove PORT [surprise]
 *
 * Each prints its outcome, 0 or the -errno name the module returned (a
 * refusal is the module's answer, not a malformed line), and the port's
 * MSIs it caused.  Before an add, HOST is given to the guest as xl
 * pci-attach does through the IOMMU; if the add fails, it is taken back.
 */
#include <errno.h>
#include <string.h>

#include <xecam/port.h>

#include "replay.h"

static const char *errno_name(long rc)
{
    static const struct {
        int e;
        const char *name;
    } names[] = {
        { EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EIO, "EIO" },
        { EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" }, { EACCES, "EACCES" },
        { EBUSY, "EBUSY" }, { EEXIST, "EEXIST" }, { ENODEV, "ENODEV" },
        { EINVAL, "EINVAL" }, { ENOSPC, "ENOSPC" }, { ERANGE, "ERANGE" },
        { EOPNOTSUPP, "EOPNOTSUPP" }, { ERESTART, "ERESTART" },
    };
    unsigned int i;

    for ( i = 0; i < XECAM_ARRAY_SIZE(names); i++ )
        if ( -rc == names[i].e )
            return names[i].name;

    return NULL;
}

/* The directive's outcome, then the port's MSIs and host work it caused. */
static void outcome(struct session *s, const char *what, long rc)
{
    const char *name = errno_name(rc);
    char text[32];

    if ( !rc )
        snprintf(text, sizeof(text), "0");
    else if ( name )
        snprintf(text, sizeof(text), "-%s", name);
    else
        snprintf(text, sizeof(text), "%ld", rc);
    if ( s->json )
        printf("{\"line\":%u,\"setup\":\"%s\",\"rc\":%ld,\"error\":\"%s\"",
               s->pos.line, what, rc, rc ? text + 1 : "");
    else
        printf("L%-4u %-40s %s\n", s->pos.line, what, text);
    report_events(s);
    if ( s->json )
        printf("}\n");
}

/* "hotplug VERB PORT": the words as the trace wrote them, for the report. */
static void what_of(const struct session *s, char *buf, size_t len)
{
    unsigned int t;
    size_t at = 0;

    buf[0] = '\0';
    for ( t = 0; t < s->nr_tok && at < len; t++ )
        at += snprintf(buf + at, len - at, "%s%s", t ? " " : "", s->tok[t]);
}

static int hp_add(struct session *s, uint32_t port, char *what)
{
    struct assign_req r;
    unsigned int t;
    uint32_t host;
    bool had;
    int rc;

    if ( s->nr_tok < 4 )
        return bad(s, 0, "wrong number of arguments");
    if ( host_arg(s, 3, &host, NULL) || assign_opts(s, 4, &r) )
        return -1;
    for ( t = 4; r.o.nr_overrides && t < s->nr_tok; t++ )
        if ( !strncmp(s->tok[t], "cap=", 4) )
            return bad(s, t, "a hot-plugged function takes no cap= override");
    had = !xecam_port_pci_owned(s->d, host);
    if ( !had )
        xecam_user_pdev_owner(host, GUEST_ID);
    rc = xecam_hotplug_add(s->d, port, host, r.o.flags);
    if ( rc && !had )
        xecam_user_pdev_owner(host, 0);
    outcome(s, what, rc);

    return 0;
}

static int hp_remove(struct session *s, uint32_t port, char *what)
{
    bool surprise = s->nr_tok == 4;

    if ( s->nr_tok > 4 )
        return bad(s, 4, "wrong number of arguments");
    if ( surprise && strcmp(s->tok[3], "surprise") )
        return bad(s, 3, "unknown option (surprise)");
    outcome(s, what, xecam_hotplug_remove(s->d, port, surprise));

    return 0;
}

int do_hotplug(struct session *s)
{
    char what[128];
    uint32_t port;

    if ( strcmp(s->tok[1], "add") && strcmp(s->tok[1], "button") &&
         strcmp(s->tok[1], "remove") )
        return bad(s, 1, "expected add, button or remove");
    if ( s->nr_tok < 3 )
        return bad(s, 0, "wrong number of arguments");
    if ( bdf_arg(s, 2, &port) )
        return -1;
    what_of(s, what, sizeof(what));
    if ( !strcmp(s->tok[1], "add") )
        return hp_add(s, port, what);
    if ( !strcmp(s->tok[1], "remove") )
        return hp_remove(s, port, what);
    if ( s->nr_tok > 3 )
        return bad(s, 3, "wrong number of arguments");
    outcome(s, what, xecam_hotplug_button(s->d, port));

    return 0;
}
