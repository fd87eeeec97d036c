/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam linux: the ports the host serves for the Linux guest ahead of
 * the module.  COM1 (0x3f8-0x3ff) is the 16550A of uart.c, its
 * interrupt on IRQ 4 of the in-kernel PIC and IOAPIC (KVM_IRQ_LINE); the
 * console ends the run once the initcall's report is complete.
 * 0xcf8-0xcff go on to the module.  Every other port nobody backs: reads
 * all-ones, writes dropped, not recorded (0x80 delays, the RTC, the
 * keyboard controller...; the PIC and PIT are in the kernel).  Stops are
 * handed to quirk.c.
 */
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "linux.h"

#define COM1      0x3f8U
#define COM1_IRQ  4U

static void set_irq(struct lx_run *r)
{
    struct kvm_irq_level l = { .irq = COM1_IRQ };
    bool level = uart_irq(&r->uart);

    if ( level == r->irq_level )
        return;
    l.level = level;
    if ( ioctl(r->h.vm.fd, KVM_IRQ_LINE, &l) < 0 )
        perror("kvmecam: KVM_IRQ_LINE");
    r->irq_level = level;
}

static void com1(struct lx_run *r, unsigned int off, bool write, uint8_t *b)
{
    int tx;

    if ( !write )
    {
        *b = uart_read(&r->uart, off);
        return;
    }
    uart_write(&r->uart, off, *b, &tx);
    if ( tx < 0 || !lx_console_putc(&r->cons, tx) || r->h.done )
        return;
    if ( !r->boot_over )
    {
        lx_boot_over(r);
        lx_hp_start(&r->hp, &r->h.irq);
    }
    r->h.done = !r->hp.on || r->hp.ended;
}

static int pio_hook(struct host *h, unsigned int port, unsigned int size,
                    bool write, uint8_t *data)
{
    struct lx_run *r = h->ext;
    unsigned int i;

    if ( port >= XECAM_PCI_CF8 && port < XECAM_PCI_CFC + 4 )
        return HOOK_PASS;
    if ( port == LX_HP_PORT && size == 4 && !write && r->hp.on )
    {
        uint32_t v = lx_hp_poll(&r->hp, &h->irq);

        memcpy(data, &v, 4);
        return EX_PEER_PIO;
    }
    if ( port >= COM1 && port + size <= COM1 + 8 )
    {
        for ( i = 0; i < size; i++ )
            com1(r, port - COM1 + i, write, data + i);
        set_irq(r);
        return EX_CONSOLE;
    }
    if ( !write )
        memset(data, 0xff, size);
    r->other_ports++;

    return EX_PEER_PIO;
}

static int stop_hook(struct host *h)
{
    struct lx_run *r = h->ext;

    return lx_quirk(&h->vm, &r->quirks);
}

void lx_hooks(struct lx_run *r)
{
    r->h.ext = r;
    r->h.pio_hook = pio_hook;
    r->h.stop_hook = stop_hook;
}
