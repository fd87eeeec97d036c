/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam: serve one exit.  MMIO inside a window and ports 0xcf8-0xcff go
 * to the module (timed); other MMIO and ports read all-ones with no module
 * (the bench's peers); the report port goes to report.c.  Every access but
 * the report port's is recorded when the host records.  A host may serve
 * ports first (pio_hook: the Linux guest's serial console and idle ports)
 * and take over stops (stop_hook: instructions PVM cannot emulate).
 */
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "kvmecam.h"

static int record(struct host *h, const struct kg_rec *r)
{
    struct kg_rec *n;
    size_t max;

    if ( !h->record )
        return 0;
    if ( h->nr_srv == h->max_srv )
    {
        max = h->max_srv ? 2 * h->max_srv : 4096;
        n = realloc(h->srv, max * sizeof(*n));
        if ( !n )
        {
            perror("kvmecam: access record");
            return -1;
        }
        h->srv = n;
        h->max_srv = max;
    }
    h->srv[h->nr_srv++] = *r;

    return 0;
}

/* Through the module; the read value into 'data'. */
static uint64_t through_module(struct host *h, struct kg_rec *r,
                               uint8_t *data, bool *taken)
{
    uint64_t val, ns;

    if ( r->write )
        memcpy(&r->val, data, r->size);
    *taken = module_access(h->s.d, r, &val, &ns);
    if ( !r->write )
    {
        memcpy(data, &val, r->size);
        r->val = val;
    }

    return ns;
}

static int serve_mmio(struct host *h, uint64_t gpa, unsigned int size,
                      bool write, uint8_t *data)
{
    struct kg_rec r = {
        .addr = gpa, .size = size, .write = write, .space = KG_ECAM,
    };
    enum exit_kind kind;
    bool taken;
    uint64_t ns;

    if ( size > 8 )
        return EX_PEER_MMIO;
    ns = through_module(h, &r, data, &taken);
    kind = !taken ? EX_PEER_MMIO : write ? EX_ECAM_WRITE : EX_ECAM_READ;
    h->exit_module_ns += ns;

    return record(h, &r) ?: (int)kind;
}

static int serve_pio(struct host *h, unsigned int port, unsigned int size,
                     bool write, uint8_t *data)
{
    struct kg_rec r = {
        .addr = port, .size = size, .write = write, .space = KG_PIO,
    };
    int hooked = h->pio_hook ? h->pio_hook(h, port, size, write, data)
                             : HOOK_PASS;
    enum exit_kind kind;
    uint32_t v = 0;
    bool taken;
    uint64_t ns;

    if ( hooked == HOOK_PASS )
        hooked = irq_port(h, port, size, write, data);
    if ( hooked != HOOK_PASS )
        return hooked;
    if ( port == KG_PORT_REPORT )
    {
        memcpy(&v, data, size < 4 ? size : 4);
        if ( !write )
            memset(data, 0xff, size);
        return write && report_port(h, v) ? -1 : EX_REPORT;
    }
    ns = through_module(h, &r, data, &taken);
    kind = port >= XECAM_PCI_CF8 && port < XECAM_PCI_CFC + 4 ? EX_CF8
                                                              : EX_PEER_PIO;
    h->exit_module_ns += ns;

    return record(h, &r) ?: (int)kind;
}

static int io_exit(struct host *h, struct kvm_run *run)
{
    uint8_t *data = (uint8_t *)run + run->io.data_offset;
    unsigned int i;
    int kind = EX_NONE;

    for ( i = 0; i < run->io.count && kind >= 0; i++ )
        kind = serve_pio(h, run->io.port, run->io.size,
                         run->io.direction == KVM_EXIT_IO_OUT,
                         data + i * run->io.size);

    return kind;
}

static int guest_stopped(struct host *h, struct kvm_run *run)
{
    struct kvm_regs regs = { 0 };

    ioctl(h->vm.vcpu, KVM_GET_REGS, &regs);
    fprintf(stderr, "kvmecam: the guest stopped: exit reason %u",
            run->exit_reason);
    if ( run->exit_reason == KVM_EXIT_INTERNAL_ERROR )
        fprintf(stderr, " (internal error %u)", run->internal.suberror);
    if ( run->exit_reason == KVM_EXIT_SHUTDOWN )
        fprintf(stderr, " (shutdown: a triple fault)");
    fprintf(stderr, " at rip %#llx\n", (unsigned long long)regs.rip);

    return -1;
}

int serve_exit(struct host *h)
{
    struct kvm_run *run = h->vm.run;

    switch ( run->exit_reason )
    {
    case KVM_EXIT_MMIO:
        return serve_mmio(h, run->mmio.phys_addr, run->mmio.len,
                          run->mmio.is_write, run->mmio.data);
    case KVM_EXIT_IO:
        return io_exit(h, run);
    case KVM_EXIT_INTR:
        return EX_NONE;
    default:
        if ( h->stop_hook && !h->stop_hook(h) )
            return EX_NONE;
        return guest_stopped(h, run);
    }
}
