/* SPDX-License-Identifier: GPL-2.0-only */
/* The test guest's C entry: set up, run the checks, power off. */
#include "guest.h"

static struct mbox mbox_page __attribute__((section(".mbox"), used));

void guest_main(enum guest_kind kind);
void idt_init(void);
void trap(unsigned int vector, uint64_t error, uint64_t rip);

static const char *kind_name = "guest";

/*
 * An exception, or an interrupt at a vector idt.S does not count: a failed
 * check, then the guest powers off.
 */
void trap(unsigned int vector, uint64_t error, uint64_t rip)
{
    print("e2e: %s.trap FAIL vector %#x (%s) error %#lx at %#lx\n",
          kind_name, vector, vector < 32 ? "an exception" : "an interrupt",
          (unsigned long)error, (unsigned long)rip);
    xen_poweroff();
}

void guest_main(enum guest_kind kind)
{
    struct mbox *mb = &mbox_page;

    kind_name = kind == GUEST_PVH ? "pvh" : "hvm";
    idt_init();
    print("e2e: %s guest up\n", kind == GUEST_PVH ? "pvh" : "hvm");
    if ( (uintptr_t)mb != MBOX_GPA || mb->magic != MBOX_MAGIC )
        print("e2e: mailbox at %#lx not set up by dom0 (magic %#x)\n",
              (unsigned long)(uintptr_t)mb, mb->magic);
    else if ( xen_init() )
        print("e2e: no Xen CPUID leaves\n");
    else
        run_checks(kind, mb);
    mb->done = 1;
    xen_poweroff();
}
