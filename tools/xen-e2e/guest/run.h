/* SPDX-License-Identifier: GPL-2.0-only */
/* What the checks share: a run's state, expect() and report(), ECAM reads. */
#ifndef XEN_E2E_RUN_H
#define XEN_E2E_RUN_H

#include "guest.h"

#define CF8_ENABLE   0x80000000U
#define BDF(b, d, f) (((b) << 8) | ((d) << 3) | (f))

struct run {
    enum guest_kind kind;
    const char *kname;
    struct mbox *mb;
    uint64_t base;              /* the window: segment 0, buses 0..end_bus */
    unsigned int end_bus;
    unsigned int passed, failed;
    char why[160];              /* the first failure of the current check */
};

/* Record the first failure of a check; the check's line gives it. */
#define expect(r, cond, ...)                                    \
    do {                                                        \
        if ( !(cond) && !(r)->why[0] )                          \
            snprint((r)->why, sizeof((r)->why), __VA_ARGS__);   \
    } while ( 0 )

uint64_t ones(unsigned int size);
void report(struct run *r, const char *name);
uint64_t ecam_read(const struct run *r, unsigned int bdf, unsigned int reg,
                   unsigned int size);
void ecam_write(const struct run *r, unsigned int bdf, unsigned int reg,
                unsigned int size, uint32_t val);
/* The offset of bdf's standard or extended capability 'id', or 0. */
unsigned int find_cap(const struct run *r, unsigned int bdf, bool ext,
                      unsigned int id);
/* Wait at mailbox step 'step' until dom0 says it is done; false: never. */
bool handshake(struct run *r, unsigned int step);

/* irq.c: the interrupt infrastructure's own check. */
void check_irq_selftest(struct run *r);

/* pt.c: functions dom0 passed through, served by the module's vPCI. */
#define EDU_BAR_GPA     0xc0000000UL    /* where the guest puts edu's BAR0 */
#define CMD_MEM         0x2
#define CMD_MASTER      0x4
#define CMD_INTX_OFF    0x400

void check_passthrough(struct run *r);
void bdf_name(char *buf, size_t len, unsigned int bdf);

/* pt_irq.c: their interrupts (after pt.c's checks, which map edu's BAR). */
void check_pt_irq(struct run *r);

/* pt_hotplug.c: a function hot-added behind a Root Port, and removed. */
void check_pt_hotplug(struct run *r);

#endif /* XEN_E2E_RUN_H */
