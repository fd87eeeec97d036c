/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Power Management capability.
 *
 * - PMC: the device's, with PME support (bits 15:11) hidden: no PME can
 *   reach the guest; D1/D2 support hidden too, as only D0/D3hot are done.
 * - PMCSR: the power state is the guest's to ask for, D0 or D3hot only;
 *   a change goes through the host (xecam_port_power_state) and is
 *   refused if the host refuses.  PME_En and PME_Status read 0 and are never
 *   written.  D3hot -> D0 without No_Soft_Reset resets the function, so the
 *   emulated state returns to reset, as the device's did.
 */
#include "private.h"

#define PMC_PME_MASK    0xf800U
#define PMC_D1_D2       0x0600U     /* not offered: only D0 and D3hot */
#define PMCSR_STATE     0x0003U
#define PMCSR_NSR       0x0008U
#define PM_D0           0
#define PM_D3HOT        3

static xecam_vpci_write_t pmcsr_write;

/*
 * The capability (PCI Bus Power Management 1.2, 3.2).  The guest starts in
 * D0 whatever state the host left the device in.
 */
static const struct xecam_vpci_regdesc pm_regs[] = {
    { .off = 0x02, .size = 2, .emu = ALL, .ro = ALL,
      .keep = ~(PMC_PME_MASK | PMC_D1_D2), .name = "PMC" },
    { .off = 0x04, .size = 2, .emu = ALL, .ro = ~PMCSR_STATE,
      .keep = PMCSR_NSR, .hooks.write = pmcsr_write, .name = "PMCSR" },
};

/*
 * The host's answer (hostop.c), under the device lock: refused, PMCSR goes
 * back; D3hot to D0 without No_Soft_Reset resets the function's state.
 */
static void xecam_cf_check power_done(struct xecam_vpci *dev,
                                      const struct xecam_vpci_hostop *op,
                                      int rc)
{
    struct xecam_vpci_reg *reg = xecam_vpci_find_reg(dev, dev->pm_off + 4);

    if ( rc )
    {
        reg->val = op->old;
        return;
    }
    if ( (op->old & PMCSR_STATE) == PM_D3HOT && op->count == PM_D0 &&
         !(op->data & PMCSR_NSR) )
    {
        xecam_vpci_reset_state(dev);
        reg->val = (reg->val & ~PMCSR_STATE) | PM_D0;
    }
}

static void xecam_cf_check pmcsr_write(struct xecam_vpci *dev,
                                       struct xecam_vpci_reg *reg,
                                       uint32_t old, uint32_t bytes)
{
    unsigned int from = old & PMCSR_STATE, to = reg->val & PMCSR_STATE;
    struct xecam_vpci_hostop op = {
        .kind = HOSTOP_POWER, .count = to, .old = old, .data = reg->val,
        .done = power_done,
    };

    if ( from == to )
        return;
    /* The change happens later, with no lock held. */
    if ( (to != PM_D0 && to != PM_D3HOT) ||
         !xecam_vpci_hostop_queue(dev, &op) )
        reg->val = old;
}

int xecam_cf_check xecam_cap_pm_init(struct xecam_vpci *dev,
                                     const struct xecam_cap *cap)
{
    unsigned int off = cap->offset;

    if ( off + 8 > XECAM_CFG_LEGACY )
        return -EINVAL;             /* runs past 0x100: the device lies */
    dev->pm_off = off;

    return xecam_vpci_add_table(dev, off, pm_regs, 0);
}
