/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ecamctl replay: set up a guest and run its config-space accesses through
 * the module's real trap -> route -> vPCI / ioreq path.
 *
 * A trace is one directive a line ('#' starts a comment):
 *
 *   domain [cf8-ext] [self-ecam] [partial-mf] [permissive] [host-ioreq]
 *                                      options, before anything else
 *   host FILE                          lspci -x/-xxx/-xxxx dump(s)
 *   ram BASE SIZE                      the guest's RAM (p2m) from BASE: a
 *                                      window over it is refused
 *   window SEG FIRST-LAST BASE | window SEG remove  [as toolstack|guest|ID]
 *                                      HVMOP_set_ecam_space, by the
 *                                      toolstack unless told
 *   vpci GUEST HOST [permissive] [hidden] [norciep] [irq-control]
 *        [cap=std|ext:ID:hide|ro|emulate]...
 *                                      assign a host function (vPCI)
 *   rootport PORT SECONDARY            emulated PCIe Root Port on bus 0
 *   server ID                          ioreq server with ecamctl's DM
 *   claim ID SBDF[-SBDF]               the server claims those functions
 *   emulate ID GUEST HOST              its DM answers for GUEST from HOST's
 *                                      dump
 *   hotplug add PORT HOST [permissive] [hidden] [norciep]
 *   hotplug button PORT | remove PORT [surprise]
 *                                      the toolstack's side of PORT's slot
 *   deassign, fail, xsm, misbehave, timeout: control.c
 *   read  ecam GPA SIZE | pio PORT SIZE | cfg SBDF REG SIZE
 *   write ecam GPA SIZE VAL | pio PORT SIZE VAL | cfg SBDF REG SIZE VAL
 *
 * "cfg" addresses a function through its segment's window.  A malformed
 * line is reported as file:line:column and ends the run with status 2.
 */
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include <public/hvm/ecam_op.h>
#include <xecam/vpci.h>

#include "cli.h"
#include "replay.h"

int bad(struct session *s, unsigned int t, const char *what)
{
    err_at(&s->pos, t < s->nr_tok ? s->col[t] : 1, "%s", what);

    return -1;
}

int num_arg(struct session *s, unsigned int t, uint64_t *v)
{
    const char *end;

    if ( t >= s->nr_tok || !parse_u64(s->tok[t], v, &end) || *end )
        return bad(s, t, "expected a number (decimal or 0x hex)");

    return 0;
}

int bdf_arg(struct session *s, unsigned int t, uint32_t *sbdf)
{
    const char *end;

    if ( !parse_bdf(s->tok[t], sbdf, &end) || *end )
        return bad(s, t, "expected a PCI address [DDDD:]bb:dd.f");

    return 0;
}

int host_arg(struct session *s, unsigned int t, uint32_t *sbdf, uint8_t *cfg)
{
    uint8_t dummy[4];

    if ( bdf_arg(s, t, sbdf) )
        return -1;
    if ( xecam_user_pdev_peek(*sbdf, 0, cfg ?: dummy,
                              cfg ? XECAM_CFG_SIZE : sizeof(dummy)) )
        return bad(s, t, "no such host device (load it with 'host')");

    return 0;
}

struct dm_ctx *dm_of(struct session *s, uint64_t id)
{
    unsigned int i;

    for ( i = 0; i < XECAM_MAX_SERVERS; i++ )
        if ( s->dm[i].dm && s->dm[i].id == id )
            return &s->dm[i];

    return NULL;
}

void say(struct session *s, const char *what, long rc)
{
    if ( s->json )
        printf("{\"line\":%u,\"setup\":\"%s\",\"rc\":%ld,\"error\":\"%s\"}\n",
               s->pos.line, what, rc, rc ? strerror(-rc) : "");
    else
        printf("L%-4u %-40s %s\n", s->pos.line, what,
               rc ? strerror(-rc) : "ok");
}

static int ensure_domain(struct session *s)
{
    int rc;

    if ( s->d )
        return 0;
    rc = xecam_user_domain_add(GUEST_ID, s->dom_flags, &s->d);
    if ( rc )
        fprintf(stderr, "ecamctl: cannot create the guest: %s\n",
                strerror(-rc));

    return rc ? -1 : 0;
}

static const struct {
    const char *name;
    unsigned int flag;
} dom_opts[] = {
    { "cf8-ext", XECAM_DOMF_CF8_EXT },
    { "self-ecam", XECAM_DOMF_SELF_ECAM },
    { "partial-mf", XECAM_DOMF_PARTIAL_MF },
    { "permissive", XECAM_DOMF_PERMISSIVE },
    { "host-ioreq", XECAM_DOMF_HOST_IOREQ },
};

static int do_domain(struct session *s)
{
    unsigned int t, f;

    if ( s->d )
        return bad(s, 0, "'domain' must come before everything else");
    for ( t = 1; t < s->nr_tok; t++ )
    {
        for ( f = 0; f < XECAM_ARRAY_SIZE(dom_opts); f++ )
            if ( !strcmp(s->tok[t], dom_opts[f].name) )
                break;
        if ( f == XECAM_ARRAY_SIZE(dom_opts) )
            return bad(s, t, "unknown domain option (cf8-ext, self-ecam, "
                             "partial-mf, permissive, host-ioreq)");
        s->dom_flags |= dom_opts[f].flag;
    }

    return 0;
}

static int do_host(struct session *s)
{
    char path[4096], err[512];
    const char *why;

    if ( s->tok[1][0] == '/' || !strcmp(s->dir, ".") )
        snprintf(path, sizeof(path), "%s", s->tok[1]);
    else
        snprintf(path, sizeof(path), "%s/%s", s->dir, s->tok[1]);
    why = input_why(path, NULL);
    if ( why )
    {
        err_at(&s->pos, s->col[1], "%s: %s", path, why);
        return -1;
    }
    if ( !xecam_user_load_lspci(path, err, sizeof(err)) )
        return 0;
    err_at(&s->pos, s->col[1], "%s", err);     /* the dump's own place too */

    return -1;
}

/*
 * "as toolstack" (domain 0, the default), "as guest" (the guest on its
 * own window: DOMID_SELF) or "as DOMID", from token t; -1 if malformed.
 */
static int caller_arg(struct session *s, unsigned int t, domid_t *caller,
                      domid_t *target)
{
    uint64_t id;

    *caller = 0;
    *target = GUEST_ID;
    if ( t == s->nr_tok )
        return 0;
    if ( strcmp(s->tok[t], "as") || t + 2 != s->nr_tok )
        return bad(s, t, "expected 'as toolstack', 'as guest' or 'as DOMID'");
    if ( !strcmp(s->tok[t + 1], "guest") )
    {
        *caller = GUEST_ID;
        *target = DOMID_SELF;
    }
    else if ( strcmp(s->tok[t + 1], "toolstack") )
    {
        if ( num_arg(s, t + 1, &id) || id >= DOMID_FIRST_RESERVED )
            return bad(s, t + 1, "expected a domain ID below 0x7ff0");
        *caller = id;
    }

    return 0;
}

/* window SEG FIRST-LAST BASE [as C] | window SEG remove [as C] */
static int do_window(struct session *s)
{
    struct xen_hvm_ecam_space a = { .domid = GUEST_ID };
    uint64_t seg, first, last;
    const char *p = s->tok[2], *end;
    bool remove = !strcmp(p, "remove");
    domid_t caller;

    if ( num_arg(s, 1, &seg) || seg > 0xffff )
        return bad(s, 1, "expected a segment 0-0xffff");
    if ( remove )
        a.flags = XEN_HVM_ECAM_REMOVE;
    else if ( !parse_u64(p, &first, &end) || *end != '-' ||
              !parse_u64(end + 1, &last, &end) || *end || first > 255 ||
              last > 255 )
        return bad(s, 2, "expected a bus range FIRST-LAST (0-255)");
    else if ( s->nr_tok < 4 || num_arg(s, 3, &a.base) )
        return bad(s, 3, "expected the window's base address");
    else
    {
        a.start_bus = first;
        a.end_bus = last;
    }
    if ( caller_arg(s, remove ? 3 : 4, &caller, &a.domid) )
        return -1;
    a.segment = seg;
    xecam_user_set_current(caller);
    say(s, remove ? "window remove" : "window",
        xecam_user_hvm_op(HVMOP_set_ecam_space, &a));
    xecam_user_set_current(0);

    return 0;
}

static int do_ram(struct session *s)
{
    uint64_t base, size;

    if ( num_arg(s, 1, &base) || num_arg(s, 2, &size) )
        return -1;
    if ( !size || base + size - 1 < base )
        return bad(s, 2, "expected a size from 1 to the end of the address "
                         "space");
    say(s, "ram", xecam_user_p2m_add(GUEST_ID, base, size));

    return 0;
}

static const struct {
    const char *name;
    unsigned int flag;
} vpci_opts[] = {
    { "permissive",  XECAM_ASSIGN_PERMISSIVE },
    { "hidden",      XECAM_ASSIGN_HIDDEN },
    { "norciep",     XECAM_ASSIGN_NO_RCIEP },
    { "irq-control", XECAM_ASSIGN_IRQ_CONTROL },
};

static const char *const cap_actions[] = {
    [XECAM_CAP_HIDE] = "hide",
    [XECAM_CAP_READONLY] = "ro",
    [XECAM_CAP_EMULATE] = "emulate",
};

/* "cap=std|ext:ID:hide|ro|emulate" into *ov; false if malformed. */
static bool cap_override(const char *p, struct xecam_cap_override *ov)
{
    const char *end;
    uint64_t id;
    unsigned int a;

    if ( strncmp(p, "cap=", 4) )
        return false;
    p += 4;
    if ( strncmp(p, "std:", 4) && strncmp(p, "ext:", 4) )
        return false;
    ov->ext = p[0] == 'e';
    if ( !parse_u64(p + 4, &id, &end) || *end != ':' ||
         id > (ov->ext ? 0xffffU : 0xffU) )
        return false;
    ov->id = id;
    for ( a = 0; a < XECAM_ARRAY_SIZE(cap_actions); a++ )
        if ( !strcmp(end + 1, cap_actions[a]) )
        {
            ov->action = a;
            return true;
        }

    return false;
}

int assign_opts(struct session *s, unsigned int t, struct assign_req *r)
{
    unsigned int o;

    memset(r, 0, sizeof(*r));
    r->o.overrides = r->ov;
    for ( ; t < s->nr_tok; t++ )
    {
        if ( cap_override(s->tok[t], &r->ov[r->o.nr_overrides]) )
        {
            r->o.nr_overrides++;
            continue;
        }
        for ( o = 0; o < XECAM_ARRAY_SIZE(vpci_opts); o++ )
            if ( !strcmp(s->tok[t], vpci_opts[o].name) )
                break;
        if ( o == XECAM_ARRAY_SIZE(vpci_opts) )
            return bad(s, t, "unknown option (permissive, hidden, norciep, "
                             "irq-control, cap=std|ext:ID:hide|ro|emulate)");
        r->o.flags |= vpci_opts[o].flag;
    }

    return 0;
}

static int do_vpci(struct session *s)
{
    struct assign_req r;
    uint32_t guest, host;

    if ( bdf_arg(s, 1, &guest) || host_arg(s, 2, &host, NULL) ||
         assign_opts(s, 3, &r) )
        return -1;
    say(s, "vpci", xecam_assign_device_opts(s->d, guest, host, &r.o));

    return 0;
}

static int do_rootport(struct session *s)
{
    uint64_t secondary;
    uint32_t port;

    if ( bdf_arg(s, 1, &port) || num_arg(s, 2, &secondary) ||
         secondary > 255 )
        return bad(s, 2, "expected a secondary bus 1-255");
    say(s, "rootport", xecam_add_root_port(s->d, port, secondary));

    return 0;
}

static int do_server(struct session *s)
{
    uint64_t id;
    unsigned int i;
    int rc;

    if ( num_arg(s, 1, &id) )
        return -1;
    rc = xecam_ioreq_server_create(s->d, id);
    for ( i = 0; !rc && i < XECAM_MAX_SERVERS; i++ )
        if ( !s->dm[i].dm )
        {
            rc = dm_ctx_start(&s->dm[i], GUEST_ID, id);
            break;
        }
    say(s, "server", rc);

    return 0;
}

static int do_claim(struct session *s)
{
    uint32_t start, end;
    const char *p;
    uint64_t id;

    if ( num_arg(s, 1, &id) )
        return -1;
    if ( !parse_bdf(s->tok[2], &start, &p) )
        return bad(s, 2, "expected SBDF or SBDF-SBDF");
    end = start;
    if ( *p == '-' && !parse_bdf(p + 1, &end, &p) )
        return bad(s, 2, "expected SBDF or SBDF-SBDF");
    if ( *p )
        return bad(s, 2, "expected SBDF or SBDF-SBDF");
    say(s, "claim", xecam_ioreq_map_range(s->d, id, start, end));

    return 0;
}

static int do_emulate(struct session *s)
{
    uint8_t cfg[XECAM_CFG_SIZE];
    uint32_t guest, host;
    struct dm_ctx *c;
    uint64_t id;

    if ( num_arg(s, 1, &id) || bdf_arg(s, 2, &guest) ||
         host_arg(s, 3, &host, cfg) )
        return -1;
    c = dm_of(s, id);
    if ( !c )
        return bad(s, 1, "no such server (create it with 'server')");
    say(s, "emulate", dm_ctx_emulate(c, guest, cfg));

    return 0;
}

static const struct directive directives[] = {
    { "domain",  0, 5, do_domain },
    { "host",    1, 1, do_host },
    { "ram",     2, 2, do_ram },
    { "window",  2, 5, do_window },
    { "vpci",    2, MAX_TOK - 1, do_vpci },
    { "rootport", 2, 2, do_rootport },
    { "server",  1, 1, do_server },
    { "claim",   2, 2, do_claim },
    { "emulate", 3, 3, do_emulate },
    { "hotplug", 2, 6, do_hotplug },
    { "deassign", 1, 1, do_deassign },
    { "fail",    1, 2, do_fail },
    { "xsm",     2, 4, do_xsm },
    { "misbehave", 2, 5, do_misbehave },
    { "timeout", 1, 1, do_timeout },
    { "read",    2, 4, do_read },
    { "write",   3, 5, do_write },
};

/* The line's words; -1, said, if there are more than any directive takes. */
static int tokenize(struct session *s, char *line)
{
    char *p = line;

    s->nr_tok = 0;
    p[strcspn(p, "#\r\n")] = '\0';
    for ( ; ; )
    {
        p += strspn(p, " \t");
        if ( !*p )
            return 0;
        if ( s->nr_tok == MAX_TOK )
        {
            err_at(&s->pos, p - line + 1, "too many arguments");
            return -1;
        }
        s->col[s->nr_tok] = p - line + 1;
        s->tok[s->nr_tok++] = p;
        p += strcspn(p, " \t");
        if ( *p )
            *p++ = '\0';
    }
}

int replay_line(struct session *s, char *line)
{
    unsigned int i, args;

    if ( tokenize(s, line) )
        return -1;
    if ( !s->nr_tok )
        return 0;
    args = s->nr_tok - 1;
    for ( i = 0; i < XECAM_ARRAY_SIZE(directives); i++ )
    {
        const struct directive *dir = &directives[i];

        if ( strcmp(s->tok[0], dir->name) )
            continue;
        if ( args < dir->min_args || args > dir->max_args )
            return bad(s, 0, "wrong number of arguments");
        if ( strcmp(dir->name, "domain") && strcmp(dir->name, "host") &&
             ensure_domain(s) )
            return -1;
        return dir->run(s);
    }

    return bad(s, 0, "unknown directive");
}

int replay_text(struct session *s, char *line, size_t len)
{
    size_t text = strlen(line);

    if ( text != len )
    {
        err_at(&s->pos, text + 1, "a NUL byte");
        return -1;
    }

    return replay_line(s, line);
}

void session_end(struct session *s)
{
    unsigned int i;

    for ( i = 0; i < XECAM_MAX_SERVERS; i++ )
        if ( s->dm[i].dm )
            dm_ctx_stop(&s->dm[i]);
    xecam_user_reset();
}

/* Run a trace's lines on a session (set up or not); the exit status. */
int replay_session(struct session *s, const char *path)
{
    char *line = NULL, *copy = strdup(path);
    FILE *f = copy ? input_open(path) : NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;

    if ( !f )
    {
        free(copy);
        return CLI_USAGE;
    }
    s->pos.file = path;
    s->pos.line = 0;
    s->dir = strcmp(path, "-") ? dirname(copy) : ".";
    /* A line of any length is one line; a NUL byte in it is refused. */
    while ( !rc && (n = getline(&line, &cap, f)) >= 0 )
    {
        s->pos.line++;
        rc = replay_text(s, line, n);
    }
    free(line);
    if ( !rc && ferror(f) )
    {
        fprintf(stderr, "%s: %s: %s\n", cli_prog, path, strerror(errno));
        rc = -1;
    }
    if ( f != stdin )
        fclose(f);
    free(copy);

    return rc ? CLI_USAGE : CLI_DONE;
}

int replay(const char *path, bool json)
{
    struct session s = { .json = json };
    int rc;

    xecam_user_domain_privileged(0);
    rc = replay_session(&s, path);
    session_end(&s);

    return rc;
}
