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
 */
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/pci.h>

#define XECAM_CAP_TTL  48
#define XECAM_ECAP_TTL ((4096 - 256) / 8)

static void __init xecam_dump_config(struct pci_dev *dev)
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
        printk(KERN_INFO "%0*x: %16ph\n", off < 0x100 ? 2 : 3, off, line);
    }
}

static void __init xecam_dump_caps(struct pci_dev *dev)
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
    pr_info("xecam-dump: caps%s\n", len ? buf : " -");
}

static void __init xecam_dump_ecaps(struct pci_dev *dev)
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
    pr_info("xecam-dump: ecaps%s\n", len ? buf : " -");
}

static void __init xecam_dump_linux(struct pci_dev *dev)
{
    pr_info("xecam-dump: linux pcie %x type %d sriov %x acs %x l1ss %x "
            "physfn %d\n", pci_pcie_cap(dev),
            pci_is_pcie(dev) ? pci_pcie_type(dev) : -1,
            pci_find_ext_capability(dev, PCI_EXT_CAP_ID_SRIOV),
            pci_find_ext_capability(dev, PCI_EXT_CAP_ID_ACS),
            pci_find_ext_capability(dev, PCI_EXT_CAP_ID_L1SS),
            dev->is_physfn);
}

static int __init xecam_dump(void)
{
    struct pci_dev *dev = NULL;
    unsigned int n = 0;

    pr_info("xecam-dump: begin\n");
    for_each_pci_dev(dev)
    {
        pr_info("xecam-dump: %s cfg_size %d\n", pci_name(dev), dev->cfg_size);
        xecam_dump_config(dev);
        xecam_dump_caps(dev);
        xecam_dump_ecaps(dev);
        xecam_dump_linux(dev);
        n++;
    }
    pr_info("xecam-dump: end %u devices\n", n);

    return 0;
}
late_initcall(xecam_dump);
