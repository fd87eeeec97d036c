/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace port: simulated host PCI functions.  Absent functions read
 * all-ones and ignore writes, as on real hardware.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <xecam/port.h>
#include <xecam/pci.h>
#include "port.h"

#define MAX_PDEVS 256

struct pdev {
    uint32_t sbdf;
    uint8_t cfg[XECAM_CFG_SIZE];
};

static pthread_mutex_t pci_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pdev *pdevs[MAX_PDEVS];
static unsigned long writes;

static struct pdev *find(uint32_t sbdf)
{
    unsigned int i;

    for ( i = 0; i < MAX_PDEVS; i++ )
        if ( pdevs[i] && pdevs[i]->sbdf == sbdf )
            return pdevs[i];

    return NULL;
}

int xecam_user_pdev_add(uint32_t sbdf, const uint8_t *cfg, size_t len)
{
    struct pdev *p;
    unsigned int i;
    int rc = -ENOSPC;

    if ( len > XECAM_CFG_SIZE )
        return -EINVAL;
    p = calloc(1, sizeof(*p));
    if ( !p )
        return -ENOMEM;
    p->sbdf = sbdf;
    memcpy(p->cfg, cfg, len);

    pthread_mutex_lock(&pci_lock);
    if ( find(sbdf) )
        rc = -EEXIST;
    for ( i = 0; rc == -ENOSPC && i < MAX_PDEVS; i++ )
        if ( !pdevs[i] )
        {
            pdevs[i] = p;
            rc = 0;
        }
    pthread_mutex_unlock(&pci_lock);
    if ( rc )
        free(p);

    return rc;
}

void xecam_user_pdev_remove_all(void)
{
    unsigned int i;

    pthread_mutex_lock(&pci_lock);
    for ( i = 0; i < MAX_PDEVS; i++ )
    {
        free(pdevs[i]);
        pdevs[i] = NULL;
    }
    writes = 0;
    pthread_mutex_unlock(&pci_lock);
}

int xecam_user_pdev_peek(uint32_t sbdf, unsigned int reg, uint8_t *buf,
                         size_t len)
{
    const struct pdev *p;
    int rc = -ENODEV;

    if ( reg > XECAM_CFG_SIZE || len > XECAM_CFG_SIZE - reg )
        return -EINVAL;
    pthread_mutex_lock(&pci_lock);
    p = find(sbdf);
    if ( p )
    {
        memcpy(buf, p->cfg + reg, len);
        rc = 0;
    }
    pthread_mutex_unlock(&pci_lock);

    return rc;
}

unsigned long xecam_user_pdev_writes(void)
{
    unsigned long n;

    pthread_mutex_lock(&pci_lock);
    n = writes;
    pthread_mutex_unlock(&pci_lock);

    return n;
}

int xecam_port_pci_read(uint32_t host_sbdf, unsigned int reg,
                        unsigned int size, uint32_t *val)
{
    const struct pdev *p;
    unsigned int i;

    if ( !xecam_cfg_access_ok(reg, size) )
        return -EINVAL;
    if ( xecam_user_fault(XECAM_FAULT_PCI) )
        return -EIO;
    pthread_mutex_lock(&pci_lock);
    p = find(host_sbdf);
    *val = p ? 0 : xecam_ones(size);
    for ( i = 0; p && i < size; i++ )
        *val |= (uint32_t)p->cfg[reg + i] << (8 * i);
    pthread_mutex_unlock(&pci_lock);

    return 0;
}

int xecam_port_pci_write(uint32_t host_sbdf, unsigned int reg,
                         unsigned int size, uint32_t val)
{
    struct pdev *p;
    unsigned int i;

    if ( !xecam_cfg_access_ok(reg, size) )
        return -EINVAL;
    if ( xecam_user_fault(XECAM_FAULT_PCI) )
        return -EIO;
    pthread_mutex_lock(&pci_lock);
    p = find(host_sbdf);
    if ( p )
        writes++;
    for ( i = 0; p && i < size; i++ )
        p->cfg[reg + i] = val >> (8 * i);
    pthread_mutex_unlock(&pci_lock);

    return 0;
}
