/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pt-hotplug, from inside the guest: dom0 placed an empty Root Port at
 * PT_HP_PORT_BDF; the guest sets its slot up as pciehp would (the port's
 * MSI, the slot's interrupts, power off), dom0 hot-adds a second edu
 * behind it, and the guest sees Presence Detect Changed arrive at the
 * port's vector, powers the slot on, finds the link up and edu at device
 * 0 of the secondary bus, maps its BAR and reads it.  Then dom0 presses
 * the attention button; the guest takes edu down and powers the slot off;
 * dom0 releases the function and the slot empties.
 */
#include "run.h"
#include "../mbox.h"

#define SLTCTL          0x58
#define SLTSTA          0x5a
#define LNKSTA          0x52
#define PORT_MSI        0x80

#define ABPE            0x0001U
#define PDCE            0x0008U
#define HPIE            0x0020U
#define PCC             0x0400U
#define DLLSCE          0x1000U
#define IND_OFF         0x03c0U
#define PWR_IND_ON      0x0100U
#define ATTN_IND_OFF    0x00c0U

#define ABP             0x0001U
#define PDC             0x0008U
#define CC              0x0010U
#define PDS             0x0040U
#define DLLSC           0x0100U
#define DLLLA           0x2000U

#define VEC_SLOT        0x43
#define HP_BAR_GPA      0xc0400000UL    /* where the guest puts its BAR0 */
#define WAIT_MS         2000

static unsigned int sltsta(const struct run *r)
{
    return ecam_read(r, PT_HP_PORT_BDF, SLTSTA, 2);
}

/* Wait for the port's next interrupt ('n' so far); its status after. */
static bool slot_irq(struct run *r, uint32_t n, const char *what)
{
    long us = irq_wait(VEC_SLOT, n, WAIT_MS);

    expect(r, us >= 0, "%s: no interrupt at %#x (Slot Status %#lx)", what,
           VEC_SLOT, (unsigned long)sltsta(r));
    if ( us >= 0 )
        print("e2e: %s.pt-hotplug: %s after %ld us\n", r->kname, what, us);

    return us >= 0;
}

/* The guest's pciehp set-up: the port's MSI, the slot's events, off. */
static void slot_setup(struct run *r)
{
    unsigned int ctl = HPIE | PDCE | ABPE | DLLSCE;

    ecam_write(r, PT_HP_PORT_BDF, PORT_MSI + 4, 4, 0xfee00000U);
    ecam_write(r, PT_HP_PORT_BDF, PORT_MSI + 8, 4, 0);
    ecam_write(r, PT_HP_PORT_BDF, PORT_MSI + 12, 2, VEC_SLOT);
    ecam_write(r, PT_HP_PORT_BDF, PORT_MSI + 2, 2, 1);
    ecam_write(r, PT_HP_PORT_BDF, SLTCTL, 2, ctl | IND_OFF | PCC);
    ecam_write(r, PT_HP_PORT_BDF, SLTSTA, 2, CC);
}

/* The function behind the slot, powered: edu, and its BAR reads. */
static void use_function(struct run *r)
{
    uint32_t id = ecam_read(r, PT_HP_BDF, 0, 4);

    expect(r, id == 0x11e81234U, "behind the slot: IDs %#lx, not edu's",
           (unsigned long)id);
    ecam_write(r, PT_HP_BDF, 0x10, 4, HP_BAR_GPA);
    ecam_write(r, PT_HP_BDF, 0x04, 2, CMD_MEM);
    id = mmio_read(HP_BAR_GPA, 4);
    expect(r, id == 0x010000edU, "its BAR0 reads %#lx at 0, not edu's ID",
           (unsigned long)id);
    ecam_write(r, PT_HP_BDF, 0x04, 2, 0);
}

void check_pt_hotplug(struct run *r)
{
    unsigned int ctl = HPIE | PDCE | ABPE | DLLSCE;
    uint32_t n = irq_seen(VEC_SLOT), seen = n, total = irq_total();

    expect(r, ecam_read(r, PT_HP_PORT_BDF, 0x0a, 2) == 0x0604 &&
           !(sltsta(r) & PDS), "no empty Root Port at 00:07.0 (%#lx)",
           (unsigned long)sltsta(r));
    slot_setup(r);
    if ( !handshake(r, MBOX_STEP_HP_ADD) )
        expect(r, false, "dom0 never hot-added the function");
    else if ( slot_irq(r, ++n, "presence") )
    {
        expect(r, (sltsta(r) & (PDS | PDC)) == (PDS | PDC),
               "after the add, Slot Status %#lx", (unsigned long)sltsta(r));
        expect(r, ecam_read(r, PT_HP_BDF, 0, 4) == 0xffffffffU,
               "the function answers before the slot is powered");
        ecam_write(r, PT_HP_PORT_BDF, SLTSTA, 2, PDC);
        /* Power on: Command Completed, the link up, the function. */
        ecam_write(r, PT_HP_PORT_BDF, SLTCTL, 2, ctl | ATTN_IND_OFF |
                                                 PWR_IND_ON);
        if ( slot_irq(r, ++n, "link up") )
        {
            expect(r, ecam_read(r, PT_HP_PORT_BDF, LNKSTA, 2) & DLLLA,
                   "powered, but the link is down");
            ecam_write(r, PT_HP_PORT_BDF, SLTSTA, 2, CC | DLLSC);
            use_function(r);
        }
    }
    if ( !r->why[0] && handshake(r, MBOX_STEP_HP_BUTTON) &&
         slot_irq(r, ++n, "attention button") )
    {
        expect(r, sltsta(r) & ABP, "no Attention Button Pressed: %#lx",
               (unsigned long)sltsta(r));
        ecam_write(r, PT_HP_PORT_BDF, SLTSTA, 2, ABP);
        /* Taken down: powered off, the link down, nothing answers. */
        ecam_write(r, PT_HP_PORT_BDF, SLTCTL, 2, ctl | IND_OFF | PCC);
        slot_irq(r, ++n, "link down");
        ecam_write(r, PT_HP_PORT_BDF, SLTSTA, 2, CC | DLLSC);
        expect(r, ecam_read(r, PT_HP_BDF, 0, 4) == 0xffffffffU,
               "the function answers with the slot powered off");
        if ( handshake(r, MBOX_STEP_HP_REMOVE) &&
             slot_irq(r, ++n, "removal") )
            expect(r, (sltsta(r) & (PDS | PDC)) == PDC,
                   "after the removal, Slot Status %#lx",
                   (unsigned long)sltsta(r));
        ecam_write(r, PT_HP_PORT_BDF, SLTSTA, 2, PDC);
    }
    irq_settle(20);
    expect(r, irq_total() - total == irq_seen(VEC_SLOT) - seen,
           "%lu interrupts at other vectors",
           (unsigned long)(irq_total() - total -
                           (irq_seen(VEC_SLOT) - seen)));
    expect(r, irq_seen(VEC_SLOT) == n, "%lu port interrupts, not %lu",
           (unsigned long)irq_seen(VEC_SLOT), (unsigned long)n);
    report(r, "pt-hotplug");
}
