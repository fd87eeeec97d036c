/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam linux: PVM runs guest CPL0 code through an instruction emulator
 * that gives up on a few instructions Linux executes (KVM_EXIT_INTERNAL_
 * ERROR).  Two are done here as the CPU would: int3 (the kernel's own
 * self-test at boot) becomes RIP + 1 and an injected #BP, and fwait, a
 * no-op with no x87 exception pending, is skipped.  Anything else stops
 * the guest, its bytes shown.  The others Linux would hit are avoided on
 * the command line (noxsave, clearcpuid=...).
 */
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "linux.h"

#define KERNEL_MAP  0xffffffff80000000ULL   /* __START_KERNEL_map */
#define DIRECT_MAP  0xffff888000000000ULL   /* page_offset_base, no KASLR */
#define OP_INT3     0xcc
#define OP_FWAIT    0x9b
#define VEC_BP      3

/* The guest-physical address of a guest-virtual one; ~0 if unknown. */
static uint64_t gva_to_gpa(struct vm *vm, uint64_t gva)
{
    struct kvm_translation t = { .linear_address = gva };

    if ( !ioctl(vm->vcpu, KVM_TRANSLATE, &t) && t.valid )
        return t.physical_address;
    if ( gva >= KERNEL_MAP )
        return gva - KERNEL_MAP;
    if ( gva >= DIRECT_MAP && gva - DIRECT_MAP < vm->ram_size )
        return gva - DIRECT_MAP;

    return gva < vm->ram_size ? gva : ~0ULL;
}

static int inject_bp(struct vm *vm)
{
    struct kvm_vcpu_events ev;

    if ( ioctl(vm->vcpu, KVM_GET_VCPU_EVENTS, &ev) < 0 )
        return -1;
    ev.exception.injected = 1;
    ev.exception.nr = VEC_BP;
    ev.exception.has_error_code = 0;
    ev.exception.error_code = 0;
    ev.flags = 0;

    return ioctl(vm->vcpu, KVM_SET_VCPU_EVENTS, &ev) < 0 ? -1 : 0;
}

static void show(struct vm *vm, uint64_t rip, uint64_t gpa)
{
    unsigned int i;

    fprintf(stderr, "kvmecam: PVM cannot emulate the instruction at rip "
            "%#llx:", (unsigned long long)rip);
    for ( i = 0; gpa < vm->ram_size - 8 && i < 8; i++ )
        fprintf(stderr, " %02x", vm->ram[gpa + i]);
    fprintf(stderr, "\n");
}

int lx_quirk(struct vm *vm, struct lx_quirks *q)
{
    struct kvm_regs regs;
    uint64_t gpa;
    uint8_t op;

    if ( vm->run->exit_reason != KVM_EXIT_INTERNAL_ERROR ||
         ioctl(vm->vcpu, KVM_GET_REGS, &regs) < 0 )
        return -1;
    gpa = gva_to_gpa(vm, regs.rip);
    op = gpa < vm->ram_size ? vm->ram[gpa] : 0;
    if ( op != OP_INT3 && op != OP_FWAIT )
    {
        q->other++;
        show(vm, regs.rip, gpa);
        return -1;
    }
    regs.rip++;
    if ( ioctl(vm->vcpu, KVM_SET_REGS, &regs) < 0 ||
         (op == OP_INT3 && inject_bp(vm)) )
        return -1;
    if ( op == OP_INT3 )
        q->int3++;
    else
        q->fwait++;

    return 0;
}
