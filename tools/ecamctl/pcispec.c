/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ecamctl: xl's PCI_SPEC_STRING ([<bdf>[@<vslot>],][<key>=<value>,]*).
 *
 * xl's keys are accepted: bdf, vslot, permissive, msitranslate, seize,
 * power_mgmt, rdm_policy, name.  Those that act outside config space
 * (seize: pciback binding; msitranslate, power_mgmt: QEMU; rdm_policy:
 * the guest's memory map) are reported as not applicable here.  Ours:
 * hidden, rciep (default 1), rootport (default 0).
 */
#include <stdlib.h>
#include <string.h>

#include <xecam/user.h>
#include <xecam/vpci.h>

#include "xlcfg.h"

struct spec_ctx {
    const struct xl_config *cfg;
    const struct xl_value *v;
    struct pci_spec *s;
    bool have_bdf;
};

static int bad(struct spec_ctx *c, const char *at, const char *why)
{
    struct src_pos pos = { c->cfg->path, c->v->line };

    err_at(&pos, c->v->col + (at - c->v->str), "%s", why);

    return -1;
}

static int bool_of(struct spec_ctx *c, const char *at, const char *val,
                   bool *out)
{
    if ( !val || !strcmp(val, "1") )
        *out = true;
    else if ( !strcmp(val, "0") )
        *out = false;
    else
        return bad(c, at, "expected 0 or 1");

    return 0;
}

static int bdf(struct spec_ctx *c, const char *at, const char *val)
{
    const char *end;
    char *e;
    long slot;

    if ( c->have_bdf )
        return bad(c, at, "the device is given twice");
    c->have_bdf = true;
    if ( xecam_user_parse_bdf(val, &c->s->host, &end) )
    {
        /* "BB:DD.*": every function of the device. */
        char tmp[32];
        size_t n = strcspn(val, "*");

        if ( n >= sizeof(tmp) - 2 || val[n] != '*' || !n || val[n - 1] != '.' )
            return bad(c, at, "expected a BDF, [DDDD:]BB:DD.F or BB:DD.*");
        memcpy(tmp, val, n);
        strcpy(tmp + n, "0");
        if ( xecam_user_parse_bdf(tmp, &c->s->host, &end) || *end )
            return bad(c, at, "expected a BDF, [DDDD:]BB:DD.F or BB:DD.*");
        c->s->all_fns = true;
        end = val + n + 1;
    }
    /* 'val' is a copy; errors point into the original at 'at'. */
    if ( *end == '@' )
    {
        slot = strtol(end + 1, &e, 0);
        if ( e == end + 1 || *e || slot < 0 || slot > 31 )
            return bad(c, at + (end + 1 - val),
                       "expected a slot 0-31 after '@'");
        c->s->vslot = slot;
    }
    else if ( *end )
        return bad(c, at + (end - val), "junk after the BDF");

    return 0;
}

static int key(struct spec_ctx *c, const char *at, const char *k,
               const char *val)
{
    static const char *const na[] = {
        "seize", "msitranslate", "power_mgmt", "rdm_policy", "name",
    };
    bool b;
    char *e;
    long slot;
    unsigned int i;

    if ( !strcmp(k, "bdf") )            /* errors point into the value */
        return bdf(c, val ? at + strlen(k) + 1 : at, val ?: "");
    if ( !strcmp(k, "vslot") )
    {
        slot = val ? strtol(val, &e, 0) : -1;
        if ( !val || e == val || *e || slot < 0 || slot > 31 )
            return bad(c, at, "expected vslot=0-31");
        c->s->vslot = slot;
        return 0;
    }
    for ( i = 0; i < XECAM_ARRAY_SIZE(na); i++ )
        if ( !strcmp(k, na[i]) )
        {
            fprintf(stderr, "%s:%u:%u: note: %s is not applicable here "
                    "(acts outside config space); accepted\n", c->cfg->path,
                    c->v->line, c->v->col + (unsigned int)(at - c->v->str),
                    k);
            return 0;
        }
    if ( bool_of(c, at, val, &b) )
        return -1;
    if ( !strcmp(k, "permissive") )
        c->s->flags = b ? c->s->flags | XECAM_ASSIGN_PERMISSIVE
                        : c->s->flags & ~XECAM_ASSIGN_PERMISSIVE;
    else if ( !strcmp(k, "hidden") )
        c->s->flags = b ? c->s->flags | XECAM_ASSIGN_HIDDEN
                        : c->s->flags & ~XECAM_ASSIGN_HIDDEN;
    else if ( !strcmp(k, "rciep") )
        c->s->flags = b ? c->s->flags & ~XECAM_ASSIGN_NO_RCIEP
                        : c->s->flags | XECAM_ASSIGN_NO_RCIEP;
    else if ( !strcmp(k, "rootport") )
        c->s->rootport = b;
    else
        return bad(c, at, "unknown option");

    return 0;
}

int pci_spec_parse(const struct xl_config *cfg, const struct xl_value *v,
                   struct pci_spec *out)
{
    struct spec_ctx c = { .cfg = cfg, .v = v, .s = out };
    char *copy, *tok, *save = NULL, *eq;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    out->vslot = -1;
    out->line = v->line;
    out->col = v->col;
    if ( v->kind != XL_STRING )
    {
        struct src_pos pos = { cfg->path, v->line };

        err_at(&pos, v->col, "expected a string such as '07:00.0,vslot=4'");
        return -1;
    }
    copy = strdup(v->str);
    if ( !copy )
        return -1;
    for ( tok = strtok_r(copy, ",", &save); !rc && tok;
          tok = strtok_r(NULL, ",", &save) )
    {
        const char *at = v->str + (tok - copy);

        eq = strchr(tok, '=');
        if ( eq )
            *eq++ = '\0';
        if ( !eq && !c.have_bdf && strchr(tok, ':') )
            rc = bdf(&c, at, tok);
        else
            rc = key(&c, at, tok, eq);
    }
    if ( !rc && !c.have_bdf )
        rc = bad(&c, v->str, "no device (BDF) given");
    free(copy);

    return rc;
}
