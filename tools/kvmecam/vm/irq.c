/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam: interrupts from the simulated host functions into the guest.
 *
 * The userspace port plays the host and the device (port/user/irq.c):
 * when a function raises, it sends the guest message bound to that vector
 * or entry, unless masked.  Here that message becomes an MSI of the VM
 * (KVM_SIGNAL_MSI), which the in-kernel local APIC takes as a real MSI
 * write would reach it: the address picks the APIC, the data the vector.
 * PVM supports it; KVM_SIGNAL_MSI answers 0 while the guest's APIC is
 * software-disabled (blocked), so those are counted apart.
 *
 * The guest's side (tiny/guest, abi.h): the doorbell makes a function
 * raise, the interrupt handler reports on KG_PORT_IRQ (which times the
 * delivery), and a clock port bounds the guest's waits.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "kvmecam.h"

/* The port's sink: a bound message leaves the device. */
static void signal_msi(void *opaque, domid_t domid, uint64_t addr,
                       uint32_t data)
{
    struct host *h = opaque;
    struct kvm_msi m = {
        .address_lo = (uint32_t)addr, .address_hi = addr >> 32, .data = data,
    };
    int rc;

    if ( domid != GUEST_ID )
    {
        h->irq.foreign++;
        return;
    }
    h->irq.sent_ns = now_ns();
    h->irq.sent_data = data;
    rc = ioctl(h->vm.fd, KVM_SIGNAL_MSI, &m);
    if ( rc > 0 )
        h->irq.signalled++;
    else if ( rc == 0 )
        h->irq.blocked++;
    else if ( h->irq.failed++ == 0 )
        fprintf(stderr, "kvmecam: KVM_SIGNAL_MSI: %s\n", strerror(errno));
}

void irq_attach(struct host *h)
{
    memset(&h->irq, 0, sizeof(h->irq));
    xecam_user_irq_sink(signal_msi, h);
}

void irq_detach(struct host *h)
{
    xecam_user_irq_sink(NULL, NULL);
}

/* The doorbell: the function behind the guest's raises (abi.h). */
static void doorbell(struct host *h, uint32_t val)
{
    uint32_t host;

    if ( guest_host_of(&h->s, val & 0xffff, &host) )
    {
        h->irq.last_raise = -ENODEV;
        return;
    }
    h->irq.raises++;
    h->irq.last_raise = xecam_user_irq_raise(host, val & KG_DOORBELL_MSIX,
                                             (val >> 16) & 0x7ff);
}

/* The guest's handler ran for 'vector'. */
static void handled(struct host *h, uint32_t vector)
{
    h->irq.handled++;
    h->irq.handled_vector = vector;
    h->irq.wrong_vector += vector != (h->irq.sent_data & 0xff);
    h->irq.deliver_ns = h->irq.sent_ns ? now_ns() - h->irq.sent_ns : 0;
}

int irq_port(struct host *h, unsigned int port, unsigned int size,
             bool write, uint8_t *data)
{
    uint32_t v = 0;

    if ( port != KG_PORT_DOORBELL && port != KG_PORT_IRQ &&
         port != KG_PORT_CLOCK )
        return HOOK_PASS;
    if ( size != 4 )                /* dwords only: the rest is ignored */
    {
        if ( !write )
            memset(data, 0xff, size);
        return EX_IRQ;
    }
    if ( write )
    {
        memcpy(&v, data, 4);
        if ( port == KG_PORT_DOORBELL )
            doorbell(h, v);
        else if ( port == KG_PORT_IRQ )
            handled(h, v);
        return EX_IRQ;
    }
    if ( port == KG_PORT_DOORBELL )
        v = h->irq.last_raise;
    else if ( port == KG_PORT_IRQ )
        v = h->irq.deliver_ns;
    else
        v = now_ns() / 1000;
    memcpy(data, &v, 4);

    return EX_IRQ;
}
