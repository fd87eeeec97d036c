/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ecamctl: host functions from lspci dumps (-x, -xxx or -xxxx; several
 * devices a file).  A device starts with "[DDDD:]bb:dd.f description" and
 * is followed by lines "off: b0 b1 ... b15" with increasing offsets.  Lines
 * starting with '#' are comments.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "ecamctl.h"

static struct host_dev *host_new(struct host_set *hs, uint32_t sbdf,
                                 const char *name)
{
    struct host_dev *n = realloc(hs->dev, (hs->nr + 1) * sizeof(*n));

    if ( !n )
        return NULL;
    hs->dev = n;
    n = &hs->dev[hs->nr++];
    memset(n, 0, sizeof(*n));
    n->sbdf = sbdf;
    snprintf(n->name, sizeof(n->name), "%s", name);
    n->name[strcspn(n->name, "\n")] = '\0';

    return n;
}

/* "off: xx xx ..." into dev; the column of an error, or 0. */
static unsigned int data_line(struct host_dev *dev, const char *line)
{
    unsigned long off, b;
    unsigned int i;
    const char *p = line;
    char *e;

    off = strtoul(p, &e, 16);
    if ( e == p || *e != ':' || off % 16 || off >= XECAM_CFG_SIZE ||
         off != dev->len )
        return 1;
    p = e + 1;
    for ( i = 0; i < 16; i++ )
    {
        while ( *p == ' ' )
            p++;
        if ( !isxdigit((unsigned char)p[0]) ||
             !isxdigit((unsigned char)p[1]) || isxdigit((unsigned char)p[2]) )
            return p - line + 1;
        b = strtoul(p, &e, 16);
        dev->cfg[off + i] = b;
        p = e;
    }
    while ( isspace((unsigned char)*p) )
        p++;
    if ( *p )
        return p - line + 1;
    dev->len += 16;

    return 0;
}

static int parse_line(struct host_set *hs, struct host_dev **cur,
                      const char *line, const struct src_pos *pos)
{
    const char *end;
    uint32_t sbdf;
    unsigned int col;

    if ( line[0] == '#' )
        return 0;
    if ( line[strspn(line, " \t\r\n")] == '\0' )
    {
        *cur = NULL;
        return 0;
    }
    if ( parse_bdf(line, &sbdf, &end) && *end == ' ' )
    {
        if ( host_find(hs, sbdf) )
        {
            err_at(pos, 1, "device %04x:%02x:%02x.%u given twice",
                   XECAM_SBDF_SEG(sbdf), XECAM_SBDF_BUS(sbdf),
                   XECAM_SBDF_DEV(sbdf), XECAM_SBDF_FN(sbdf));
            return -1;
        }
        *cur = host_new(hs, sbdf, end + 1);
        return *cur ? 0 : -1;
    }
    if ( !*cur )
    {
        err_at(pos, 1, "expected a device line \"[DDDD:]bb:dd.f ...\"");
        return -1;
    }
    col = data_line(*cur, line);
    if ( col )
        err_at(pos, col, "bad config-space dump line (want \"%03x: \" and "
               "16 hex bytes)", (*cur)->len);

    return col ? -1 : 0;
}

int lspci_load(const char *path, struct host_set *hs)
{
    struct src_pos pos = { .file = path };
    struct host_dev *cur = NULL;
    char line[512];
    FILE *f = fopen(path, "r");
    int rc = 0;

    if ( !f )
    {
        perror(path);
        return -1;
    }
    while ( !rc && fgets(line, sizeof(line), f) )
    {
        pos.line++;
        rc = parse_line(hs, &cur, line, &pos);
    }
    fclose(f);

    return rc;
}

const struct host_dev *host_find(const struct host_set *hs, uint32_t sbdf)
{
    unsigned int i;

    for ( i = 0; i < hs->nr; i++ )
        if ( hs->dev[i].sbdf == sbdf )
            return &hs->dev[i];

    return NULL;
}

void host_free(struct host_set *hs)
{
    free(hs->dev);
    hs->dev = NULL;
    hs->nr = 0;
}
