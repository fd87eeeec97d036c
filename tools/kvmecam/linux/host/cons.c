/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam linux: the guest's serial console.  Every byte goes to the dump
 * file (--dump); complete lines go to the initcall report's parser, and
 * the kernel's own messages (not the hex lines of the report) to stdout,
 * prefixed "guest| ".
 */
#include <stdio.h>
#include <string.h>

#include "linux.h"

static bool is_hex_line(const char *l)
{
    unsigned int off;
    int n;

    return sscanf(l, "%x:%n", &off, &n) == 1 && (n == 3 || n == 4) &&
           strlen(l) == (size_t)n + 48;
}

static bool end_line(struct lx_console *c)
{
    c->line[c->len] = '\0';
    c->len = 0;
    c->lines++;
    if ( c->echo && !is_hex_line(c->line) &&
         !(!strncmp(c->line, "xecam-hp: ", 10) && is_hex_line(c->line + 10)) )
        printf("guest| %s\n", c->line);
    if ( c->hp )
        lx_hp_line(c->hp, c->line);

    return lx_dump_line(&c->dump, c->line);
}

bool lx_console_putc(struct lx_console *c, uint8_t ch)
{
    c->bytes++;
    if ( c->out )
        fputc(ch, c->out);
    if ( ch == '\r' )
        return false;
    if ( ch == '\n' )
        return end_line(c);
    if ( c->len < sizeof(c->line) - 1 )
        c->line[c->len++] = ch;

    return false;
}
