/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Everything at once, for the lock order (docs/locking.md) and for
 * ThreadSanitizer (`make test-tsan`):
 *
 * - vCPU threads toggle assigned devices' Command.MEM (mapping and
 *   unmapping their BARs), program BARs and read config space through ECAM
 *   MMIO, and vCPU 0 through CF8/CFC as well; they write the MSI-X table
 *   (trapped while its BAR is mapped), read the PBA and switch MSI-X, so
 *   entries are bound, masked and unbound by the devices' work;
 * - a toolstack thread moves segment 0's window between two bases and
 *   places and removes a segment 1 window (HVMOP_set_ecam_space);
 * - an assigner thread assigns and deassigns the host functions;
 * - a device-model thread creates and destroys an ioreq server, maps and
 *   unmaps its SBDF range, and starts and stops the device model serving
 *   it.
 *
 * Every access is checked as it returns (a function's own ID or all-ones,
 * the device model's answer or all-ones), and at the end: BARs mapped
 * exactly where an assigned device decodes, none once everything is
 * deassigned, the devices' Command as deassignment leaves it, exact
 * counters consistent with what the device model saw, and no lock-order
 * violation (the checker aborts on one; it is not switched off here).
 *
 * Every thread starts from a fixed seed.  The control threads run at least
 * ROUNDS rounds each, and on until all have; the vCPUs run until then.
 * 1-3 s under ThreadSanitizer on two cores, less with AddressSanitizer.
 */
#include <check.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>

#include "helpers.h"

#define NR_DEVS     4
#define NR_VCPUS    3
#define ROUNDS      64              /* per control thread, at least */

#define BASE        0xe0000000ULL   /* segment 0's window, and ... */
#define BASE2       0xb0000000ULL   /* ... where it moves to */
#define SEG1_BASE   0xc0000000ULL   /* segment 1, buses 0-15 */

/* Host function i at guest 00:(4 + i).0, BAR0 64 KiB. */
#define HOST(i)     XECAM_SBDF(0, 0x20 + (i), 0, 0)
#define GUEST_FN(i) XECAM_SBDF(0, 0, 4 + (i), 0)
#define ID(i)       (0x8086U | (0x1000U + (i)) << 16)
#define HBAR(i)     (0xfe000000U + (i) * 0x100000U)
#define GBAR(i)     (0x90000000U + (i) * 0x100000U)
#define BAR_SIZE    0x10000U
/* BAR2: the MSI-X table (4 entries) and PBA, one page each, all trapped. */
#define HBAR2(i)    (HBAR(i) + 0x80000U)
#define GBAR2(i)    (GBAR(i) + 0x80000U)
#define MSIX_CAP    0x40

/* The device model's functions: 00:10.0-7. */
#define DM_LO       XECAM_SBDF(0, 0, 0x10, 0)
#define DM_HI       XECAM_SBDF(0, 0, 0x10, 7)

#define CMD_MEM     0x0002U

struct stress {
    struct xecam_domain *d;
    bool stop;                      /* atomic: the vCPUs stop */
    unsigned long served;           /* atomic: requests the DM answered */
    unsigned long dispatched;       /* atomic: accesses the vCPUs made */
    unsigned long ids, answers;     /* atomic: non-all-ones results */
    unsigned long trapped;          /* atomic: MSI-X reads served */
    unsigned int busy;              /* atomic: control threads before ROUNDS */
    bool assigned[NR_DEVS];         /* assigner only, then main */
};

struct vcpu {
    struct stress *s;
    unsigned int id;
    uint32_t seed;
};

/*
 * Deassignment goes on while a vCPU is at the device's work: -ERESTART,
 * and the caller calls again, as a hypercall continuation would.
 */
static int deassign(struct xecam_domain *d, uint32_t sbdf)
{
    int rc;

    while ( (rc = xecam_deassign_device(d, sbdf)) == -ERESTART )
        sched_yield();

    return rc;
}

static uint32_t next(uint32_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;

    return *x;
}

static uint64_t gpa(uint64_t base, uint32_t sbdf, unsigned int reg)
{
    return base + ((uint64_t)XECAM_SBDF_BUS(sbdf) << 20) +
           ((uint64_t)XECAM_SBDF_DEVFN(sbdf) << 12) + reg;
}

/* What the device model answers for a read. */
static uint32_t dm_value(uint64_t addr)
{
    return (uint32_t)(addr * 0x9e3779b97f4a7c15ULL >> 32) | 1;
}

static enum xecam_dm_answer dm_handler(void *opaque, ioreq_t *req)
{
    struct stress *s = opaque;

    if ( req->dir == IOREQ_READ )
        req->data = dm_value(req->addr);
    __atomic_fetch_add(&s->served, 1, __ATOMIC_RELAXED);

    return XECAM_DM_ANSWER;
}

static void count(unsigned long *c)
{
    __atomic_fetch_add(c, 1, __ATOMIC_RELAXED);
}

/* One vCPU access through ECAM; an 8-byte read returns its low dword. */
static uint32_t ecam(struct vcpu *v, uint64_t base, uint32_t sbdf,
                     unsigned int reg, unsigned int size, bool write,
                     uint32_t val)
{
    uint64_t g = gpa(base, sbdf, reg), r = 0;

    /* An 8-byte access is two dword accesses. */
    count(&v->s->dispatched);
    if ( size == 8 )
        count(&v->s->dispatched);
    if ( write )
        ck_assert_int_eq(xecam_mmio_write(v->s->d, v->id, g, size, val),
                         XECAM_IO_OKAY);
    else
        ck_assert_int_eq(xecam_mmio_read(v->s->d, v->id, g, size, &r),
                         XECAM_IO_OKAY);

    return r;
}

/* An MMIO access to a BAR: trapped (MSI-X), or reaching nothing. */
static void bar_access(struct vcpu *v, uint64_t g, bool write, uint32_t val)
{
    uint64_t r;

    count(&v->s->dispatched);
    if ( !write )
        count(&v->s->dispatched);   /* untrapped, two dwords */
    if ( write )
        ck_assert_int_eq(xecam_mmio_write(v->s->d, v->id, g, 4, val),
                         XECAM_IO_OKAY);
    else
    {
        ck_assert_int_eq(xecam_mmio_read(v->s->d, v->id, g & ~7ULL, 8, &r),
                         XECAM_IO_OKAY);
        if ( r != ~0ULL )
            count(&v->s->trapped);
    }
}

static void check_id(struct vcpu *v, unsigned int i, uint32_t val)
{
    if ( val != ~0U )
    {
        ck_assert_uint_eq(val, ID(i));
        count(&v->s->ids);
    }
}

/*
 * Each round: one function, one of the window's two bases (it moves), one
 * action.  Programming a BAR turns decode off first and on after, so BARs
 * are mapped and unmapped often; a BAR written while decode is on is
 * ignored.
 */
static void *vcpu_thread(void *arg)
{
    struct vcpu *v = arg;
    struct stress *s = v->s;
    uint32_t val, r, fn;
    unsigned int i;
    uint64_t b;

    while ( !__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE) )
    {
        r = next(&v->seed);
        if ( !(r & 0x3f000000) )
            sched_yield();          /* a guest's vCPU is descheduled too */
        i = (r >> 8) % NR_DEVS;
        fn = GUEST_FN(i);
        b = r & 0x70000 ? BASE : BASE2;
        switch ( r % 10 )
        {
        case 0:
            ecam(v, b, fn, 0x04, 2, true, 0);
            ecam(v, b, fn, 0x10, 4, true, GBAR(i));
            ecam(v, b, fn, 0x18, 4, true, GBAR2(i));
            ecam(v, b, fn, 0x04, 2, true, CMD_MEM);
            break;
        case 8:                     /* an MSI-X entry's word, or the PBA */
            bar_access(v, GBAR2(i) + ((r >> 12) & 0x1000) +
                          ((r >> 14) & 0x3c), !(r & 0x100000), r >> 16);
            break;
        case 9:                     /* MSI-X enable and function mask */
            ecam(v, b, fn, MSIX_CAP + 2, 2, true, (r >> 16) & 0xc000);
            break;
        case 1:
            ecam(v, b, fn, 0x04, 2, true, 0);
            break;
        case 2:
            ecam(v, b, fn, 0x04, 2, true, CMD_MEM);
            break;
        case 3:
            ecam(v, b, fn, 0x10, 4, true, GBAR(i));
            break;
        case 4:
            check_id(v, i, ecam(v, b, fn, 0x00, 4, false, 0));
            break;
        case 5:                     /* the device model's functions */
            val = ecam(v, b, DM_LO + i, 0x08, 4, false, 0);
            if ( val != ~0U )
            {
                ck_assert_uint_eq(val, dm_value(((uint64_t)(DM_LO + i) << 32)
                                                | 0x08));
                count(&s->answers);
            }
            break;
        case 6:
            check_id(v, i, ecam(v, b, fn, 0x00, 8, false, 0));
            break;
        default:                    /* legacy CF8/CFC: vCPU 0 only */
            if ( v->id )
                check_id(v, i, ecam(v, b, fn, 0x00, 4, false, 0));
            else
            {
                xecam_pio_write(s->d, 0, XECAM_PCI_CF8, 4,
                                0x80000000U | (4 + i) << 11);
                count(&s->dispatched);
                ck_assert_int_eq(xecam_pio_read(s->d, 0, XECAM_PCI_CFC, 4,
                                                &val), XECAM_IO_OKAY);
                check_id(v, i, val);
            }
            break;
        }
    }

    return NULL;
}

/*
 * Control threads go on past their ROUNDS until all of them are there, so
 * each keeps churning while the others run.
 */
static bool more(struct stress *s, unsigned int n)
{
    if ( n == ROUNDS )
        __atomic_fetch_sub(&s->busy, 1, __ATOMIC_RELEASE);

    return n < ROUNDS || __atomic_load_n(&s->busy, __ATOMIC_ACQUIRE);
}

/*
 * The toolstack: segment 0's window moves away and back, then segment 1's
 * comes and goes a few times while segment 0's stays where the vCPUs
 * mostly look.
 */
static void *window_thread(void *arg)
{
    struct stress *s = arg;
    struct xen_hvm_ecam_space a;
    unsigned int n, i;

    for ( n = 0; more(s, n); n++ )
    {
        ck_assert_int_eq(h_remove(TOOLSTACK, GUEST, 0), 0);
        ck_assert_int_eq(h_set(TOOLSTACK,
                               h_space(GUEST, 0, 0, 255, BASE2)), 0);
        ck_assert_int_eq(h_remove(TOOLSTACK, GUEST, 0), 0);
        ck_assert_int_eq(h_set(TOOLSTACK, h_space(GUEST, 0, 0, 255, BASE)),
                         0);
        for ( i = 0; i < 4; i++ )
        {
            ck_assert_int_eq(h_set(TOOLSTACK,
                                   h_space(GUEST, 1, 0, 15, SEG1_BASE)), 0);
            ck_assert_int_eq(h_get(TOOLSTACK, GUEST, 1, &a), 0);
            ck_assert_uint_eq(a.base, SEG1_BASE);
            ck_assert_int_eq(h_remove(TOOLSTACK, GUEST, 1), 0);
        }
    }

    return NULL;
}

static void *assign_thread(void *arg)
{
    struct stress *s = arg;
    uint32_t seed = 0x2545f491;
    unsigned int n, i;

    for ( n = 0; more(s, n); n++ )
    {
        i = next(&seed) % NR_DEVS;
        if ( s->assigned[i] )
            ck_assert_int_eq(deassign(s->d, GUEST_FN(i)), 0);
        else
            ck_assert_int_eq(xecam_assign_device(s->d, GUEST_FN(i), HOST(i),
                                                 0), 0);
        s->assigned[i] = !s->assigned[i];
    }

    return NULL;
}

/* Server 1 and its device model, created and torn down in both orders. */
static void *ioreq_thread(void *arg)
{
    struct stress *s = arg;
    struct xecam_user_dm *dm;
    unsigned int n;

    for ( n = 0; more(s, n); n++ )
    {
        ck_assert_int_eq(xecam_ioreq_server_create(s->d, 1), 0);
        ck_assert_int_eq(xecam_user_dm_start(GUEST, 1, dm_handler, s, &dm),
                         0);
        ck_assert_int_eq(xecam_ioreq_map_range(s->d, 1, DM_LO, DM_HI), 0);
        sched_yield();
        if ( n & 1 )
            ck_assert_int_eq(xecam_ioreq_unmap_range(s->d, 1, DM_LO, DM_HI),
                             0);
        ck_assert_int_eq(xecam_ioreq_server_destroy(s->d, 1), 0);
        xecam_user_dm_stop(dm);
    }

    return NULL;
}

static void add_devices(void)
{
    unsigned int i;

    for ( i = 0; i < NR_DEVS; i++ )
    {
        uint8_t cfg[XECAM_CFG_SIZE] = { 0 };

        h_put(cfg, 0x00, 4, ID(i));
        h_put(cfg, 0x04, 2, CMD_MEM);           /* the host's decode */
        h_put(cfg, 0x08, 4, 0x02000000U);       /* a network controller */
        h_put(cfg, 0x10, 4, HBAR(i));           /* 32-bit memory */
        h_put(cfg, 0x18, 4, HBAR2(i));
        h_put(cfg, 0x06, 2, 0x0010);            /* a capability list */
        h_put(cfg, 0x34, 1, MSIX_CAP);
        h_put(cfg, MSIX_CAP, 4, 0x00030011U);   /* MSI-X, 4 entries */
        h_put(cfg, MSIX_CAP + 4, 4, 0x2);       /* table: BAR2 + 0 */
        h_put(cfg, MSIX_CAP + 8, 4, 0x1002);    /* PBA: BAR2 + 0x1000 */
        ck_assert_int_eq(xecam_user_pdev_add(HOST(i), cfg, sizeof(cfg)), 0);
        ck_assert_int_eq(xecam_user_pdev_bar(HOST(i), 0, BAR_SIZE), 0);
        ck_assert_int_eq(xecam_user_pdev_bar(HOST(i), 2, 0x2000), 0);
    }
}

static uint32_t read_cfg(struct xecam_domain *d, unsigned int i,
                         unsigned int reg, unsigned int size)
{
    uint64_t v;

    ck_assert_int_eq(xecam_mmio_read(d, 0, gpa(BASE, GUEST_FN(i), reg), size,
                                     &v), XECAM_IO_OKAY);

    return v;
}

/*
 * BAR0 of each assigned device is mapped exactly when its Command.MEM is
 * set and it was programmed before, at its own guest and host addresses;
 * nothing else is mapped.
 */
static void check_mappings(struct stress *s)
{
    struct xecam_user_mapping m[16];
    unsigned int n, i, j, want = 0;

    n = xecam_user_mappings(GUEST, m, 16);
    for ( i = 0; i < NR_DEVS; i++ )
    {
        bool on = s->assigned[i] && (read_cfg(s->d, i, 0x04, 2) & CMD_MEM) &&
                  read_cfg(s->d, i, 0x10, 4) == GBAR(i);
        bool found = false;

        for ( j = 0; j < n; j++ )
            found |= m[j].gaddr == GBAR(i) && m[j].haddr == HBAR(i) &&
                     m[j].size == BAR_SIZE && !m[j].io;
        ck_assert_int_eq(found, on);
        want += on;
    }
    ck_assert_uint_eq(n, want);
}

START_TEST(test_everything_at_once)
{
    struct stress s = { .d = h_host(0), .busy = 3 };
    struct vcpu v[NR_VCPUS];
    pthread_t vt[NR_VCPUS], win, asg, ior;
    struct xecam_user_mapping m[1];
    struct xen_hvm_ecam_space a;
    struct xecam_stats st;
    unsigned int i;
    uint8_t cmd[2];

    ck_assert_ptr_nonnull(s.d);
    xecam_user_ioreq_timeout(10000);    /* slow threads are not broken */
    add_devices();
    ck_assert_int_eq(h_set(TOOLSTACK, h_space(GUEST, 0, 0, 255, BASE)), 0);

    for ( i = 0; i < NR_VCPUS; i++ )
    {
        v[i] = (struct vcpu){ .s = &s, .id = i, .seed = 0x9e3779b9U * (i + 1) };
        ck_assert_int_eq(pthread_create(&vt[i], NULL, vcpu_thread, &v[i]), 0);
    }
    ck_assert_int_eq(pthread_create(&win, NULL, window_thread, &s), 0);
    ck_assert_int_eq(pthread_create(&asg, NULL, assign_thread, &s), 0);
    ck_assert_int_eq(pthread_create(&ior, NULL, ioreq_thread, &s), 0);
    pthread_join(win, NULL);
    pthread_join(asg, NULL);
    pthread_join(ior, NULL);
    __atomic_store_n(&s.stop, true, __ATOMIC_RELEASE);
    for ( i = 0; i < NR_VCPUS; i++ )
        pthread_join(vt[i], NULL);

    xecam_domain_stats(s.d, &st);       /* before this thread's reads */

    /* Windows and servers as the control threads left them. */
    ck_assert_int_eq(h_get(TOOLSTACK, GUEST, 0, &a), 0);
    ck_assert_uint_eq(a.base, BASE);
    ck_assert_int_eq(h_get(TOOLSTACK, GUEST, 1, NULL), -ENOENT);
    ck_assert_int_eq(xecam_ioreq_server_destroy(s.d, 1), -ENOENT);

    /* Mappings follow the devices' decode; deassigned, none are left. */
    check_mappings(&s);
    for ( i = 0; i < NR_DEVS; i++ )
        if ( s.assigned[i] )
            ck_assert_int_eq(deassign(s.d, GUEST_FN(i)), 0);
    ck_assert_uint_eq(xecam_user_mappings(GUEST, m, 1), 0);
    /* The MSI-X pages were served; none stays bound or trapped. */
    ck_assert_uint_gt(s.trapped, 0);
    for ( i = 0; i < NR_DEVS; i++ )
    {
        ck_assert_uint_eq(xecam_user_irq_bound(HOST(i), true), 0);
        ck_assert(!xecam_mmio_accept(s.d, GBAR2(i)));
    }

    /* The devices' own decode never changed; mastering is off. */
    for ( i = 0; i < NR_DEVS; i++ )
    {
        ck_assert_int_eq(xecam_user_pdev_peek(HOST(i), 0x04, cmd, 2), 0);
        ck_assert_uint_eq(cmd[0] | cmd[1] << 8, CMD_MEM);
    }

    /*
     * Exact counters: every request to the server was answered by the
     * device model or failed; none was broken.  The per-access ones may
     * miss a count when vCPUs race, never add one.
     */
    ck_assert_uint_eq(st.bad_accesses, 0);
    ck_assert_uint_eq(st.to_ioreq, s.served + st.ioreq_failed);
    ck_assert_uint_le(s.answers, s.served);
    ck_assert_uint_le(st.to_vpci + st.to_ioreq + st.unclaimed, s.dispatched);
    ck_assert_uint_le(s.ids, st.to_vpci);
    ck_assert_uint_eq(xecam_user_log_count("broke the ioreq protocol"), 0);

    /* The checker aborts on a violation; none was counted either. */
    ck_assert_uint_eq(xecam_user_lockcheck_violations(), 0);
    xecam_user_reset();
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("stress");
    TCase *tc = tcase_create("everything");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_everything_at_once);
    suite_add_tcase(s, tc);

    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);

    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
