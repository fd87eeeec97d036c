/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The test guest's entry.  Xen starts a PVH guest (at the PHYS32 note's
 * address, pvh.S) and an HVM guest's firmware (at the ELF entry) alike: 32-bit
 * protected mode, paging off, flat segments.  Map the low 4 GiB with 2 MiB
 * pages (the ECAM windows live there), enter long mode and call
 * guest_main(mode).
 */
#define MSR_EFER    0xc0000080
#define EFER_LME    0x100
#define CR0_PE      0x1
#define CR0_MP      0x2
#define CR0_PG      0x80000000
#define CR4_PAE     0x20
#define CR4_OSFXSR  0x200
#define CR4_OSXMM   0x400
#define PTE_P_RW    0x3
#define PDE_2M      0x83

    .code32
    .section .text.entry, "ax"
    .global hvm_start, pvh_start
hvm_start:
    mov     $2, %esi                /* GUEST_HVM */
    jmp     common
pvh_start:
    mov     $1, %esi                /* GUEST_PVH */
common:
    cli
    cld
    mov     $stack_top, %esp
    /* Zero the tables, then 2048 2 MiB entries over 4 PD pages. */
    mov     $pml4, %edi
    mov     $(6 * 4096 / 4), %ecx
    xor     %eax, %eax
    rep stosl
    mov     $pd, %edi
    mov     $PDE_2M, %eax
    mov     $2048, %ecx
1:  mov     %eax, (%edi)
    add     $0x200000, %eax
    add     $8, %edi
    loop    1b
    mov     $pdpt, %edi
    mov     $(pd + PTE_P_RW), %eax
    mov     $4, %ecx
2:  mov     %eax, (%edi)
    add     $4096, %eax
    add     $8, %edi
    loop    2b
    movl    $(pdpt + PTE_P_RW), pml4
    mov     $pml4, %eax
    mov     %eax, %cr3
    mov     %cr4, %eax
    or      $(CR4_PAE | CR4_OSFXSR | CR4_OSXMM), %eax
    mov     %eax, %cr4
    mov     $MSR_EFER, %ecx
    rdmsr
    or      $EFER_LME, %eax
    wrmsr
    mov     %cr0, %eax
    and     $~0xc, %eax             /* EM and TS off: SSE for 8 bytes */
    or      $(CR0_PG | CR0_PE | CR0_MP), %eax
    mov     %eax, %cr0
    lgdt    gdt_desc
    ljmp    $0x08, $long_mode

    .code64
long_mode:
    mov     $0x10, %eax
    mov     %eax, %ds
    mov     %eax, %es
    mov     %eax, %ss
    mov     %eax, %fs
    mov     %eax, %gs
    mov     $stack_top, %rsp
    mov     %esi, %edi
    call    guest_main
3:  hlt
    jmp     3b

    .section .rodata
    .align 16
gdt:
    .quad   0
    .quad   0x00af9a000000ffff      /* 0x08: 64-bit code */
    .quad   0x00cf92000000ffff      /* 0x10: data */
gdt_desc:
    .word   gdt_desc - gdt - 1
    .long   gdt

    .section .bss
    .align 4096
pml4:   .skip 4096
pdpt:   .skip 4096
pd:     .skip 4 * 4096
    .align 16
stack:  .skip 16384
stack_top:
