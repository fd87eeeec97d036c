/* SPDX-License-Identifier: GPL-2.0-only */
/* The PVH build's entry: Xen's PHYS32_ENTRY note (only in guest-pvh.elf). */
#define XEN_ELFNOTE_PHYS32_ENTRY 18

    .section .note.Xen, "a", @note
    .align 4
    .long   4                       /* name size: "Xen\0" */
    .long   4                       /* descriptor size */
    .long   XEN_ELFNOTE_PHYS32_ENTRY
    .asciz  "Xen"
    .align 4
    .long   pvh_start
    .align 4
