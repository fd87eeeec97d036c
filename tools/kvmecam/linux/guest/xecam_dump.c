/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xecam-dump: print every PCI function Linux found, as Linux sees it, on
 * the console, for kvmecam's end-to-end check (tools/kvmecam/linux/).
 * Copied into drivers/pci/ of the guest kernel by build-kernel.sh.
 *
 * For each function, in the order Linux lists them:
 *
 *   xecam-dump: 0000:00:03.0 cfg_size 4096
 *   00: 86 80 c9 10 ...          cfg_size / 16 lines, lspci -xxxx format,
 *   ...                          read with pci_read_config_dword()
 *   xecam-dump: caps 01@40 05@50 10@70
 *   xecam-dump: ecaps 0001@100 000e@150
 *   xecam-dump: linux pcie 70 type 9 sriov 0 acs 0 l1ss 0 physfn 0
 *
 * caps and ecaps are the chains walked through pci_read_config_*() (ID at
 * offset); the last line is what Linux's own lookups found: the PCI
 * Express capability and its device/port type (-1 if not PCIe), and the
 * offsets pci_find_ext_capability() gives for SR-IOV, ACS and L1 PM
 * Substates, and whether the SR-IOV core took the function.
 * Finally "xecam-dump: end N devices".
 *
 * Then the initcall watches for hot-plug while kvmecam's port says so
 * (XECAM_HP_PORT reads 0; kvmecam without --hotplug, or any other host,
 * reads all-ones there and the watch ends at once), up to XECAM_HP_MAX_S:
 * a function that appears, once Linux has added it (pciehp enumerated it,
 * its resources assigned), is dumped as above with every line prefixed
 * "xecam-hp: " (the hex lines too), then "xecam-hp: added 0000:0b:00.0";
 * one that goes away is "xecam-hp: removed 0000:0b:00.0".  Finally
 * "xecam-hp: watch end".
 */
#include <linux/delay.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/pci.h>

#include "pci.h"                    /* pci_dev_is_added() */

#define XECAM_CAP_TTL  48
#define XECAM_ECAP_TTL ((4096 - 256) / 8)

#define XECAM_HP_PORT    0x518      /* kvmecam: 0 while the watch goes on */
#define XECAM_HP_POLL_MS 20
#define XECAM_HP_MAX_S   120
#define XECAM_MAX_KNOWN  64

/* The functions seen so far: the boot's, then the hot-added ones. */
static u32 xecam_known[XECAM_MAX_KNOWN] __initdata;
static unsigned int xecam_nr_known __initdata;

static u32 __init xecam_id(struct pci_dev *dev)
{
    return ((u32)pci_domain_nr(dev->bus) << 16) | pci_dev_id(dev);
}

static bool __init xecam_is_known(u32 id)
{
    unsigned int i;

    for ( i = 0; i < xecam_nr_known; i++ )
        if ( xecam_known[i] == id )
            return true;

    return false;
}

static void __init xecam_remember(u32 id)
{
    if ( xecam_nr_known < XECAM_MAX_KNOWN )
        xecam_known[xecam_nr_known++] = id;
}

/*
 * hex: the hex lines' prefix ("" in the boot's dump); tag: the others'.
 */
static void __init xecam_dump_config(struct pci_dev *dev, const char *hex)
{
    u8 line[16];
    u32 v;
    int off, i;

    for ( off = 0; off < dev->cfg_size; off += 16 )
    {
        for ( i = 0; i < 16; i += 4 )
        {
            pci_read_config_dword(dev, off + i, &v);
            line[i] = v;
            line[i + 1] = v >> 8;
            line[i + 2] = v >> 16;
            line[i + 3] = v >> 24;
        }
        printk(KERN_INFO "%s%0*x: %16ph\n", hex, off < 0x100 ? 2 : 3, off,
               line);
    }
}

static void __init xecam_dump_caps(struct pci_dev *dev, const char *tag)
{
    char buf[XECAM_CAP_TTL * 6 + 1];
    int len = 0, ttl = XECAM_CAP_TTL;
    u16 status;
    u8 pos = 0, id;

    pci_read_config_word(dev, PCI_STATUS, &status);
    if ( status & PCI_STATUS_CAP_LIST )
        pci_read_config_byte(dev, PCI_CAPABILITY_LIST, &pos);
    while ( pos >= 0x40 && ttl-- )
    {
        pos &= ~3;
        pci_read_config_byte(dev, pos + PCI_CAP_LIST_ID, &id);
        if ( id == 0xff )
            break;
        len += scnprintf(buf + len, sizeof(buf) - len, " %02x@%02x", id, pos);
        pci_read_config_byte(dev, pos + PCI_CAP_LIST_NEXT, &pos);
    }
    pr_info("%scaps%s\n", tag, len ? buf : " -");
}

static void __init xecam_dump_ecaps(struct pci_dev *dev, const char *tag)
{
    char buf[256];
    int len = 0, ttl = XECAM_ECAP_TTL, pos = 0x100;
    u32 hdr;

    while ( dev->cfg_size > 0x100 && pos >= 0x100 && ttl-- )
    {
        pci_read_config_dword(dev, pos, &hdr);
        if ( !hdr || hdr == ~0U )
            break;
        len += scnprintf(buf + len, sizeof(buf) - len, " %04x@%03x",
                         PCI_EXT_CAP_ID(hdr), pos);
        pos = PCI_EXT_CAP_NEXT(hdr);
    }
    pr_info("%secaps%s\n", tag, len ? buf : " -");
}

static void __init xecam_dump_linux(struct pci_dev *dev, const char *tag)
{
    pr_info("%slinux pcie %x type %d sriov %x acs %x l1ss %x "
            "physfn %d\n", tag, pci_pcie_cap(dev),
            pci_is_pcie(dev) ? pci_pcie_type(dev) : -1,
            pci_find_ext_capability(dev, PCI_EXT_CAP_ID_SRIOV),
            pci_find_ext_capability(dev, PCI_EXT_CAP_ID_ACS),
            pci_find_ext_capability(dev, PCI_EXT_CAP_ID_L1SS),
            dev->is_physfn);
}

static void __init xecam_dump_fn(struct pci_dev *dev, const char *hex,
                                 const char *tag)
{
    pr_info("%s%s cfg_size %d\n", tag, pci_name(dev), dev->cfg_size);
    xecam_dump_config(dev, hex);
    xecam_dump_caps(dev, tag);
    xecam_dump_ecaps(dev, tag);
    xecam_dump_linux(dev, tag);
}

/* Functions Linux added since the last look, and those it let go. */
static void __init xecam_look(void)
{
    struct pci_dev *dev = NULL;
    unsigned int i;
    u32 id;

    for_each_pci_dev(dev)
    {
        id = xecam_id(dev);
        if ( xecam_is_known(id) || !pci_dev_is_added(dev) )
            continue;
        xecam_dump_fn(dev, "xecam-hp: ", "xecam-hp: ");
        pr_info("xecam-hp: added %s\n", pci_name(dev));
        xecam_remember(id);
    }
    for ( i = 0; i < xecam_nr_known; i++ )
    {
        id = xecam_known[i];
        dev = pci_get_domain_bus_and_slot(id >> 16, (id >> 8) & 0xff,
                                          id & 0xff);
        if ( dev )
        {
            pci_dev_put(dev);
            continue;
        }
        pr_info("xecam-hp: removed %04x:%02x:%02x.%u\n", id >> 16,
                (id >> 8) & 0xff, (id >> 3) & 0x1f, id & 7);
        xecam_known[i--] = xecam_known[--xecam_nr_known];
    }
}

static void __init xecam_watch(void)
{
    unsigned long end = jiffies + XECAM_HP_MAX_S * HZ;

    if ( inl(XECAM_HP_PORT) )
        return;
    pr_info("xecam-hp: watching\n");
    while ( !inl(XECAM_HP_PORT) && time_before(jiffies, end) )
    {
        xecam_look();
        msleep(XECAM_HP_POLL_MS);
    }
    pr_info("xecam-hp: watch end\n");
}

static int __init xecam_dump(void)
{
    struct pci_dev *dev = NULL;
    unsigned int n = 0;

    pr_info("xecam-dump: begin\n");
    for_each_pci_dev(dev)
    {
        xecam_dump_fn(dev, "", "xecam-dump: ");
        xecam_remember(xecam_id(dev));
        n++;
    }
    pr_info("xecam-dump: end %u devices\n", n);
    xecam_watch();

    return 0;
}
late_initcall(xecam_dump);
