/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam: a KVM guest whose ECAM and CF8/CFC accesses are served by the
 * xen-ecam module hosted in userspace, as Xen's MMIO and port handlers
 * would serve them.
 */
#ifndef KVMECAM_H
#define KVMECAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <xecam/user.h>

#include "abi.h"
#include "replay.h"                 /* ecamctl's session */

#define KVMECAM_SKIP 77             /* exit status: no usable /dev/kvm */

/* ---- vm.c: the VM, its RAM and its one vCPU. ---- */
struct vm {
    int kvm, fd, vcpu;
    struct kvm_run *run;
    size_t run_size;
    uint8_t *ram;
    size_t ram_size;
};

/*
 * What a VM has: RAM at GPA 0, the in-kernel irqchip (PIC, IOAPIC and a
 * local APIC per vCPU, which MSIs need), and the in-kernel PIT.
 */
struct vm_spec {
    size_t ram_size;
    bool irqchip, pit;
};

/* 0; KVMECAM_SKIP (no KVM here: 'why' says why); -1 on other failures. */
int  vm_open_spec(struct vm *vm, const struct vm_spec *spec, char *why,
                  size_t len);
/* The tiny guest's: KG_RAM_SIZE, the irqchip, no PIT. */
int  vm_open(struct vm *vm, char *why, size_t len);
void vm_close(struct vm *vm);

/* ---- longmode.c: page tables, GDT, registers; the guest loaded. ---- */
/* Where the host puts what firmware would, and the entry registers. */
struct lm_entry {
    uint64_t gdt;                   /* GDT: null, code, data descriptors */
    uint64_t pt_pool, pt_pool_end;  /* page tables; the PML4 first */
    uint16_t sel_code, sel_data;    /* their selectors */
    uint64_t rip, rsp, rsi;
};

/* Identity map 0-4 GiB and [ecam, ecam + size) (uncached); enter at rip. */
int vm_long_mode(struct vm *vm, const struct lm_entry *e, uint64_t ecam,
                 uint64_t size);
/* The tiny guest: copy 'code' to KG_CODE, the KG_* layout. */
int vm_boot(struct vm *vm, uint64_t ecam, uint64_t size, const void *code,
            size_t len);

/* ---- blob.S: the guest binary (guest/). ---- */
extern const uint8_t kvmecam_guest[], kvmecam_guest_end[];

/* ---- clock.c ---- */
uint64_t now_ns(void);
uint64_t clock_cost_ns(void);

/* ---- timer.c: a periodic SIGALRM so that KVM_RUN returns EINTR. ---- */
int  timer_start(unsigned int period_ms);
void timer_stop(void);

/* ---- serve.c: one exit, through the module or a peer. ---- */
enum exit_kind {
    EX_ECAM_READ, EX_ECAM_WRITE,    /* inside a window: the module */
    EX_CF8,                         /* 0xcf8-0xcff: the module */
    EX_PEER_MMIO, EX_PEER_PIO,      /* elsewhere: a constant, no module */
    EX_REPORT,                      /* the guest's report port */
    EX_NONE,                        /* no access (KVM_EXIT_INTR) */
    EX_CONSOLE,                     /* the serial console (linux) */
    EX_IRQ,                         /* the doorbell, handler, clock ports */
    EX_NR
};

struct tally {
    unsigned long n;
    uint64_t wall_ns;               /* KVM_RUN round trip, exit served */
    uint64_t module_ns;             /* inside xecam_* calls */
    uint32_t *s_wall, *s_module;    /* each exit's, if kept */
    size_t nr_s, max_s;
};

/* stats.c */
int tally_add(struct tally *t, uint64_t wall, uint64_t module, bool keep);
uint32_t tally_median(struct tally *t, bool module);
void tally_free(struct tally *t);

/* Interrupts into the guest (irq.c). */
struct irqs {
    unsigned long signalled;        /* KVM_SIGNAL_MSI took it */
    unsigned long blocked;          /* ... answered 0 (APIC disabled...) */
    unsigned long failed;           /* ... failed */
    unsigned long foreign;          /* for another domain: dropped */
    unsigned long raises, handled;  /* doorbell rings, handler reports */
    unsigned long wrong_vector;     /* ... not at the last vector sent */
    int32_t last_raise;             /* what the last ring's raise returned */
    uint32_t sent_data, handled_vector;
    uint64_t sent_ns;               /* the last message's sending */
    uint32_t deliver_ns;            /* ... to the handler's report */
};

struct host {
    struct vm vm;
    struct session s;               /* the guest's domain */
    struct kg_params *params;       /* in guest RAM */
    struct tally t[EX_NR];
    bool keep;                      /* every exit's figures, for medians */
    uint64_t exit_module_ns;        /* the exit being served */
    bool record;
    struct kg_rec *srv;             /* as served, in order, if recording */
    size_t nr_srv, max_srv;
    struct kg_rec *glog;            /* the guest's log, handed over */
    size_t nr_glog, max_glog;
    bool done;
    struct irqs irq;
    /*
     * Optional, served before the module (linux.c): a port's exit kind or
     * HOOK_PASS; a stopped guest's way on (0) or -1.
     */
    int (*pio_hook)(struct host *h, unsigned int port, unsigned int size,
                    bool write, uint8_t *data);
    int (*stop_hook)(struct host *h);
    void *ext;                      /* the hooks' state */
};

#define HOOK_PASS (-2)

/* Serve the exit in vm.run; its kind, or -1 if the guest cannot go on. */
int serve_exit(struct host *h);

/* ---- irq.c: interrupts into the guest. ---- */
/* Simulated functions' messages become the VM's MSIs (KVM_SIGNAL_MSI). */
void irq_attach(struct host *h);
void irq_detach(struct host *h);
/* The doorbell, handler and clock ports: EX_IRQ, or HOOK_PASS. */
int irq_port(struct host *h, unsigned int port, unsigned int size,
             bool write, uint8_t *data);

/* ---- report.c: the report port. ---- */
int report_port(struct host *h, uint32_t val);

/* ---- run.c: KVM_RUN until the guest is done or the time is up. ---- */
#define RUN_TIMEOUT (-2)
/* 0 when the guest is done, RUN_TIMEOUT, or -1 on another failure. */
int run_guest(struct host *h, unsigned int timeout_s);

/* ---- guest_domain.c: the guest's domain, as ecamctl sets it up. ---- */
struct opts {
    const char *cfg;
    const char *hosts[16];
    unsigned int nr_hosts;
    const char *trace;
    unsigned int timeout_s;
    unsigned int last_bus;
    unsigned int count;
    /* linux */
    const char *kernel;             /* ELF vmlinux */
    const char *dump;               /* the guest's console, all of it */
    const char *append;             /* more kernel command line */
    bool no_pciexbar, no_reserve, check;
    bool hotplug;                   /* a function added and removed */
};

int  domain_setup(struct session *s, const struct opts *o);
int  domain_setup_again(struct session *s, const struct opts *o);
void domain_teardown(struct session *s);
/* The guest's ECAM window (the first segment that has one). */
int  domain_window(uint16_t *seg, uint64_t *base, unsigned int *start,
                   unsigned int *end);

/* ---- module.c: one access through the module, as ecamctl replay does. */
/* Whether a handler took it; *val: read result (all-ones if not taken). */
bool module_access(struct xecam_domain *d, const struct kg_rec *a,
                   uint64_t *val, uint64_t *ns);
uint64_t size_ones(unsigned int size);

/* ---- check.c: guest log against host, and against a fresh replay. ---- */
struct check {
    unsigned long transport;        /* guest and host disagree */
    unsigned long replay;           /* guest and a fresh replay disagree */
    unsigned long misaligned, misaligned_ones;
};

int check_walk(struct host *h, const struct opts *o, struct check *c);

/* ---- trace.c ---- */
int trace_write(const struct host *h, const struct opts *o);
/* One access as a trace line; g: as the guest saw it (a read's comment). */
void trace_line(FILE *f, const struct kg_rec *r, const struct kg_rec *g);
/* The comment telling how to replay a trace with ecamctl. */
void trace_replay_hint(FILE *f, const struct opts *o);

/* ---- host.c: a host set up for a run (0, KVMECAM_SKIP, 1, or 2 when
 * the config is bad). ---- */
int  host_init(struct host *h, const struct opts *o, uint32_t mode);
void host_fini(struct host *h);

/* ---- commands ---- */
int cmd_walk(const struct opts *o);
int cmd_bench(const struct opts *o);
int cmd_spin(const struct opts *o);
int cmd_irq(const struct opts *o);
int cmd_linux(const struct opts *o);

#endif /* KVMECAM_H */
