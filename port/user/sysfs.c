/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace port: host functions from a sysfs tree (/sys/bus/pci/devices):
 * each "DDDD:bb:dd.f" directory's config file (as much as it gives: 64
 * bytes unprivileged, up to 4096 as root) and resource file (BAR sizes).
 * A read-only snapshot: nothing is ever written to the real devices.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xecam/pci.h>
#include "internal.h"


static int load_resources(const char *dir, uint32_t sbdf)
{
    unsigned long long start, end, flags;
    unsigned int i;
    char path[512];
    FILE *f;
    int rc = 0;

    snprintf(path, sizeof(path), "%s/resource", dir);
    f = fopen(path, "r");
    if ( !f )
        return 0;                   /* no sizes: BARs stay unimplemented */
    for ( i = 0; !rc && i <= XECAM_PORT_ROM_BAR &&
                 fscanf(f, "%llx %llx %llx", &start, &end, &flags) == 3; i++ )
        if ( end > start )
            rc = xecam_user_pdev_bar(sbdf, i, end - start + 1);
    fclose(f);

    return rc;
}

static int load_one(const char *root, const char *name, char *err,
                    size_t errlen)
{
    uint8_t cfg[XECAM_CFG_SIZE];
    char dir[384], path[448];
    const char *end;
    uint32_t sbdf;
    size_t len;
    FILE *f;
    int rc;

    if ( xecam_user_parse_bdf(name, &sbdf, &end) || *end )
        return 0;                   /* not a function directory */
    snprintf(dir, sizeof(dir), "%s/%s", root, name);
    snprintf(path, sizeof(path), "%s/config", dir);
    f = fopen(path, "rb");
    if ( !f )
    {
        snprintf(err, errlen, "%s: cannot open", path);
        return -ENOENT;
    }
    len = fread(cfg, 1, sizeof(cfg), f);
    fclose(f);
    if ( len < 64 )
    {
        snprintf(err, errlen, "%s: only %zu bytes", path, len);
        return -EINVAL;
    }
    rc = xecam_user_pdev_add(sbdf, cfg, len);
    if ( rc )
    {
        snprintf(err, errlen, "%s: cannot add (%d)", dir, rc);
        return rc;
    }

    return load_resources(dir, sbdf);
}

int xecam_user_load_sysfs(const char *root, char *err, size_t errlen)
{
    struct dirent **names;
    int n, i, rc = 0;

    n = scandir(root, &names, NULL, alphasort);
    if ( n < 0 )
    {
        snprintf(err, errlen, "%s: cannot read", root);
        return -ENOENT;
    }
    for ( i = 0; i < n; i++ )
    {
        if ( !rc )
            rc = load_one(root, names[i]->d_name, err, errlen);
        free(names[i]);
    }
    free(names);

    return rc;
}
