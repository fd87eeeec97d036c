/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam guest: an IDT (modelled on tools/xen-e2e/guest/idt.S).  Vectors
 * KG_IRQ_FIRST..KG_IRQ_LAST are the interrupts the checks expect: each is
 * counted in irq_count[] (irq.c), told to the host on KG_PORT_IRQ (which
 * times its delivery) and acknowledged at the local APIC.  Every other
 * vector reaches trap() with its number, error code and RIP, so that an
 * exception or a stray interrupt is reported instead of escalating to a
 * triple fault.
 */
#include "abi.h"

#define LAPIC_EOI   (KG_LAPIC + 0xb0)

    .code64
    .text

/* Vectors with an error code: 8, 10-14, 17, 21, 29, 30. */
#define HAS_ERRCODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || \
                        (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

/* Fatal stubs, 16 bytes apart: stubs + 16 * vector. */
    .macro stub v
    .align 16
    .if !HAS_ERRCODE(\v)
    push    $0
    .endif
    mov     $\v, %edi
    jmp     trap_common
    .endm

    .align 16
stubs:
    .set    vec, 0
    .rept   256
    stub    vec
    .set    vec, vec + 1
    .endr

trap_common:
    mov     (%rsp), %rsi            /* error code */
    mov     8(%rsp), %rdx           /* RIP */
    and     $~15, %rsp
    call    trap
1:  hlt
    jmp     1b

/* Counted stubs, 16 bytes apart: irq_stubs + 16 * (vector - KG_IRQ_FIRST). */
    .macro irq_stub v
    .align 16
    push    %rax
    mov     $(\v - KG_IRQ_FIRST), %eax
    jmp     irq_common
    .endm

    .align 16
irq_stubs:
    .set    vec, KG_IRQ_FIRST
    .rept   KG_IRQ_LAST - KG_IRQ_FIRST + 1
    irq_stub vec
    .set    vec, vec + 1
    .endr

/*
 * No C is called, so only the registers used here are saved; iretq
 * restores RFLAGS.  The count is bumped before the EOI so that a waiter
 * never sees a vector acknowledged but not counted; the host is told
 * before the count, so that its time is there when the waiter looks.
 */
irq_common:
    push    %rdx
    add     $KG_IRQ_FIRST, %eax
    mov     $KG_PORT_IRQ, %edx
    outl    %eax, %dx
    sub     $KG_IRQ_FIRST, %eax
    lea     irq_count(%rip), %rdx
    lock incl (%rdx, %rax, 4)
    mov     $LAPIC_EOI, %edx        /* zero-extends: no disp32 */
    movl    $0, (%rdx)
    pop     %rdx
    pop     %rax
    iretq

/* idt_init(): fill the 256 gates. */
    .global idt_init
idt_init:
    lea     idt(%rip), %rdi
    xor     %ecx, %ecx
2:  mov     %ecx, %eax
    cmp     $KG_IRQ_FIRST, %ecx
    jb      3f
    cmp     $KG_IRQ_LAST, %ecx
    ja      3f
    sub     $KG_IRQ_FIRST, %eax
    shl     $4, %eax
    lea     irq_stubs(%rip), %rsi
    jmp     4f
3:  shl     $4, %eax
    lea     stubs(%rip), %rsi
4:  add     %rax, %rsi
    mov     %rsi, %rax
    mov     %ax, (%rdi)             /* offset 15:0 */
    movw    $KG_SEL_CODE, 2(%rdi)   /* the 64-bit code segment */
    movw    $0x8e00, 4(%rdi)        /* present, DPL 0, interrupt gate */
    shr     $16, %rax
    mov     %ax, 6(%rdi)            /* offset 31:16 */
    shr     $16, %rax
    mov     %eax, 8(%rdi)           /* offset 63:32 */
    movl    $0, 12(%rdi)
    add     $16, %rdi
    inc     %ecx
    cmp     $256, %ecx
    jb      2b
    lidt    idt_desc(%rip)
    ret

    .section .rodata
    .align 16
idt_desc:
    .word   256 * 16 - 1
    .quad   idt

    .section .bss
    .align 16
idt:
    .skip   256 * 16

    .section .note.GNU-stack, "", @progbits
