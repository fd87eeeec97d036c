/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace port: host functions from lspci dumps.
 *
 * A function starts with "[DDDD:]bb:dd.f description" at column 0 and is
 * followed by its bytes, "off: b0 b1 ... b15", offsets increasing from 0 in
 * steps of 16 (lspci -x: 64 bytes, -xxx: 256, -xxxx: 4096).  Indented lines
 * are lspci -v output: "Region N: ... [size=S]" and "Expansion ROM at ...
 * [size=S]" size the BARs, everything else is skipped.  '#' starts a
 * comment line.  Several functions a file, blank lines between them.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xecam/pci.h>
#include "internal.h"

struct dump {
    const char *path;
    unsigned int line;
    const char *start;              /* of the line being read */
    char *err;
    size_t errlen;
    bool open;                      /* a function is being read */
    unsigned int fn_line;           /* its device line */
    uint32_t sbdf;
    unsigned int len;
    uint8_t cfg[XECAM_CFG_SIZE];
    uint64_t bar[XECAM_PORT_ROM_BAR + 1];
};

/* "path:line:column: why"; column 1 for an error of the whole line. */
static int fail(struct dump *s, const char *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct dump *s, const char *at, const char *fmt, ...)
{
    int n = snprintf(s->err, s->errlen, "%s:%u:%u: ", s->path, s->line,
                     at ? (unsigned int)(at - s->start) + 1 : 1);
    va_list ap;

    va_start(ap, fmt);
    if ( n >= 0 && (size_t)n < s->errlen )
        vsnprintf(s->err + n, s->errlen - n, fmt, ap);
    va_end(ap);

    return -EINVAL;
}

/* "DDDD:bb:dd.f" or "bb:dd.f" with hex fields and a decimal function. */
int xecam_user_parse_bdf(const char *p, uint32_t *sbdf, const char **end)
{
    unsigned long f[3];
    unsigned int n = 0, max[3] = { 0xffff, 0xff, 0x1f };
    char *e;

    while ( n < 3 && isxdigit((unsigned char)*p) )
    {
        f[n] = strtoul(p, &e, 16);
        if ( e - p > 4 )
            return -EINVAL;
        n++;
        p = e;
        if ( *p != ':' )
            break;
        p++;
    }
    if ( n < 2 || *p != '.' || p[1] < '0' || p[1] > '7' )
        return -EINVAL;
    if ( n == 2 )
    {
        f[2] = f[1];
        f[1] = f[0];
        f[0] = 0;
    }
    for ( n = 0; n < 3; n++ )
        if ( f[n] > max[n] )
            return -EINVAL;
    *sbdf = XECAM_SBDF(f[0], f[1], f[2], p[1] - '0');
    *end = p + 2;

    return 0;
}

static int add_fn(struct dump *s)
{
    unsigned int i;
    int rc;

    if ( !s->len )
        return fail(s, NULL, "no config-space bytes for this function");
    rc = xecam_user_pdev_add(s->sbdf, s->cfg, s->len);
    for ( i = 0; !rc && i <= XECAM_PORT_ROM_BAR; i++ )
        if ( s->bar[i] )
            rc = xecam_user_pdev_bar(s->sbdf, i, s->bar[i]);
    if ( rc == -EEXIST )
        fail(s, NULL, "function given twice");
    else if ( rc )
        fail(s, NULL, "cannot add the function (%d)", rc);

    return rc;
}

/* Add the function being read; errors name its device line. */
static int flush(struct dump *s)
{
    unsigned int line = s->line;
    int rc;

    if ( !s->open )
        return 0;
    s->open = false;
    s->line = s->fn_line;
    rc = add_fn(s);
    s->line = line;

    return rc;
}

static int bytes_line(struct dump *s, const char *l)
{
    unsigned long off, b;
    unsigned int i;
    char *e;

    off = strtoul(l, &e, 16);
    if ( e == l || *e != ':' )
        return fail(s, l, "expected \"[DDDD:]bb:dd.f ...\" or \"%03x: ...\"",
                    s->len);
    if ( !s->open || off != s->len || s->len >= XECAM_CFG_SIZE )
        return fail(s, l, "bytes at %#lx out of order (expected %#x)", off,
                    s->len);
    for ( i = 0, l = e + 1; i < 16; i++, l = e )
    {
        while ( *l == ' ' )
            l++;
        if ( !isxdigit((unsigned char)l[0]) ||
             !isxdigit((unsigned char)l[1]) )
            return fail(s, l, "expected 16 two-digit hex bytes");
        b = strtoul(l, &e, 16);
        if ( e - l != 2 )
            return fail(s, l, "expected 16 two-digit hex bytes");
        s->cfg[off + i] = b;
    }
    while ( isspace((unsigned char)*l) )
        l++;
    if ( *l )
        return fail(s, l, "junk after 16 bytes");
    s->len += 16;

    return 0;
}

/*
 * "[size=512K]" -> bytes in *v; 0 if absent.  A size that does not fit in
 * 64 bits, or without its closing bracket, is an error.
 */
static int size_of(struct dump *s, const char *l, uint64_t *v)
{
    static const char units[] = "KMGT";
    const char *p = strstr(l, "[size="), *u;
    unsigned int shift = 0;
    char *e;

    *v = 0;
    if ( !p )
        return 0;
    p += 6;
    errno = 0;
    *v = strtoull(p, &e, 10);
    u = *e ? strchr(units, *e) : NULL;
    if ( u )
    {
        shift = 10 * (u - units + 1);
        e++;
    }
    if ( e == p || !isdigit((unsigned char)*p) || *e != ']' )
        return fail(s, p, "expected a size \"[size=N]\" (N: digits, then K, "
                    "M, G or T)");
    if ( errno == ERANGE || (shift && *v >> (64 - shift)) )
        return fail(s, p, "size out of range (64 bits)");
    *v <<= shift;

    return 0;
}

static int verbose_line(struct dump *s, const char *l)
{
    unsigned long bar;
    uint64_t size;
    char *e;

    /* The function's own lines; deeper ones belong to capabilities. */
    if ( l[0] == '\t' && isspace((unsigned char)l[1]) )
        return 0;
    while ( isspace((unsigned char)*l) )
        l++;
    if ( size_of(s, l, &size) )
        return -EINVAL;
    if ( !s->open || !size )
        return 0;
    if ( !strncmp(l, "Region ", 7) )
    {
        bar = strtoul(l + 7, &e, 10);
        if ( *e == ':' && bar < 6 )
            s->bar[bar] = size;
    }
    else if ( !strncmp(l, "Expansion ROM at ", 17) )
        s->bar[XECAM_PORT_ROM_BAR] = size;

    return 0;
}

static int dump_line(struct dump *s, const char *l)
{
    const char *end;
    uint32_t sbdf;
    int rc;

    if ( *l == '#' )
        return 0;
    if ( !l[strspn(l, " \t\r\n")] )
        return flush(s);
    if ( isspace((unsigned char)*l) )
        return verbose_line(s, l);
    if ( !xecam_user_parse_bdf(l, &sbdf, &end) && (*end == ' ' || !*end ||
                                                   *end == '\n') )
    {
        rc = flush(s);
        memset(s->cfg, 0, sizeof(s->cfg));
        memset(s->bar, 0, sizeof(s->bar));
        s->open = true;
        s->fn_line = s->line;
        s->sbdf = sbdf;
        s->len = 0;
        return rc;
    }

    return bytes_line(s, l);
}

int xecam_user_load_lspci(const char *path, char *err, size_t errlen)
{
    struct dump *s = calloc(1, sizeof(*s));
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    FILE *f;
    int rc = 0;

    if ( !s )
        return -ENOMEM;
    s->path = path;
    s->err = err;
    s->errlen = errlen;
    f = fopen(path, "r");
    if ( !f )
    {
        snprintf(err, errlen, "%s: cannot open", path);
        free(s);
        return -ENOENT;
    }
    while ( !rc && (n = getline(&line, &cap, f)) >= 0 )
    {
        s->line++;
        s->start = line;
        if ( strlen(line) != (size_t)n )
            rc = fail(s, line + strlen(line), "a NUL byte");
        else
            rc = dump_line(s, line);
    }
    if ( !rc )
        rc = flush(s);
    free(line);
    fclose(f);
    free(s);

    return rc;
}
