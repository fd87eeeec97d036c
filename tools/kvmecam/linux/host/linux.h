/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam linux: boot a real Linux kernel (an ELF vmlinux) whose PCI
 * config-space accesses, CF8/CFC and ECAM, the module serves.  Linux finds
 * the ECAM window as on an Intel 945 chipset (PCIEXBAR at 00:00.0, with
 * acpi=off), enumerates, and our initcall (linux/xecam_dump.c) prints what
 * it saw on the serial console.
 *
 * Guest-physical layout (128 MiB of RAM):
 *   0x01000  GDT                   0x03000  page-table pool (to 0xc000)
 *   0x0f000  entry stack (down)    0x10000  zero page (struct boot_params)
 *   0x11000  command line          0x1000000  the kernel (its p_paddr)
 */
#ifndef KVMECAM_LINUX_H
#define KVMECAM_LINUX_H

#include "kvmecam.h"

#define LX_RAM_SIZE     (128UL << 20)
#define LX_GDT          0x1000UL
#define LX_PT_POOL      0x3000UL
#define LX_PT_POOL_END  0xc000UL
#define LX_STACK_TOP    0xf000UL
#define LX_ZERO_PAGE    0x10000UL
#define LX_CMDLINE      0x11000UL
#define LX_CMDLINE_MAX  2048U
#define LX_LOW_END      0x100000UL  /* nothing of the kernel's below this */
#define LX_SEL_CODE     0x10        /* __BOOT_CS of the boot protocol */
#define LX_SEL_DATA     0x18        /* __BOOT_DS */

#define LX_MAX_FNS      64
#define LX_CFG_SIZE     4096

/* ---- elf.c: the ELF vmlinux, PT_LOAD segments at p_paddr. ---- */
struct lx_kernel {
    uint64_t entry;                 /* physical */
    uint64_t start, end;            /* physical extent of the segments */
};
int lx_load_elf(struct vm *vm, const char *path, struct lx_kernel *k);

/* ---- zero.c: the zero page, its e820 map and the command line. ---- */
struct lx_e820 {
    uint64_t addr, size;
    uint32_t type;                  /* 1 RAM, 2 reserved */
};
#define LX_E820_RAM      1U
#define LX_E820_RESERVED 2U
#define LX_E820_MAX      8

int lx_zero_page(struct vm *vm, const struct lx_e820 *map, unsigned int nr,
                 const char *cmdline);

/* ---- uart.c: COM1, a 16550A that transmits at once. ---- */
struct uart {
    uint8_t ier, lcr, mcr, scr, dll, dlm;
    bool fifo;                      /* FCR bit 0 */
    bool thre;                      /* THR-empty interrupt pending */
};
/* Register 'off' (0-7); a transmitted byte into *tx (else -1). */
uint8_t uart_read(struct uart *u, unsigned int off);
void    uart_write(struct uart *u, unsigned int off, uint8_t val, int *tx);
/* The level of the UART's interrupt line (gated by MCR.OUT2). */
bool    uart_irq(const struct uart *u);

/* ---- dump.c: the initcall's report, parsed line by line. ---- */
struct lx_fn {
    uint32_t sbdf;
    unsigned int cfg_size;
    unsigned int lines;             /* hex lines received */
    uint8_t cfg[LX_CFG_SIZE];
    char caps[160], ecaps[256];     /* "01@40 05@50", "-" for none */
    int pcie_cap, pcie_type;        /* Linux's; -1 type: not PCIe */
    int sriov, acs, l1ss, physfn;
};

struct lx_dump {
    bool begun, ended;
    unsigned int nr, reported;      /* parsed; the count "end" gives */
    unsigned int bad;               /* lines that did not parse */
    struct lx_fn *fn;               /* LX_MAX_FNS */
};
/* One console line (no newline); true once "xecam-dump: end" is seen. */
bool lx_dump_line(struct lx_dump *d, const char *line);
const struct lx_fn *lx_dump_find(const struct lx_dump *d, uint32_t sbdf);

/* ---- cons.c: the console: lines to the dump file, stdout, parser. -- */
struct lx_console {
    char line[1024];
    size_t len;
    FILE *out;                      /* --dump, every byte */
    bool echo;                      /* log lines (not hex) to stdout */
    struct lx_hp *hp;               /* --hotplug's lines */
    unsigned long bytes, lines;
    struct lx_dump dump;
};
/* A byte from the guest; true when the dump has ended. */
bool lx_console_putc(struct lx_console *c, uint8_t ch);

/* ---- bridge.c: the Intel 945 host bridge at 00:00.0. ---- */
#define LX_PCIEXBAR     0x48
struct lx_bridge {
    uint32_t host;                  /* the simulated host function */
    uint32_t pciexbar;              /* as placed at 0x48 */
    uint64_t base;                  /* the domain's window */
    unsigned int start_bus, end_bus;
};
/* Build, load and assign it; PCIEXBAR agrees with the domain's window. */
int lx_bridge_add(struct session *s, bool enable, struct lx_bridge *b);
/* Its config space as the host function holds it, for a dump file. */
int lx_bridge_cfg(const struct lx_bridge *b, uint8_t *cfg);
/* 'preferred' if no host function is there, else a free one on bus ff. */
uint32_t lx_free_host(uint32_t preferred);

/* ---- dm.c: what the device model emulates for its functions. ---- */
#define LX_MAX_DM_FNS   8
struct lx_dm {
    unsigned int nr;
    uint32_t guest[LX_MAX_DM_FNS];  /* functions the config claims */
    uint32_t host;                  /* the dump's address of its bytes */
    unsigned long base_requests;    /* before the boot */
};
/*
 * The config's device_model_pci functions get the bytes of a function the
 * DM emulates (a simulated host function at dm->host, as ecamctl replay's
 * "emulate" directive takes them).
 */
int lx_dm_setup(struct session *s, const char *cfg_path, struct lx_dm *dm);
/* Requests the device models have seen so far. */
unsigned long lx_dm_requests(const struct session *s);

/* ---- quirk.c: instructions PVM's emulator gives up on. ---- */
struct lx_quirks {
    unsigned long int3, fwait, other;
};
/* After KVM_EXIT_INTERNAL_ERROR: 0 when the guest can go on. */
int lx_quirk(struct vm *vm, struct lx_quirks *q);

/* ---- writes.c: the config registers the guest wrote. ---- */
struct lx_written {
    uint32_t sbdf;
    uint8_t dw[LX_CFG_SIZE / 4];    /* dwords written */
};
struct lx_writes {
    unsigned int nr;
    struct lx_written fn[LX_MAX_FNS];
};
/* From the served accesses (ECAM decoded by the module, CF8 latched). */
void lx_writes_collect(struct host *h, struct lx_writes *w);
const struct lx_written *lx_writes_of(const struct lx_writes *w,
                                      uint32_t sbdf);

/* ---- view.c: every function through the module (ecamctl view's). -- */
struct lx_view {
    unsigned int nr;
    uint32_t sbdf[LX_MAX_FNS];
    uint8_t (*cfg)[LX_CFG_SIZE];    /* LX_MAX_FNS of them */
};
int  lx_view_take(struct xecam_domain *d, uint64_t base,
                  unsigned int start, unsigned int end, struct lx_view *v);
void lx_view_free(struct lx_view *v);
const uint8_t *lx_view_find(const struct lx_view *v, uint32_t sbdf);

/* ---- check.c: what Linux saw, against the module's views. ---- */
struct lx_run;
int lx_check(const struct lx_run *r);

/* ---- trace.c: the boot's accesses as an ecamctl replay trace. ---- */
int lx_trace_write(const struct lx_run *r, const struct opts *o);

/* ---- report.c: what was set up, and what Linux saw. ---- */
void lx_report_setup(const struct lx_run *r, const char *cmdline);
void lx_report(const struct lx_run *r);
/* "bb:dd.f" of a guest function (segment 0). */
const char *lx_bdf(uint32_t sbdf, char *buf);

/* ---- io.c: the hooks: COM1 (IRQ 4), idle ports, quirks. ---- */
void lx_hooks(struct lx_run *r);

/* ---- hotplug.c: --hotplug, a function added and removed. ---- */
#define LX_HP_PORT      0x518U      /* the initcall watches while 0 */
enum { HP_BOOT, HP_ADDING, HP_REMOVING, HP_REMOVED, HP_DONE };
struct lx_hp {
    bool on, ended;                 /* --hotplug; "xecam-hp: watch end" */
    int state;
    struct xecam_domain *d;
    uint64_t base;
    uint32_t port, fn;              /* guest: the Root Port, its function */
    unsigned int secondary;
    uint32_t host;                  /* kept aside for the slot */
    uint32_t model, model_guest;    /* whose bytes it has */
    int add_rc, button_rc[2], remove_rc;
    unsigned long busy;             /* remove's -EBUSY answers */
    unsigned long polls;            /* the guest's reads of LX_HP_PORT */
    uint64_t t_add, t_added, t_button, t_removed, t_gone;
    uint32_t after_remove;          /* the function's ID dword then */
    unsigned int dw_equal, dw_total, cfg_size;
    unsigned long msi_before, msi, msi_blocked, msi_failed;
    struct lx_dump dump;            /* the "xecam-hp: " lines */
    struct lx_fn fns[LX_MAX_FNS];
};
/* The empty port and the function kept aside (before the first view). */
int  lx_hp_setup(struct session *s, const struct lx_bridge *b,
                 struct lx_hp *hp);
/* The boot's report is complete: add, press the button. */
void lx_hp_start(struct lx_hp *hp, const struct irqs *irq);
/* A console line. */
void lx_hp_line(struct lx_hp *hp, const char *line);
/* The guest reads LX_HP_PORT: 0 while the watch goes on. */
uint32_t lx_hp_poll(struct lx_hp *hp, const struct irqs *irq);
void lx_hp_report_setup(const struct lx_hp *hp);
void lx_hp_report(const struct lx_hp *hp);

/* ---- linux.c: the run. ---- */
struct lx_run {
    struct host h;
    const struct opts *o;
    struct lx_bridge bridge;
    struct lx_dm dm;
    struct lx_kernel k;
    struct uart uart;
    bool irq_level;
    struct lx_console cons;
    struct lx_quirks quirks;
    struct lx_view before, after;   /* through the module */
    struct lx_writes writes;
    unsigned long other_ports;
    uint64_t boot_ns;
    unsigned long dm_requests;
    bool boot_over;                 /* the boot's figures are taken */
    bool view_failed;
    struct lx_hp hp;
};
/* The boot is over (the report complete, or the run ended): its figures. */
int lx_boot_over(struct lx_run *r);

#endif /* KVMECAM_LINUX_H */
