/* SPDX-License-Identifier: GPL-2.0-only */
/* ecamctl: xl domain configs (the subset that matters here). */
#ifndef ECAMCTL_XLCFG_H
#define ECAMCTL_XLCFG_H

#include "ecamctl.h"

enum xl_kind { XL_NUMBER, XL_STRING, XL_LIST };

struct xl_value {
    enum xl_kind kind;
    unsigned int line, col;         /* where it starts (strings: inside) */
    unsigned long long num;
    char *str;
    unsigned int nr;
    struct xl_value *items;
};

struct xl_setting {
    char *key;
    unsigned int line, col;
    struct xl_value val;
};

struct xl_config {
    const char *path;
    unsigned int nr;
    struct xl_setting *set;
};

/*
 * Parse 'text' (from 'path'); 0, or -1 after reporting file:line:col, with
 * nothing left to free.
 */
int xl_parse(const char *path, const char *text, struct xl_config *cfg);
void xl_free(struct xl_config *cfg);
const struct xl_setting *xl_get(const struct xl_config *cfg, const char *key);

/* One entry of pci = [ ... ] (xl-pci-configuration), resolved. */
struct pci_spec {
    uint32_t host;                  /* function 0 if all_fns */
    bool all_fns;                   /* "BB:DD.*" */
    int vslot;                      /* -1: choose one */
    unsigned int flags;             /* XECAM_ASSIGN_* */
    bool rootport;
    unsigned int line, col;
};

/* Parse one PCI_SPEC_STRING; notes for options that do not apply. */
int pci_spec_parse(const struct xl_config *cfg, const struct xl_value *v,
                   struct pci_spec *out);

#endif /* ECAMCTL_XLCFG_H */
