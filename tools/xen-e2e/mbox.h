/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The e2e-xen test guest's mailbox: one page at a fixed guest-physical
 * address, through which dom0's e2e-mbox and the guest hand over at the
 * steps where dom0 must act while the guest runs (move the window, save
 * and restore the guest).  The guest writes 'wait' and spins until dom0
 * writes the same step to 'go'.
 */
#ifndef XEN_E2E_MBOX_H
#define XEN_E2E_MBOX_H

#include <stdint.h>

#define MBOX_GPA        0x110000UL
#define MBOX_MAGIC      0x786f626dU     /* "mbox" */

/* The steps, in the order the guest reaches them. */
#define MBOX_STEP_MOVE  1               /* dom0 moves the window */
#define MBOX_STEP_SAVE  2               /* dom0 saves and restores the guest */
#define MBOX_STEP_PT    3               /* dom0 passes the devices through */
#define MBOX_STEP_INTX  4               /* dom0 reads edu's Command: arg[0] */
#define MBOX_STEP_HP_ADD    5           /* dom0 hot-adds behind the port */
#define MBOX_STEP_HP_BUTTON 6           /* dom0 presses its button */
#define MBOX_STEP_HP_REMOVE 7           /* dom0 releases the function */

/*
 * Passthrough (arg[2] != 0 at init): where dom0 puts the functions it
 * passes through, in the guest's segment 0.
 */
#define PT_EDU_BDF      0x0028          /* 00:05.0: QEMU's edu */
#define PT_PORT_BDF     0x0030          /* 00:06.0: an emulated Root Port */
#define PT_NIC_BUS      2               /* its secondary bus */
#define PT_NIC_BDF      0x0200          /* 02:00.0: QEMU's e1000e */
#define PT_HP_PORT_BDF  0x0038          /* 00:07.0: an empty Root Port */
#define PT_HP_BUS       3               /* its secondary bus */
#define PT_HP_BDF       0x0300          /* 03:00.0: a second edu, hot-added */

struct mbox {
    volatile uint32_t magic;            /* guest: MBOX_MAGIC once set up */
    volatile uint32_t wait;             /* guest: the step it waits at */
    volatile uint32_t go;               /* dom0: the step it has done */
    volatile uint32_t done;             /* guest: 1 when it has finished */
    volatile uint64_t arg[4];           /* dom0 -> guest: step arguments */
};

#endif /* XEN_E2E_MBOX_H */
