/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The passed-through functions' interrupts, from inside the guest:
 *
 *  pt-intx       edu and e1000e report Interrupt Pin 0: the module gives
 *                no INTx (a PVH guest has no IO-APIC to route it to).
 *  pt-msi        edu's MSI reaches the guest's vector once while enabled,
 *                and not at all when disabled; while it is enabled a
 *                guest write of Command leaves the device's INTx-disable
 *                set (dom0 reads the device's Command).
 *  pt-msix       e1000e's MSI-X entry 0, programmed through its table in
 *                BAR3, reaches its vector when the NIC raises RXQ0.
 *  pt-msix-mask  a masked entry holds the interrupt pending in the PBA,
 *                and unmasking delivers it; the Function Mask alike.
 *
 * Each raise is waited for (Xen delivers from a softirq: late, not lost),
 * then the guest lets interrupts in a little longer to catch a second one
 * or one at another vector: either fails the check.
 */
#include "run.h"

#define CAP_MSI         0x05
#define CAP_MSIX        0x11

#define MSI_ADDR        0xfee00000U     /* the local APIC, destination 0 */
#define VEC_MSI         0x41
#define VEC_MSIX        0x42

/* Milliseconds: for an interrupt that must come, for one that must not. */
#define WAIT_MS         2000
#define QUIET_MS        200
#define SETTLE_MS       20

/* MSI capability (PCI Local Bus 3.0, 6.8.1). */
#define MSI_CTRL        0x02
#define MSI_ADDR_LO     0x04
#define MSI_ADDR_HI     0x08
#define MSI_DATA_64     0x0c
#define MSI_ENABLE      0x0001U
#define MSI_MME_MASK    0x0070U
#define MSI_64BIT       0x0080U
#define MSI_PVM         0x0100U

/* MSI-X capability and table (6.8.2). */
#define MSIX_CTRL       0x02
#define MSIX_TABLE      0x04
#define MSIX_PBA        0x08
#define MSIX_ENABLE     0x8000U
#define MSIX_MASKALL    0x4000U
#define MSIX_SIZE(c)    (((c) & 0x7ffU) + 1)
#define MSIX_BIR(v)     ((v) & 7U)
#define MSIX_OFF(v)     ((v) & ~7U)
#define ENT_ADDR_LO     0x0
#define ENT_ADDR_HI     0x4
#define ENT_DATA        0x8
#define ENT_VCTRL       0xc
#define ENT_MASKED      0x1U

/* edu's registers (QEMU's docs/specs/edu.txt). */
#define EDU_IRQ_STATUS  0x24
#define EDU_IRQ_RAISE   0x60
#define EDU_IRQ_ACK     0x64

/* e1000e's registers in BAR0, and the cause the checks raise. */
#define E1000_ICR       0xc0
#define E1000_ICS       0xc8
#define E1000_IMS       0xd0
#define E1000_IMC       0xd8
#define E1000_IVAR      0xe4
#define E1000_RXQ0      0x00100000U     /* ICR bit 20 */
#define IVAR_RXQ0_VEC0  0x8U            /* RXQ0 -> MSI-X vector 0, valid */

/* Where the guest puts e1000e's BARs: clear of edu's and the windows. */
#define NIC_REGS_GPA    0xc0100000UL    /* BAR0, 128 KiB */
#define NIC_MSIX_GPA    0xc0200000UL    /* the MSI-X BAR, 16 KiB */
#define NIC_REGS_SIZE   0x20000UL
#define NIC_MSIX_SIZE   0x4000UL
/* The Root Port's memory window over both, 1 MiB granular. */
#define PORT_MEM_BASE   NIC_REGS_GPA
#define PORT_MEM_LIMIT  (NIC_MSIX_GPA + 0xfffffUL)

/* What pt-msix found and placed, for pt-msix-mask. */
struct nic {
    unsigned int cap;           /* 0: MSI-X not usable */
    uint64_t table, pba;        /* guest addresses, through the BAR */
    unsigned int size;
};

/* A 32-bit memory BAR's size, the BAR left as it was; 0 if not one. */
static uint64_t bar_size(const struct run *r, unsigned int bdf,
                         unsigned int bar)
{
    unsigned int reg = 0x10 + 4 * bar;
    uint32_t old = ecam_read(r, bdf, reg, 4), sz;

    if ( old & 0x7 )            /* I/O, or a 64-bit memory BAR */
        return 0;
    ecam_write(r, bdf, reg, 4, 0xffffffffU);
    sz = ecam_read(r, bdf, reg, 4) & ~0xfU;
    ecam_write(r, bdf, reg, 4, old);

    return sz ? (uint64_t)(~sz) + 1 : 0;
}

/*
 * Wait for one interrupt at 'vector', and then a little longer: expect
 * exactly one there and none elsewhere.  'what' names the step.  Returns
 * the microseconds it took, -1 if it never came.
 */
static long expect_one(struct run *r, unsigned int vector, const char *what)
{
    uint32_t before = irq_seen(vector), total = irq_total(), got, other;
    long us = irq_wait(vector, before + 1, WAIT_MS);

    irq_settle(SETTLE_MS);
    got = irq_seen(vector) - before;
    other = irq_total() - total - got;
    expect(r, got == 1, "%s: %u interrupts at %#x in %u ms, not 1", what,
           got, vector, WAIT_MS);
    expect(r, !other, "%s: %u interrupts at other vectors", what, other);

    return us;
}

/* For a check's line: how long the interrupt took. */
static const char *took(char *buf, size_t len, long us)
{
    if ( us < 0 )
        snprint(buf, len, "not delivered");
    else
        snprint(buf, len, "delivered after %ld us", us);
    return buf;
}

/* Let interrupts in for a while: expect none at all. */
static void expect_none(struct run *r, const char *what)
{
    uint32_t total = irq_total();

    irq_settle(QUIET_MS);
    expect(r, irq_total() == total, "%s: %u interrupts (%u at %#x, %u at "
           "%#x)", what, irq_total() - total, irq_seen(VEC_MSI),
           VEC_MSI, irq_seen(VEC_MSIX), VEC_MSIX);
}

/* ---- pt-intx: no INTx pin on either function. ---- */

static void check_intx(struct run *r)
{
    unsigned int edu = ecam_read(r, PT_EDU_BDF, 0x3d, 1);
    unsigned int nic = ecam_read(r, PT_NIC_BDF, 0x3d, 1);
    char e[16], n[16];

    bdf_name(e, sizeof(e), PT_EDU_BDF);
    bdf_name(n, sizeof(n), PT_NIC_BDF);
    expect(r, edu == 0 && nic == 0, "Interrupt Pin: %s %u, %s %u, not 0",
           e, edu, n, nic);
    report(r, "pt-intx");
}

/* ---- pt-msi: edu's MSI, enabled and then disabled. ---- */

static void edu_raise(void)
{
    mmio_write(EDU_BAR_GPA + EDU_IRQ_RAISE, 4, 1);
}

/* What the interrupt handler does: lower the line, whatever raised it. */
static void edu_ack(void)
{
    uint32_t status = mmio_read(EDU_BAR_GPA + EDU_IRQ_STATUS, 4);

    mmio_write(EDU_BAR_GPA + EDU_IRQ_ACK, 4, status);
}

static void msi_program(struct run *r, unsigned int cap)
{
    uint16_t ctrl = ecam_read(r, PT_EDU_BDF, cap + MSI_CTRL, 2);

    ecam_write(r, PT_EDU_BDF, cap + MSI_ADDR_LO, 4, MSI_ADDR);
    ecam_write(r, PT_EDU_BDF, cap + MSI_ADDR_HI, 4, 0);
    ecam_write(r, PT_EDU_BDF, cap + MSI_DATA_64, 2, VEC_MSI);
    /* One vector (Multiple Message Enable 0), then enable. */
    ctrl &= ~(MSI_MME_MASK | MSI_ENABLE);
    ecam_write(r, PT_EDU_BDF, cap + MSI_CTRL, 2, ctrl | MSI_ENABLE);
}

/*
 * With MSI on, the guest clears INTx-disable in Command: its own view says
 * clear, and the device (Command as dom0 reads it from the host) keeps it
 * set, written in the guest's own write with the rest of Command.
 */
static void check_intx_forced(struct run *r)
{
    uint32_t host;

    ecam_write(r, PT_EDU_BDF, 0x04, 2, CMD_MEM | CMD_MASTER);
    expect(r, !(ecam_read(r, PT_EDU_BDF, 0x04, 2) & CMD_INTX_OFF),
           "edu: the guest's Command shows INTx-disable it cleared");
    if ( !handshake(r, MBOX_STEP_INTX) )
    {
        expect(r, false, "dom0 never read edu's Command");
        return;
    }
    host = r->mb->arg[0];
    expect(r, (host & (CMD_INTX_OFF | CMD_MASTER)) ==
              (CMD_INTX_OFF | CMD_MASTER),
           "edu: the device's Command is %#x with MSI on: INTx-disable "
           "and bus mastering not both set", host);
}

static void check_msi(struct run *r)
{
    unsigned int cap = find_cap(r, PT_EDU_BDF, false, CAP_MSI);
    uint32_t ctrl;
    long us;
    char t[32];

    expect(r, cap, "edu: no MSI capability in its chain");
    if ( !cap )
    {
        report(r, "pt-msi");
        return;
    }
    ctrl = ecam_read(r, PT_EDU_BDF, cap + MSI_CTRL, 2);
    expect(r, (ctrl & (MSI_64BIT | MSI_PVM)) == MSI_64BIT,
           "edu: MSI Message Control %#x: not 64-bit without masking", ctrl);
    /*
     * The earlier checks leave the BAR there; make sure.  An MSI is a
     * write by the device: bus mastering on.
     */
    ecam_write(r, PT_EDU_BDF, 0x10, 4, EDU_BAR_GPA);
    ecam_write(r, PT_EDU_BDF, 0x04, 2, CMD_MEM | CMD_MASTER);
    edu_ack();
    lapic_enable();

    msi_program(r, cap);
    ctrl = ecam_read(r, PT_EDU_BDF, cap + MSI_CTRL, 2);
    expect(r, ctrl & MSI_ENABLE, "edu: MSI Enable reads 0 once set "
           "(Message Control %#x)", ctrl);
    edu_raise();
    us = expect_one(r, VEC_MSI, "MSI enabled");
    edu_ack();
    check_intx_forced(r);

    ecam_write(r, PT_EDU_BDF, cap + MSI_CTRL, 2, ctrl & ~MSI_ENABLE);
    edu_raise();
    expect_none(r, "MSI disabled");
    edu_ack();
    print("e2e: %s.pt-msi: cap at %#x, %s\n", r->kname, cap,
          took(t, sizeof(t), us));
    report(r, "pt-msi");
}

/* ---- pt-msix: e1000e's MSI-X entry 0 through its table in BAR3. ---- */

static uint32_t nic_read(unsigned int reg)
{
    return mmio_read(NIC_REGS_GPA + reg, 4);
}

static void nic_write(unsigned int reg, uint32_t val)
{
    mmio_write(NIC_REGS_GPA + reg, 4, val);
}

/* The cause off and cleared: the next raise is a new one. */
static void nic_quiet(void)
{
    nic_write(E1000_IMC, E1000_RXQ0);
    nic_write(E1000_ICR, E1000_RXQ0);   /* write 1 to clear */
    nic_read(E1000_ICR);                /* read to clear, with IMS 0 */
}

/* RXQ0 to vector 0, then raise it by software (Interrupt Cause Set). */
static void nic_raise(void)
{
    nic_write(E1000_IVAR, IVAR_RXQ0_VEC0);
    nic_write(E1000_IMS, E1000_RXQ0);
    nic_write(E1000_ICS, E1000_RXQ0);
}

static uint32_t entry_read(const struct nic *nic, unsigned int reg)
{
    return mmio_read(nic->table + reg, 4);
}

static void entry_write(const struct nic *nic, unsigned int reg, uint32_t v)
{
    mmio_write(nic->table + reg, 4, v);
}

static bool pba_bit0(const struct nic *nic)
{
    return mmio_read(nic->pba, 8) & 1;
}

/*
 * Place BAR0 and the MSI-X BAR, and open the Root Port's window over them
 * as an OS would (the module's port does not route, but a real one does).
 */
static bool nic_place(struct run *r, struct nic *nic)
{
    uint32_t tbl, pba, ctrl;
    unsigned int bir;

    nic->cap = find_cap(r, PT_NIC_BDF, false, CAP_MSIX);
    expect(r, nic->cap, "e1000e: no MSI-X capability in its chain");
    if ( !nic->cap )
        return false;
    ctrl = ecam_read(r, PT_NIC_BDF, nic->cap + MSIX_CTRL, 2);
    tbl = ecam_read(r, PT_NIC_BDF, nic->cap + MSIX_TABLE, 4);
    pba = ecam_read(r, PT_NIC_BDF, nic->cap + MSIX_PBA, 4);
    bir = MSIX_BIR(tbl);
    nic->size = MSIX_SIZE(ctrl);
    expect(r, bir == 3 && MSIX_BIR(pba) == 3 && nic->size == 5 &&
           MSIX_OFF(pba) + 8 <= NIC_MSIX_SIZE &&
           MSIX_OFF(tbl) + 16 * nic->size <= NIC_MSIX_SIZE,
           "e1000e: MSI-X table %#x, PBA %#x, %u vectors: not QEMU's",
           tbl, pba, nic->size);
    expect(r, bar_size(r, PT_NIC_BDF, 0) == NIC_REGS_SIZE &&
           bar_size(r, PT_NIC_BDF, bir) == NIC_MSIX_SIZE,
           "e1000e: BAR0 sizes as %#lx, BAR%u as %#lx",
           (unsigned long)bar_size(r, PT_NIC_BDF, 0), bir,
           (unsigned long)bar_size(r, PT_NIC_BDF, bir));
    if ( r->why[0] )
        return false;

    ecam_write(r, PT_PORT_BDF, 0x20, 4,
               ((PORT_MEM_LIMIT >> 16) & 0xfff0) << 16 |
               ((PORT_MEM_BASE >> 16) & 0xfff0));
    ecam_write(r, PT_PORT_BDF, 0x04, 2, CMD_MEM | CMD_MASTER);
    ecam_write(r, PT_NIC_BDF, 0x10, 4, NIC_REGS_GPA);
    ecam_write(r, PT_NIC_BDF, 0x10 + 4 * bir, 4, NIC_MSIX_GPA);
    ecam_write(r, PT_NIC_BDF, 0x04, 2, CMD_MEM | CMD_MASTER);
    nic->table = NIC_MSIX_GPA + MSIX_OFF(tbl);
    nic->pba = NIC_MSIX_GPA + MSIX_OFF(pba);

    return true;
}

static void msix_control(struct run *r, const struct nic *nic, uint16_t set)
{
    uint16_t ctrl = ecam_read(r, PT_NIC_BDF, nic->cap + MSIX_CTRL, 2);

    ctrl &= ~(MSIX_ENABLE | MSIX_MASKALL);
    ecam_write(r, PT_NIC_BDF, nic->cap + MSIX_CTRL, 2, ctrl | set);
}

static void check_msix(struct run *r, struct nic *nic)
{
    uint32_t ctrl;
    long us;
    char t[32];

    if ( !nic_place(r, nic) )
    {
        nic->cap = 0;
        report(r, "pt-msix");
        return;
    }
    lapic_enable();
    nic_quiet();
    entry_write(nic, ENT_ADDR_LO, MSI_ADDR);
    entry_write(nic, ENT_ADDR_HI, 0);
    entry_write(nic, ENT_DATA, VEC_MSIX);
    entry_write(nic, ENT_VCTRL, 0);
    msix_control(r, nic, MSIX_ENABLE);
    ctrl = ecam_read(r, PT_NIC_BDF, nic->cap + MSIX_CTRL, 2);
    expect(r, (ctrl & (MSIX_ENABLE | MSIX_MASKALL)) == MSIX_ENABLE,
           "e1000e: MSI-X Message Control %#x once enabled", ctrl);

    nic_raise();
    us = expect_one(r, VEC_MSIX, "entry 0 unmasked");
    nic_quiet();
    print("e2e: %s.pt-msix: cap at %#x, %u vectors, table at %#lx, %s\n",
          r->kname, nic->cap, nic->size, (unsigned long)nic->table,
          took(t, sizeof(t), us));
    report(r, "pt-msix");
}

/* ---- pt-msix-mask: masked, pending in the PBA; unmasked, delivered. ---- */

/* Entry 0 reads back what the guest wrote, with 'vctrl'. */
static void expect_entry(struct run *r, const struct nic *nic,
                         uint32_t vctrl, const char *what)
{
    uint32_t lo = entry_read(nic, ENT_ADDR_LO);
    uint32_t hi = entry_read(nic, ENT_ADDR_HI);
    uint32_t data = entry_read(nic, ENT_DATA);
    uint32_t vc = entry_read(nic, ENT_VCTRL);

    expect(r, lo == MSI_ADDR && hi == 0 && data == VEC_MSIX && vc == vctrl,
           "%s: entry 0 reads %#x %#x %#x %#x, not %#x 0 %#x %#x", what, lo,
           hi, data, vc, MSI_ADDR, VEC_MSIX, vctrl);
}

/*
 * Raise with the interrupt masked by 'mask' (an entry's or the function's):
 * nothing arrives and PBA bit 0 is set; 'unmask' delivers it.
 */
static void masked_raise(struct run *r, const struct nic *nic,
                         void (*mask)(struct run *, const struct nic *, bool),
                         const char *what)
{
    char step[48];

    mask(r, nic, true);
    nic_raise();
    snprint(step, sizeof(step), "%s masked", what);
    expect_none(r, step);
    expect(r, pba_bit0(nic), "%s masked: PBA reads %#lx, bit 0 clear", what,
           (unsigned long)mmio_read(nic->pba, 8));
    mask(r, nic, false);
    snprint(step, sizeof(step), "%s unmasked", what);
    expect_one(r, VEC_MSIX, step);
    expect(r, !pba_bit0(nic), "%s unmasked: PBA still reads %#lx", what,
           (unsigned long)mmio_read(nic->pba, 8));
    nic_quiet();
}

static void entry_mask(struct run *r, const struct nic *nic, bool on)
{
    entry_write(nic, ENT_VCTRL, on ? ENT_MASKED : 0);
    expect_entry(r, nic, on ? ENT_MASKED : 0, on ? "masked" : "unmasked");
}

static void function_mask(struct run *r, const struct nic *nic, bool on)
{
    msix_control(r, nic, MSIX_ENABLE | (on ? MSIX_MASKALL : 0));
}

static void check_msix_mask(struct run *r, const struct nic *nic)
{
    expect(r, nic->cap, "pt-msix could not set e1000e up");
    if ( nic->cap )
    {
        expect_entry(r, nic, 0, "before");
        masked_raise(r, nic, entry_mask, "entry 0");
        masked_raise(r, nic, function_mask, "the function");
    }
    report(r, "pt-msix-mask");
}

void check_pt_irq(struct run *r)
{
    struct nic nic = { 0 };
    unsigned int cap;

    check_intx(r);
    check_msi(r);
    check_msix(r, &nic);
    check_msix_mask(r, &nic);

    /* Off again, edu's BAR and bus mastering left as pt-destroy wants. */
    if ( nic.cap )
    {
        nic_quiet();
        msix_control(r, &nic, 0);
    }
    cap = find_cap(r, PT_EDU_BDF, false, CAP_MSI);
    if ( cap )
        ecam_write(r, PT_EDU_BDF, cap + MSI_CTRL, 2,
                   ecam_read(r, PT_EDU_BDF, cap + MSI_CTRL, 2) & ~MSI_ENABLE);
}
