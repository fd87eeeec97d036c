/* SPDX-License-Identifier: GPL-2.0-only */
/* ecamctl: the ECAM module hosted in userspace. */
#ifndef ECAMCTL_H
#define ECAMCTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <xecam/pci.h>

/* A host function read from an lspci -x / -xxx / -xxxx dump. */
struct host_dev {
    uint32_t sbdf;
    unsigned int len;               /* bytes the dump gave: 64, 256, 4096 */
    uint8_t cfg[XECAM_CFG_SIZE];
    char name[96];
};

struct host_set {
    unsigned int nr;
    struct host_dev *dev;
};

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

/* Append every device in an lspci dump; 0 or -1 (reported). */
int lspci_load(const char *path, struct host_set *hs);
const struct host_dev *host_find(const struct host_set *hs, uint32_t sbdf);
void host_free(struct host_set *hs);

/* Run a trace file ("-" for stdin); the exit status. */
int replay(const char *path, bool json);

#endif /* ECAMCTL_H */
