/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Passthrough, from inside the guest: dom0 gives QEMU's edu (00:05.0) and
 * an e1000e behind an emulated Root Port (00:06.0, bus 2) to the module's
 * vPCI; the guest enumerates them through its ECAM window, sizes and
 * programs edu's BAR, reads its ID and liveness registers through the
 * mapping, does a DMA round trip through the IOMMU, turns decoding off
 * and on again, and leaves with the BAR mapped: dom0 then checks that
 * destroying the guest left no mapping and gave the functions back.
 */
#include "run.h"

#define EDU_ID          0x010000edU
#define EDU_LIVE        0x04
#define EDU_DMA_SRC     0x80
#define EDU_DMA_DST     0x88
#define EDU_DMA_CNT     0x90
#define EDU_DMA_CMD     0x98
#define EDU_DMA_BUF     0x40000         /* edu's own buffer */
#define EDU_DMA_RUN     0x1
#define EDU_DMA_TO_RAM  0x2

#define DMA_OUT         0x300000UL      /* guest RAM: what edu reads */
#define DMA_IN          0x301000UL      /* guest RAM: what edu writes */
#define DMA_LEN         256

/* Capability IDs the module's policy hides (vpci/cap_policy.c). */
static const uint8_t hidden_std[] = {
    0x02, 0x03, 0x04, 0x06, 0x07, 0x08, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
    0x13, 0x14, 0x15,
};
static const uint16_t hidden_ext[] = {
    0x02, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0d, 0x0f, 0x10, 0x11,
    0x12, 0x13, 0x15,
};

void bdf_name(char *buf, size_t len, unsigned int bdf)
{
    snprint(buf, len, "%02x:%02x.%u", bdf >> 8, (bdf >> 3) & 31, bdf & 7);
}

/* ---- pt-enumerate: IDs, the Root Port, capability chains. ---- */

/* The standard chain as "id@pos ...", for a failure's line. */
static void chain_str(const struct run *r, unsigned int bdf, char *buf,
                      size_t len)
{
    unsigned int pos = ecam_read(r, bdf, 0x34, 1) & 0xfc, n, at = 0;

    buf[0] = '\0';
    for ( n = 0; pos && n < 8 && at + 12 < len; n++ )
    {
        uint32_t hdr = ecam_read(r, bdf, pos, 4);

        at += snprint(buf + at, len - at, "%02x@%02x ", hdr & 0xff, pos);
        pos = (hdr >> 8) & 0xfc;
    }
}

/* Walk a chain, at most 48 (standard) or 960 (extended) steps. */
static bool chain_has(const struct run *r, unsigned int bdf, bool ext,
                      unsigned int id, bool *hidden_seen)
{
    unsigned int pos = ext ? 0x100 : ecam_read(r, bdf, 0x34, 1) & 0xfc;
    unsigned int n, i, cid;
    bool found = false;

    for ( n = 0; pos && n < (ext ? 960 : 48); n++ )
    {
        uint32_t hdr = ecam_read(r, bdf, pos, 4);

        if ( ext && (hdr == 0 || hdr == 0xffffffffU) )
            break;
        cid = ext ? hdr & 0xffff : hdr & 0xff;
        found |= cid == id;
        if ( ext )
            for ( i = 0; i < sizeof(hidden_ext) / sizeof(hidden_ext[0]); i++ )
                *hidden_seen |= cid == hidden_ext[i];
        else
            for ( i = 0; i < sizeof(hidden_std); i++ )
                *hidden_seen |= cid == hidden_std[i];
        pos = ext ? hdr >> 20 : (hdr >> 8) & 0xfc;
    }

    return found;
}

static void check_enumerate(struct run *r)
{
    bool hidden = false;
    char n[16], chain[64];

    bdf_name(n, sizeof(n), PT_EDU_BDF);
    expect(r, ecam_read(r, PT_EDU_BDF, 0, 4) == 0x11e81234U,
           "%s: IDs %#lx, not edu's", n,
           (unsigned long)ecam_read(r, PT_EDU_BDF, 0, 4));
    expect(r, (ecam_read(r, PT_EDU_BDF, 0x0e, 1) & 0x7f) == 0,
           "%s: header type %#lx", n,
           (unsigned long)ecam_read(r, PT_EDU_BDF, 0x0e, 1));
    /* Conventional PCI: nothing above 256 bytes. */
    expect(r, ecam_read(r, PT_EDU_BDF, 0x100, 4) == 0xffffffffU,
           "%s: %#lx at 0x100", n,
           (unsigned long)ecam_read(r, PT_EDU_BDF, 0x100, 4));

    bdf_name(n, sizeof(n), PT_PORT_BDF);
    expect(r, (ecam_read(r, PT_PORT_BDF, 0x0e, 1) & 0x7f) == 1 &&
           ecam_read(r, PT_PORT_BDF, 0x0a, 2) == 0x0604 &&
           ecam_read(r, PT_PORT_BDF, 0x19, 1) == PT_NIC_BUS &&
           ecam_read(r, PT_PORT_BDF, 0x1a, 1) == PT_NIC_BUS,
           "%s: not a bridge to bus %u (class %#lx, buses %#lx)", n,
           PT_NIC_BUS, (unsigned long)ecam_read(r, PT_PORT_BDF, 0x0a, 2),
           (unsigned long)ecam_read(r, PT_PORT_BDF, 0x18, 4));
    expect(r, chain_has(r, PT_PORT_BDF, false, 0x10, &hidden),
           "%s: no PCI Express capability", n);

    bdf_name(n, sizeof(n), PT_NIC_BDF);
    expect(r, ecam_read(r, PT_NIC_BDF, 0, 4) == 0x10d38086U,
           "%s: IDs %#lx, not e1000e's", n,
           (unsigned long)ecam_read(r, PT_NIC_BDF, 0, 4));
    chain_str(r, PT_NIC_BDF, chain, sizeof(chain));
    expect(r, chain_has(r, PT_NIC_BDF, false, 0x10, &hidden) &&
           chain_has(r, PT_NIC_BDF, false, 0x11, &hidden),
           "%s: PCI Express or MSI-X capability missing: %s", n, chain);
    expect(r, chain_has(r, PT_NIC_BDF, true, 0x0001, &hidden) &&
           chain_has(r, PT_NIC_BDF, true, 0x0003, &hidden),
           "%s: AER or Device Serial Number missing from the extended chain",
           n);
    expect(r, !hidden, "a capability the policy hides is in a chain");
    print("e2e: %s.pt-enumerate: edu, a Root Port, e1000e with AER and DSN "
          "seen\n", r->kname);
    report(r, "pt-enumerate");
}

/* ---- pt-ro-caps: a read-only capability's body is the device's. ---- */

/*
 * e1000e's AER and Device Serial Number are read-only by the policy, their
 * bodies shut dword by dword in the map: they read what the device holds
 * (QEMU's serial is the MAC's, never 0 or all-ones) and a guest write of
 * every bit changes none of it.  e1000e is assigned permissive, where a
 * byte no register or shut dword claims goes to the device, and QEMU's
 * AER severity register is writable: only the shut dword keeps it.
 */
static void check_ro_caps(struct run *r)
{
    unsigned int dsn = find_cap(r, PT_NIC_BDF, true, 0x0003);
    unsigned int aer = find_cap(r, PT_NIC_BDF, true, 0x0001);
    uint32_t lo, hi, sev;
    char n[16];

    bdf_name(n, sizeof(n), PT_NIC_BDF);
    expect(r, dsn && aer, "%s: no AER (%#x) or DSN (%#x)", n, aer, dsn);
    if ( !dsn || !aer )
    {
        report(r, "pt-ro-caps");
        return;
    }
    lo = ecam_read(r, PT_NIC_BDF, dsn + 4, 4);
    hi = ecam_read(r, PT_NIC_BDF, dsn + 8, 4);
    sev = ecam_read(r, PT_NIC_BDF, aer + 0x0c, 4);
    expect(r, (lo | hi) && (lo & hi) != 0xffffffffU,
           "%s: DSN reads %08x%08x, not the device's serial", n, hi, lo);
    ecam_write(r, PT_NIC_BDF, dsn + 4, 4, ~lo);
    ecam_write(r, PT_NIC_BDF, dsn + 8, 2, ~hi);
    ecam_write(r, PT_NIC_BDF, aer + 0x0c, 4, ~sev);
    expect(r, ecam_read(r, PT_NIC_BDF, dsn + 4, 4) == lo &&
           ecam_read(r, PT_NIC_BDF, dsn + 8, 4) == hi &&
           ecam_read(r, PT_NIC_BDF, aer + 0x0c, 4) == sev,
           "%s: a write changed DSN (%08lx%08lx) or AER's severity (%#lx)",
           n, (unsigned long)ecam_read(r, PT_NIC_BDF, dsn + 8, 4),
           (unsigned long)ecam_read(r, PT_NIC_BDF, dsn + 4, 4),
           (unsigned long)ecam_read(r, PT_NIC_BDF, aer + 0x0c, 4));
    print("e2e: %s.pt-ro-caps: DSN %08x%08x at %#x, AER severity %#x at "
          "%#x, unchanged by writes\n", r->kname, hi, lo, dsn, sev, aer);
    report(r, "pt-ro-caps");
}

/* ---- pt-bar-map: size, program, decode on; ID and liveness. ---- */

static uint64_t edu_bar_size(struct run *r)
{
    uint32_t old = ecam_read(r, PT_EDU_BDF, 0x10, 4), sz;

    ecam_write(r, PT_EDU_BDF, 0x10, 4, 0xffffffffU);
    sz = ecam_read(r, PT_EDU_BDF, 0x10, 4) & ~0xfU;
    ecam_write(r, PT_EDU_BDF, 0x10, 4, old);

    return sz ? (uint64_t)(~sz) + 1 : 0;
}

static uint32_t bar_read(unsigned int reg)
{
    return mmio_read(EDU_BAR_GPA + reg, 4);
}

static void check_bar_map(struct run *r)
{
    uint64_t size = edu_bar_size(r);
    uint32_t live;

    expect(r, size == 0x100000, "edu's BAR0 sizes as %#lx, not 1 MiB",
           (unsigned long)size);
    ecam_write(r, PT_EDU_BDF, 0x10, 4, EDU_BAR_GPA);
    expect(r, (ecam_read(r, PT_EDU_BDF, 0x10, 4) & ~0xfU) == EDU_BAR_GPA,
           "BAR0 reads %#lx after programming",
           (unsigned long)ecam_read(r, PT_EDU_BDF, 0x10, 4));
    ecam_write(r, PT_EDU_BDF, 0x04, 2, CMD_MEM);
    expect(r, bar_read(0) == EDU_ID, "edu's ID reads %#x through the BAR",
           bar_read(0));
    mmio_write(EDU_BAR_GPA + EDU_LIVE, 4, 0x12345678);
    live = bar_read(EDU_LIVE);
    expect(r, live == ~0x12345678U, "liveness reads %#x, not %#x", live,
           ~0x12345678U);
    print("e2e: %s.pt-bar-map: BAR0 1 MiB at %#lx, ID %#x\n", r->kname,
          EDU_BAR_GPA, bar_read(0));
    report(r, "pt-bar-map");
}

/* ---- pt-dma: RAM to edu and back, through the IOMMU. ---- */

static bool dma(uint64_t src, uint64_t dst, uint32_t cmd)
{
    unsigned long spins = 0;

    mmio_write(EDU_BAR_GPA + EDU_DMA_SRC, 8, src);
    mmio_write(EDU_BAR_GPA + EDU_DMA_DST, 8, dst);
    mmio_write(EDU_BAR_GPA + EDU_DMA_CNT, 8, DMA_LEN);
    mmio_write(EDU_BAR_GPA + EDU_DMA_CMD, 8, EDU_DMA_RUN | cmd);
    while ( mmio_read(EDU_BAR_GPA + EDU_DMA_CMD, 8) & EDU_DMA_RUN )
        if ( ++spins > (1UL << 26) )
            return false;

    return true;
}

static void check_dma(struct run *r)
{
    uint8_t *out = (uint8_t *)DMA_OUT, *in = (uint8_t *)DMA_IN;
    unsigned int i, bad = 0;

    for ( i = 0; i < DMA_LEN; i++ )
    {
        out[i] = (uint8_t)(i * 13 + 7);
        in[i] = 0;
    }
    ecam_write(r, PT_EDU_BDF, 0x04, 2, CMD_MEM | CMD_MASTER);
    expect(r, dma(DMA_OUT, EDU_DMA_BUF, 0), "DMA to edu never finished");
    expect(r, dma(EDU_DMA_BUF, DMA_IN, EDU_DMA_TO_RAM),
           "DMA from edu never finished");
    for ( i = 0; i < DMA_LEN; i++ )
        bad += in[i] != out[i];
    expect(r, !bad, "%u of %u bytes came back wrong", bad, DMA_LEN);
    print("e2e: %s.pt-dma: %u bytes to edu and back\n", r->kname, DMA_LEN);
    report(r, "pt-dma");
}

/*
 * ---- pt-bar-unmap: decode off, the BAR is gone; on again, back.  The HVM
 * guest turns decoding on through CF8/CFC: a CONFIG_DATA write leaves the
 * BAR's mapping to the vCPU's deferred work as an ECAM write does. ----
 */

static void command_write(struct run *r, uint16_t cmd)
{
    if ( r->kind != GUEST_HVM )
    {
        ecam_write(r, PT_EDU_BDF, 0x04, 2, cmd);
        return;
    }
    outl(0xcf8, CF8_ENABLE | (PT_EDU_BDF << 8) | 0x04);
    outw(0xcfc, cmd);
}

static void check_bar_unmap(struct run *r)
{
    uint32_t off;

    ecam_write(r, PT_EDU_BDF, 0x04, 2, 0);
    off = bar_read(0);
    expect(r, off != EDU_ID, "edu's ID still reads with decoding off");
    mmio_write(EDU_BAR_GPA + EDU_LIVE, 4, 0x5a5a5a5a);
    command_write(r, CMD_MEM);
    expect(r, bar_read(0) == EDU_ID && bar_read(EDU_LIVE) == ~0x12345678U,
           "after decode on again: ID %#x, liveness %#x (a write with "
           "decoding off reached the device?)", bar_read(0),
           bar_read(EDU_LIVE));
    print("e2e: %s.pt-bar-unmap: decoding off read %#x, on again through "
          "%s\n", r->kname, off, r->kind == GUEST_HVM ? "CF8/CFC" : "ECAM");
    report(r, "pt-bar-unmap");
}

void check_passthrough(struct run *r)
{
    if ( !handshake(r, MBOX_STEP_PT) )
    {
        expect(r, false, "dom0 never passed the devices through");
        report(r, "pt-enumerate");
        return;
    }
    check_enumerate(r);
    check_ro_caps(r);
    check_bar_map(r);
    check_dma(r);
    check_bar_unmap(r);
    check_pt_irq(r);
    check_pt_hotplug(r);
    /* Leave with BAR0 mapped and bus mastering on: dom0's pt-destroy. */
    ecam_write(r, PT_EDU_BDF, 0x04, 2, CMD_MEM | CMD_MASTER);
}
