/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the harnesses share: CHECK(), which names the harness's file and
 * line and aborts (libFuzzer keeps the input), a guest's config accesses
 * through its ECAM window, and a PCI Express endpoint's config space.
 */
#ifndef XECAM_FUZZ_HARNESS_H
#define XECAM_FUZZ_HARNESS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xecam/ecam.h>
#include <xecam/pci.h>

static inline void fz_fail(const char *file, int line, const char *what)
{
    fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
    abort();
}

#define CHECK(c) do { if ( !(c) ) fz_fail(__FILE__, __LINE__, #c); } while ( 0 )

/* (sbdf, reg) in a window of segment 0 from bus 0 at 'base'. */
static inline uint64_t fz_gpa(uint64_t base, uint32_t sbdf, unsigned int reg)
{
    return base + ((uint64_t)XECAM_SBDF_BUS(sbdf) << 20) +
           ((uint64_t)XECAM_SBDF_DEVFN(sbdf) << 12) + reg;
}

static inline uint32_t fz_rd(struct xecam_domain *d, uint64_t base,
                             uint32_t sbdf, unsigned int reg,
                             unsigned int size)
{
    uint64_t v = 0;

    xecam_mmio_read(d, 0, fz_gpa(base, sbdf, reg), size, &v);

    return v;
}

static inline void fz_wr(struct xecam_domain *d, uint64_t base, uint32_t sbdf,
                         unsigned int reg, unsigned int size, uint32_t v)
{
    xecam_mmio_write(d, 0, fz_gpa(base, sbdf, reg), size, v);
}

/* Do [a, a + alen) and [b, b + blen) share a byte? */
static inline bool fz_overlaps(uint64_t a, uint64_t alen, uint64_t b,
                               uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

/*
 * A PCI Express endpoint, 8086:1234, class 0x02: its PCIe capability
 * (version 2, the end of the chain) at 0x40, link x1 2.5 GT/s.
 */
static inline void fz_endpoint(uint8_t cfg[XECAM_CFG_SIZE])
{
    memset(cfg, 0, XECAM_CFG_SIZE);
    cfg[0x00] = 0x86; cfg[0x01] = 0x80; cfg[0x02] = 0x34; cfg[0x03] = 0x12;
    cfg[0x06] = 0x10;                   /* CAP_LIST */
    cfg[0x0b] = 0x02;
    cfg[0x34] = 0x40;
    cfg[0x40] = 0x10; cfg[0x42] = 0x02;
    cfg[0x4c] = 0x11; cfg[0x52] = 0x11;
}

#endif /* XECAM_FUZZ_HARNESS_H */
