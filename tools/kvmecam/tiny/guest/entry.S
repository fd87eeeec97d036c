/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam guest entry: the host enters here in long mode with the stack
 * set (abi.h).  guest_main() reports DONE; halting after it is a fallback.
 */
    .section .text.entry, "ax"
    .globl _start
    .code64
_start:
    call guest_main
1:  hlt
    jmp 1b

    .section .note.GNU-stack, "", @progbits
