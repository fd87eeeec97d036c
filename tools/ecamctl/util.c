/* SPDX-License-Identifier: GPL-2.0-only */
/* ecamctl: shared parsing helpers. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>

#include <xecam/user.h>

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

bool parse_bdf(const char *s, uint32_t *sbdf, const char **end)
{
    return !xecam_user_parse_bdf(s, sbdf, end);
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
