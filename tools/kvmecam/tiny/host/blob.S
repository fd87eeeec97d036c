/* SPDX-License-Identifier: GPL-2.0-only */
/* kvmecam: the guest's flat binary (guest/, built by make), embedded. */
#ifndef KVMECAM_GUEST_BIN
#error "define KVMECAM_GUEST_BIN: the path of the guest's flat binary"
#endif
    .section .rodata
    .globl kvmecam_guest, kvmecam_guest_end
    .balign 16
kvmecam_guest:
    .incbin KVMECAM_GUEST_BIN
kvmecam_guest_end:

    .section .note.GNU-stack, "", @progbits
