/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam: what the host program and the guest binary agree on.  The guest
 * runs in 64-bit long mode at CPL0 with 2 MiB of RAM at GPA 0, identity
 * mapped, interrupts off.  Included by both (the guest is freestanding).
 *
 * RAM layout:
 *   0x01000  GDT                   0x02000  struct kg_params
 *   0x03000  page-table pool       0x0c000  stack (grows down from 0x10000)
 *   0x10000  guest code            0x40000  access log (struct kg_rec)
 */
#ifndef KVMECAM_ABI_H
#define KVMECAM_ABI_H

#include <stdint.h>

#define KG_RAM_SIZE     0x200000UL
#define KG_GDT          0x1000UL
#define KG_PARAMS       0x2000UL
#define KG_PT_POOL      0x3000UL
#define KG_PT_POOL_END  0xc000UL
#define KG_STACK_TOP    0x10000UL
#define KG_CODE         0x10000UL
#define KG_CODE_MAX     0x30000UL
#define KG_LOG          0x40000UL
#define KG_LOG_MAX      ((KG_RAM_SIZE - KG_LOG) / sizeof(struct kg_rec))

/* GDT selectors: flat 64-bit code and data. */
#define KG_SEL_CODE     0x08
#define KG_SEL_DATA     0x10

/*
 * The report port: the guest writes (code << 24) | count as a dword.
 * FLUSH and DONE hand over 'count' records from the start of the log.
 */
#define KG_PORT_REPORT  0x510
#define KG_REP_FLUSH    1U
#define KG_REP_DONE     2U
#define KG_REP_FAIL     3U      /* count: a KG_FAIL_* reason */
#define KG_REPORT(code, count) (((code) << 24) | ((count) & 0xffffffU))

#define KG_FAIL_MODE    1U      /* unknown kg_params.mode */

/* Bench peer: a port nobody serves (the host answers a constant). */
#define KG_PEER_PORT    0x514
/* Bench: each kind's exits in this many interleaved blocks. */
#define KG_BENCH_ROUNDS 20

enum kg_mode {
    KG_MODE_WALK = 1,
    KG_MODE_BENCH = 2,
    KG_MODE_SPIN = 3,               /* loop forever, no exits: timeouts */
};

#define KG_MAX_FOUND    64

/* Filled by the host before the run; 'found' by the walk. */
struct kg_params {
    uint32_t mode;
    uint32_t start_bus, end_bus;    /* the ECAM window's buses */
    uint32_t last_bus;              /* walk: scan at least up to this bus */
    uint64_t ecam_base;
    /* bench */
    uint32_t count;
    uint32_t bench_cf8;             /* CF8 value for the CFC loop */
    uint64_t bench_gpa;             /* an ECAM dword */
    uint64_t peer_gpa;              /* MMIO outside every window */
    /* walk results */
    uint32_t nr_found;
    uint32_t found[KG_MAX_FOUND];   /* bus << 8 | devfn */
    uint32_t found_id[KG_MAX_FOUND];/* device << 16 | vendor */
};

enum kg_space {
    KG_ECAM = 1,                    /* MMIO: addr is a GPA */
    KG_PIO = 2,                     /* port I/O: addr is a port */
};

/* One access as the guest made it: for reads, the value it got. */
struct kg_rec {
    uint64_t addr;
    uint64_t val;
    uint8_t space;
    uint8_t write;
    uint8_t size;
    uint8_t pad[5];
};

#endif /* KVMECAM_ABI_H */
