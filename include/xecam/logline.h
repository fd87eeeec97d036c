/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One log message, one line: what both ports do with a message after
 * formatting it into a fixed buffer.  A cut message ends "...\n" (without
 * its newline Xen's console would glue the next message on, level prefix
 * and all, and that prefix is what rate-limits guest-triggered lines); a
 * newline or control character inside becomes '?', so a message can never
 * pose as two.
 */
#ifndef XECAM_LOGLINE_H
#define XECAM_LOGLINE_H

#include <xecam/types.h>

/* 'n' is what vsnprintf() returned for 'buf' of 'size' (at least 8). */
static inline void xecam_log_line(char *buf, size_t size, int n)
{
    size_t len = n < 0 ? 0 : (size_t)n, i;

    if ( len >= size - 1 )
    {
        len = size - 1;
        buf[len - 4] = buf[len - 3] = buf[len - 2] = '.';
    }
    else if ( !len || buf[len - 1] != '\n' )
        len++;
    buf[len - 1] = '\n';
    buf[len] = '\0';
    for ( i = 0; i + 1 < len; i++ )
        if ( (unsigned char)buf[i] < 0x20 || buf[i] == 0x7f )
            buf[i] = '?';
}

#endif /* XECAM_LOGLINE_H */
