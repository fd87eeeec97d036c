/* SPDX-License-Identifier: GPL-2.0-only */
/* ecamctl: the ECAM module hosted in userspace. */
#ifndef ECAMCTL_H
#define ECAMCTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <xecam/pci.h>

/* Where a parse error is reported: "file:line:column: reason". */
struct src_pos {
    const char *file;
    unsigned int line;
};

void err_at(const struct src_pos *pos, unsigned int col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "DDDD:bb:dd.f" or "bb:dd.f" (xl-pci-configuration); end past it. */
bool parse_bdf(const char *s, uint32_t *sbdf, const char **end);
bool parse_u64(const char *s, uint64_t *v, const char **end);

/* Run a trace file ("-" for stdin); the exit status. */
int replay(const char *path, bool json);
/* Print the permissive rules of the reference device (docs/permissive.md). */
int rules(void);
/* A byte rule's capability ("MSI"; NULL: none) and action, in words. */
struct xecam_vpci_byte_rule;
const char *rule_cap(const struct xecam_vpci_byte_rule *r, char *buf,
                     size_t len);
const char *rule_action(unsigned int action);

#endif /* ECAMCTL_H */
