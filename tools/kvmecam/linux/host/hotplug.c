/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam linux --hotplug: a PCI Express Root Port with an empty slot
 * (vpci/slot.c, docs/hotplug.md) beside the config's functions, and a host
 * function kept aside for it: a copy of the bytes of the function behind
 * the config's first Root Port, at a host address of its own.  Once Linux
 * has booted (its initcall's report is complete; the initcall then watches
 * while XECAM_HP_PORT reads 0):
 *
 *   1. xecam_hotplug_add, then the attention button: Linux's pciehp
 *      enables no presence event on a slot with a button (6.1,
 *      pcie_enable_notification), it powers the slot on after a press;
 *   2. the initcall dumps the function once Linux added it ("xecam-hp: "
 *      lines), checked here against the module's view of it;
 *   3. the attention button again: pciehp takes the function down and
 *      powers the slot off; xecam_hotplug_remove is asked on each of the
 *      guest's polls until it stops answering -EBUSY (bounded);
 *   4. the initcall says Linux let it go ("xecam-hp: removed"); a second
 *      later the port reads 1 and the watch ends ("xecam-hp: watch end").
 *
 * The slot's events reach Linux as the port's MSI, through the sink of
 * irq.c (KVM_SIGNAL_MSI): its Interrupt Pin is 0.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <xecam/pci.h>
#include <xecam/port.h>
#include <xecam/vpci.h>

#include "linux.h"

#define HP_HOST_PREFERRED XECAM_SBDF(0, 0x06, 0, 0)
#define HP_REMOVE_S       30        /* for the guest to power the slot off */
#define HP_TOTAL_S        90        /* the whole of it, from the add */
#define HP_SETTLE_NS      1000000000ULL

#define TAG "xecam-hp: "

static uint32_t cfg_read(struct xecam_domain *d, uint64_t base, uint32_t sbdf,
                         unsigned int reg, unsigned int size)
{
    uint64_t v = ~0ULL;

    xecam_mmio_read(d, 0, base + ((uint64_t)(sbdf & 0xffff) << 12) + reg,
                    size, &v);

    return (uint32_t)v;
}

/* A device on bus 0 nothing answers for, from 0x1c down. */
static int free_slot(struct xecam_domain *d, uint64_t base, uint32_t *port)
{
    unsigned int dev;

    for ( dev = 0x1c; dev > 0; dev-- )
        if ( (cfg_read(d, base, XECAM_SBDF(0, 0, dev, 0), 0, 2) & 0xffff) ==
             0xffff )
        {
            *port = XECAM_SBDF(0, 0, dev, 0);
            return 0;
        }

    return -1;
}

/* One past the highest subordinate bus of bus 0's bridges. */
static unsigned int next_bus(struct xecam_domain *d, uint64_t base)
{
    unsigned int devfn, next = 1, sub;
    uint32_t sbdf;

    for ( devfn = 0; devfn < 256; devfn++ )
    {
        sbdf = XECAM_SBDF(0, 0, devfn >> 3, devfn & 7);
        if ( (cfg_read(d, base, sbdf, 0, 2) & 0xffff) == 0xffff ||
             (cfg_read(d, base, sbdf, 0x0e, 1) & 0x7f) != 1 )
            continue;
        sub = cfg_read(d, base, sbdf, 0x1a, 1) & 0xff;
        if ( sub + 1 > next )
            next = sub + 1;
    }

    return next;
}

/* The host function behind the config's first Root Port (any bus > 0). */
static int model_of(const struct session *s, uint32_t *guest, uint32_t *host)
{
    unsigned int bus;

    for ( bus = 1; bus < 256; bus++ )
        if ( !guest_host_of(s, XECAM_SBDF(0, bus, 0, 0), host) )
        {
            *guest = XECAM_SBDF(0, bus, 0, 0);
            return 0;
        }

    return -1;
}

/* The model's BAR sizes, as the host's PCI code sized them, the copy's. */
static int copy_bars(uint32_t model, uint32_t host)
{
    uint64_t size;
    unsigned int bar;
    int rc = 0;

    for ( bar = 0; !rc && bar <= XECAM_PORT_ROM_BAR; bar++ )
        rc = xecam_port_pci_bar_size(model, bar, &size) ?:
             xecam_user_pdev_bar(host, bar, size);

    return rc;
}

int lx_hp_setup(struct session *s, const struct lx_bridge *b, struct lx_hp *hp)
{
    uint8_t cfg[LX_CFG_SIZE];
    int rc;

    memset(hp, 0, sizeof(*hp));
    hp->d = s->d;
    hp->base = b->base;
    hp->add_rc = hp->button_rc[0] = hp->button_rc[1] = hp->remove_rc = 1;
    if ( free_slot(s->d, b->base, &hp->port) ||
         model_of(s, &hp->model_guest, &hp->model) ||
         xecam_user_pdev_peek(hp->model, 0, cfg, sizeof(cfg)) )
    {
        fprintf(stderr, "kvmecam: --hotplug: no free device on bus 0, or "
                "no function behind a Root Port to copy\n");
        return -1;
    }
    hp->secondary = next_bus(s->d, b->base);
    hp->fn = XECAM_SBDF(0, hp->secondary, 0, 0);
    hp->host = lx_free_host(HP_HOST_PREFERRED);
    rc = hp->secondary > b->end_bus ? -ENOSPC
         : hp->host == XECAM_NO_HOST ? -ENOSPC
         : xecam_user_pdev_add(hp->host, cfg, sizeof(cfg));
    rc = rc ?: copy_bars(hp->model, hp->host);
    rc = rc ?: xecam_user_pdev_owner(hp->host, GUEST_ID);
    rc = rc ?: xecam_add_root_port(s->d, hp->port, hp->secondary);
    if ( rc )
    {
        fprintf(stderr, "kvmecam: --hotplug: the Root Port cannot be set "
                "up: %s\n", strerror(-rc));
        return -1;
    }
    hp->on = true;
    hp->state = HP_BOOT;

    return 0;
}

/* Linux has booted: the function goes in, and the button is pressed. */
void lx_hp_start(struct lx_hp *hp, const struct irqs *irq)
{
    if ( !hp->on || hp->state != HP_BOOT )
        return;
    hp->msi_before = irq->signalled;
    hp->t_add = now_ns();
    hp->add_rc = xecam_hotplug_add(hp->d, hp->port, hp->host, 0);
    hp->button_rc[0] = hp->add_rc ? hp->add_rc
                                  : xecam_hotplug_button(hp->d, hp->port);
    hp->state = hp->button_rc[0] ? HP_DONE : HP_ADDING;
    hp->dump.fn = hp->fns;
    hp->dump.begun = true;
}

/* Linux's dump of the added function, against the module's view. */
static void compare(struct lx_hp *hp)
{
    const struct lx_fn *f = lx_dump_find(&hp->dump, hp->fn);
    unsigned int off;
    uint32_t v;

    hp->dw_total = LX_CFG_SIZE / 4;
    for ( off = 0; f && off < f->cfg_size; off += 4 )
    {
        v = cfg_read(hp->d, hp->base, hp->fn, off, 4);
        hp->dw_equal += !memcmp(&v, &f->cfg[off], 4);
    }
    hp->cfg_size = f ? f->cfg_size : 0;
}

static bool is_fn(const struct lx_hp *hp, const char *l)
{
    unsigned int seg, bus, dev, fn;

    return sscanf(l, "%x:%x:%x.%u", &seg, &bus, &dev, &fn) == 4 &&
           XECAM_SBDF(seg, bus, dev, fn) == hp->fn;
}

void lx_hp_line(struct lx_hp *hp, const char *line)
{
    const char *l = line + strlen(TAG);

    if ( !hp->on || strncmp(line, TAG, strlen(TAG)) )
        return;
    if ( !strcmp(l, "watch end") )
        hp->ended = true;
    else if ( !strncmp(l, "added ", 6) )
    {
        if ( !is_fn(hp, l + 6) || hp->state != HP_ADDING )
            return;
        hp->t_added = now_ns();
        compare(hp);
        hp->t_button = now_ns();
        hp->button_rc[1] = xecam_hotplug_button(hp->d, hp->port);
        hp->state = hp->button_rc[1] ? HP_DONE : HP_REMOVING;
    }
    else if ( !strncmp(l, "removed ", 8) )
    {
        if ( is_fn(hp, l + 8) && !hp->t_gone )
            hp->t_gone = now_ns();
    }
    else if ( strcmp(l, "watching") )
    {
        char buf[sizeof(((struct lx_console *)0)->line) + 16];
        size_t n = strspn(l, "0123456789abcdef");

        /* The boot's report's shape: hex lines bare, the rest tagged. */
        snprintf(buf, sizeof(buf), "%s%s",
                 (n == 2 || n == 3) && l[n] == ':' ? "" : "xecam-dump: ", l);
        lx_dump_line(&hp->dump, buf);
    }
}

uint32_t lx_hp_poll(struct lx_hp *hp, const struct irqs *irq)
{
    uint64_t now = now_ns();

    if ( !hp->on )
        return ~0U;
    if ( !hp->polls++ )
        return 0;                   /* the watch starts, and says so */
    if ( hp->state == HP_REMOVING )
    {
        hp->remove_rc = xecam_hotplug_remove(hp->d, hp->port, false);
        if ( hp->remove_rc == -EBUSY &&
             now - hp->t_button < HP_REMOVE_S * 1000000000ULL )
            hp->busy++;
        else
        {
            hp->t_removed = now;
            hp->after_remove = cfg_read(hp->d, hp->base, hp->fn, 0, 4);
            hp->state = HP_REMOVED;
        }
    }
    if ( hp->state == HP_REMOVED && hp->t_gone &&
         now - (hp->t_gone > hp->t_removed ? hp->t_gone : hp->t_removed) >
         HP_SETTLE_NS )
        hp->state = HP_DONE;
    if ( hp->state != HP_BOOT && hp->state != HP_DONE &&
         now - hp->t_add > HP_TOTAL_S * 1000000000ULL )
        hp->state = HP_DONE;
    hp->msi = irq->signalled - hp->msi_before;
    hp->msi_blocked = irq->blocked;
    hp->msi_failed = irq->failed;

    return hp->state == HP_DONE;
}

void lx_hp_report_setup(const struct lx_hp *hp)
{
    char port[8], fn[8], guest[8];

    if ( !hp->on )
        return;
    printf("hotplug port: %s, Root Port with an empty slot (slot %u), "
           "secondary bus %02x; kept aside for %s: host "
           "%04x:%02x:%02x.%u (the bytes of host %04x:%02x:%02x.%u, guest "
           "%s)\n", lx_bdf(hp->port, port), (hp->port >> 3) & 0x1f,
           hp->secondary, lx_bdf(hp->fn, fn), hp->host >> 16,
           (hp->host >> 8) & 0xff, (hp->host >> 3) & 0x1f, hp->host & 7,
           hp->model >> 16, (hp->model >> 8) & 0xff, (hp->model >> 3) & 0x1f,
           hp->model & 7, lx_bdf(hp->model_guest, guest));
}

static double since(uint64_t t, uint64_t t0)
{
    return t && t0 && t >= t0 ? (t - t0) / 1e9 : -1;
}

void lx_hp_report(const struct lx_hp *hp)
{
    const struct lx_fn *f = lx_dump_find(&hp->dump, hp->fn);
    char port[8], fn[8];

    if ( !hp->on )
        return;
    lx_bdf(hp->port, port);
    lx_bdf(hp->fn, fn);
    printf("hotplug: add %s behind %s: %d, attention button: %d\n", fn, port,
           hp->add_rc, hp->button_rc[0]);
    if ( f && hp->t_added )
        printf("hotplug: Linux added %s after %.1f s: %02x%02x:%02x%02x "
               "class %02x%02x cfg_size %u caps %s ecaps %s; its dump is "
               "the module's view: %u of %u dwords\n", fn,
               since(hp->t_added, hp->t_add), f->cfg[1], f->cfg[0],
               f->cfg[3], f->cfg[2], f->cfg[11], f->cfg[10], f->cfg_size,
               f->caps, f->ecaps, hp->dw_equal, hp->cfg_size / 4);
    else
        printf("hotplug: Linux did not add %s\n", fn);
    if ( hp->t_added )
        printf("hotplug: attention button: %d; remove: %d after %.1f s "
               "(%lu polls answered -EBUSY); %s then reads %08x\n",
               hp->button_rc[1], hp->remove_rc,
               since(hp->t_removed, hp->t_button), hp->busy, fn,
               hp->after_remove);
    if ( hp->t_gone )
        printf("hotplug: Linux removed %s %.1f s after the button\n", fn,
               since(hp->t_gone, hp->t_button));
    else
        printf("hotplug: Linux did not remove %s\n", fn);
    printf("hotplug: the port's MSIs: %lu signalled, %lu blocked, %lu "
           "failed; the watch %s\n", hp->msi, hp->msi_blocked,
           hp->msi_failed, hp->ended ? "ended" : "did not end");
}
