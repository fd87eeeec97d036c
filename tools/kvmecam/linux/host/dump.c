/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam linux: the report of our initcall (linux/xecam_dump.c), parsed
 * from the console line by line.  Other kernel messages pass by; a hex
 * line belongs to the function announced last and must come in order.
 */
#include <stdio.h>
#include <string.h>

#include "linux.h"

#define TAG "xecam-dump: "

static struct lx_fn *current_fn(struct lx_dump *d)
{
    return d->nr ? &d->fn[d->nr - 1] : NULL;
}

static bool hex_line(struct lx_dump *d, const char *l)
{
    struct lx_fn *f = current_fn(d);
    unsigned int off, i, b;
    int n;

    if ( sscanf(l, "%x:%n", &off, &n) != 1 || n < 3 || n > 4 )
        return false;
    if ( !f || d->ended || off != f->lines * 16 || off >= f->cfg_size )
    {
        d->bad++;
        return true;
    }
    for ( i = 0, l += n; i < 16; i++, l += 3 )
    {
        if ( sscanf(l, " %2x", &b) != 1 )
        {
            d->bad++;
            return true;
        }
        f->cfg[off + i] = b;
    }
    f->lines++;

    return true;
}

static void new_fn(struct lx_dump *d, const char *l)
{
    unsigned int seg, bus, dev, fn, size;
    struct lx_fn *f;

    if ( sscanf(l, "%x:%x:%x.%u cfg_size %u", &seg, &bus, &dev, &fn,
                &size) != 5 || d->nr == LX_MAX_FNS || size > LX_CFG_SIZE ||
         size % 16 )
    {
        d->bad++;
        return;
    }
    f = &d->fn[d->nr++];
    memset(f, 0, sizeof(*f));
    f->sbdf = (seg << 16) | (bus << 8) | (dev << 3) | fn;
    f->cfg_size = size;
    f->pcie_type = -1;
    strcpy(f->caps, "?");
    strcpy(f->ecaps, "?");
}

static void chain(struct lx_dump *d, bool ext, const char *l)
{
    struct lx_fn *f = current_fn(d);

    if ( !f )
        d->bad++;
    else if ( ext )
        snprintf(f->ecaps, sizeof(f->ecaps), "%s", l);
    else
        snprintf(f->caps, sizeof(f->caps), "%s", l);
}

static void linux_line(struct lx_dump *d, const char *l)
{
    struct lx_fn *f = current_fn(d);

    if ( !f || sscanf(l, "pcie %x type %d sriov %x acs %x l1ss %x physfn %d",
                      &f->pcie_cap, &f->pcie_type, &f->sriov, &f->acs,
                      &f->l1ss, &f->physfn) != 6 )
        d->bad++;
}

bool lx_dump_line(struct lx_dump *d, const char *line)
{
    const char *l;

    if ( d->ended )                 /* the boot's report is complete */
        return true;
    if ( strncmp(line, TAG, strlen(TAG)) )
    {
        if ( d->begun )
            hex_line(d, line);
        return d->ended;
    }
    l = line + strlen(TAG);
    if ( !strcmp(l, "begin") )
        d->begun = true;
    else if ( !strncmp(l, "caps ", 5) )
        chain(d, false, l + 5);
    else if ( !strncmp(l, "ecaps ", 6) )
        chain(d, true, l + 6);
    else if ( !strncmp(l, "linux ", 6) )
        linux_line(d, l + 6);
    else if ( sscanf(l, "end %u devices", &d->reported) == 1 )
        d->ended = true;
    else
        new_fn(d, l);

    return d->ended;
}

const struct lx_fn *lx_dump_find(const struct lx_dump *d, uint32_t sbdf)
{
    unsigned int i;

    for ( i = 0; i < d->nr; i++ )
        if ( d->fn[i].sbdf == sbdf )
            return &d->fn[i];

    return NULL;
}
