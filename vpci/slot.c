/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hot-plug slot of an emulated Root Port (PCI Express Base 3.0, 6.7,
 * 7.8.9-7.8.11; docs/hotplug.md).
 *
 * The slot has a power controller, an attention button, attention and
 * power indicators, and Data Link Layer Link Active reporting; no MRL, no
 * electromechanical interlock, not surprise-capable: removal is orderly
 * (the button, then the guest powers the slot off) unless the toolstack
 * forces it.
 *
 * - Presence Detect State: a function is attached.  Link Active: present
 *   and powered (Slot Control's Power Controller Control clear).  A
 *   function behind a powered-off slot reads all-ones and takes no writes,
 *   and is reset as a device losing power is.
 * - Every write to Slot Control is a command, completed at once: Command
 *   Completed is set (the spec's No Command Completed Support is 0).
 * - Attention Button Pressed, Presence Detect Changed, Command Completed
 *   and Data Link Layer State Changed are RW1C events; the port's MSI
 *   fires when Hot-Plug Interrupt Enable and an event's enable make the
 *   OR of them go from false to true, as the spec's edge rule says.
 *
 * The guest's writes never attach or release a function: attaching is the
 * toolstack's (xecam_hotplug_add), releasing too, after the guest powered
 * the slot off or when it forces a surprise removal (hvm/hotplug.c).
 */
#include "private.h"

#define SLTCTL              0x58
#define SLTSTA              0x5a
#define LNKSTA              0x52
#define MSI_CAP             0x80

#define SLTCTL_ABPE         0x0001U
#define SLTCTL_PDCE         0x0008U
#define SLTCTL_CCIE         0x0010U
#define SLTCTL_HPIE         0x0020U
#define SLTCTL_PCC          0x0400U     /* 1: power off */
#define SLTCTL_DLLSCE       0x1000U
#define SLTCTL_IND_OFF      0x03c0U     /* both indicators off */
#define SLTCTL_PWR_IND_ON   0x0100U

#define SLTSTA_ABP          0x0001U
#define SLTSTA_PDC          0x0008U
#define SLTSTA_CC           0x0010U
#define SLTSTA_PDS          0x0040U
#define SLTSTA_DLLSC        0x0100U
#define SLTSTA_EVENTS       (SLTSTA_ABP | SLTSTA_PDC | SLTSTA_CC | \
                             SLTSTA_DLLSC)

#define LNKSTA_DLLLA        0x2000U

static uint32_t reg(struct xecam_vpci *port, unsigned int off)
{
    return xecam_vpci_find_reg(port, off)->val;
}

static void set_reg(struct xecam_vpci *port, unsigned int off, uint32_t v)
{
    xecam_vpci_find_reg(port, off)->val = v;
}

/* The events the guest asked to be interrupted for, and has pending. */
static uint32_t enabled_events(struct xecam_vpci *port)
{
    uint32_t c = reg(port, SLTCTL), s = reg(port, SLTSTA);

    if ( !(c & SLTCTL_HPIE) )
        return 0;

    return s & ((c & SLTCTL_ABPE ? SLTSTA_ABP : 0) |
                (c & SLTCTL_PDCE ? SLTSTA_PDC : 0) |
                (c & SLTCTL_CCIE ? SLTSTA_CC : 0) |
                (c & SLTCTL_DLLSCE ? SLTSTA_DLLSC : 0));
}

/* The OR of the enabled events (7.8.10), gated by HPIE. */
static bool irq_condition(struct xecam_vpci *port)
{
    return enabled_events(port);
}

/*
 * Only a message to the local APICs with a vector is sent: anything else
 * (an address never programmed, vectors 0-15) means nothing to a CPU, and
 * Xen reads vector 0 as a pirq.
 */
static bool msg_ok(uint64_t addr, uint32_t data)
{
    return (addr & ~0xfffffULL) == 0xfee00000ULL && (data & 0xff) >= 0x10;
}

/*
 * Under the port's lock: fire the port's MSI on a false-to-true edge of
 * the condition, if the guest enabled it (its delivery is host work).
 */
static void irq_update(struct xecam_vpci *port)
{
    bool now = irq_condition(port);
    uint32_t c = reg(port, MSI_CAP + 2);
    struct xecam_vpci_hostop op = {
        .kind = HOSTOP_INJECT,
        .addr = ((uint64_t)reg(port, MSI_CAP + 8) << 32) |
                reg(port, MSI_CAP + 4),
        .data = reg(port, MSI_CAP + 12),
    };

    if ( now && !port->slot_irq && (c & 1) &&
         (!msg_ok(op.addr, op.data) || !xecam_vpci_hostop_queue(port, &op)) )
        xecam_count(port->irq_errors);
    port->slot_irq = now;
}

static void event(struct xecam_vpci *port, uint32_t bits)
{
    set_reg(port, SLTSTA, reg(port, SLTSTA) | bits);
}

static bool powered(struct xecam_vpci *port)
{
    return !(reg(port, SLTCTL) & SLTCTL_PCC);
}

/*
 * Under the port's lock: Link Active follows presence and power; a change
 * is a Data Link Layer State Changed event, and the function behind a
 * powered-off slot goes dark (its reset is host work: HOSTOP_SLOT_POWER).
 */
static void link_update(struct xecam_vpci *port)
{
    bool up = port->child && powered(port);
    bool was = reg(port, LNKSTA) & LNKSTA_DLLLA;

    if ( up == was )
        return;
    set_reg(port, LNKSTA, up ? reg(port, LNKSTA) | LNKSTA_DLLLA
                             : reg(port, LNKSTA) & ~LNKSTA_DLLLA);
    event(port, SLTSTA_DLLSC);
    if ( port->child )
    {
        const struct xecam_vpci_hostop op = { .kind = HOSTOP_SLOT_POWER,
                                              .on = up };

        xecam_write_once(port->child->head.off, !up);
        if ( !up && !xecam_vpci_hostop_queue(port, &op) )
            xecam_count(port->irq_errors);
    }
}

/* Slot Control: every write a command, completed now. */
static void xecam_cf_check sltctl_write(struct xecam_vpci *port,
                                        struct xecam_vpci_reg *r,
                                        uint32_t old, uint32_t bytes)
{
    event(port, SLTSTA_CC);
    link_update(port);
    irq_update(port);
}

/* Slot Status: the guest acknowledged events (RW1C, done by the map). */
static void xecam_cf_check sltsta_write(struct xecam_vpci *port,
                                        struct xecam_vpci_reg *r,
                                        uint32_t old, uint32_t bytes)
{
    irq_update(port);
}

/* The port's MSI Control: enabling it with an event pending fires it. */
static void xecam_cf_check msi_ctrl_write(struct xecam_vpci *port,
                                          struct xecam_vpci_reg *r,
                                          uint32_t old, uint32_t bytes)
{
    if ( !(old & 1) && (r->val & 1) )
        port->slot_irq = false;
    irq_update(port);
}

static const struct xecam_vpci_regdesc slot_regs[] = {
    { .off = SLTCTL, .size = 2, .emu = ALL,
      .reset = SLTCTL_IND_OFF | SLTCTL_PCC, .ro = 0xe000,
      .hooks.write = sltctl_write, .name = "Slot Control" },
    { .off = SLTSTA, .size = 2, .emu = ALL, .ro = ~SLTSTA_EVENTS,
      .rw1c = SLTSTA_EVENTS, .hooks.write = sltsta_write,
      .name = "Slot Status" },
    /* The port's interrupt: MSI, 64-bit, one vector. */
    { .off = MSI_CAP, .size = 2, .emu = ALL, .reset = 0x0005, .ro = ALL,
      .name = "MSI Capability header" },
    { .off = MSI_CAP + 2, .size = 2, .emu = ALL, .reset = 0x0080,
      .ro = ~0x0001U, .hooks.write = msi_ctrl_write,
      .name = "Message Control" },
    { .off = MSI_CAP + 4, .size = 4, .emu = ALL, .ro = 0x3,
      .name = "Message Address" },
    { .off = MSI_CAP + 8, .size = 4, .emu = ALL,
      .name = "Message Upper Address" },
    { .off = MSI_CAP + 12, .size = 2, .emu = ALL, .name = "Message Data" },
};

int xecam_slot_init(struct xecam_vpci *port)
{
    /* The slot's interrupt and power go to the host as requests. */
    return xecam_vpci_add_table(port, 0, slot_regs, 0) ?:
           xecam_vpci_hostops_init(port);
}

/*
 * Under the port's lock.  A function present from the start (cold-plug:
 * the toolstack assigned it with its port): powered, link up, indicator
 * on, no event.  Hot-added: present, a Presence Detect Changed event; the
 * link comes up when the guest powers the slot.  (Linux's pciehp takes no
 * presence interrupt on a slot with a button: it powers the slot on when
 * the toolstack then presses it, docs/hotplug.md.)
 */
void xecam_slot_attach(struct xecam_vpci *port, struct xecam_vpci *fn,
                       bool hot)
{
    xecam_vpci_get(fn);
    port->child = fn;
    set_reg(port, SLTSTA, reg(port, SLTSTA) | SLTSTA_PDS);
    if ( !hot )
    {
        set_reg(port, SLTCTL, (reg(port, SLTCTL) & ~(SLTCTL_PCC | 0x300U)) |
                              SLTCTL_PWR_IND_ON);
        set_reg(port, LNKSTA, reg(port, LNKSTA) | LNKSTA_DLLLA);
        return;
    }
    xecam_write_once(fn->head.off, !powered(port));
    event(port, SLTSTA_PDC);
    link_update(port);
    irq_update(port);
}

/* Under the port's lock: the function is gone (released, or surprise). */
struct xecam_vpci *xecam_slot_detach(struct xecam_vpci *port)
{
    struct xecam_vpci *fn = port->child;

    if ( !fn )
        return NULL;
    port->child = NULL;
    set_reg(port, SLTSTA, reg(port, SLTSTA) & ~SLTSTA_PDS);
    event(port, SLTSTA_PDC);
    link_update(port);
    irq_update(port);

    return fn;                  /* the caller puts the port's reference */
}

/* Under the port's lock: the attention button, pressed by the toolstack. */
int xecam_slot_button(struct xecam_vpci *port)
{
    if ( !port->child )
        return -ENOENT;
    if ( reg(port, SLTSTA) & SLTSTA_ABP )
        return -EAGAIN;         /* the last press is not acknowledged */
    event(port, SLTSTA_ABP);
    irq_update(port);

    return 0;
}

/*
 * May a function be hot-added?  -EBUSY occupied, -EAGAIN an event the
 * guest asked to be told of is not acknowledged (one it disabled, such as
 * pciehp's Presence Detect Changed on a slot with a button, is not waited
 * for: it would never be).
 */
int xecam_slot_may_add(struct xecam_vpci *port)
{
    if ( port->child )
        return -EBUSY;

    return enabled_events(port) ? -EAGAIN : 0;
}

/* Has the guest let the function go (powered the slot off)? */
bool xecam_slot_released(struct xecam_vpci *port)
{
    return !powered(port);
}

/*
 * Host work for a powered-off slot, no lock held: the function behind it
 * loses its state, as a device losing power does.
 */
void xecam_slot_power_off(struct xecam_vpci *port)
{
    struct xecam_vpci *fn;

    xecam_vpci_lock(port);
    fn = port->child;
    if ( fn )
        xecam_vpci_get(fn);
    xecam_vpci_unlock(port);
    if ( !fn )
        return;
    xecam_vpci_lock(fn);
    if ( xecam_read_once(fn->head.off) )
        xecam_vpci_reset_state(fn);
    xecam_vpci_unlock(fn);
    while ( xecam_vpci_work(fn, false) )
        xecam_cpu_relax();
    xecam_vpci_put(fn);
}

void xecam_vpci_slot_lock(struct xecam_vpci *port)
{
    xecam_vpci_lock(port);
}

void xecam_vpci_slot_unlock(struct xecam_vpci *port)
{
    xecam_vpci_unlock(port);
    if ( xecam_vpci_has_work(port) )
        while ( xecam_vpci_work(port, false) )
            xecam_cpu_relax();      /* the event's MSI, a reset: no lock */
}

bool xecam_vpci_is_port(const struct xecam_vpci *dev)
{
    return dev->emulated;
}

struct xecam_vpci *xecam_vpci_slot_child(struct xecam_vpci *port)
{
    return port->child;
}

uint8_t xecam_vpci_port_bus(const struct xecam_vpci *port)
{
    return port->secondary;
}
