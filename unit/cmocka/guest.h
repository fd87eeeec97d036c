/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest's side of a cmocka test: config-space accesses through the ECAM
 * window at 'base' (segment 0, starting at bus 0), which must be handled.
 * Include after <cmocka.h> and "helpers.h".
 */
#ifndef XECAM_UNIT_GUEST_H
#define XECAM_UNIT_GUEST_H

static inline uint64_t h_ecam_gpa(uint64_t base, uint32_t sbdf,
                                  unsigned int reg)
{
    return base + ((uint64_t)XECAM_SBDF_BUS(sbdf) << 20) +
           ((uint64_t)XECAM_SBDF_DEVFN(sbdf) << 12) + reg;
}

static inline uint32_t h_ecam_read(struct xecam_domain *d, uint64_t base,
                                   uint32_t sbdf, unsigned int reg,
                                   unsigned int size)
{
    uint64_t v = 0;

    assert_int_equal(xecam_mmio_read(d, 0, h_ecam_gpa(base, sbdf, reg),
                                     size, &v), XECAM_IO_OKAY);
    assert_true(v <= xecam_ones(size));

    return (uint32_t)v;
}

static inline void h_ecam_write(struct xecam_domain *d, uint64_t base,
                                uint32_t sbdf, unsigned int reg,
                                unsigned int size, uint32_t val)
{
    assert_int_equal(xecam_mmio_write(d, 0, h_ecam_gpa(base, sbdf, reg),
                                      size, val), XECAM_IO_OKAY);
}

#endif /* XECAM_UNIT_GUEST_H */
