/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Cost of a 4-byte vPCI register access as the number of registers grows:
 * the first, the last and a random register, and an unclaimed offset, for
 * 1, 8, 64, 256 and 1023 registers, all measured in the same run.  The
 * ratio to the 1-register case is what to read: these machines are shared
 * and noisy, absolute nanoseconds are not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <xecam/pci.h>
#include <xecam/user.h>
#include <xecam/vpci.h>

#define HOST    XECAM_SBDF(0, 0x40, 0, 0)
#define ITERS   2000000U
#define ROUNDS  5

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);

    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* n 4-byte emulated registers from offset 0 on. */
static struct xecam_vpci *device(unsigned int n)
{
    struct xecam_vpci *dev;
    unsigned int i;

    if ( xecam_vpci_create(HOST, &dev) )
        exit(1);
    for ( i = 0; i < n; i++ )
    {
        struct xecam_vpci_reg r = {
            .offset = 4 * i, .size = 4, .emu = ~0U, .reset = i,
        };

        if ( xecam_vpci_add_reg(dev, &r) )
            exit(1);
    }

    return dev;
}

/* Best of ROUNDS: ns per read of the offsets in 'offs' (cycled). */
static double measure(struct xecam_vpci *dev, const unsigned int *offs,
                      unsigned int nr)
{
    double best = 1e30;
    unsigned int r, i;
    uint32_t v, sum = 0;

    for ( r = 0; r < ROUNDS; r++ )
    {
        double t0 = now_ns(), t;

        for ( i = 0; i < ITERS; i++ )
        {
            xecam_vpci_read(dev, offs[i % nr], 4, &v);
            sum += v;
        }
        t = (now_ns() - t0) / ITERS;
        best = t < best ? t : best;
    }
    if ( sum == 0x12345678 )
        printf(" ");            /* keep the loads */

    return best;
}

int main(void)
{
    static const unsigned int counts[] = { 1, 8, 64, 256, 1023 };
    static unsigned int rnd[4096];
    uint8_t cfg[XECAM_CFG_SIZE] = { 0 };
    double base = 0;
    unsigned int c, i;

    xecam_user_pdev_add(HOST, cfg, sizeof(cfg));
    printf("vPCI 4-byte reads, ns per access (best of %u x %u)\n", ROUNDS,
           ITERS);
    printf("%-6s %8s %8s %8s %10s %14s\n", "regs", "first", "last",
           "random", "unclaimed", "random/1-reg");
    srand(1);
    for ( c = 0; c < XECAM_ARRAY_SIZE(counts); c++ )
    {
        unsigned int n = counts[c], first = 0, last = 4 * (n - 1);
        unsigned int gap = 0xffc;
        struct xecam_vpci *dev = device(n);
        double tf, tl, tr, tg;

        for ( i = 0; i < XECAM_ARRAY_SIZE(rnd); i++ )
            rnd[i] = 4 * (rand() % n);
        tf = measure(dev, &first, 1);
        tl = measure(dev, &last, 1);
        tr = measure(dev, rnd, XECAM_ARRAY_SIZE(rnd));
        tg = measure(dev, &gap, 1);
        if ( !base )
            base = tr;
        printf("%-6u %8.1f %8.1f %8.1f %10.1f %14.2f\n", n, tf, tl, tr, tg,
               tr / base);
        xecam_vpci_destroy(dev);
    }
    xecam_user_reset();

    return 0;
}
