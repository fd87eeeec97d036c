/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ecamctl: the subset of an xl domain config that matters here.
 *
 *   key = value             value: number, 'string', "string", or a list
 *   key = [ v, v, ... ]     lists may span lines; a trailing comma is fine
 *   # comment
 *
 * Keys used: pci (xl-pci-configuration strings), pci_permissive,
 * ecam_base, ecam_segment, ecam_buses ("first-last"), device_model_pci (the
 * guest functions an emulated device model claims), ecam_root_ports (slots
 * of empty Root Ports, for hot-plug).  Any other key is xl's
 * business and is skipped, but its value must still parse.  Errors are
 * "file:line:column: reason".
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <xecam/user.h>

#include "xlcfg.h"

/* Lists nest no deeper than this: a hostile config cannot blow the stack. */
#define MAX_DEPTH 16

struct lexer {
    struct src_pos pos;
    const char *text, *p, *line_start;
    unsigned int depth;
};

static unsigned int col(const struct lexer *lx, const char *at)
{
    return at - lx->line_start + 1;
}

static int fail(struct lexer *lx, const char *at, const char *why)
{
    err_at(&lx->pos, col(lx, at), "%s", why);

    return -1;
}

/* Skip blanks, newlines and comments, keeping line numbers. */
static void skip(struct lexer *lx, bool newlines)
{
    for ( ; ; )
    {
        while ( *lx->p == ' ' || *lx->p == '\t' || *lx->p == '\r' )
            lx->p++;
        if ( *lx->p == '#' )
            while ( *lx->p && *lx->p != '\n' )
                lx->p++;
        if ( !newlines || *lx->p != '\n' )
            return;
        lx->p++;
        lx->pos.line++;
        lx->line_start = lx->p;
    }
}

/* A quoted string: its text in *out (malloc'd), its column in *c. */
static int string(struct lexer *lx, char **out, unsigned int *c)
{
    char q = *lx->p;
    const char *s = ++lx->p;

    while ( *lx->p && *lx->p != q && *lx->p != '\n' )
        lx->p++;
    if ( *lx->p != q )
        return fail(lx, s - 1, "unterminated string");
    *out = strndup(s, lx->p - s);
    *c = col(lx, s);
    lx->p++;

    return *out ? 0 : fail(lx, s, "out of memory");
}

static int value(struct lexer *lx, struct xl_value *v);

static int list(struct lexer *lx, struct xl_value *v)
{
    struct xl_value *n;

    if ( lx->depth++ == MAX_DEPTH )
        return fail(lx, lx->p, "lists nested too deeply");
    lx->p++;
    v->kind = XL_LIST;
    for ( ; ; )
    {
        skip(lx, true);
        if ( *lx->p == ']' )
        {
            lx->p++;
            lx->depth--;
            return 0;
        }
        n = realloc(v->items, (v->nr + 1) * sizeof(*n));
        if ( !n )
            return fail(lx, lx->p, "out of memory");
        v->items = n;
        memset(&v->items[v->nr], 0, sizeof(*n));
        if ( value(lx, &v->items[v->nr++]) )
            return -1;
        skip(lx, true);
        if ( *lx->p == ',' )
            lx->p++;
        else if ( *lx->p != ']' )
            return fail(lx, lx->p, "expected ',' or ']'");
    }
}

static int value(struct lexer *lx, struct xl_value *v)
{
    char *e;

    v->line = lx->pos.line;
    v->col = col(lx, lx->p);
    if ( *lx->p == '[' )
        return list(lx, v);
    if ( *lx->p == '\'' || *lx->p == '"' )
    {
        v->kind = XL_STRING;
        return string(lx, &v->str, &v->col);
    }
    if ( isdigit((unsigned char)*lx->p) )
    {
        v->kind = XL_NUMBER;
        errno = 0;
        v->num = strtoull(lx->p, &e, 0);
        if ( errno == ERANGE )
            return fail(lx, lx->p, "number out of range (64 bits)");
        if ( isalnum((unsigned char)*e) || *e == '_' || *e == '.' )
            return fail(lx, e, "junk after a number");
        lx->p = e;
        return 0;
    }

    return fail(lx, lx->p, "expected a number, a string or a list");
}

static int statement(struct lexer *lx, struct xl_config *cfg)
{
    const char *k = lx->p;
    struct xl_setting *s;

    while ( isalnum((unsigned char)*lx->p) || *lx->p == '_' )
        lx->p++;
    if ( lx->p == k )
        return fail(lx, k, "expected a key");
    s = realloc(cfg->set, (cfg->nr + 1) * sizeof(*s));
    if ( !s )
        return fail(lx, k, "out of memory");
    cfg->set = s;
    s = &cfg->set[cfg->nr++];
    memset(s, 0, sizeof(*s));
    s->key = strndup(k, lx->p - k);
    s->line = lx->pos.line;
    s->col = col(lx, k);
    skip(lx, false);
    if ( *lx->p != '=' )
        return fail(lx, lx->p, "expected '='");
    lx->p++;
    skip(lx, false);
    if ( value(lx, &s->val) )
        return -1;
    skip(lx, false);
    if ( *lx->p == ';' )
        lx->p++;
    skip(lx, false);
    if ( *lx->p && *lx->p != '\n' )
        return fail(lx, lx->p, "expected the end of the line");

    return 0;
}

/* On failure everything is freed again: the caller has nothing to free. */
int xl_parse(const char *path, const char *text, struct xl_config *cfg)
{
    struct lexer lx = {
        .pos = { .file = path, .line = 1 }, .text = text, .p = text,
        .line_start = text,
    };

    memset(cfg, 0, sizeof(*cfg));
    cfg->path = path;
    for ( ; ; )
    {
        skip(&lx, true);
        if ( !*lx.p )
            return 0;
        if ( statement(&lx, cfg) )
        {
            xl_free(cfg);
            return -1;
        }
    }
}

static void value_free(struct xl_value *v)
{
    unsigned int i;

    for ( i = 0; i < v->nr; i++ )
        value_free(&v->items[i]);
    free(v->items);
    free(v->str);
}

void xl_free(struct xl_config *cfg)
{
    unsigned int i;

    for ( i = 0; i < cfg->nr; i++ )
    {
        value_free(&cfg->set[i].val);
        free(cfg->set[i].key);
    }
    free(cfg->set);
    memset(cfg, 0, sizeof(*cfg));
}

const struct xl_setting *xl_get(const struct xl_config *cfg, const char *key)
{
    unsigned int i;

    for ( i = cfg->nr; i-- > 0; )       /* the last one wins, as in xl */
        if ( !strcmp(cfg->set[i].key, key) )
            return &cfg->set[i];

    return NULL;
}
