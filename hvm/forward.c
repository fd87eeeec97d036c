/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * IOREQ_TYPE_PCI_CONFIG requests to ioreq servers, built as Xen's public
 * ioreq_t: addr = (sbdf << 32) | register, with the full 12-bit register.
 * No lock is held while the request is out.
 *
 * A server's response is hostile input.  Only its data is used, masked to
 * the access size.  A server that breaks the protocol (no answer in time, a
 * state the protocol does not allow, a response for another request) is
 * marked broken: its functions read all-ones and drop writes, without being
 * asked again, until it is destroyed.  That is logged once per server (and
 * rate-limited).  Any other failure to send (no device model connected, say)
 * fails just that access.
 */
#include "private.h"

static bool response_matches(const ioreq_t *req, const ioreq_t *rsp)
{
    return rsp->state == STATE_IORESP_READY && rsp->addr == req->addr &&
           rsp->size == req->size && rsp->dir == req->dir &&
           rsp->type == req->type && rsp->count == req->count &&
           !rsp->data_is_ptr;
}

/* Mark the server broken if it is still the one the request went to. */
static void server_broke(struct xecam_domain *d, const struct xecam_fwd *fwd,
                         int rc)
{
    struct xecam_ioreq_server *s;
    bool first = false;

    xecam_port_read_lock(d->lock);
    s = xecam_ioreq_server(d, fwd);
    if ( s )
        first = !xecam_xchg(s->broken, true);
    xecam_port_read_unlock(d->lock);
    if ( first )
        xecam_port_log(XECAM_LOG_WARN | XECAM_LOG_GUEST,
                       "d%u: ioreq server %u broke the ioreq protocol (%d): "
                       "its PCI functions now read all-ones\n", d->id,
                       fwd->id, rc);
}

void xecam_ioreq_forward(struct xecam_domain *d, const struct xecam_fwd *fwd,
                         unsigned int vcpu, uint32_t sbdf, unsigned int reg,
                         unsigned int size, bool write, uint32_t *val)
{
    ioreq_t req = {
        .addr = ((uint64_t)sbdf << 32) | reg,
        .data = write ? *val & xecam_ones(size) : xecam_ones(size),
        .count = 1,
        .size = size,
        .state = STATE_IOREQ_READY,
        .dir = write ? IOREQ_WRITE : IOREQ_READ,
        .type = IOREQ_TYPE_PCI_CONFIG,
    };
    ioreq_t rsp = req;
    int rc;

    if ( !write )
        *val = xecam_ones(size);
    rc = xecam_port_ioreq_send(d, fwd->id, vcpu, &rsp);
    if ( !rc && !response_matches(&req, &rsp) )
        rc = -EIO;
    if ( rc )
        xecam_count(d->stats.ioreq_failed);
    if ( rc == -EIO || rc == -ETIMEDOUT )
        server_broke(d, fwd, rc);
    else if ( !rc && !write )
        *val = (uint32_t)rsp.data & xecam_ones(size);
}
