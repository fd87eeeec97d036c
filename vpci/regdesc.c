/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Registers from their table rows (struct xecam_vpci_regdesc).  A row is
 * copied into the register it makes, which keeps a pointer to it for
 * names: the dispatcher reads the register alone.
 */
#include "private.h"

void xecam_vpci_reg_from(struct xecam_vpci_reg *r, unsigned int base,
                         const struct xecam_vpci_regdesc *d)
{
    uint32_t all = xecam_ones(d->size);

    xecam_memset(r, 0, sizeof(*r));
    r->offset = base + d->off;
    r->size = d->size;
    r->emu = d->emu & all;
    r->reset = d->reset & r->emu;
    r->ro = d->ro & all;
    r->rw1c = d->rw1c & all;
    r->rsvdp = d->rsvdp & all;
    r->hooks = d->hooks.read || d->hooks.write || d->hooks.mirror ? &d->hooks
                                                                   : NULL;
    r->desc = d;
}

/* -EIO: a 'keep' row whose device value cannot be read. */
int xecam_vpci_add_row(struct xecam_vpci *dev, unsigned int base,
                       const struct xecam_vpci_regdesc *d)
{
    struct xecam_vpci_reg r;
    uint32_t keep, hw;

    xecam_vpci_reg_from(&r, base, d);
    keep = d->keep & r.emu;
    if ( keep )
    {
        if ( !xecam_vpci_hw_read_ok(dev, r.offset, r.size, &hw) )
            return -EIO;
        r.reset = (r.reset & ~keep) | (hw & keep);
    }

    return xecam_vpci_add_reg(dev, &r);
}

int xecam_vpci_add_rows(struct xecam_vpci *dev, unsigned int base,
                        const struct xecam_vpci_regdesc *t, unsigned int n,
                        unsigned int layout)
{
    unsigned int i;
    int rc = 0;

    for ( i = 0; !rc && i < n; i++ )
        if ( (t[i].need & layout) == t[i].need )
            rc = xecam_vpci_add_row(dev, base, &t[i]);

    return rc;
}

void xecam_vpci_set_reset(struct xecam_vpci *dev, unsigned int off,
                          uint32_t v)
{
    struct xecam_vpci_reg *r = xecam_vpci_find_reg(dev, off);

    r->reset = v & r->emu;
    r->val = r->reset;
}
