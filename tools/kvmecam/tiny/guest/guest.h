/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam guest: a freestanding 64-bit program at CPL0.  Every config
 * access goes through the accessors of io.c, which log it (struct kg_rec)
 * for the host to compare with what it served.
 */
#ifndef KVMECAM_GUEST_H
#define KVMECAM_GUEST_H

#include <stdbool.h>
#include <stddef.h>

#include "abi.h"

#define CFG_ADDR 0xcf8
#define CFG_DATA 0xcfc

/* io.c: logged accesses. */
uint64_t ecam_rd(uint64_t gpa, unsigned int size);
void ecam_wr(uint64_t gpa, unsigned int size, uint64_t val);
uint32_t pio_rd(unsigned int port, unsigned int size);
void pio_wr(unsigned int port, unsigned int size, uint32_t val);
/* Hand the log over ('code': KG_REP_FLUSH or KG_REP_DONE). */
void log_report(uint32_t code);
void report(uint32_t code, uint32_t count);

/* Unlogged, for the bench loops. */
void raw_mmio_loop(uint64_t gpa, uint32_t count);
void raw_pio_loop(unsigned int port, uint32_t count);

/* The function's ECAM address in the guest's window. */
static inline uint64_t fn_gpa(const struct kg_params *p, unsigned int bus,
                              unsigned int devfn)
{
    return p->ecam_base + ((uint64_t)(bus - p->start_bus) << 20) +
           ((uint64_t)devfn << 12);
}

void guest_walk(struct kg_params *p);
void walk_cf8(unsigned int bdf);
void walk_writes(uint64_t f, unsigned int bdf);
void guest_bench(const struct kg_params *p);
void guest_spin(void);
void guest_main(void);

#endif /* KVMECAM_GUEST_H */
