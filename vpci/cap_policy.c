/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Capability policy: what a guest sees of each capability a device has.
 * 'len' is the extent hidden, or kept read-only in both modes; 0 for an
 * unknown length: up to the next capability, or the end of the region.
 * A capability whose registers say how long it is (a *_VAR row) has its
 * len_of hook read them: the extent is then all of it, variable part
 * included, 'len' being the part always there.  Every extent stops at the
 * next capability the device has.
 * docs/capabilities.md is this table with its reasons; a test checks the two
 * agree.  Capabilities the table does not name are read-only: in the chain,
 * read from the device, never written.  Lookups match IDs against rows; a
 * device-supplied ID never indexes anything.
 */
#include "private.h"

#define STD(id, act, len, init, name, why) \
    { id, false, act, len, NULL, init, name, why }
#define EXT(id, act, len, init, name, why) \
    { id, true, act, len, NULL, init, name, why }
/* Its registers give its whole length (cap_len.c); 'len': the fixed part. */
#define STD_VAR(id, act, len, len_of, name, why) \
    { id, false, act, len, xecam_cap_len_##len_of, NULL, name, why }
#define EXT_VAR(id, act, len, len_of, name, why) \
    { id, true, act, len, xecam_cap_len_##len_of, NULL, name, why }

static const struct xecam_cap_policy policy[] = {
    STD(0x01, CAP_EMULATE, 8, xecam_cap_pm_init, "Power Management",
        "power-state changes go through Xen (D0/D3hot); PME hidden"),
    STD(0x02, CAP_HIDE, 12, NULL, "AGP",
        "no AGP bus in an HVM guest"),
    STD(0x03, CAP_HIDE, 8, NULL, "VPD",
        "reads need writes that drive the device's EEPROM engine"),
    STD(0x04, CAP_HIDE, 4, NULL, "Slot ID",
        "describes the host's chassis, not the guest's"),
    STD(0x05, CAP_EMULATE, 24, xecam_cap_msi_init, "MSI",
        "address, data and mask are virtual; Xen binds the interrupt"),
    STD(0x06, CAP_HIDE, 4, NULL, "CompactPCI Hot Swap",
        "hot-swap control belongs to the host"),
    STD(0x07, CAP_HIDE, 24, NULL, "PCI-X",
        "bus mode and split-transaction settings are the host's"),
    STD(0x08, CAP_HIDE, 0, NULL, "HyperTransport",
        "link and routing configuration of the host fabric"),
    STD_VAR(0x09, CAP_READONLY, 0, vndr, "Vendor Specific",
        "drivers read it; a write could do anything"),
    STD(0x0a, CAP_HIDE, 4, NULL, "Debug port",
        "host debugging facility"),
    STD(0x0b, CAP_HIDE, 4, NULL, "CompactPCI CRC",
        "central resource control of the host chassis"),
    STD(0x0c, CAP_HIDE, 0, NULL, "PCI Hot-Plug (SHPC)",
        "controls the host's slots"),
    STD(0x0d, CAP_HIDE, 8, NULL, "Bridge Subsystem ID",
        "bridges are not passed through"),
    STD(0x0e, CAP_HIDE, 4, NULL, "AGP 8x",
        "no AGP bus in an HVM guest"),
    STD(0x0f, CAP_HIDE, 0, NULL, "Secure Device",
        "IOMMU description of the host"),
    STD(0x10, CAP_EMULATE, 0x3c, xecam_cap_pcie_init, "PCI Express",
        "control registers virtual, FLR through Xen, topology rewritten"),
    STD(0x11, CAP_EMULATE, 12, xecam_cap_msix_init, "MSI-X",
        "enable and mask-all virtual; table and PBA validated"),
    STD_VAR(0x12, CAP_READONLY, 8, sata, "SATA",
        "describes the AHCI index/data pair; read-only is enough"),
    STD(0x13, CAP_HIDE, 6, NULL, "Advanced Features",
        "its FLR would reset the device behind Xen's back"),
    STD(0x14, CAP_HIDE, 0, NULL, "Enhanced Allocation",
        "fixed host addresses would bypass the virtual BARs"),
    /* Its registers run to FPB Vector Access Data, at 0x20. */
    STD(0x15, CAP_HIDE, 0x24, NULL, "Flattening Portal Bridge",
        "changes routing in the host fabric"),
    EXT_VAR(0x0001, CAP_READONLY, 0x38, aer, "AER",
        "drivers read the error state; masks and severities stay the host's"),
    EXT(0x0002, CAP_HIDE, 0, NULL, "Virtual Channel",
        "arbitration of the host's link"),
    EXT(0x0003, CAP_READONLY, 0x0c, NULL, "Device Serial Number",
        "drivers identify the device by it"),
    EXT(0x0004, CAP_HIDE, 0x10, NULL, "Power Budgeting",
        "its data-select register is a write; platform power is the host's"),
    EXT_VAR(0x0005, CAP_HIDE, 0x10, rcld, "Root Complex Link Declaration",
        "describes the host's root complex"),
    EXT(0x0006, CAP_HIDE, 0x10, NULL, "RC Internal Link Control",
        "host root complex links"),
    EXT(0x0007, CAP_HIDE, 0x10, NULL, "RC Event Collector Endpoint Assoc.",
        "host error routing"),
    EXT(0x0008, CAP_HIDE, 0, NULL, "Multi-Function Virtual Channel",
        "arbitration shared by all functions, some not the guest's"),
    EXT(0x0009, CAP_HIDE, 0, NULL, "Virtual Channel (MFVC present)",
        "arbitration of the host's link"),
    EXT(0x000a, CAP_HIDE, 0x10, NULL, "RCRB Header",
        "host root complex register block"),
    EXT_VAR(0x000b, CAP_READONLY, 0, vsec, "Vendor Specific (VSEC)",
        "drivers read it; a write could do anything"),
    EXT_VAR(0x000d, CAP_HIDE, 8, acs, "ACS",
        "peer-to-peer routing decides the host's isolation"),
    EXT(0x000e, CAP_READONLY, 0x08, NULL, "ARI",
        "function numbering; informational"),
    EXT(0x000f, CAP_HIDE, 8, NULL, "ATS",
        "address translation caching bypasses the IOMMU's view"),
    EXT(0x0010, CAP_HIDE, 0x40, NULL, "SR-IOV",
        "creates functions and BARs in the host"),
    /* Laid out by the MR-IOV specification, not read: up to the next. */
    EXT(0x0011, CAP_HIDE, 0, NULL, "MR-IOV",
        "multi-root sharing of the host fabric"),
    EXT(0x0012, CAP_HIDE, 0x30, NULL, "Multicast",
        "multicast BARs route memory of other functions"),
    EXT(0x0013, CAP_HIDE, 0x10, NULL, "PRI",
        "page requests go to the host's IOMMU"),
    EXT(0x0015, CAP_HIDE, 0, NULL, "Resizable BAR",
        "would resize BARs behind the virtual ones (not emulated)"),
    EXT(0x0016, CAP_HIDE, 0, NULL, "Dynamic Power Allocation",
        "platform power is the host's"),
    EXT(0x0017, CAP_HIDE, 0, NULL, "TPH Requester",
        "steering tags name host CPUs"),
    EXT(0x0018, CAP_READONLY, 0x08, NULL, "Latency Tolerance Reporting",
        "informational; its values are set by the host"),
    EXT_VAR(0x0019, CAP_READONLY, 0x0c, secpcie, "Secondary PCI Express",
        "lane error status; informational"),
    EXT(0x001b, CAP_HIDE, 8, NULL, "PASID",
        "process address spaces belong to the host's IOMMU"),
    /* 0x20: its RP PIO registers, hidden whether the port has them or not. */
    EXT_VAR(0x001d, CAP_HIDE, 0x20, dpc, "DPC",
        "downstream port containment acts on the host's links"),
    EXT(0x001e, CAP_HIDE, 0x10, NULL, "L1 PM Substates",
        "link power management of the host's link"),
    EXT(0x001f, CAP_HIDE, 0x0c, NULL, "PTM",
        "time synchronisation with the host's root"),
    EXT_VAR(0x0023, CAP_READONLY, 0, vsec, "Designated Vendor-Specific",
        "drivers read it; a write could do anything"),
};

static const struct xecam_cap_policy unknown = {
    0, false, CAP_READONLY, 0, NULL, NULL, "unknown",
    "not known to be harmless to write: read-only",
};

const struct xecam_cap_policy *
xecam_cap_policy_of(const struct xecam_cap *cap,
                    const struct xecam_assign_opts *opts,
                    enum xecam_cap_action *action)
{
    const struct xecam_cap_policy *p = &unknown;
    unsigned int i;

    for ( i = 0; i < XECAM_ARRAY_SIZE(policy); i++ )
        if ( policy[i].ext == cap->ext && policy[i].id == cap->id )
            p = &policy[i];
    *action = p->action;
    for ( i = 0; opts && i < opts->nr_overrides; i++ )
        if ( opts->overrides[i].ext == cap->ext &&
             opts->overrides[i].id == cap->id )
            *action = opts->overrides[i].action;
    /* Emulation needs code: an override cannot conjure it. */
    if ( *action == CAP_EMULATE && !p->init )
        *action = CAP_READONLY;

    return p;
}

/* Why a capability is not as its policy row says (enum xecam_cap_why). */
static const char *const not_as_policy[] = {
    [WHY_OVERRIDE] = "the assignment overrides the policy",
    [WHY_REFUSED] = "the emulation refuses what the device says (layout, "
                    "type)",
    [WHY_DUPLICATE] = "a second one of a kind emulated once per device",
    [WHY_OVERLAP] = "its header lies in another capability's registers",
    [WHY_NULL] = "a null capability (ID 0): never in the guest's chain",
};

static const struct xecam_cap_seen *seen_at(const struct xecam_vpci *dev,
                                            unsigned int offset)
{
    unsigned int ext = offset >= XECAM_CFG_LEGACY, i;
    const struct xecam_cap_seen *s;

    for ( i = 0; i < dev->nr_seen[ext]; i++ )
    {
        s = &dev->seen[ext][i];
        if ( offset >= s->cap.offset && offset < s->cap.offset + s->len )
            return s;
    }

    return NULL;
}

void xecam_cap_explain(const struct xecam_vpci *dev, unsigned int offset,
                       struct xecam_vpci_byte_rule *rule)
{
    const struct xecam_cap_seen *s = seen_at(dev, offset);

    if ( !s )
        return;
    rule->cap_name = s->policy->name;
    rule->cap_ext = s->cap.ext;
    rule->cap_id = s->cap.id;
    rule->cap_offset = s->cap.offset;
    rule->cap_action = s->action;
    rule->cap_why = s->why == WHY_POLICY ? s->policy->reason
                                         : not_as_policy[s->why];
}

/* For docs and tests: the row of (ext, id), or NULL. */
bool xecam_vpci_cap_policy(bool ext, uint16_t id, unsigned int *action,
                           const char **name, const char **reason)
{
    unsigned int i;

    for ( i = 0; i < XECAM_ARRAY_SIZE(policy); i++ )
        if ( policy[i].ext == ext && policy[i].id == id )
        {
            *action = policy[i].action;
            *name = policy[i].name;
            *reason = policy[i].reason;
            return true;
        }

    return false;
}
