/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam: what the host program and the guest binary agree on.  The guest
 * runs in 64-bit long mode at CPL0 with 2 MiB of RAM at GPA 0, identity
 * mapped, interrupts off (the irq checks let them in while they wait for
 * one).  Included by both (the guest is freestanding), and by the
 * guest's assembly (the constants only).
 *
 * RAM layout:
 *   0x01000  GDT                   0x02000  struct kg_params
 *   0x03000  page-table pool       0x0c000  stack (grows down from 0x10000)
 *   0x10000  guest code            0x40000  access log (struct kg_rec)
 */
#ifndef KVMECAM_ABI_H
#define KVMECAM_ABI_H

#ifndef __ASSEMBLER__
#include <stdint.h>
#endif

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
#define KG_FAIL_TRAP    2U      /* an exception or stray vector: kg_params */

/* Bench peer: a port nobody serves (the host answers a constant). */
#define KG_PEER_PORT    0x514
/* Bench: each kind's exits in this many interleaved blocks. */
#define KG_BENCH_ROUNDS 20

/*
 * Interrupts (KG_MODE_IRQ).  A dword written to the doorbell makes the
 * host function behind guest function 'bdf' (segment 0) raise its MSI
 * vector or MSI-X entry 'nr' (xecam_user_irq_raise()); reading the
 * doorbell gives what that returned (1 delivered, 0 left pending, or a
 * negative errno).  The guest's handler writes its vector to KG_PORT_IRQ
 * (the host times the delivery; reading it gives that time in ns).
 * KG_PORT_CLOCK reads the host's clock in microseconds: the guest's waits
 * are bounded by it, and its exit is where KVM injects what is pending.
 */
#define KG_PORT_DOORBELL 0x518
#define KG_PORT_IRQ      0x51c
#define KG_PORT_CLOCK    0x520
#define KG_DOORBELL_MSIX 0x80000000U
#define KG_DOORBELL(bdf, msix, nr) \
    (((msix) ? KG_DOORBELL_MSIX : 0) | (((nr) & 0x7ffU) << 16) | \
     ((bdf) & 0xffffU))

/* The vectors the guest counts (each one's handler EOIs the local APIC). */
#define KG_IRQ_FIRST    0x40
#define KG_IRQ_LAST     0x4f
#define KG_LAPIC        0xfee00000

/* Where the guest puts the BAR holding the MSI-X table (not RAM, no window). */
#define KG_IRQ_BAR      0xc0000000UL

#ifndef __ASSEMBLER__

enum kg_mode {
    KG_MODE_WALK = 1,
    KG_MODE_BENCH = 2,
    KG_MODE_SPIN = 3,               /* loop forever, no exits: timeouts */
    KG_MODE_IRQ = 4,                /* MSI and MSI-X delivery */
};

/* The interrupt checks, in the order they run. */
enum kg_irq_check {
    KG_IRQ_MSI, KG_IRQ_MSIX, KG_IRQ_MSIX_MASK, KG_IRQ_NR,
};

/* Why a check failed (0: it passed). */
enum kg_irq_fail {
    KG_IRQF_OK,
    KG_IRQF_NO_FN,                  /* no function with MSI and MSI-X */
    KG_IRQF_RAISE,                  /* the doorbell's answer was wrong */
    KG_IRQF_NEVER,                  /* the vector never arrived */
    KG_IRQF_TWICE,                  /* ... arrived more than once */
    KG_IRQF_STRAY,                  /* other vectors arrived */
    KG_IRQF_EARLY,                  /* it arrived while masked */
    KG_IRQF_PBA_CLEAR,              /* masked and raised: the PBA bit is 0 */
    KG_IRQF_PBA_SET,                /* delivered: the PBA bit is still 1 */
};

/* What a check saw. */
struct kg_irq_res {
    uint32_t ran, fail;             /* fail: enum kg_irq_fail */
    uint32_t vector;
    int32_t raised;                 /* the doorbell's answer */
    uint32_t seen, strays;          /* arrivals of the vector, of others */
    uint32_t pba_masked, pba_after; /* msix-mask: PBA dword 0 */
    uint32_t wait_us;               /* the guest's wait (host clock) */
    uint32_t deliver_ns;            /* message sent to handler (host) */
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
    /* irq: the function used (bus << 8 | devfn), the checks' results */
    uint32_t irq_bdf;
    struct kg_irq_res irq[KG_IRQ_NR];
    /* KG_FAIL_TRAP: the vector, its error code, where */
    uint32_t trap_vector;
    uint64_t trap_error, trap_rip;
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

#endif /* __ASSEMBLER__ */

#endif /* KVMECAM_ABI_H */
