/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The userspace environment Xen's xen/drivers/vpci/vpci.c is compiled in for
 * `make bench`, the way Xen's own tools/tests/vpci harness builds it: the
 * file's #include lines are stripped and this header is put first.  Only
 * what vpci.c and its list.h/vpci.h (also stripped) use outside __XEN__ is
 * provided, with the same costs as the hypervisor's where they matter: a
 * real spinlock per device, malloc for xmalloc, and a walk of the domain's
 * device list for pci_get_pdev() (what Xen does for a domU).  struct vcpu
 * and struct domain need vpci.h's and list.h's types: env_late.h, put after
 * them.  header.c, msix.c and rangeset.c (built with __XEN__) get more:
 * env_hv.h.
 *
 * Xen's code is fetched at bench time (scripts/fetch-xen-source.sh) and never
 * committed; everything here is ours.
 */
#ifndef XECAM_BENCH_XEN_ENV_H
#define XECAM_BENCH_XEN_ENV_H

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#define CONFIG_HAS_VPCI
#define CONFIG_64BIT

#define cf_check
#define __must_check            __attribute__((warn_unused_result))
#define __used_section(s)       __attribute__((used, section(s)))
#define likely(x)               __builtin_expect(!!(x), 1)
#define unlikely(x)             __builtin_expect(!!(x), 0)
#define smp_wmb()               __atomic_thread_fence(__ATOMIC_RELEASE)
#define container_of(p, type, member) \
    ((type *)((char *)(p) - offsetof(type, member)))

#define ASSERT(x)               do { if ( !(x) ) abort(); } while ( 0 )
#define ASSERT_UNREACHABLE()    abort()

#define min(a, b) \
    ({ typeof(a) a_ = (a); typeof(b) b_ = (b); a_ < b_ ? a_ : b_; })
#define max(a, b) \
    ({ typeof(a) a_ = (a); typeof(b) b_ = (b); a_ > b_ ? a_ : b_; })

#define PCI_CFG_SPACE_EXP_SIZE  4096
#define ARRAY_SIZE(a)           (sizeof(a) / sizeof((a)[0]))

#define xmalloc(type)           ((type *)malloc(sizeof(type)))
#define xfree(p)                free(p)

/*
 * Xen's spinlock_t as common/spinlock.c has it: a ticket lock taken and
 * dropped out of line (_spin_lock, _spin_unlock), an atomic add to take and
 * a plain add to drop, with the preemption count around it (peer.c).
 */
typedef struct { uint32_t head_tail; } spinlock_t;
void spin_lock(spinlock_t *l);
void spin_unlock(spinlock_t *l);

typedef union {
    uint32_t sbdf;
    struct {
        union {
            uint16_t bdf;
            struct {
                uint8_t devfn;
                uint8_t bus;
            };
        };
        uint16_t seg;
    };
} pci_sbdf_t;

struct domain;
struct vpci;

struct pci_dev {
    union {
        pci_sbdf_t sbdf;
        struct {
            uint8_t devfn;
            uint8_t bus;
            uint16_t seg;
        };
    };
    struct vpci *vpci;
    struct domain *domain;
    bool ignore_bars;
    bool xpeer_full;                    /* ours: a peer_dev.c device */
    struct pci_dev *next_in_domain;     /* d->pdev_list, in order */
};

struct vcpu;
extern struct vcpu *current;

struct pci_dev *pci_get_pdev(const struct domain *d, pci_sbdf_t sbdf);
uint8_t  pci_conf_read8(pci_sbdf_t sbdf, unsigned int reg);
uint16_t pci_conf_read16(pci_sbdf_t sbdf, unsigned int reg);
uint32_t pci_conf_read32(pci_sbdf_t sbdf, unsigned int reg);
void pci_conf_write8(pci_sbdf_t sbdf, unsigned int reg, uint8_t val);
void pci_conf_write16(pci_sbdf_t sbdf, unsigned int reg, uint16_t val);
void pci_conf_write32(pci_sbdf_t sbdf, unsigned int reg, uint32_t val);

/* No device is read-only to the guest here: Xen's per-segment map is empty. */
static inline const unsigned long *pci_get_ro_map(uint16_t seg)
{
    (void)seg;
    return NULL;
}

static inline int test_bit(unsigned int nr, const unsigned long *map)
{
    return (map[nr / (8 * sizeof(long))] >> (nr % (8 * sizeof(long)))) & 1;
}

#endif /* XECAM_BENCH_XEN_ENV_H */
