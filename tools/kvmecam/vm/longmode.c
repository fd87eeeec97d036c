/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam: enter the guest in 64-bit long mode at CPL0.  PVM runs real
 * mode too, but an 8-byte MMIO access needs a 64-bit mov.  The host builds
 * what firmware would: identity paging with 2 MiB pages (0-4 GiB and the
 * ECAM window, uncached), a flat GDT, CR0/CR4/EFER and the entry registers,
 * where the guest's layout (struct lm_entry) says: the tiny guest's KG_*
 * one, or Linux's (linux/host/elf.c).
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
    uint64_t root;                  /* the PML4 */
    uint64_t next, end;             /* next free page of the pool, its end */
};

/* The table an entry points to, allocated from the pool if absent. */
static uint64_t *next_level(struct pt *pt, uint64_t *entry)
{
    if ( !(*entry & PTE_P) )
    {
        if ( pt->next >= pt->end )
            return NULL;
        *entry = pt->next | PTE_P | PTE_W;
        pt->next += 0x1000;
    }

    return (uint64_t *)(pt->ram + (*entry & ~0xfffULL));
}

static int map_2m(struct pt *pt, uint64_t gpa, uint64_t flags)
{
    uint64_t *pml4 = (uint64_t *)(pt->ram + pt->root), *pdpt, *pd;

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

/* The null descriptor, then flat 64-bit code and data (DPL 0). */
static unsigned int set_gdt(uint8_t *ram, const struct lm_entry *e)
{
    uint64_t *gdt = (uint64_t *)(ram + e->gdt);
    unsigned int top = e->sel_code > e->sel_data ? e->sel_code : e->sel_data;

    memset(gdt, 0, top + 8);
    gdt[e->sel_code / 8] = 0x00af9b000000ffffULL;
    gdt[e->sel_data / 8] = 0x00cf93000000ffffULL;

    return top + 8;
}

static int set_registers(int vcpu, const struct lm_entry *e,
                         unsigned int gdt_len)
{
    struct kvm_segment code = {
        .limit = 0xffffffff, .selector = e->sel_code, .type = 11,
        .present = 1, .s = 1, .l = 1, .g = 1,
    };
    struct kvm_segment data = {
        .limit = 0xffffffff, .selector = e->sel_data, .type = 3,
        .present = 1, .s = 1, .db = 1, .g = 1,
    };
    struct kvm_regs regs = {
        .rip = e->rip, .rsp = e->rsp, .rsi = e->rsi, .rflags = 2,
    };
    struct kvm_sregs s;

    if ( ioctl(vcpu, KVM_GET_SREGS, &s) < 0 )
        return -1;
    s.cs = code;
    s.ds = s.es = s.fs = s.gs = s.ss = data;
    s.gdt.base = e->gdt;
    s.gdt.limit = gdt_len - 1;
    s.cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
    s.cr3 = e->pt_pool;
    s.cr4 = CR4_PAE;
    s.efer = EFER_LME | EFER_LMA;
    if ( ioctl(vcpu, KVM_SET_SREGS, &s) < 0 ||
         ioctl(vcpu, KVM_SET_REGS, &regs) < 0 )
        return -1;

    return 0;
}

int vm_long_mode(struct vm *vm, const struct lm_entry *e, uint64_t ecam,
                 uint64_t size)
{
    struct pt pt = {
        .ram = vm->ram, .root = e->pt_pool, .next = e->pt_pool + 0x1000,
        .end = e->pt_pool_end,
    };

    memset(vm->ram + e->pt_pool, 0, e->pt_pool_end - e->pt_pool);
    if ( map_range(&pt, 0, 1ULL << 32, 0) ||
         map_range(&pt, ecam, ecam + size, PTE_PCD | PTE_PWT) )
    {
        fprintf(stderr, "kvmecam: cannot map the ECAM window at %#llx\n",
                (unsigned long long)ecam);
        return -1;
    }
    if ( set_registers(vm->vcpu, e, set_gdt(vm->ram, e)) )
    {
        perror("kvmecam: vCPU registers");
        return -1;
    }

    return 0;
}

int vm_boot(struct vm *vm, uint64_t ecam, uint64_t size, const void *code,
            size_t len)
{
    static const struct lm_entry tiny = {
        .gdt = KG_GDT, .pt_pool = KG_PT_POOL, .pt_pool_end = KG_PT_POOL_END,
        .sel_code = KG_SEL_CODE, .sel_data = KG_SEL_DATA,
        .rip = KG_CODE, .rsp = KG_STACK_TOP,
    };

    if ( len > KG_CODE_MAX )
    {
        fprintf(stderr, "kvmecam: guest binary too large (%zu bytes)\n", len);
        return -1;
    }
    memcpy(vm->ram + KG_CODE, code, len);

    return vm_long_mode(vm, &tiny, ecam, size);
}
