/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An IDT for the test guest: every vector reaches trap() with its number
 * and the interrupted RIP, so an exception or a stray interrupt is
 * reported instead of escalating to a triple fault.
 */
    .code64
    .text

/* Vectors with an error code: 8, 10-14, 17, 21, 29, 30. */
#define HAS_ERRCODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || \
                        (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

    .macro stub v
    .align 16
stub_\v:
    .if !HAS_ERRCODE(\v)
    push    $0
    .endif
    mov     $\v, %edi
    jmp     trap_common
    .endm

    .align 16
stubs:
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    stub \v
    .endr
    .align 16
stub_irq:
    push    $0
    mov     $255, %edi
    jmp     trap_common

trap_common:
    mov     (%rsp), %rsi            /* error code */
    mov     8(%rsp), %rdx           /* RIP */
    and     $~15, %rsp
    call    trap
1:  hlt
    jmp     1b

/* idt_init(): fill the 256 gates (32 exceptions, the rest one stub). */
    .global idt_init
idt_init:
    lea     idt(%rip), %rdi
    xor     %ecx, %ecx
2:  cmp     $32, %ecx
    jae     3f
    mov     %ecx, %eax
    shl     $4, %eax
    lea     stubs(%rip), %rsi
    add     %rax, %rsi
    jmp     4f
3:  lea     stub_irq(%rip), %rsi
4:  mov     %rsi, %rax
    mov     %ax, (%rdi)             /* offset 15:0 */
    movw    $0x08, 2(%rdi)          /* the 64-bit code segment */
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
