/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fuzz hot-plug slot sequences (vpci/slot.c, hvm/hotplug.c,
 * docs/hotplug.md): an emulated Root Port at 00:1c.0 whose secondary bus
 * is 1, one host function the guest owns, and steps that interleave the
 * guest's writes (Slot Control, Slot Status, the port's MSI, the bus
 * numbers and the port's other registers, the function's Command) with
 * the toolstack's requests (hot-add, attention button, orderly and
 * surprise removal, cold assignment and deassignment of the function).
 *
 * A model of the slot, written from the PCI Express spec and
 * docs/hotplug.md rather than from the code, predicts after every step:
 * Slot Control and Status (Presence Detect State, the four RW1C events),
 * Link Active, the port's MSI registers, how many MSIs the port sent (one
 * per false-to-true edge of the enabled events, with MSI on and a message
 * a CPU would take), what each toolstack request returns, and whether the
 * function answers (present and powered: its vendor ID; else all-ones).
 * The topology is static (docs/capabilities.md): the function is always
 * at 01:00.0, whatever bus numbers the guest programs into the port.
 * Also: the log stays bounded (a line for each function the toolstack
 * assigned or took back, and few others).
 *
 * The guest and the port are made again for every input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <public/hvm/ecam_op.h>
#include <xecam/ecam.h>
#include <xecam/pci.h>
#include <xecam/user.h>
#include <xecam/vpci.h>

#include "harness.h"
#include "input.h"

#define GUEST      1
#define BASE       0xe0000000ULL
#define PORT       XECAM_SBDF(0, 0, 0x1c, 0)
#define SECONDARY  1
#define FN         XECAM_SBDF(0, SECONDARY, 0, 0)
#define HOST       XECAM_SBDF(0, 0x05, 0, 0)
#define VENDOR     0x12348086U
#define MAX_STEPS  128
#define MAX_LOG    32

#define LNKSTA     0x52
#define SLTCTL     0x58
#define SLTSTA     0x5a
#define MSI        0x80

#define ABPE       0x0001U          /* Slot Control */
#define PDCE       0x0008U
#define CCIE       0x0010U
#define HPIE       0x0020U
#define PCC        0x0400U
#define DLLSCE     0x1000U
#define CTL_RO     0xe000U
#define CTL_RESET  0x07c0U          /* indicators off, power off */
#define ABP        0x0001U          /* Slot Status */
#define PDC        0x0008U
#define CC         0x0010U
#define PDS        0x0040U
#define DLLSC      0x0100U
#define EVENTS     (ABP | PDC | CC | DLLSC)
#define DLLLA      0x2000U          /* Link Status */

static struct xecam_domain *d;

/* ---- The model ---- */

static struct {
    bool present, link, irq_cond;
    uint16_t ctl, events, msi_ctl, msi_data;
    uint32_t msi_lo, msi_hi;
    unsigned int sent;              /* MSIs the port should have sent */
    unsigned int taken;             /* toolstack requests done: a line each */
    unsigned int looked;            /* MSIs seen sent, at the last look */
} m;

static bool powered(void)
{
    return !(m.ctl & PCC);
}

static bool condition(void)
{
    uint16_t en = (m.ctl & ABPE ? ABP : 0) | (m.ctl & PDCE ? PDC : 0) |
                  (m.ctl & CCIE ? CC : 0) | (m.ctl & DLLSCE ? DLLSC : 0);

    return (m.ctl & HPIE) && (m.events & en);
}

/* An edge of the condition sends the MSI, if on and a CPU would take it. */
static void m_irq(void)
{
    bool now = condition();

    if ( now && !m.irq_cond && (m.msi_ctl & 1) &&
         (m.msi_lo & 0xfff00000U) == 0xfee00000U && !m.msi_hi &&
         (m.msi_data & 0xff) >= 0x10 )
        m.sent++;
    m.irq_cond = now;
}

static void m_link(void)
{
    bool up = m.present && powered();

    if ( up != m.link )
        m.events |= DLLSC;
    m.link = up;
}

static void m_attach_hot(void)
{
    m.present = true;
    m.events |= PDC;
    m_link();
    m_irq();
}

static void m_detach(void)
{
    m.present = false;
    m.events |= PDC;
    m_link();
    m_irq();
}

/* ---- Guest accesses through the window ---- */

static uint32_t rd(uint32_t sbdf, unsigned int reg, unsigned int size)
{
    return fz_rd(d, BASE, sbdf, reg, size);
}

static void wr(uint32_t sbdf, unsigned int reg, unsigned int size,
               uint32_t v)
{
    fz_wr(d, BASE, sbdf, reg, size, v);
}

/*
 * MSIs the port sent since the input began; those since the last look
 * were sent in this step, with the message the model has now.
 */
static unsigned int sent(void)
{
    static struct xecam_user_event ev[1024];
    unsigned int n = xecam_user_events(ev, 1024), i, k = 0;

    for ( i = 0; i < n; i++ )
        if ( ev[i].kind == XECAM_EV_IRQ && k++ >= m.looked )
            CHECK(ev[i].addr == m.msi_lo && ev[i].data == m.msi_data);
    m.looked = k;

    return k;
}

/* ---- Steps ---- */

static void op_sltctl(struct input *in)
{
    unsigned int k = take(in, 1);
    uint16_t v = take(in, 2), mask = 0xffff;

    if ( k & 1 )                    /* one byte of it */
    {
        mask = k & 2 ? 0xff00 : 0x00ff;
        wr(PORT, SLTCTL + !!(k & 2), 1, k & 2 ? v >> 8 : v & 0xff);
    }
    else
        wr(PORT, SLTCTL, 2, v);
    mask &= ~CTL_RO;
    m.ctl = (m.ctl & ~mask) | (v & mask);
    m.events |= CC;                 /* every write a command, completed */
    m_link();
    m_irq();
}

static void op_sltsta(struct input *in)
{
    uint16_t v = take(in, 2);

    wr(PORT, SLTSTA, 2, v);
    m.events &= ~(v & EVENTS);
    m_irq();
}

static void op_msi(struct input *in)
{
    unsigned int k = take(in, 1);
    uint32_t v = take(in, 4);
    bool was;

    switch ( k & 3 )
    {
    case 0:
        was = m.msi_ctl & 1;
        wr(PORT, MSI + 2, 2, v);
        m.msi_ctl = v & 1;
        if ( !was && (v & 1) )
            m.irq_cond = false;     /* enabling with an event pending */
        m_irq();
        break;
    case 1:
        v = k & 4 ? 0xfee00000U | (v & 0xffffc) : v;
        wr(PORT, MSI + 4, 4, v);
        m.msi_lo = v & ~3U;
        break;
    case 2:
        v = k & 4 ? 0 : v;
        wr(PORT, MSI + 8, 4, v);
        m.msi_hi = v;
        break;
    default:
        wr(PORT, MSI + 12, 2, v);
        m.msi_data = v;
        break;
    }
}

/* The port's bus numbers and windows: the guest's, and no topology. */
static void op_bridge(struct input *in)
{
    static const uint8_t reg[] = { 0x18, 0x19, 0x1a, 0x1c, 0x20, 0x24, 0x3e };
    unsigned int k = take(in, 1);

    wr(PORT, reg[k % sizeof(reg)], 1 << (k >> 6 & 1), take(in, 2));
}

static void op_toolstack(struct input *in)
{
    unsigned int k = take(in, 1);
    int rc = -1, want;

    switch ( k % 6 )
    {
    case 0:
        rc = xecam_hotplug_add(d, PORT, HOST, 0);
        want = m.present ? -EBUSY : condition() ? -EAGAIN : 0;
        CHECK(rc == want);
        if ( !rc )
            m_attach_hot();
        break;
    case 1:
        rc = xecam_hotplug_button(d, PORT);
        want = !m.present ? -ENOENT : m.events & ABP ? -EAGAIN : 0;
        CHECK(rc == want);
        if ( !rc )
        {
            m.events |= ABP;
            m_irq();
        }
        break;
    case 2:
    case 3:
        rc = xecam_hotplug_remove(d, PORT, k % 6 == 3);
        want = !m.present ? -ENOENT :
               k % 6 == 2 && powered() ? -EBUSY : 0;
        if ( rc != want )
            fprintf(stderr, "remove (surprise %d): %d, the model says %d\n",
                    k % 6 == 3, rc, want);
        CHECK(rc == want);
        if ( !rc )
            m_detach();
        break;
    case 4:
        /* Cold-plug: present from the start, powered, link up, no event. */
        rc = xecam_assign_device(d, FN, HOST, 0);
        CHECK(m.present ? rc != 0 : rc == 0);
        if ( !rc )
        {
            m.present = m.link = true;
            m.ctl = (m.ctl & ~(PCC | 0x300U)) | 0x100U;
        }
        break;
    default:
        rc = xecam_deassign_device(d, FN);
        CHECK(rc == (m.present ? 0 : -ENOENT));
        if ( !rc )
            m_detach();
        break;
    }
    m.taken += !rc && k % 6 != 1;   /* assigned, or deassigned: logged */
}

static void op_function(struct input *in)
{
    unsigned int k = take(in, 1);

    if ( k & 1 )
        wr(FN, 0x04, 2, take(in, 2));
    else
        CHECK(rd(FN, 0, 4) == (m.present && powered() ? VENDOR : ~0U));
}

/* The port's registers as the model has them. */
static void check(void)
{
    unsigned int n;

    CHECK(rd(PORT, SLTCTL, 2) == m.ctl);
    CHECK(rd(PORT, SLTSTA, 2) == (m.events | (m.present ? PDS : 0)));
    CHECK(!!(rd(PORT, LNKSTA, 2) & DLLLA) == m.link);
    CHECK((rd(PORT, MSI + 2, 2) & 1) == m.msi_ctl);
    CHECK(rd(PORT, MSI + 4, 4) == m.msi_lo);
    CHECK(rd(PORT, MSI + 8, 4) == m.msi_hi);
    CHECK(rd(PORT, MSI + 12, 2) == m.msi_data);
    CHECK(!!xecam_route_vpci(d, FN) == m.present);
    n = sent();
    if ( n != m.sent )
        fprintf(stderr, "the port sent %u MSIs, the model says %u\n", n,
                m.sent);
    CHECK(n == m.sent);
}

/* ---- The host, kept; the guest, made for every input ---- */

static void setup(void)
{
    static bool built;
    uint8_t cfg[XECAM_CFG_SIZE];
    struct xen_hvm_ecam_space w = {
        .domid = GUEST, .segment = 0, .start_bus = 0, .end_bus = 255,
        .base = BASE,
    };

    if ( !built )
    {
        xecam_user_reset();
        xecam_user_domain_privileged(0);
        fz_endpoint(cfg);
        CHECK(!xecam_user_pdev_add(HOST, cfg, sizeof(cfg)));
        CHECK(!xecam_user_pdev_owner(HOST, GUEST));
        built = true;
    }
    CHECK(!xecam_user_domain_add(GUEST, 0, &d));
    xecam_user_set_current(0);
    CHECK(!xecam_user_hvm_op(HVMOP_set_ecam_space, &w));
    CHECK(!xecam_add_root_port(d, PORT, SECONDARY));
    xecam_user_log_ratelimit(10, 5000);
    xecam_user_events_clear();
    xecam_user_pdev_log_clear();
    memset(&m, 0, sizeof(m));
    m.ctl = CTL_RESET;
}

static void teardown(void)
{
    xecam_user_domain_remove(GUEST);
    xecam_user_events_clear();
    xecam_user_log_clear();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = { .p = data, .left = size };
    unsigned int steps = 0;

    setup();
    check();
    while ( in.left && steps++ < MAX_STEPS )
    {
        switch ( take(&in, 1) % 8 )
        {
        case 0:  op_sltctl(&in); break;
        case 1:  op_sltsta(&in); break;
        case 2:  op_msi(&in); break;
        case 3:  op_bridge(&in); break;
        case 4:
        case 5:  op_toolstack(&in); break;
        default: op_function(&in); break;
        }
        check();
        CHECK(xecam_user_log_lines() <= MAX_LOG + m.taken);
    }
    teardown();

    return 0;
}
