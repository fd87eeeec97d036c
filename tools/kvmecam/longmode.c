/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam: enter the guest in 64-bit long mode at CPL0.  PVM runs real
 * mode too, but an 8-byte MMIO access needs a 64-bit mov.  The host builds
 * what firmware would: identity paging with 2 MiB pages (0-4 GiB and the
 * ECAM window, uncached), a flat GDT, CR0/CR4/EFER and the entry registers.
 */
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "kvmecam.h"

#define PTE_P    0x001ULL
#define PTE_W    0x002ULL
#define PTE_PWT  0x008ULL
#define PTE_PCD  0x010ULL
#define PTE_PS   0x080ULL
#define PAGE_2M  (1ULL << 21)

#define CR0_PE   0x00000001ULL
#define CR0_MP   0x00000002ULL
#define CR0_ET   0x00000010ULL
#define CR0_NE   0x00000020ULL
#define CR0_WP   0x00010000ULL
#define CR0_PG   0x80000000ULL
#define CR4_PAE  0x00000020ULL
#define EFER_LME 0x00000100ULL
#define EFER_LMA 0x00000400ULL

struct pt {
    uint8_t *ram;
    uint64_t next;                  /* next free page of the pool */
};

/* The table an entry points to, allocated from the pool if absent. */
static uint64_t *next_level(struct pt *pt, uint64_t *entry)
{
    if ( !(*entry & PTE_P) )
    {
        if ( pt->next >= KG_PT_POOL_END )
            return NULL;
        *entry = pt->next | PTE_P | PTE_W;
        pt->next += 0x1000;
    }

    return (uint64_t *)(pt->ram + (*entry & ~0xfffULL));
}

static int map_2m(struct pt *pt, uint64_t gpa, uint64_t flags)
{
    uint64_t *pml4 = (uint64_t *)(pt->ram + KG_PT_POOL), *pdpt, *pd;

    pdpt = next_level(pt, &pml4[(gpa >> 39) & 511]);
    pd = pdpt ? next_level(pt, &pdpt[(gpa >> 30) & 511]) : NULL;
    if ( !pd )
        return -1;
    pd[(gpa >> 21) & 511] = (gpa & ~(PAGE_2M - 1)) | flags;

    return 0;
}

static int map_range(struct pt *pt, uint64_t start, uint64_t end,
                     uint64_t flags)
{
    uint64_t gpa;

    for ( gpa = start & ~(PAGE_2M - 1); gpa < end; gpa += PAGE_2M )
        if ( map_2m(pt, gpa, flags | PTE_P | PTE_W | PTE_PS) )
            return -1;

    return 0;
}

static void set_gdt(uint8_t *ram)
{
    static const uint64_t gdt[] = {
        0,
        0x00af9b000000ffffULL,      /* KG_SEL_CODE: 64-bit code, DPL 0 */
        0x00cf93000000ffffULL,      /* KG_SEL_DATA: flat data, DPL 0 */
    };

    memcpy(ram + KG_GDT, gdt, sizeof(gdt));
}

static int set_registers(int vcpu)
{
    struct kvm_segment code = {
        .limit = 0xffffffff, .selector = KG_SEL_CODE, .type = 11,
        .present = 1, .s = 1, .l = 1, .g = 1,
    };
    struct kvm_segment data = {
        .limit = 0xffffffff, .selector = KG_SEL_DATA, .type = 3,
        .present = 1, .s = 1, .db = 1, .g = 1,
    };
    struct kvm_regs regs = {
        .rip = KG_CODE, .rsp = KG_STACK_TOP, .rflags = 2,
    };
    struct kvm_sregs s;

    if ( ioctl(vcpu, KVM_GET_SREGS, &s) < 0 )
        return -1;
    s.cs = code;
    s.ds = s.es = s.fs = s.gs = s.ss = data;
    s.gdt.base = KG_GDT;
    s.gdt.limit = 3 * 8 - 1;
    s.cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
    s.cr3 = KG_PT_POOL;
    s.cr4 = CR4_PAE;
    s.efer = EFER_LME | EFER_LMA;
    if ( ioctl(vcpu, KVM_SET_SREGS, &s) < 0 ||
         ioctl(vcpu, KVM_SET_REGS, &regs) < 0 )
        return -1;

    return 0;
}

int vm_boot(struct vm *vm, uint64_t ecam, uint64_t size, const void *code,
            size_t len)
{
    struct pt pt = { .ram = vm->ram, .next = KG_PT_POOL + 0x1000 };

    if ( len > KG_CODE_MAX )
    {
        fprintf(stderr, "kvmecam: guest binary too large (%zu bytes)\n", len);
        return -1;
    }
    memcpy(vm->ram + KG_CODE, code, len);
    set_gdt(vm->ram);
    if ( map_range(&pt, 0, 1ULL << 32, 0) ||
         map_range(&pt, ecam, ecam + size, PTE_PCD | PTE_PWT) )
    {
        fprintf(stderr, "kvmecam: cannot map the ECAM window at %#llx\n",
                (unsigned long long)ecam);
        return -1;
    }
    if ( set_registers(vm->vcpu) )
    {
        perror("kvmecam: vCPU registers");
        return -1;
    }

    return 0;
}
