/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ecamctl: a device model for ioreq servers, as QEMU would be one.  It
 * answers IOREQ_TYPE_PCI_CONFIG requests from config spaces it emulates
 * (copies of host dumps) and records every request for the report.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "replay.h"

static struct emu_dev *emu_find(struct dm_ctx *c, uint32_t sbdf)
{
    unsigned int i;

    for ( i = 0; i < c->nr_emu; i++ )
        if ( c->emu[i].sbdf == sbdf )
            return &c->emu[i];

    return NULL;
}

/*
 * A hostile answer to a request already answered well: nothing at all,
 * late, or with one field of the slot wrong.
 */
static enum xecam_dm_answer misbehave(struct dm_ctx *c, ioreq_t *req)
{
    enum dm_mode mode;
    uint64_t arg;

    pthread_mutex_lock(&c->lock);
    mode = c->left ? c->mode : DM_WELL;
    arg = c->arg;
    if ( mode != DM_WELL && c->left != ~0UL )
        c->left--;
    pthread_mutex_unlock(&c->lock);

    switch ( mode )
    {
    case DM_SILENT:
        return XECAM_DM_SILENT;
    case DM_LATE:
        usleep(arg * 1000);
        break;
    case DM_STATE:
        req->state = arg;
        return XECAM_DM_RAW;
    case DM_ADDR:
        req->addr = arg;
        break;
    case DM_SIZE:
        req->size = arg;
        break;
    case DM_COUNT:
        req->count = arg;
        break;
    case DM_TYPE:
        req->type = arg;
        break;
    case DM_DIR:
        req->dir = arg;
        break;
    case DM_DATA_IS_PTR:
        req->data_is_ptr = 1;
        break;
    case DM_WELL:
        break;
    }

    return XECAM_DM_ANSWER;
}

void dm_ctx_misbehave(struct dm_ctx *c, enum dm_mode mode, uint64_t arg,
                      unsigned long count)
{
    pthread_mutex_lock(&c->lock);
    c->mode = mode;
    c->arg = arg;
    c->left = count;
    pthread_mutex_unlock(&c->lock);
}

static enum xecam_dm_answer dm_handle(void *opaque, ioreq_t *req)
{
    struct dm_ctx *c = opaque;
    uint32_t sbdf = req->addr >> 32;
    unsigned int reg = req->addr & 0xfff, i;
    struct emu_dev *e;

    pthread_mutex_lock(&c->lock);
    e = emu_find(c, sbdf);
    if ( req->dir == IOREQ_READ )
        req->data = e ? 0 : xecam_ones(req->size);
    for ( i = 0; e && i < req->size && reg + i < XECAM_CFG_SIZE; i++ )
    {
        if ( req->dir == IOREQ_READ )
            req->data |= (uint64_t)e->cfg[reg + i] << (8 * i);
        else
            e->cfg[reg + i] = req->data >> (8 * i);
    }
    if ( c->nr_log < DM_LOG_MAX )
        c->log[c->nr_log++] = *req;
    pthread_mutex_unlock(&c->lock);

    return misbehave(c, req);
}

int dm_ctx_start(struct dm_ctx *c, domid_t domid, unsigned int id)
{
    memset(c, 0, sizeof(*c));
    c->id = id;
    pthread_mutex_init(&c->lock, NULL);

    return xecam_user_dm_start(domid, id, dm_handle, c, &c->dm);
}

void dm_ctx_stop(struct dm_ctx *c)
{
    xecam_user_dm_stop(c->dm);
    pthread_mutex_destroy(&c->lock);
    free(c->emu);
    memset(c, 0, sizeof(*c));
}

int dm_ctx_emulate(struct dm_ctx *c, uint32_t sbdf, const uint8_t *cfg)
{
    struct emu_dev *n;

    pthread_mutex_lock(&c->lock);
    n = emu_find(c, sbdf) ? NULL
                          : realloc(c->emu, (c->nr_emu + 1) * sizeof(*n));
    if ( n )
    {
        c->emu = n;
        n = &c->emu[c->nr_emu++];
        n->sbdf = sbdf;
        memcpy(n->cfg, cfg, sizeof(n->cfg));
    }
    pthread_mutex_unlock(&c->lock);

    return n ? 0 : -EEXIST;
}

unsigned int dm_ctx_take_log(struct dm_ctx *c, ioreq_t *out, unsigned int max)
{
    unsigned int n;

    pthread_mutex_lock(&c->lock);
    n = c->nr_log < max ? c->nr_log : max;
    memcpy(out, c->log, n * sizeof(*out));
    c->nr_log = 0;
    pthread_mutex_unlock(&c->lock);

    return n;
}
