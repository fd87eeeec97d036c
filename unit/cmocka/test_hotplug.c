/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hot-plug through an emulated Root Port's slot: the PCI Express hot-plug
 * model's register sequences (presence, power, link, the RW1C events,
 * Command Completed, the port's MSI on an edge of the enabled events), the
 * toolstack's add, button and removal (orderly and surprise), what each
 * refuses, and hostile guest writes that must neither release nor keep a
 * function against the rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "helpers.h"
#include "guest.h"

#define BASE    0xe0000000ULL
#define PORT    XECAM_SBDF(0, 0, 0x1c, 0)
#define FN      XECAM_SBDF(0, 1, 0, 0)
#define HOST    XECAM_SBDF(0, 0x05, 0, 0)
#define ID      0x12348086U

#define SLTCTL  0x58
#define SLTSTA  0x5a
#define LNKSTA  0x52
#define MSI     0x80

#define ABPE    0x0001U
#define PDCE    0x0008U
#define CCIE    0x0010U
#define HPIE    0x0020U
#define PCC     0x0400U
#define DLLSCE  0x1000U
#define IND_OFF 0x03c0U
#define ENABLES (ABPE | PDCE | HPIE | DLLSCE)

#define ABP     0x0001U
#define PDC     0x0008U
#define CC      0x0010U
#define PDS     0x0040U
#define DLLSC   0x0100U
#define DLLLA   0x2000U

#define MSG     0xfee01000U
#define VEC     0x4044U

static struct xecam_domain *d;

static uint32_t rd(uint32_t sbdf, unsigned int reg, unsigned int size)
{
    return h_ecam_read(d, BASE, sbdf, reg, size);
}

static void wr(uint32_t sbdf, unsigned int reg, unsigned int size,
               uint32_t v)
{
    h_ecam_write(d, BASE, sbdf, reg, size, v);
}

static void host_fn(uint32_t sbdf)
{
    uint8_t cfg[XECAM_CFG_SIZE] = { 0x86, 0x80, 0x34, 0x12 };

    cfg[0x06] = 0x10;
    cfg[0x0b] = 0x02;
    cfg[0x34] = 0x40;
    cfg[0x40] = 0x10;                   /* PCIe v2 endpoint */
    cfg[0x42] = 0x02;
    cfg[0x10] = 0x00;                   /* BAR0: 64 KiB at 0xf0000000 */
    cfg[0x13] = 0xf0;
    assert_int_equal(xecam_user_pdev_add(sbdf, cfg, sizeof(cfg)), 0);
    assert_int_equal(xecam_user_pdev_bar(sbdf, 0, 0x10000), 0);
    assert_int_equal(xecam_user_pdev_owner(sbdf, GUEST), 0);
}

/* MSIs the port sent since the last call. */
static unsigned int irqs(void)
{
    struct xecam_user_event ev[64];
    unsigned int n = xecam_user_events(ev, 64), i, k = 0;

    for ( i = 0; i < n; i++ )
        if ( ev[i].kind == XECAM_EV_IRQ )
        {
            assert_int_equal(ev[i].addr, MSG);
            assert_int_equal(ev[i].data, VEC);
            k++;
        }
    xecam_user_events_clear();

    return k;
}

/* The guest's pciehp set-up: the port's MSI, the slot's interrupts. */
static void guest_enables(uint32_t ctl)
{
    wr(PORT, MSI + 4, 4, MSG);
    wr(PORT, MSI + 8, 4, 0);
    wr(PORT, MSI + 12, 2, VEC);
    wr(PORT, MSI + 2, 2, 1);
    wr(PORT, SLTCTL, 2, ctl);
    wr(PORT, SLTSTA, 2, CC);            /* that write's completion */
    irqs();
}

static int setup(void **state)
{
    d = h_host(0);
    assert_non_null(d);
    assert_int_equal(h_set(TOOLSTACK, h_space(GUEST, 0, 0, 255, BASE)), 0);
    host_fn(HOST);
    assert_int_equal(xecam_add_root_port(d, PORT, 1), 0);
    xecam_user_events_clear();

    return 0;
}

static int teardown(void **state)
{
    xecam_user_reset();

    return 0;
}

/* Hot-add: presence, the event, power on by the guest, link up. */
static void test_add_and_power_on(void **state)
{
    guest_enables(ENABLES | IND_OFF | PCC);
    assert_int_equal(xecam_hotplug_add(d, PORT, HOST, 0), 0);
    assert_int_equal(rd(PORT, SLTSTA, 2), PDS | PDC);
    assert_int_equal(irqs(), 1);
    /* Behind a powered-off slot, nothing answers. */
    assert_int_equal(rd(FN, 0x00, 4), 0xffffffffU);
    assert_int_equal(rd(PORT, LNKSTA, 2) & DLLLA, 0);
    /* The guest acknowledges, then powers the slot on. */
    wr(PORT, SLTSTA, 2, PDC);
    assert_int_equal(rd(PORT, SLTSTA, 2), PDS);
    assert_int_equal(irqs(), 0);
    wr(PORT, SLTCTL, 2, ENABLES | 0x00c0 | 0x0100);
    assert_int_equal(rd(PORT, SLTSTA, 2), PDS | CC | DLLSC);
    assert_int_equal(rd(PORT, LNKSTA, 2) & DLLLA, DLLLA);
    assert_int_equal(irqs(), 1);
    assert_int_equal(rd(FN, 0x00, 4), ID);
    /* Both acknowledged, one write: no interrupt, none pending. */
    wr(PORT, SLTSTA, 2, CC | DLLSC);
    assert_int_equal(rd(PORT, SLTSTA, 2), PDS);
    assert_int_equal(irqs(), 0);
}

/* Every Slot Control write completes; an interrupt only on the edge. */
static void test_command_completed(void **state)
{
    guest_enables(HPIE | CCIE | IND_OFF | PCC);
    wr(PORT, SLTCTL, 2, HPIE | CCIE | IND_OFF | PCC);
    assert_int_equal(rd(PORT, SLTSTA, 2) & CC, CC);
    assert_int_equal(irqs(), 1);
    /* Still set: a second command raises no second interrupt. */
    wr(PORT, SLTCTL, 2, HPIE | CCIE | IND_OFF | PCC);
    assert_int_equal(irqs(), 0);
    wr(PORT, SLTSTA, 2, CC);
    wr(PORT, SLTCTL, 2, HPIE | CCIE | IND_OFF | PCC);
    assert_int_equal(irqs(), 1);
    /* With HPIE clear, none at all; the bit is still set. */
    wr(PORT, SLTSTA, 2, CC);
    wr(PORT, SLTCTL, 2, CCIE | IND_OFF | PCC);
    assert_int_equal(rd(PORT, SLTSTA, 2) & CC, CC);
    assert_int_equal(irqs(), 0);
    /* The port's MSI disabled: the event waits for it. */
    wr(PORT, SLTSTA, 2, CC);
    wr(PORT, MSI + 2, 2, 0);
    wr(PORT, SLTCTL, 2, HPIE | CCIE | IND_OFF | PCC);
    assert_int_equal(irqs(), 0);
    wr(PORT, MSI + 2, 2, 1);
    assert_int_equal(irqs(), 1);
}

/* A message that is no interrupt (never programmed) is not sent. */
static void test_no_address(void **state)
{
    struct xecam_vpci *port = xecam_route_vpci(d, PORT);
    unsigned long errors = xecam_vpci_irq_errors(port);

    wr(PORT, MSI + 2, 2, 1);
    wr(PORT, SLTCTL, 2, HPIE | CCIE | IND_OFF | PCC);
    assert_int_equal(xecam_user_events_count(XECAM_EV_IRQ), 0);
    assert_int_equal(xecam_vpci_irq_errors(port), errors + 1);
}

/* Orderly removal: the button, the guest powers off, then release. */
static void test_orderly_removal(void **state)
{
    struct xecam_user_mapping m[4];

    guest_enables(ENABLES | IND_OFF | PCC);
    assert_int_equal(xecam_hotplug_add(d, PORT, HOST, 0), 0);
    wr(PORT, SLTSTA, 2, PDC);
    wr(PORT, SLTCTL, 2, ENABLES | 0x01c0);
    wr(PORT, SLTSTA, 2, CC | DLLSC);
    wr(FN, 0x10, 4, 0xc0000000U);
    wr(FN, 0x04, 2, 0x0002);
    assert_int_equal(xecam_user_mappings(GUEST, m, 4), 1);
    irqs();

    assert_int_equal(xecam_hotplug_remove(d, PORT, false), -EBUSY);
    assert_int_equal(xecam_hotplug_button(d, PORT), 0);
    assert_int_equal(rd(PORT, SLTSTA, 2) & ABP, ABP);
    assert_int_equal(irqs(), 1);
    assert_int_equal(xecam_hotplug_button(d, PORT), -EAGAIN);
    wr(PORT, SLTSTA, 2, ABP);
    /* Still powered: still the guest's. */
    assert_int_equal(xecam_hotplug_remove(d, PORT, false), -EBUSY);
    /* The guest powers off: link down, the function dark and reset. */
    wr(PORT, SLTCTL, 2, ENABLES | IND_OFF | PCC);
    assert_int_equal(rd(PORT, LNKSTA, 2) & DLLLA, 0);
    assert_int_equal(rd(PORT, SLTSTA, 2) & DLLSC, DLLSC);
    assert_int_equal(rd(FN, 0x00, 4), 0xffffffffU);
    assert_int_equal(xecam_user_mappings(GUEST, m, 4), 0);
    assert_non_null(xecam_route_vpci(d, FN));
    /* Now it is released: the slot empties, the guest is told. */
    wr(PORT, SLTSTA, 2, CC | DLLSC);
    irqs();
    assert_int_equal(xecam_hotplug_remove(d, PORT, false), 0);
    assert_null(xecam_route_vpci(d, FN));
    assert_int_equal(rd(PORT, SLTSTA, 2), PDC);
    assert_int_equal(irqs(), 1);
    /* And it can come back once the guest acknowledged. */
    assert_int_equal(xecam_hotplug_add(d, PORT, HOST, 0), -EAGAIN);
    wr(PORT, SLTSTA, 2, PDC);
    assert_int_equal(xecam_hotplug_add(d, PORT, HOST, 0), 0);
}

/* Surprise removal: whatever the guest does, the function goes now. */
static void test_surprise_removal(void **state)
{
    guest_enables(ENABLES | IND_OFF | PCC);
    assert_int_equal(xecam_hotplug_add(d, PORT, HOST, 0), 0);
    wr(PORT, SLTSTA, 2, PDC);
    wr(PORT, SLTCTL, 2, ENABLES | 0x01c0);
    wr(PORT, SLTSTA, 2, CC | DLLSC);
    irqs();
    assert_int_equal(xecam_hotplug_remove(d, PORT, true), 0);
    assert_null(xecam_route_vpci(d, FN));
    assert_int_equal(rd(PORT, SLTSTA, 2), PDC | DLLSC);
    assert_int_equal(rd(PORT, LNKSTA, 2) & DLLLA, 0);
    assert_int_equal(irqs(), 1);
    assert_int_equal(rd(FN, 0x00, 4), 0xffffffffU);
    assert_int_equal(xecam_hotplug_remove(d, PORT, true), -ENOENT);
}

/* What the toolstack's operations refuse. */
static void test_refusals(void **state)
{
    host_fn(XECAM_SBDF(0, 6, 0, 0));
    assert_int_equal(xecam_hotplug_button(d, PORT), -ENOENT);
    assert_int_equal(xecam_hotplug_remove(d, PORT, false), -ENOENT);
    assert_int_equal(xecam_hotplug_add(d, XECAM_SBDF(0, 0, 0x1d, 0), HOST,
                                       0), -ENODEV);
    /* Not the domain's. */
    assert_int_equal(xecam_user_pdev_owner(HOST, GUEST + 1), 0);
    assert_int_equal(xecam_hotplug_add(d, PORT, HOST, 0), -EPERM);
    assert_int_equal(xecam_user_pdev_owner(HOST, GUEST), 0);
    assert_int_equal(xecam_hotplug_add(d, PORT, XECAM_SBDF(0, 9, 0, 0), 0),
                     -ENODEV);
    /* Occupied; then the guest's unacknowledged event. */
    guest_enables(PDCE | HPIE | IND_OFF | PCC);
    assert_int_equal(xecam_hotplug_add(d, PORT, HOST, 0), 0);
    assert_int_equal(xecam_hotplug_add(d, PORT, XECAM_SBDF(0, 6, 0, 0), 0),
                     -EBUSY);
    assert_int_equal(xecam_hotplug_remove(d, PORT, true), 0);
    assert_int_equal(xecam_hotplug_add(d, PORT, XECAM_SBDF(0, 6, 0, 0), 0),
                     -EAGAIN);
    /* An endpoint is no port. */
    wr(PORT, SLTSTA, 2, 0xffff);
    assert_int_equal(xecam_hotplug_add(d, PORT, XECAM_SBDF(0, 6, 0, 0), 0),
                     0);
    assert_int_equal(xecam_hotplug_add(d, FN, HOST, 0), -ENODEV);
}

/*
 * Hostile slot writes: every value, every size, in any order, never
 * attach, release or move a function, and RW1C clears only what a 1
 * names; read-only bits stay.
 */
static void test_hostile_writes(void **state)
{
    static const unsigned int regs[] = { SLTCTL, SLTSTA, 0x54, LNKSTA };
    uint32_t v, seed = 0x1234567;
    unsigned int i;

    assert_int_equal(xecam_hotplug_add(d, PORT, HOST, 0), 0);
    for ( i = 0; i < 4096; i++ )
    {
        seed = seed * 1103515245U + 12345U;
        v = seed >> 8;
        wr(PORT, regs[(seed >> 4) % 4],
           (seed & 3) == 3 ? 4 : (seed & 1) + 1, v);
        /* Presence follows the function, never the guest. */
        assert_int_equal(rd(PORT, SLTSTA, 2) & PDS, PDS);
        assert_int_equal(rd(PORT, 0x54, 4) & 0x7f, 0x5b);
        assert_int_equal(!!(rd(PORT, LNKSTA, 2) & DLLLA),
                         !(rd(PORT, SLTCTL, 2) & PCC));
        assert_non_null(xecam_route_vpci(d, FN));
    }
    /* Writing 0s to the events clears none; PDS is not RW1C. */
    wr(PORT, SLTCTL, 2, PCC);
    v = rd(PORT, SLTSTA, 2);
    wr(PORT, SLTSTA, 2, 0);
    assert_int_equal(rd(PORT, SLTSTA, 2), v);
    wr(PORT, SLTSTA, 2, PDS);
    assert_int_equal(rd(PORT, SLTSTA, 2), v);
    wr(PORT, SLTSTA, 2, 0xffff);
    assert_int_equal(rd(PORT, SLTSTA, 2), PDS);
    /* Powered off by the guest: still there until the toolstack says. */
    assert_non_null(xecam_route_vpci(d, FN));
    assert_int_equal(xecam_hotplug_remove(d, PORT, false), 0);
}

/*
 * An event the guest disabled is not waited for: Linux's pciehp enables
 * no Presence Detect Changed interrupt on a slot with a button, so it
 * never acknowledges one, and the slot must still take the next function.
 */
static void test_disabled_event_not_waited_for(void **state)
{
    guest_enables(ABPE | DLLSCE | HPIE | IND_OFF | PCC);
    assert_int_equal(xecam_hotplug_add(d, PORT, HOST, 0), 0);
    assert_int_equal(xecam_hotplug_remove(d, PORT, false), 0);
    assert_int_equal(rd(PORT, SLTSTA, 2) & PDC, PDC);
    assert_int_equal(xecam_hotplug_add(d, PORT, HOST, 0), 0);
    /* Enabled and pending: that one is waited for. */
    assert_int_equal(xecam_hotplug_button(d, PORT), 0);
    assert_int_equal(xecam_hotplug_remove(d, PORT, true), 0);
    assert_int_equal(xecam_hotplug_add(d, PORT, HOST, 0), -EAGAIN);
}

/* A plain deassignment empties the slot, as a surprise removal. */
static void test_deassign_empties(void **state)
{
    assert_int_equal(xecam_assign_device(d, FN, HOST, 0), 0);
    /* Assigned with its port: present from the start, no event. */
    assert_int_equal(rd(PORT, SLTSTA, 2), PDS);
    assert_int_equal(rd(FN, 0x00, 4), ID);
    assert_int_equal(xecam_deassign_device(d, FN), 0);
    assert_int_equal(rd(PORT, SLTSTA, 2) & (PDS | PDC), PDC);
    wr(PORT, SLTSTA, 2, 0xffff);
    assert_int_equal(xecam_hotplug_add(d, PORT, HOST, 0), 0);
}

/*
 * The topology is static: bus numbers the guest programs into the port
 * move nothing.  A hot-added function goes to the port's own secondary
 * bus, and a removal takes the slot's function, not whatever sits at the
 * bus the guest wrote (fuzz_hotplug found both going by the register).
 */
static void test_bus_numbers_move_nothing(void **state)
{
    const uint32_t other = XECAM_SBDF(0, 7, 0, 0), host2 = HOST + 0x100;

    host_fn(host2);
    assert_int_equal(xecam_assign_device(d, other, host2, 0), 0);
    wr(PORT, 0x18, 4, 0x00070700);      /* secondary and subordinate 7 */
    guest_enables(ENABLES | IND_OFF);
    assert_int_equal(xecam_hotplug_add(d, PORT, HOST, 0), 0);
    assert_non_null(xecam_route_vpci(d, FN));
    assert_int_equal(rd(FN, 0x00, 4), ID);
    assert_int_equal(rd(PORT, SLTSTA, 2) & PDS, PDS);
    /* Surprise removal: the slot's function goes, 07:00.0 stays. */
    assert_int_equal(xecam_hotplug_remove(d, PORT, true), 0);
    assert_null(xecam_route_vpci(d, FN));
    assert_non_null(xecam_route_vpci(d, other));
    assert_int_equal(rd(PORT, SLTSTA, 2) & PDS, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_add_and_power_on),
        T(test_command_completed),
        T(test_no_address),
        T(test_orderly_removal),
        T(test_surprise_removal),
        T(test_refusals),
        T(test_hostile_writes),
        T(test_disabled_event_not_waited_for),
        T(test_deassign_empties),
        T(test_bus_numbers_move_nothing),
#undef T
    };

    return cmocka_run_group_tests_name("hotplug", tests, NULL, NULL);
}
