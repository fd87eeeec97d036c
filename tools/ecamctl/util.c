/* SPDX-License-Identifier: GPL-2.0-only */
/* ecamctl: shared parsing helpers. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>

#include "ecamctl.h"

void err_at(const struct src_pos *pos, unsigned int col, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s:%u:%u: ", pos->file, pos->line, col);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static bool hex_field(const char *s, unsigned int digits, unsigned long max,
                      unsigned long *v, const char **end)
{
    char *e;

    if ( !isxdigit((unsigned char)*s) )
        return false;
    *v = strtoul(s, &e, 16);
    if ( e - s > (long)digits || *v > max )
        return false;
    *end = e;

    return true;
}

bool parse_bdf(const char *s, uint32_t *sbdf, const char **end)
{
    unsigned long a, b, dev, seg = 0;
    const char *p;

    if ( !hex_field(s, 4, 0xffff, &a, &p) || *p != ':' )
        return false;
    if ( !hex_field(p + 1, 2, 0xff, &b, &p) )
        return false;
    if ( *p == ':' )                  /* DDDD:bb:dd.f */
    {
        seg = a;
        a = b;
        if ( !hex_field(p + 1, 2, 0x1f, &b, &p) )
            return false;
    }
    else if ( a > 0xff || b > 0x1f )  /* bb:dd.f */
        return false;
    dev = b;
    if ( *p != '.' || p[1] < '0' || p[1] > '7' )
        return false;
    *sbdf = XECAM_SBDF(seg, a, dev, p[1] - '0');
    *end = p + 2;

    return true;
}

bool parse_u64(const char *s, uint64_t *v, const char **end)
{
    char *e;

    if ( !isdigit((unsigned char)*s) )
        return false;
    errno = 0;
    *v = strtoull(s, &e, 0);
    *end = e;

    return e != s && !errno;
}
