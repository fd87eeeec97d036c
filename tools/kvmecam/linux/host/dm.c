/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam linux: the functions the config hands to the device model
 * (device_model_pci) are served by ioreq server 1 and ecamctl's device
 * model thread (tools/ecamctl/dm.c), which answers from a copy of a
 * config space and stores writes verbatim.  Here that copy is a
 * conventional PCI VGA function such as QEMU emulates (1234:1111, one
 * prefetchable memory BAR, no capabilities), loaded as a simulated host
 * function so that `ecamctl replay` can give its DM the same bytes
 * ("emulate 1 GUEST HOST").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xecam/pci.h>

#include "cli.h"
#include "linux.h"
#include "xlcfg.h"

static const uint8_t vga[64] = {
    0x34, 0x12, 0x11, 0x11,         /* 1234:1111 */
    0x00, 0x00, 0x00, 0x00,         /* Command, Status */
    0x02, 0x00, 0x00, 0x03,         /* revision 2, class 0x030000 */
    0x00, 0x00, 0x00, 0x00,         /* header type 0 */
    0x08, 0x00, 0x00, 0x00,         /* BAR0: 32-bit prefetchable memory */
    [0x2c] = 0xf4, 0x1a, 0x00, 0x11, /* subsystem 1af4:1100 */
};

static int claimed(const char *path, struct lx_dm *dm)
{
    const struct xl_setting *set;
    struct xl_config cfg;
    char *text = NULL;
    size_t len = 0;
    const char *end;
    FILE *f = input_open(path);
    unsigned int i;
    int rc;

    if ( !f )
        return -1;
    rc = getdelim(&text, &len, '\0', f) < 0 ? -1 : 0;
    if ( f != stdin )
        fclose(f);
    rc = rc ?: xl_parse(path, text, &cfg);
    free(text);
    if ( rc )
        return -1;
    set = xl_get(&cfg, "device_model_pci");
    for ( i = 0; set && set->val.kind == XL_LIST && i < set->val.nr &&
                 dm->nr < LX_MAX_DM_FNS; i++ )
        if ( set->val.items[i].kind == XL_STRING &&
             !xecam_user_parse_bdf(set->val.items[i].str,
                                   &dm->guest[dm->nr], &end) )
            dm->nr++;
    xl_free(&cfg);

    return 0;
}

int lx_dm_setup(struct session *s, const char *cfg_path, struct lx_dm *dm)
{
    uint8_t cfg[LX_CFG_SIZE] = { 0 };
    unsigned int i;
    int rc = 0;

    memset(dm, 0, sizeof(*dm));
    if ( claimed(cfg_path, dm) )
        return -1;
    if ( !dm->nr )
        return 0;
    if ( !s->dm[0].dm )
    {
        fprintf(stderr, "kvmecam: no device model is running\n");
        return -1;
    }
    memcpy(cfg, vga, sizeof(vga));
    dm->host = lx_free_host(XECAM_SBDF(0, 0xfe, 2, 0));
    rc = xecam_user_pdev_add(dm->host, cfg, sizeof(cfg));
    for ( i = 0; !rc && i < dm->nr; i++ )
        rc = dm_ctx_emulate(&s->dm[0], dm->guest[i], cfg);
    if ( rc )
        fprintf(stderr, "kvmecam: the device model's function cannot be "
                "set up: %s\n", strerror(-rc));

    return rc ? -1 : 0;
}

unsigned long lx_dm_requests(const struct session *s)
{
    unsigned long n = 0;
    unsigned int i;

    for ( i = 0; i < XECAM_MAX_SERVERS; i++ )
        if ( s->dm[i].dm )
            n += xecam_user_dm_requests(s->dm[i].dm);

    return n;
}
