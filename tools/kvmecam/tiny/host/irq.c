/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam irq: the tiny guest programs a passed-through function's MSI
 * and MSI-X, rings the doorbell so that the simulated device raises, and
 * counts what reaches its IDT (tiny/guest/irqcheck.c).  One line per
 * check, "irq NAME: ok" or "irq NAME: FAIL", with what the guest saw and
 * how long the delivery took; a check that did not run is a FAIL.
 */
#include <stdio.h>

#include "kvmecam.h"

static const char *const names[KG_IRQ_NR] = {
    [KG_IRQ_MSI] = "msi", [KG_IRQ_MSIX] = "msix",
    [KG_IRQ_MSIX_MASK] = "msix-mask",
};

static const char *why(uint32_t fail)
{
    static const char *const text[] = {
        [KG_IRQF_OK] = "",
        [KG_IRQF_NO_FN] = "no function on the first bus has MSI and MSI-X",
        [KG_IRQF_RAISE] = "the raise did not answer as expected",
        [KG_IRQF_NEVER] = "the vector never arrived",
        [KG_IRQF_TWICE] = "the vector arrived more than once",
        [KG_IRQF_STRAY] = "other vectors arrived",
        [KG_IRQF_EARLY] = "the vector arrived while masked",
        [KG_IRQF_PBA_CLEAR] = "masked and raised, the PBA bit reads 0",
        [KG_IRQF_PBA_SET] = "delivered, the PBA bit still reads 1",
    };

    return fail < XECAM_ARRAY_SIZE(text) ? text[fail] : "unknown failure";
}

static const char *raise_text(int32_t raised)
{
    static char buf[32];

    if ( raised == 1 )
        return "delivered";
    if ( raised == 0 )
        return "left pending";
    snprintf(buf, sizeof(buf), "error %d", raised);

    return buf;
}

static bool line(unsigned int i, const struct kg_irq_res *r)
{
    bool ok = r->ran && r->fail == KG_IRQF_OK;

    printf("irq %s: %s", names[i], ok ? "ok" : "FAIL");
    if ( !r->ran )
    {
        printf(": did not run\n");
        return false;
    }
    if ( !ok )
        printf(": %s;", why(r->fail));
    printf(" vector %#x, raise: %s", r->vector, raise_text(r->raised));
    if ( i == KG_IRQ_MSIX_MASK )
        printf(", PBA %#x while masked, %#x after the unmask", r->pba_masked,
               r->pba_after);
    printf(", arrived %u, strays %u", r->seen, r->strays);
    if ( r->seen )
        printf(", %.1f us from the message to the handler",
               r->deliver_ns / 1e3);
    printf("\n");

    return ok;
}

static int results(const struct host *h)
{
    const struct kg_params *p = h->params;
    const struct irqs *q = &h->irq;
    unsigned int i, bad = 0;

    printf("kvmecam irq: function %02x:%02x.%u; host: %lu raises, %lu MSIs "
           "signalled, %lu blocked, %lu failed, %lu handler reports (%lu "
           "not at the vector sent)\n", p->irq_bdf >> 8,
           (p->irq_bdf >> 3) & 0x1f, p->irq_bdf & 7, q->raises, q->signalled,
           q->blocked, q->failed, q->handled, q->wrong_vector);
    for ( i = 0; i < KG_IRQ_NR; i++ )
        bad += !line(i, &p->irq[i]);
    bad += q->blocked + q->failed + q->wrong_vector;

    return bad ? 1 : 0;
}

int cmd_irq(const struct opts *o)
{
    struct host h;
    int rc = host_init(&h, o, KG_MODE_IRQ);

    if ( !rc )
    {
        rc = run_guest(&h, o->timeout_s) ? 1 : 0;
        if ( h.params->trap_vector || h.params->trap_rip )
            fprintf(stderr, "kvmecam: guest trap: vector %#x error %#llx "
                    "at rip %#llx\n", h.params->trap_vector,
                    (unsigned long long)h.params->trap_error,
                    (unsigned long long)h.params->trap_rip);
        if ( !rc || h.params->irq[0].ran )
            rc = results(&h) || rc;
    }
    host_fini(&h);

    return rc;
}
