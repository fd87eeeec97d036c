/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Ioreq servers, end to end: the IOREQ_TYPE_PCI_CONFIG requests the ECAM and
 * CF8/CFC traps send to device models, routing between vPCI, ioreq servers
 * and nobody, server and range management, device models that break the
 * protocol, and several vcpus using one server at once.
 *
 * Every test builds a clean host with h_host() and tears it down with
 * finish(), which also stops the device-model threads before the handler
 * state on the test's stack goes away.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "helpers.h"

#define TIMEOUT_S   20                /* per test: a hang fails */
#define BASE0       0xe0000000ULL     /* segment 0, buses 0-255 */
#define BROKE       "broke the ioreq protocol"
#define REC_MAX     64

/* ---- A device model whose behaviour the test chooses. ---- */

enum dm_mode {
    DM_GOOD,            /* answer as the protocol says */
    DM_SILENT,          /* never answer */
    DM_RAW,             /* write the slot back with state = raw_state */
    DM_BAD_SIZE,        /* answer with another size */
    DM_BAD_ADDR_REG,    /* answer for another register */
    DM_BAD_ADDR_SBDF,   /* answer for another function */
    DM_BAD_DIR,         /* answer with the direction flipped */
    DM_BAD_TYPE,        /* answer as IOREQ_TYPE_COPY */
    DM_BAD_COUNT,       /* answer with count 2 */
    DM_DATA_PTR,        /* answer with data_is_ptr set */
};

struct dm_rec {
    pthread_mutex_t lock;
    enum dm_mode mode;
    unsigned int raw_state;
    bool check_writes;          /* writes must carry write_value() */
    unsigned long calls;
    unsigned long bad_writes;
    unsigned int n;             /* requests in req[], as the handler saw them */
    ioreq_t req[REC_MAX];
};

/* What the device model answers for a read: garbage above bit 31 too. */
static uint64_t dm_value(uint64_t addr)
{
    uint64_t x = (addr ^ 0x5bd1e9955bd1e995ULL) * 0x9e3779b97f4a7c15ULL;

    return x ^ (x >> 29) ^ 0xa5a5a5a500000000ULL;
}

static uint32_t dm_expect(uint64_t addr, unsigned int size)
{
    return (uint32_t)dm_value(addr) & xecam_ones(size);
}

/* What the concurrency tests write: the device model checks it. */
static uint32_t write_value(uint64_t addr, unsigned int size)
{
    return (uint32_t)(dm_value(addr ^ 0xffffU) >> 7) & xecam_ones(size);
}

static uint64_t req_addr(uint32_t sbdf, unsigned int reg)
{
    return ((uint64_t)sbdf << 32) | reg;
}

static enum xecam_dm_answer dm_handler(void *opaque, ioreq_t *req)
{
    struct dm_rec *r = opaque;
    enum xecam_dm_answer answer = XECAM_DM_ANSWER;

    pthread_mutex_lock(&r->lock);
    if ( r->n < REC_MAX )
        r->req[r->n++] = *req;
    r->calls++;
    if ( req->dir == IOREQ_READ )
        req->data = dm_value(req->addr);
    else if ( r->check_writes &&
              req->data != write_value(req->addr, req->size) )
        r->bad_writes++;

    switch ( r->mode )
    {
    case DM_GOOD:
        break;
    case DM_SILENT:
        answer = XECAM_DM_SILENT;
        break;
    case DM_RAW:
        req->state = r->raw_state;
        answer = XECAM_DM_RAW;
        break;
    case DM_BAD_SIZE:
        req->size = req->size == 4 ? 2 : 4;
        break;
    case DM_BAD_ADDR_REG:
        req->addr ^= 4;
        break;
    case DM_BAD_ADDR_SBDF:
        req->addr ^= 1ULL << 32;
        break;
    case DM_BAD_DIR:
        req->dir ^= 1;
        break;
    case DM_BAD_TYPE:
        req->type = IOREQ_TYPE_COPY;
        break;
    case DM_BAD_COUNT:
        req->count = 2;
        break;
    case DM_DATA_PTR:
        req->data_is_ptr = 1;
        break;
    }
    pthread_mutex_unlock(&r->lock);

    return answer;
}

static void rec_init(struct dm_rec *r, enum dm_mode mode)
{
    memset(r, 0, sizeof(*r));
    pthread_mutex_init(&r->lock, NULL);
    r->mode = mode;
}

static void rec_mode(struct dm_rec *r, enum dm_mode mode,
                     unsigned int raw_state)
{
    pthread_mutex_lock(&r->lock);
    r->mode = mode;
    r->raw_state = raw_state;
    pthread_mutex_unlock(&r->lock);
}

static unsigned long rec_calls(struct dm_rec *r)
{
    unsigned long n;

    pthread_mutex_lock(&r->lock);
    n = r->calls;
    pthread_mutex_unlock(&r->lock);

    return n;
}

static void rec_clear(struct dm_rec *r)
{
    pthread_mutex_lock(&r->lock);
    r->n = 0;
    pthread_mutex_unlock(&r->lock);
}

static unsigned int rec_count(struct dm_rec *r)
{
    unsigned int n;

    pthread_mutex_lock(&r->lock);
    n = r->n;
    pthread_mutex_unlock(&r->lock);

    return n;
}

static ioreq_t rec_get(struct dm_rec *r, unsigned int i)
{
    ioreq_t q;

    pthread_mutex_lock(&r->lock);
    ck_assert_uint_lt(i, r->n);
    q = r->req[i];
    pthread_mutex_unlock(&r->lock);

    return q;
}

/* ---- Host, servers and guest accesses. ---- */

/* A clean host with GUEST's segment 0 window at BASE0. */
static struct xecam_domain *setup(unsigned int flags)
{
    struct xecam_domain *d = h_host(flags);

    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(h_set(TOOLSTACK, h_space(GUEST, 0, 0, 255, BASE0)), 0);

    return d;
}

/* Stop every device model and drop every domain: nothing leaks. */
static void finish(void)
{
    xecam_user_reset();
}

static void server_add(struct xecam_domain *d, unsigned int id,
                       uint32_t start, uint32_t end)
{
    ck_assert_int_eq(xecam_ioreq_server_create(d, id), 0);
    ck_assert_int_eq(xecam_ioreq_map_range(d, id, start, end), 0);
}

static struct xecam_user_dm *dm_start(unsigned int id, struct dm_rec *r)
{
    struct xecam_user_dm *dm = NULL;

    ck_assert_int_eq(xecam_user_dm_start(GUEST, id, dm_handler, r, &dm), 0);
    ck_assert_ptr_nonnull(dm);

    return dm;
}

static struct xecam_stats stats(const struct xecam_domain *d)
{
    struct xecam_stats s;

    xecam_domain_stats(d, &s);

    return s;
}

/* The GPA of (sbdf, reg) in a window for buses from start_bus at base. */
static uint64_t gpa_of(uint64_t base, unsigned int start_bus, uint32_t sbdf,
                       unsigned int reg)
{
    return base + ((uint64_t)(XECAM_SBDF_BUS(sbdf) - start_bus) << 20) +
           ((uint64_t)XECAM_SBDF_DEVFN(sbdf) << 12) + reg;
}

/* CONFIG_ADDRESS for a segment 0 function; reg bits 11:8 in bits 27:24. */
static uint32_t cf8_of(uint32_t sbdf, unsigned int reg)
{
    return 0x80000000U | ((sbdf & 0xffffU) << 8) | (reg & 0xfcU) |
           ((reg & 0xf00U) << 16);
}

static uint64_t mmio_rd(struct xecam_domain *d, unsigned int vcpu,
                        uint64_t gpa, unsigned int size)
{
    uint64_t v = 0x0123456789abcdefULL;

    ck_assert_int_eq(xecam_mmio_read(d, vcpu, gpa, size, &v), XECAM_IO_OKAY);

    return v;
}

static void mmio_wr(struct xecam_domain *d, unsigned int vcpu, uint64_t gpa,
                    unsigned int size, uint64_t val)
{
    ck_assert_int_eq(xecam_mmio_write(d, vcpu, gpa, size, val),
                     XECAM_IO_OKAY);
}

/* Segment 0 through the BASE0 window. */
static uint64_t ecam_rd(struct xecam_domain *d, unsigned int vcpu,
                        uint32_t sbdf, unsigned int reg, unsigned int size)
{
    return mmio_rd(d, vcpu, gpa_of(BASE0, 0, sbdf, reg), size);
}

static void ecam_wr(struct xecam_domain *d, unsigned int vcpu, uint32_t sbdf,
                    unsigned int reg, unsigned int size, uint64_t val)
{
    mmio_wr(d, vcpu, gpa_of(BASE0, 0, sbdf, reg), size, val);
}

static uint32_t pio_rd(struct xecam_domain *d, unsigned int vcpu,
                       uint32_t cf8, unsigned int port, unsigned int size)
{
    uint32_t v = 0x01234567;

    ck_assert_int_eq(xecam_pio_write(d, vcpu, XECAM_PCI_CF8, 4, cf8),
                     XECAM_IO_OKAY);
    ck_assert_int_eq(xecam_pio_read(d, vcpu, port, size, &v), XECAM_IO_OKAY);

    return v;
}

static void pio_wr(struct xecam_domain *d, unsigned int vcpu, uint32_t cf8,
                   unsigned int port, unsigned int size, uint32_t val)
{
    ck_assert_int_eq(xecam_pio_write(d, vcpu, XECAM_PCI_CF8, 4, cf8),
                     XECAM_IO_OKAY);
    ck_assert_int_eq(xecam_pio_write(d, vcpu, port, size, val),
                     XECAM_IO_OKAY);
}

/* Segment 0 through CF8/CFC: 'reg' must be naturally aligned for 'size'. */
static uint32_t cfc_rd(struct xecam_domain *d, unsigned int vcpu,
                       uint32_t sbdf, unsigned int reg, unsigned int size)
{
    return pio_rd(d, vcpu, cf8_of(sbdf, reg), XECAM_PCI_CFC + (reg & 3), size);
}

static void cfc_wr(struct xecam_domain *d, unsigned int vcpu, uint32_t sbdf,
                   unsigned int reg, unsigned int size, uint32_t val)
{
    pio_wr(d, vcpu, cf8_of(sbdf, reg), XECAM_PCI_CFC + (reg & 3), size, val);
}

/* One request, field by field, as the device model's handler saw it. */
static void check_req(const ioreq_t *q, uint32_t sbdf, unsigned int reg,
                      unsigned int size, bool write, uint32_t data,
                      const char *what)
{
    uint64_t addr = req_addr(sbdf, reg);

    ck_assert_msg(q->type == IOREQ_TYPE_PCI_CONFIG, "%s: type %u", what,
                  q->type);
    ck_assert_msg(q->addr == addr, "%s: addr %#llx, expected %#llx", what,
                  (unsigned long long)q->addr, (unsigned long long)addr);
    ck_assert_msg(q->size == size, "%s: size %u", what, q->size);
    ck_assert_msg(q->dir == (write ? IOREQ_WRITE : IOREQ_READ),
                  "%s: dir %u", what, q->dir);
    if ( write )
        ck_assert_msg(q->data == data, "%s: data %#llx, expected %#x", what,
                      (unsigned long long)q->data, data);
    ck_assert_msg(q->count == 1, "%s: count %u", what, q->count);
    ck_assert_msg(!q->data_is_ptr, "%s: data_is_ptr", what);
    ck_assert_msg(!q->df, "%s: df", what);
    ck_assert_msg(q->state == STATE_IOREQ_INPROCESS, "%s: state %u", what,
                  q->state);
}

/* The single request one access produced. */
static ioreq_t only_req(struct dm_rec *r, const char *what)
{
    ck_assert_msg(rec_count(r) == 1, "%s: %u requests, expected 1", what,
                  rec_count(r));

    return rec_get(r, 0);
}

struct acc {
    unsigned int size;
    unsigned int reg;
};

/* Sizes 1, 2 and 4 at legacy and extended registers, the last one 0xffc. */
static const struct acc ecam_accs[] = {
    { 1, 0x000 }, { 1, 0x003 }, { 1, 0x101 }, { 1, 0xfff },
    { 2, 0x002 }, { 2, 0x00e }, { 2, 0x1fe }, { 2, 0xffe },
    { 4, 0x000 }, { 4, 0x040 }, { 4, 0x100 }, { 4, 0xffc },
};

/* Read and write 'sbdf' at every entry of ecam_accs via a window. */
static void ecam_roundtrips(struct xecam_domain *d, struct dm_rec *r,
                            uint64_t base, unsigned int start_bus,
                            uint32_t sbdf)
{
    unsigned int i;
    char what[96];

    for ( i = 0; i < XECAM_ARRAY_SIZE(ecam_accs); i++ )
    {
        unsigned int size = ecam_accs[i].size, reg = ecam_accs[i].reg;
        uint64_t gpa = gpa_of(base, start_bus, sbdf, reg);
        uint32_t data = (0xa5c3e1f7U ^ (reg * 0x01010101U)) &
                        xecam_ones(size);
        ioreq_t q;
        uint64_t v;

        snprintf(what, sizeof(what), "ECAM read sbdf %#x reg %#x size %u",
                 sbdf, reg, size);
        rec_clear(r);
        v = mmio_rd(d, 0, gpa, size);
        q = only_req(r, what);
        check_req(&q, sbdf, reg, size, false, 0, what);
        ck_assert_msg(v == dm_expect(req_addr(sbdf, reg), size),
                      "%s: read %#llx, expected %#x", what,
                      (unsigned long long)v,
                      dm_expect(req_addr(sbdf, reg), size));

        snprintf(what, sizeof(what), "ECAM write sbdf %#x reg %#x size %u",
                 sbdf, reg, size);
        rec_clear(r);
        mmio_wr(d, 0, gpa, size, data);
        q = only_req(r, what);
        check_req(&q, sbdf, reg, size, true, data, what);
    }
}

/* ---- Request encoding. ---- */

START_TEST(test_ecam_encoding)
{
    static const uint32_t fns[] = {
        XECAM_SBDF(0, 0x00, 0x00, 0), XECAM_SBDF(0, 0x05, 0x1f, 7),
        XECAM_SBDF(0, 0xff, 0x0a, 3), XECAM_SBDF(0, 0x80, 0x11, 5),
    };
    struct xecam_domain *d = setup(0);
    struct dm_rec r;
    unsigned int i;

    rec_init(&r, DM_GOOD);
    server_add(d, 1, XECAM_SBDF(0, 0, 0, 0), XECAM_SBDF(0, 0xff, 0x1f, 7));
    dm_start(1, &r);

    for ( i = 0; i < XECAM_ARRAY_SIZE(fns); i++ )
        ecam_roundtrips(d, &r, BASE0, 0, fns[i]);
    ck_assert_uint_eq(rec_calls(&r),
                      2 * XECAM_ARRAY_SIZE(fns) * XECAM_ARRAY_SIZE(ecam_accs));
    finish();
}
END_TEST

/* Segments other than 0, and windows whose first bus is not 0. */
START_TEST(test_ecam_encoding_segments)
{
    const uint64_t base1 = 0xd0000000ULL, base2 = 0xd1000000ULL;
    struct xecam_domain *d = setup(0);
    struct dm_rec r1, r2;
    uint32_t sbdf;

    rec_init(&r1, DM_GOOD);
    rec_init(&r2, DM_GOOD);
    ck_assert_int_eq(h_set(TOOLSTACK, h_space(GUEST, 1, 0x10, 0x1f, base1)),
                     0);
    ck_assert_int_eq(h_set(TOOLSTACK,
                           h_space(GUEST, 0xabcd, 0x80, 0x8f, base2)), 0);
    server_add(d, 1, XECAM_SBDF(1, 0x10, 0, 0), XECAM_SBDF(1, 0x1f, 0x1f, 7));
    server_add(d, 2, XECAM_SBDF(0xabcd, 0x80, 0, 0),
               XECAM_SBDF(0xabcd, 0x8f, 0x1f, 7));
    dm_start(1, &r1);
    dm_start(2, &r2);

    ecam_roundtrips(d, &r1, base1, 0x10, XECAM_SBDF(1, 0x10, 0, 0));
    ecam_roundtrips(d, &r1, base1, 0x10, XECAM_SBDF(1, 0x1f, 0x1f, 7));
    ecam_roundtrips(d, &r1, base1, 0x10, XECAM_SBDF(1, 0x13, 0x02, 6));
    ck_assert_uint_eq(rec_calls(&r2), 0);

    ecam_roundtrips(d, &r2, base2, 0x80, XECAM_SBDF(0xabcd, 0x80, 0x01, 1));
    ecam_roundtrips(d, &r2, base2, 0x80, XECAM_SBDF(0xabcd, 0x8f, 0x1e, 4));
    ck_assert_uint_eq(rec_calls(&r1), 3 * 2 * XECAM_ARRAY_SIZE(ecam_accs));

    /* The same offsets in segment 0's window are nobody's. */
    sbdf = XECAM_SBDF(0, 0x00, 0, 0);
    ck_assert_uint_eq(ecam_rd(d, 0, sbdf, 0xffc, 4), 0xffffffffULL);
    ck_assert_uint_eq(rec_calls(&r1), 3 * 2 * XECAM_ARRAY_SIZE(ecam_accs));
    ck_assert_uint_eq(rec_calls(&r2), 2 * 2 * XECAM_ARRAY_SIZE(ecam_accs));
    finish();
}
END_TEST

static const struct acc cf8_accs[] = {
    { 1, 0x00 }, { 1, 0x3d }, { 1, 0x3e }, { 1, 0xff },
    { 2, 0x02 }, { 2, 0x10 }, { 2, 0xfe },
    { 4, 0x00 }, { 4, 0x40 }, { 4, 0xfc },
};

static const struct acc cf8_ext_accs[] = {
    { 1, 0x101 }, { 1, 0x7ff }, { 1, 0xf02 },
    { 2, 0x1fe }, { 2, 0xffe }, { 2, 0x802 },
    { 4, 0x100 }, { 4, 0xffc }, { 4, 0x40 },
};

static void cf8_roundtrips(struct xecam_domain *d, struct dm_rec *r,
                           uint32_t sbdf, const struct acc *accs,
                           unsigned int nr, bool ext_bits, bool ext_domain)
{
    unsigned int i;
    char what[112];

    for ( i = 0; i < nr; i++ )
    {
        unsigned int size = accs[i].size, reg = accs[i].reg;
        unsigned int port = XECAM_PCI_CFC + (reg & 3);
        uint32_t cf8 = cf8_of(sbdf, ext_bits ? reg : reg & 0xff);
        /* Bits 27:24 reach the register only with XECAM_DOMF_CF8_EXT. */
        unsigned int seen = ext_domain && ext_bits ? reg : reg & 0xff;
        uint32_t data = (0x5a3c96f0U ^ (reg * 0x00010203U)) &
                        xecam_ones(size);
        uint32_t v, latched;
        ioreq_t q;

        snprintf(what, sizeof(what),
                 "CFC read sbdf %#x reg %#x size %u cf8 %#x", sbdf, reg,
                 size, cf8);
        rec_clear(r);
        v = pio_rd(d, 0, cf8, port, size);
        q = only_req(r, what);
        check_req(&q, sbdf, seen, size, false, 0, what);
        ck_assert_msg(v == dm_expect(req_addr(sbdf, seen), size),
                      "%s: read %#x, expected %#x", what, v,
                      dm_expect(req_addr(sbdf, seen), size));

        /* CONFIG_ADDRESS reads back what was kept of it. */
        latched = 0;
        ck_assert_int_eq(xecam_pio_read(d, 0, XECAM_PCI_CF8, 4, &latched),
                         XECAM_IO_OKAY);
        ck_assert_msg(latched == (ext_domain ? cf8 : cf8 & ~0x0f000000U),
                      "%s: CF8 reads back %#x", what, latched);

        snprintf(what, sizeof(what),
                 "CFC write sbdf %#x reg %#x size %u cf8 %#x", sbdf, reg,
                 size, cf8);
        rec_clear(r);
        pio_wr(d, 0, cf8, port, size, data);
        q = only_req(r, what);
        check_req(&q, sbdf, seen, size, true, data, what);
    }
}

START_TEST(test_cf8_encoding)
{
    static const uint32_t fns[] = {
        XECAM_SBDF(0, 0x00, 0x00, 0), XECAM_SBDF(0, 0x05, 0x1f, 7),
        XECAM_SBDF(0, 0xff, 0x0a, 3),
    };
    struct xecam_domain *d = setup(0);
    unsigned long calls;
    struct dm_rec r;
    unsigned int i;

    rec_init(&r, DM_GOOD);
    server_add(d, 1, XECAM_SBDF(0, 0, 0, 0), XECAM_SBDF(0, 0xff, 0x1f, 7));
    dm_start(1, &r);

    for ( i = 0; i < XECAM_ARRAY_SIZE(fns); i++ )
    {
        cf8_roundtrips(d, &r, fns[i], cf8_accs, XECAM_ARRAY_SIZE(cf8_accs),
                       false, false);
        /* Without XECAM_DOMF_CF8_EXT, bits 27:24 are reserved: dropped. */
        cf8_roundtrips(d, &r, fns[i], cf8_ext_accs,
                       XECAM_ARRAY_SIZE(cf8_ext_accs), true, false);
    }

    /* Enable bit clear: no configuration cycle, nobody is asked. */
    calls = rec_calls(&r);
    ck_assert_uint_eq(pio_rd(d, 0, cf8_of(fns[1], 0x40) & ~0x80000000U,
                             XECAM_PCI_CFC, 4), 0xffffffffU);
    ck_assert_uint_eq(pio_rd(d, 0, cf8_of(fns[1], 0x40) & ~0x80000000U,
                             XECAM_PCI_CFC + 2, 2), 0xffffU);
    pio_wr(d, 0, cf8_of(fns[1], 0x40) & ~0x80000000U, XECAM_PCI_CFC, 4, 1);
    ck_assert_uint_eq(rec_calls(&r), calls);
    finish();
}
END_TEST

START_TEST(test_cf8_ext_encoding)
{
    static const uint32_t fns[] = {
        XECAM_SBDF(0, 0x00, 0x00, 0), XECAM_SBDF(0, 0x05, 0x1f, 7),
        XECAM_SBDF(0, 0xff, 0x0a, 3),
    };
    struct xecam_domain *d = setup(XECAM_DOMF_CF8_EXT);
    struct dm_rec r;
    unsigned int i;

    rec_init(&r, DM_GOOD);
    server_add(d, 1, XECAM_SBDF(0, 0, 0, 0), XECAM_SBDF(0, 0xff, 0x1f, 7));
    dm_start(1, &r);

    for ( i = 0; i < XECAM_ARRAY_SIZE(fns); i++ )
    {
        cf8_roundtrips(d, &r, fns[i], cf8_accs, XECAM_ARRAY_SIZE(cf8_accs),
                       false, true);
        cf8_roundtrips(d, &r, fns[i], cf8_ext_accs,
                       XECAM_ARRAY_SIZE(cf8_ext_accs), true, true);
    }
    ck_assert_uint_eq(rec_calls(&r),
                      2 * XECAM_ARRAY_SIZE(fns) *
                      (XECAM_ARRAY_SIZE(cf8_accs) +
                       XECAM_ARRAY_SIZE(cf8_ext_accs)));
    finish();
}
END_TEST

/* An 8-byte ECAM access is two dword requests, merged low/high. */
START_TEST(test_ecam_qword)
{
    static const unsigned int regs[] = { 0x000, 0x010, 0x0f8, 0x100, 0xff8 };
    const uint32_t sbdf = XECAM_SBDF(0, 3, 4, 5);
    struct xecam_domain *d = setup(0);
    struct xecam_stats before, after;
    struct dm_rec r;
    unsigned int i;

    rec_init(&r, DM_GOOD);
    server_add(d, 1, sbdf, sbdf);
    dm_start(1, &r);

    for ( i = 0; i < XECAM_ARRAY_SIZE(regs); i++ )
    {
        unsigned int reg = regs[i];
        uint64_t wr = 0x1122334455667788ULL ^ ((uint64_t)reg * 0x0101010101ULL);
        uint64_t v, lo = dm_expect(req_addr(sbdf, reg), 4);
        uint64_t hi = dm_expect(req_addr(sbdf, reg + 4), 4);
        ioreq_t q0, q1;
        char what[64];

        snprintf(what, sizeof(what), "8-byte read at %#x", reg);
        rec_clear(&r);
        v = ecam_rd(d, 0, sbdf, reg, 8);
        ck_assert_uint_eq(rec_count(&r), 2);
        q0 = rec_get(&r, 0);
        q1 = rec_get(&r, 1);
        if ( q0.addr != req_addr(sbdf, reg) )
        {
            ioreq_t t = q0;

            q0 = q1;
            q1 = t;
        }
        check_req(&q0, sbdf, reg, 4, false, 0, what);
        check_req(&q1, sbdf, reg + 4, 4, false, 0, what);
        ck_assert_msg(v == (lo | (hi << 32)), "%s: %#llx, expected %#llx",
                      what, (unsigned long long)v,
                      (unsigned long long)(lo | (hi << 32)));

        snprintf(what, sizeof(what), "8-byte write at %#x", reg);
        rec_clear(&r);
        ecam_wr(d, 0, sbdf, reg, 8, wr);
        ck_assert_uint_eq(rec_count(&r), 2);
        q0 = rec_get(&r, 0);
        q1 = rec_get(&r, 1);
        if ( q0.addr != req_addr(sbdf, reg) )
        {
            ioreq_t t = q0;

            q0 = q1;
            q1 = t;
        }
        check_req(&q0, sbdf, reg, 4, true, (uint32_t)wr, what);
        check_req(&q1, sbdf, reg + 4, 4, true, (uint32_t)(wr >> 32), what);
    }

    /* Misaligned: a bad access, no request, all-ones. */
    before = stats(d);
    rec_clear(&r);
    ck_assert_uint_eq(ecam_rd(d, 0, sbdf, 0x14, 8), ~0ULL);
    ecam_wr(d, 0, sbdf, 0x104, 8, 0);
    ck_assert_uint_eq(rec_count(&r), 0);
    after = stats(d);
    ck_assert_uint_eq(after.bad_accesses, before.bad_accesses + 2);
    ck_assert_uint_eq(after.to_ioreq, before.to_ioreq);
    finish();
}
END_TEST

/* The device model's data above the access size never reaches the guest. */
START_TEST(test_read_data_masked)
{
    const uint32_t sbdf = XECAM_SBDF(0, 3, 0, 1);
    struct xecam_domain *d = setup(0);
    struct dm_rec r;
    unsigned int reg;

    rec_init(&r, DM_GOOD);
    server_add(d, 1, sbdf, sbdf);
    dm_start(1, &r);

    for ( reg = 0; reg < 0x20; reg++ )
    {
        uint64_t raw = dm_value(req_addr(sbdf, reg));

        /* The answer really has garbage above every access size. */
        ck_assert_uint_ne(raw >> 8 & 0xffffff, 0);
        ck_assert_uint_ne(raw >> 32, 0);

        ck_assert_uint_eq(ecam_rd(d, 0, sbdf, reg, 1), raw & 0xff);
        ck_assert_uint_eq(cfc_rd(d, 0, sbdf, reg, 1), raw & 0xff);
        if ( reg & 1 )
            continue;
        ck_assert_uint_eq(ecam_rd(d, 0, sbdf, reg, 2), raw & 0xffff);
        ck_assert_uint_eq(cfc_rd(d, 0, sbdf, reg, 2), raw & 0xffff);
        if ( reg & 3 )
            continue;
        ck_assert_uint_eq(ecam_rd(d, 0, sbdf, reg, 4), raw & 0xffffffffU);
        ck_assert_uint_eq(cfc_rd(d, 0, sbdf, reg, 4), raw & 0xffffffffU);
        if ( reg & 7 )
            continue;
        ck_assert_uint_eq(ecam_rd(d, 0, sbdf, reg, 8),
                          (raw & 0xffffffffU) |
                          (uint64_t)dm_expect(req_addr(sbdf, reg + 4), 4)
                          << 32);
    }
    finish();
}
END_TEST

/* ---- Routing. ---- */

/* vPCI is asked before ioreq servers, whichever came first. */
START_TEST(test_vpci_wins)
{
    const uint32_t host = XECAM_SBDF(0, 0x40, 0, 0);
    const uint32_t v1 = XECAM_SBDF(0, 1, 0, 0), v2 = XECAM_SBDF(0, 1, 2, 0);
    const uint32_t other = XECAM_SBDF(0, 1, 0, 1);
    struct xecam_domain *d = setup(0);
    struct xecam_stats before, after;
    struct xecam_vpci *dev;
    struct dm_rec r;

    rec_init(&r, DM_GOOD);
    ck_assert_int_eq(h_pdev(host, 0x11, 0x12348086), 0);
    ck_assert_int_eq(h_vpci(d, v1, host), 0);          /* before the server */
    server_add(d, 1, XECAM_SBDF(0, 1, 0, 0), XECAM_SBDF(0, 1, 0x1f, 7));
    ck_assert_int_eq(h_vpci(d, v2, host), 0);          /* after it */
    dm_start(1, &r);

    before = stats(d);
    ck_assert_uint_eq(ecam_rd(d, 0, v1, 0, 4), 0x12348086);
    ck_assert_uint_eq(ecam_rd(d, 0, v1, 0x10, 4), h_pattern(0x10, 4, 0x11));
    ck_assert_uint_eq(ecam_rd(d, 0, v1, 0x101, 1), h_pattern(0x101, 1, 0x11));
    ck_assert_uint_eq(cfc_rd(d, 0, v1, 0x3e, 2), h_pattern(0x3e, 2, 0x11));
    ck_assert_uint_eq(ecam_rd(d, 0, v2, 0, 4), 0x12348086);
    ck_assert_uint_eq(cfc_rd(d, 0, v2, 0, 4), 0x12348086);
    ecam_wr(d, 0, v1, 0x10, 4, 0xdeadbeef);
    cfc_wr(d, 0, v2, 0x04, 2, 0x0007);
    ck_assert_uint_eq(rec_calls(&r), 0);
    ck_assert_uint_eq(xecam_user_pdev_writes(), 0);
    after = stats(d);
    ck_assert_uint_eq(after.to_vpci, before.to_vpci + 8);
    ck_assert_uint_eq(after.to_ioreq, before.to_ioreq);

    /* Its neighbours in the range do go to the server. */
    ck_assert_uint_eq(ecam_rd(d, 0, other, 0, 4),
                      dm_expect(req_addr(other, 0), 4));
    ck_assert_uint_eq(rec_calls(&r), 1);

    /* Without the vPCI device, the server gets the function. */
    dev = xecam_route_remove_vpci(d, v1);
    ck_assert_ptr_nonnull(dev);
    xecam_vpci_destroy(dev);
    ck_assert_uint_eq(ecam_rd(d, 0, v1, 0x10, 4),
                      dm_expect(req_addr(v1, 0x10), 4));
    ck_assert_uint_eq(rec_calls(&r), 2);
    ck_assert_uint_eq(cfc_rd(d, 0, v2, 0, 4), 0x12348086);
    ck_assert_uint_eq(rec_calls(&r), 2);
    finish();
}
END_TEST

START_TEST(test_unclaimed)
{
    const uint32_t host = XECAM_SBDF(0, 2, 1, 0);
    static const uint32_t nobody[] = {
        XECAM_SBDF(0, 2, 1, 0), XECAM_SBDF(0, 1, 0x1f, 7),
        XECAM_SBDF(0, 3, 0, 0), XECAM_SBDF(0, 0xff, 0x1f, 7),
    };
    struct xecam_domain *d = setup(0);
    struct xecam_stats before, after;
    struct dm_rec r;
    unsigned int i;

    rec_init(&r, DM_GOOD);
    /* A host function at the same numbers, not passed through. */
    ck_assert_int_eq(h_pdev(host, 0x22, 0xabcd8086), 0);
    server_add(d, 1, XECAM_SBDF(0, 2, 0, 0), XECAM_SBDF(0, 2, 0, 7));
    dm_start(1, &r);

    before = stats(d);
    for ( i = 0; i < XECAM_ARRAY_SIZE(nobody); i++ )
    {
        ck_assert_uint_eq(ecam_rd(d, 0, nobody[i], 0, 1), 0xff);
        ck_assert_uint_eq(ecam_rd(d, 0, nobody[i], 0x2, 2), 0xffff);
        ck_assert_uint_eq(ecam_rd(d, 0, nobody[i], 0x100, 4), 0xffffffffU);
        ck_assert_uint_eq(cfc_rd(d, 0, nobody[i], 0x0, 4), 0xffffffffU);
        ck_assert_uint_eq(cfc_rd(d, 0, nobody[i], 0x3f, 1), 0xff);
        ecam_wr(d, 0, nobody[i], 0x4, 2, 0x0006);
        ecam_wr(d, 0, nobody[i], 0xffc, 4, 0x12345678);
        cfc_wr(d, 0, nobody[i], 0x10, 4, 0xffffffff);
    }
    after = stats(d);
    ck_assert_uint_eq(after.unclaimed,
                      before.unclaimed + 8 * XECAM_ARRAY_SIZE(nobody));
    ck_assert_uint_eq(after.accesses,
                      before.accesses + 8 * XECAM_ARRAY_SIZE(nobody));
    ck_assert_uint_eq(after.to_ioreq, before.to_ioreq);
    ck_assert_uint_eq(after.to_vpci, before.to_vpci);
    ck_assert_uint_eq(rec_calls(&r), 0);
    ck_assert_uint_eq(xecam_user_pdev_writes(), 0);

    ck_assert_uint_eq(ecam_rd(d, 0, nobody[0], 0x8, 8), ~0ULL);
    ck_assert_uint_gt(stats(d).unclaimed, after.unclaimed);
    ck_assert_uint_eq(rec_calls(&r), 0);

    /* The range's own edges are claimed. */
    ck_assert_uint_eq(ecam_rd(d, 0, XECAM_SBDF(0, 2, 0, 0), 0, 4),
                      dm_expect(req_addr(XECAM_SBDF(0, 2, 0, 0), 0), 4));
    ck_assert_uint_eq(ecam_rd(d, 0, XECAM_SBDF(0, 2, 0, 7), 0, 4),
                      dm_expect(req_addr(XECAM_SBDF(0, 2, 0, 7), 0), 4));
    ck_assert_uint_eq(rec_calls(&r), 2);
    finish();
}
END_TEST

/* ---- Server and range management. ---- */

/* Does 'sbdf' (segment 0) reach the device model behind r, and only it? */
static bool reaches(struct xecam_domain *d, struct dm_rec *r, uint32_t sbdf)
{
    unsigned long calls = rec_calls(r);
    uint64_t v = ecam_rd(d, 0, sbdf, 0x40, 4);

    if ( rec_calls(r) == calls )
    {
        ck_assert_uint_eq(v, 0xffffffffU);
        return false;
    }
    ck_assert_uint_eq(rec_calls(r), calls + 1);
    ck_assert_uint_eq(v, dm_expect(req_addr(sbdf, 0x40), 4));

    return true;
}

/* Does 'sbdf' (segment 0) read all-ones without reaching anyone? */
static bool unclaimed(struct xecam_domain *d, uint32_t sbdf)
{
    unsigned long before = stats(d).unclaimed;
    uint64_t v = ecam_rd(d, 0, sbdf, 0x40, 4);

    return v == 0xffffffffU && stats(d).unclaimed == before + 1;
}

START_TEST(test_server_create_errors)
{
    struct xecam_domain *d = setup(0), *other;
    unsigned int id;

    ck_assert_int_eq(xecam_ioreq_server_create(d, 1), 0);
    ck_assert_int_eq(xecam_ioreq_server_create(d, 1), -EEXIST);
    ck_assert_int_eq(xecam_ioreq_server_create(d, 0x10000), -EINVAL);
    ck_assert_int_eq(xecam_ioreq_server_create(d, 0xffffffffU), -EINVAL);
    ck_assert_int_eq(xecam_ioreq_server_create(d, 0xffff), 0);
    ck_assert_int_eq(xecam_ioreq_server_create(d, 0), 0);
    for ( id = 2; id < XECAM_MAX_SERVERS - 1; id++ )
        ck_assert_int_eq(xecam_ioreq_server_create(d, id), 0);
    ck_assert_int_eq(xecam_ioreq_server_create(d, 100), -ENOSPC);
    ck_assert_int_eq(xecam_ioreq_server_create(d, 0x10000), -EINVAL);

    /* Servers are per domain. */
    other = xecam_port_domain_get(OTHER);
    ck_assert_ptr_nonnull(other);
    ck_assert_int_eq(xecam_ioreq_server_create(other, 1), 0);
    ck_assert_int_eq(xecam_ioreq_map_range(other, 1, 0, 0xff), 0);
    xecam_port_domain_put(other);

    ck_assert_int_eq(xecam_ioreq_server_destroy(d, 42), -ENOENT);
    ck_assert_int_eq(xecam_ioreq_server_destroy(d, 3), 0);
    ck_assert_int_eq(xecam_ioreq_server_destroy(d, 3), -ENOENT);
    ck_assert_int_eq(xecam_ioreq_map_range(d, 3, 0, 0), -ENOENT);

    /* Allocation failure: -ENOMEM and no server. */
    xecam_user_fault_arm(XECAM_FAULT_ALLOC, 1);
    ck_assert_int_eq(xecam_ioreq_server_create(d, 100), -ENOMEM);
    ck_assert(xecam_user_fault_fired());
    xecam_user_fault_arm(0, 0);
    ck_assert_int_eq(xecam_ioreq_map_range(d, 100, 0, 0), -ENOENT);
    ck_assert_int_eq(xecam_ioreq_server_create(d, 100), 0);
    ck_assert_int_eq(xecam_ioreq_server_create(d, 101), -ENOSPC);
    ck_assert_int_eq(xecam_ioreq_map_range(d, 100, 0, 0), 0);
    finish();
}
END_TEST

START_TEST(test_map_range_errors)
{
    const uint32_t a = XECAM_SBDF(0, 5, 0, 0);
    struct xecam_domain *d = setup(0);
    struct dm_rec r;

    rec_init(&r, DM_GOOD);
    ck_assert_int_eq(xecam_ioreq_map_range(d, 1, a, a), -ENOENT);
    ck_assert_int_eq(xecam_ioreq_server_create(d, 1), 0);
    ck_assert_int_eq(xecam_ioreq_map_range(d, 2, a, a), -ENOENT);
    ck_assert_int_eq(xecam_ioreq_map_range(d, 1, a + 1, a), -EINVAL);
    ck_assert_int_eq(xecam_ioreq_map_range(d, 1, 0xffffffffU, 0), -EINVAL);
    dm_start(1, &r);
    ck_assert(unclaimed(d, a));
    ck_assert(unclaimed(d, a + 1));
    ck_assert_uint_eq(rec_calls(&r), 0);

    ck_assert_int_eq(xecam_ioreq_map_range(d, 1, a, a), 0);
    ck_assert(reaches(d, &r, a));
    ck_assert(unclaimed(d, a + 1));
    ck_assert(unclaimed(d, a - 1));
    finish();
}
END_TEST

START_TEST(test_map_range_overlap)
{
    const uint32_t lo = XECAM_SBDF(0, 6, 1, 2), hi = XECAM_SBDF(0, 6, 2, 4);
    struct xecam_domain *d = setup(0);
    struct dm_rec r1, r2;

    rec_init(&r1, DM_GOOD);
    rec_init(&r2, DM_GOOD);
    server_add(d, 1, lo, hi);
    ck_assert_int_eq(xecam_ioreq_server_create(d, 2), 0);
    dm_start(1, &r1);
    dm_start(2, &r2);

    /* The same server. */
    ck_assert_int_eq(xecam_ioreq_map_range(d, 1, lo, hi), -EEXIST);
    ck_assert_int_eq(xecam_ioreq_map_range(d, 1, hi, hi + 5), -EEXIST);
    ck_assert_int_eq(xecam_ioreq_map_range(d, 1, lo - 3, lo), -EEXIST);
    /* Another server. */
    ck_assert_int_eq(xecam_ioreq_map_range(d, 2, lo, hi), -EEXIST);
    ck_assert_int_eq(xecam_ioreq_map_range(d, 2, lo + 1, lo + 1), -EEXIST);
    ck_assert_int_eq(xecam_ioreq_map_range(d, 2, hi, hi), -EEXIST);
    ck_assert_int_eq(xecam_ioreq_map_range(d, 2, lo - 1, hi + 1), -EEXIST);

    /* Nothing moved. */
    ck_assert(reaches(d, &r1, lo));
    ck_assert(reaches(d, &r1, lo + 1));
    ck_assert(reaches(d, &r1, hi));
    ck_assert_uint_eq(rec_calls(&r2), 0);

    /* Adjacent ranges are fine. */
    ck_assert_int_eq(xecam_ioreq_map_range(d, 2, hi + 1, hi + 8), 0);
    ck_assert_int_eq(xecam_ioreq_map_range(d, 2, lo - 1, lo - 1), 0);
    ck_assert(reaches(d, &r2, hi + 1));
    ck_assert(reaches(d, &r2, hi + 8));
    ck_assert(reaches(d, &r2, lo - 1));
    ck_assert(reaches(d, &r1, hi));
    ck_assert(reaches(d, &r1, lo));

    /* Against the ranges of a server other than the first, too. */
    ck_assert_int_eq(xecam_ioreq_map_range(d, 2, hi + 4, hi + 4), -EEXIST);
    ck_assert_int_eq(xecam_ioreq_map_range(d, 1, hi + 8, hi + 9), -EEXIST);
    ck_assert_int_eq(xecam_ioreq_map_range(d, 1, lo - 2, lo - 1), -EEXIST);
    ck_assert(reaches(d, &r2, hi + 8));
    ck_assert(reaches(d, &r2, lo - 1));
    ck_assert(unclaimed(d, hi + 9));
    ck_assert(unclaimed(d, lo - 2));
    finish();
}
END_TEST

START_TEST(test_map_range_limit)
{
    struct xecam_domain *d = setup(0);
    struct dm_rec r1, r2;
    unsigned int i;

    rec_init(&r1, DM_GOOD);
    rec_init(&r2, DM_GOOD);
    ck_assert_int_eq(xecam_ioreq_server_create(d, 1), 0);
    ck_assert_int_eq(xecam_ioreq_server_create(d, 2), 0);
    dm_start(1, &r1);
    dm_start(2, &r2);

    /* Every other function from bus 0x10 on: ranges that cannot merge. */
    for ( i = 0; i < XECAM_MAX_RANGES; i++ )
        ck_assert_int_eq(xecam_ioreq_map_range(d, 1, XECAM_SBDF(0, 0x10, 0, 0) +
                                               2 * i,
                                               XECAM_SBDF(0, 0x10, 0, 0) +
                                               2 * i), 0);
    ck_assert_int_eq(xecam_ioreq_map_range(d, 1, XECAM_SBDF(0, 0x20, 0, 0),
                                           XECAM_SBDF(0, 0x20, 0, 0)), -ENOSPC);
    ck_assert(unclaimed(d, XECAM_SBDF(0, 0x20, 0, 0)));
    /* The limit is per server. */
    ck_assert_int_eq(xecam_ioreq_map_range(d, 2, XECAM_SBDF(0, 0x20, 0, 0),
                                           XECAM_SBDF(0, 0x20, 0, 0)), 0);
    ck_assert(reaches(d, &r2, XECAM_SBDF(0, 0x20, 0, 0)));

    for ( i = 0; i < XECAM_MAX_RANGES; i++ )
    {
        ck_assert(reaches(d, &r1, XECAM_SBDF(0, 0x10, 0, 0) + 2 * i));
        ck_assert(unclaimed(d, XECAM_SBDF(0, 0x10, 0, 0) + 2 * i + 1));
    }

    /* Unmapping one makes room for one. */
    ck_assert_int_eq(xecam_ioreq_unmap_range(d, 1, XECAM_SBDF(0, 0x10, 0, 0) + 6,
                                             XECAM_SBDF(0, 0x10, 0, 0) + 6), 0);
    ck_assert(unclaimed(d, XECAM_SBDF(0, 0x10, 0, 0) + 6));
    ck_assert_int_eq(xecam_ioreq_map_range(d, 1, XECAM_SBDF(0, 9, 0, 0),
                                           XECAM_SBDF(0, 9, 1, 0)), 0);
    ck_assert_int_eq(xecam_ioreq_map_range(d, 1, XECAM_SBDF(0, 9, 2, 0),
                                           XECAM_SBDF(0, 9, 2, 0)), -ENOSPC);
    ck_assert(reaches(d, &r1, XECAM_SBDF(0, 9, 1, 0)));
    ck_assert(unclaimed(d, XECAM_SBDF(0, 9, 2, 0)));
    finish();
}
END_TEST

START_TEST(test_unmap_exact)
{
    const uint32_t lo = XECAM_SBDF(0, 0x10, 0, 0);
    const uint32_t hi = XECAM_SBDF(0, 0x11, 0x1f, 7);
    struct xecam_domain *d = setup(0);
    struct dm_rec r1, r2;

    rec_init(&r1, DM_GOOD);
    rec_init(&r2, DM_GOOD);
    server_add(d, 1, lo, hi);
    ck_assert_int_eq(xecam_ioreq_server_create(d, 2), 0);
    dm_start(1, &r1);
    dm_start(2, &r2);

    ck_assert_int_eq(xecam_ioreq_unmap_range(d, 1, lo, hi - 1), -ENOENT);
    ck_assert_int_eq(xecam_ioreq_unmap_range(d, 1, lo + 1, hi), -ENOENT);
    ck_assert_int_eq(xecam_ioreq_unmap_range(d, 1, lo - 1, hi), -ENOENT);
    ck_assert_int_eq(xecam_ioreq_unmap_range(d, 1, lo, hi + 1), -ENOENT);
    ck_assert_int_eq(xecam_ioreq_unmap_range(d, 1, lo, lo), -ENOENT);
    ck_assert_int_eq(xecam_ioreq_unmap_range(d, 2, lo, hi), -ENOENT);
    ck_assert_int_eq(xecam_ioreq_unmap_range(d, 3, lo, hi), -ENOENT);
    ck_assert(reaches(d, &r1, lo));
    ck_assert(reaches(d, &r1, lo + 0x100));
    ck_assert(reaches(d, &r1, hi));

    ck_assert_int_eq(xecam_ioreq_unmap_range(d, 1, lo, hi), 0);
    ck_assert_int_eq(xecam_ioreq_unmap_range(d, 1, lo, hi), -ENOENT);
    ck_assert(unclaimed(d, lo));
    ck_assert(unclaimed(d, lo + 0x123));
    ck_assert(unclaimed(d, hi));
    ck_assert_uint_eq(rec_calls(&r1), 3);
    ck_assert_uint_eq(rec_calls(&r2), 0);

    /* Nothing of it is left: another server may have it. */
    ck_assert_int_eq(xecam_ioreq_map_range(d, 2, lo, hi), 0);
    ck_assert(reaches(d, &r2, lo));
    ck_assert(reaches(d, &r2, hi));
    ck_assert_uint_eq(rec_calls(&r1), 3);
    finish();
}
END_TEST

START_TEST(test_destroy_unroutes)
{
    const uint32_t a = XECAM_SBDF(0, 0x20, 0, 0), b = XECAM_SBDF(0, 0x21, 3, 3);
    struct xecam_domain *d = setup(0);
    struct dm_rec r1, r2;

    rec_init(&r1, DM_GOOD);
    rec_init(&r2, DM_GOOD);
    server_add(d, 1, a, a + 7);
    ck_assert_int_eq(xecam_ioreq_map_range(d, 1, b, b), 0);
    ck_assert_int_eq(xecam_ioreq_server_create(d, 2), 0);
    dm_start(1, &r1);
    dm_start(2, &r2);
    ck_assert(reaches(d, &r1, a));
    ck_assert(reaches(d, &r1, b));

    ck_assert_int_eq(xecam_ioreq_server_destroy(d, 1), 0);
    ck_assert(unclaimed(d, a));
    ck_assert(unclaimed(d, a + 7));
    ck_assert(unclaimed(d, b));
    ck_assert_int_eq(xecam_ioreq_unmap_range(d, 1, b, b), -ENOENT);
    ck_assert_uint_eq(rec_calls(&r1), 2);

    /* A new server of the same id starts without ranges. */
    ck_assert_int_eq(xecam_ioreq_server_create(d, 1), 0);
    ck_assert(unclaimed(d, a));
    ck_assert(unclaimed(d, b));
    ck_assert_int_eq(xecam_ioreq_unmap_range(d, 1, b, b), -ENOENT);
    ck_assert_int_eq(xecam_ioreq_map_range(d, 2, a, a + 7), 0);
    ck_assert_int_eq(xecam_ioreq_map_range(d, 2, b, b), 0);
    ck_assert(reaches(d, &r2, a));
    ck_assert(reaches(d, &r2, b));
    ck_assert_uint_eq(rec_calls(&r1), 2);
    finish();
}
END_TEST

/*
 * Eight segments whose hash homes collide (four at slot 0, four at slot 7 of
 * route.c's table, which wraps around): probing and deletion get exercised.
 * The test does not depend on that: any eight segments must work.
 */
static const uint16_t segs[XECAM_MAX_SEGMENTS] = {
    0, 4, 13, 22, 5, 9, 14, 18,
};
#define SEG_BASE 0xf0000000ULL

/* One window of one bus per entry of segs[]. */
static struct xecam_domain *setup_segments(void)
{
    struct xecam_domain *d = h_host(0);
    unsigned int i;

    ck_assert_ptr_nonnull(d);
    for ( i = 0; i < XECAM_MAX_SEGMENTS; i++ )
        ck_assert_int_eq(h_set(TOOLSTACK,
                               h_space(GUEST, segs[i], 0, 0,
                                       SEG_BASE + ((uint64_t)i << 20))), 0);

    return d;
}

/* Function 'fn' of bus 0 of segs[i]: reaches r, or reads all-ones. */
static void check_seg(struct xecam_domain *d, struct dm_rec *r,
                      unsigned int i, unsigned int fn, bool routed)
{
    uint32_t sbdf = XECAM_SBDF(segs[i], 0, 0, fn);
    unsigned long calls = rec_calls(r);
    uint64_t v;

    rec_clear(r);
    v = mmio_rd(d, 0, gpa_of(SEG_BASE + ((uint64_t)i << 20), 0, sbdf, 0x44),
                4);
    if ( routed )
    {
        ioreq_t q = only_req(r, "segment");

        ck_assert_msg(q.addr == req_addr(sbdf, 0x44),
                      "segment %#x: addr %#llx", segs[i],
                      (unsigned long long)q.addr);
        ck_assert_uint_eq(v, dm_expect(req_addr(sbdf, 0x44), 4));
    }
    else
    {
        ck_assert_msg(v == 0xffffffffU, "segment %#x: read %#llx", segs[i],
                      (unsigned long long)v);
        ck_assert_uint_eq(rec_calls(r), calls);
    }
}

static int map_seg(struct xecam_domain *d, unsigned int id, uint16_t seg)
{
    return xecam_ioreq_map_range(d, id, XECAM_SBDF(seg, 0, 0, 0),
                                 XECAM_SBDF(seg, 0, 0, 7));
}

static int unmap_seg(struct xecam_domain *d, unsigned int id, uint16_t seg)
{
    return xecam_ioreq_unmap_range(d, id, XECAM_SBDF(seg, 0, 0, 0),
                                   XECAM_SBDF(seg, 0, 0, 7));
}

START_TEST(test_map_segments_limit)
{
    struct xecam_domain *d = setup_segments();
    struct dm_rec r;
    unsigned int i;

    rec_init(&r, DM_GOOD);
    ck_assert_int_eq(xecam_ioreq_server_create(d, 1), 0);
    ck_assert_int_eq(xecam_ioreq_server_create(d, 2), 0);
    dm_start(1, &r);

    /* One range over more segments than there are: nothing changes. */
    ck_assert_int_eq(xecam_ioreq_map_range(d, 1, XECAM_SBDF(0, 0, 0, 0),
                                           XECAM_SBDF(8, 0, 0, 0)), -ENOSPC);
    ck_assert_int_eq(xecam_ioreq_map_range(d, 1, 0, 0xffffffffU), -ENOSPC);
    for ( i = 0; i < XECAM_MAX_SEGMENTS; i++ )
        check_seg(d, &r, i, 0, false);

    for ( i = 0; i < XECAM_MAX_SEGMENTS; i++ )
        ck_assert_int_eq(map_seg(d, i & 1 ? 2 : 1, segs[i]), 0);
    ck_assert_int_eq(map_seg(d, 1, 0x7777), -ENOSPC);
    ck_assert_int_eq(map_seg(d, 2, 0x7777), -ENOSPC);
    /* Partly in a routed segment, partly in a new one. */
    ck_assert_int_eq(xecam_ioreq_map_range(d, 1, XECAM_SBDF(22, 0, 1, 0),
                                           XECAM_SBDF(23, 0, 0, 0)), -ENOSPC);
    /* Segments already routed take more ranges. */
    ck_assert_int_eq(xecam_ioreq_map_range(d, 1, XECAM_SBDF(13, 0, 1, 0),
                                           XECAM_SBDF(13, 0xff, 0x1f, 7)), 0);
    for ( i = 0; i < XECAM_MAX_SEGMENTS; i += 2 )
        check_seg(d, &r, i, 7, true);
    ck_assert_uint_eq(rec_calls(&r), XECAM_MAX_SEGMENTS / 2);
    finish();

    /* Exactly XECAM_MAX_SEGMENTS in one range fit. */
    d = setup_segments();
    rec_init(&r, DM_GOOD);
    ck_assert_int_eq(xecam_ioreq_server_create(d, 1), 0);
    dm_start(1, &r);
    ck_assert_int_eq(xecam_ioreq_map_range(d, 1, XECAM_SBDF(0, 0, 0, 0),
                                           XECAM_SBDF(7, 0xff, 0x1f, 7)), 0);
    ck_assert_int_eq(map_seg(d, 1, 0x7777), -ENOSPC);
    check_seg(d, &r, 0, 3, true);    /* segment 0 */
    check_seg(d, &r, 1, 3, true);    /* segment 4 */
    check_seg(d, &r, 4, 3, true);    /* segment 5 */
    check_seg(d, &r, 2, 3, false);   /* segment 13 */
    finish();
}
END_TEST

/* A segment freed by unmapping its last range can be used again. */
START_TEST(test_map_segments_reuse)
{
    struct xecam_domain *d = setup_segments();
    struct dm_rec r;
    unsigned int i;

    rec_init(&r, DM_GOOD);
    ck_assert_int_eq(xecam_ioreq_server_create(d, 1), 0);
    dm_start(1, &r);
    for ( i = 0; i < XECAM_MAX_SEGMENTS; i++ )
        ck_assert_int_eq(map_seg(d, 1, segs[i]), 0);
    ck_assert_int_eq(map_seg(d, 1, 0x7777), -ENOSPC);

    /* Unmapping from a full segment table. */
    ck_assert_int_eq(unmap_seg(d, 1, segs[2]), 0);
    check_seg(d, &r, 2, 0, false);
    for ( i = 0; i < XECAM_MAX_SEGMENTS; i++ )
        if ( i != 2 )
            check_seg(d, &r, i, 5, true);
    ck_assert_int_eq(map_seg(d, 1, 0x7777), 0);
    ck_assert_int_eq(map_seg(d, 1, segs[2]), -ENOSPC);
    for ( i = 0; i < XECAM_MAX_SEGMENTS; i++ )
        check_seg(d, &r, i, 1, i != 2);

    /* Destroying the server frees all of them. */
    ck_assert_int_eq(xecam_ioreq_server_destroy(d, 1), 0);
    ck_assert_int_eq(xecam_ioreq_server_create(d, 1), 0);
    for ( i = 0; i < XECAM_MAX_SEGMENTS; i++ )
        ck_assert_int_eq(map_seg(d, 1, segs[i]), 0);
    for ( i = 0; i < XECAM_MAX_SEGMENTS; i++ )
        check_seg(d, &r, i, 6, true);
    finish();
}
END_TEST

/* Map and unmap segments in a pseudo-random order, never more than 7. */
START_TEST(test_map_segments_churn)
{
    struct xecam_domain *d = setup_segments();
    bool mapped[XECAM_MAX_SEGMENTS] = { false };
    unsigned int step, i, nr = 0;
    uint32_t seed = 12345;
    struct dm_rec r;

    rec_init(&r, DM_GOOD);
    ck_assert_int_eq(xecam_ioreq_server_create(d, 1), 0);
    dm_start(1, &r);

    for ( step = 0; step < 300; step++ )
    {
        seed = seed * 1103515245U + 12345U;
        i = (seed >> 16) % XECAM_MAX_SEGMENTS;
        if ( mapped[i] )
        {
            ck_assert_int_eq(unmap_seg(d, 1, segs[i]), 0);
            mapped[i] = false;
            nr--;
        }
        else if ( nr < XECAM_MAX_SEGMENTS - 1 )
        {
            ck_assert_int_eq(map_seg(d, 1, segs[i]), 0);
            mapped[i] = true;
            nr++;
        }
        for ( i = 0; i < XECAM_MAX_SEGMENTS; i++ )
            check_seg(d, &r, i, step & 7, mapped[i]);
    }
    finish();
}
END_TEST

/*
 * Allocation failure at every allocation site of map_range.  Each attempt
 * runs on a fresh host, so that what a failure left behind cannot be reused
 * by the next attempt and so hide.
 */
#define AF_BASE2 0xc0000000ULL
#define AF_BASE3 0xb0000000ULL

static const struct {
    uint32_t sbdf;
    uint64_t base;
} af_probe[] = {
    { XECAM_SBDF(2, 0xfe, 0, 1), AF_BASE2 },
    { XECAM_SBDF(2, 0xff, 0x1f, 7), AF_BASE2 },
    { XECAM_SBDF(3, 0x00, 0, 0), AF_BASE3 },
    { XECAM_SBDF(3, 0x01, 0, 0), AF_BASE3 },
};

START_TEST(test_map_range_alloc_faults)
{
    /* Server 1 has 'keep'; server 2 maps [start, end] into a new segment. */
    const uint32_t keep = XECAM_SBDF(2, 0xfe, 0, 0);
    const uint32_t start = XECAM_SBDF(2, 0xfe, 0, 1);
    const uint32_t end = XECAM_SBDF(3, 0x01, 0, 0);
    unsigned long nth, failures = 0;
    struct xecam_domain *d;
    struct dm_rec r1, r2;
    unsigned int i;
    bool fired;
    int rc = -1;

    for ( nth = 1; nth < 1000 && rc; nth++ )
    {
        d = setup(0);
        rec_init(&r1, DM_GOOD);
        rec_init(&r2, DM_GOOD);
        ck_assert_int_eq(h_set(TOOLSTACK, h_space(GUEST, 2, 0, 255, AF_BASE2)),
                         0);
        ck_assert_int_eq(h_set(TOOLSTACK, h_space(GUEST, 3, 0, 255, AF_BASE3)),
                         0);
        server_add(d, 1, keep, keep);
        ck_assert_int_eq(xecam_ioreq_server_create(d, 2), 0);
        dm_start(1, &r1);
        dm_start(2, &r2);

        xecam_user_fault_arm(XECAM_FAULT_ALL, nth);
        rc = xecam_ioreq_map_range(d, 2, start, end);
        fired = xecam_user_fault_fired();
        xecam_user_fault_arm(0, 0);

        /* 'keep' is routed as before either way. */
        ck_assert_uint_eq(mmio_rd(d, 0, gpa_of(AF_BASE2, 0, keep, 0), 4),
                          dm_expect(req_addr(keep, 0), 4));
        ck_assert_uint_eq(rec_calls(&r1), 1);

        if ( !rc )
        {
            ck_assert_msg(!fired, "nth %lu: fault swallowed", nth);
            break;
        }
        failures++;
        ck_assert_msg(rc < 0 && rc > -4096, "nth %lu: rc %d", nth, rc);
        ck_assert_msg(fired, "nth %lu: failed (%d) without a fault", nth, rc);

        /* Nothing of the range is routed. */
        for ( i = 0; i < XECAM_ARRAY_SIZE(af_probe); i++ )
            ck_assert_msg(mmio_rd(d, 0, gpa_of(af_probe[i].base, 0,
                                               af_probe[i].sbdf, 0), 4) ==
                          0xffffffffU, "nth %lu: %#x routed", nth,
                          af_probe[i].sbdf);
        ck_assert_uint_eq(rec_calls(&r2), 0);

        /* No segment slot is left taken: segment 2 and seven new ones fit. */
        for ( i = 0; i < XECAM_MAX_SEGMENTS - 1; i++ )
            ck_assert_msg(map_seg(d, 1, 0x100 + i) == 0,
                          "nth %lu: segment %#x does not fit", nth,
                          0x100 + i);
        ck_assert_int_eq(map_seg(d, 1, 0x200), -ENOSPC);
    }
    ck_assert_int_eq(rc, 0);
    ck_assert_uint_ge(failures, 1);

    for ( i = 0; i < XECAM_ARRAY_SIZE(af_probe); i++ )
        ck_assert_uint_eq(mmio_rd(d, 0, gpa_of(af_probe[i].base, 0,
                                               af_probe[i].sbdf, 0), 4),
                          dm_expect(req_addr(af_probe[i].sbdf, 0), 4));
    ck_assert_uint_eq(rec_calls(&r2), XECAM_ARRAY_SIZE(af_probe));

    /* Segments 2 and 3 and six new ones. */
    for ( i = 0; i < XECAM_MAX_SEGMENTS - 2; i++ )
        ck_assert_int_eq(map_seg(d, 1, 0x100 + i), 0);
    ck_assert_int_eq(map_seg(d, 1, 0x200), -ENOSPC);
    finish();
}
END_TEST

/* ---- Device models that break the protocol. ---- */

static const uint32_t bad_fn = XECAM_SBDF(0, 4, 2, 1);

/* A server for bus 4 of segment 0 behind a device model in 'mode'. */
static struct xecam_domain *setup_dm(struct dm_rec *r, enum dm_mode mode,
                                     unsigned int raw_state,
                                     struct xecam_user_dm **dm)
{
    struct xecam_domain *d = setup(0);
    struct xecam_user_dm *started;

    rec_init(r, mode);
    r->raw_state = raw_state;
    xecam_user_ioreq_timeout(50);
    server_add(d, 1, XECAM_SBDF(0, 4, 0, 0), XECAM_SBDF(0, 4, 0x1f, 7));
    started = dm_start(1, r);
    if ( dm )
        *dm = started;

    return d;
}

/* The server broke: accesses from any vcpu never reach the device model. */
static void check_broken(struct xecam_domain *d, struct dm_rec *r,
                         struct xecam_user_dm *dm, unsigned int accesses)
{
    unsigned long calls = rec_calls(r), reqs = xecam_user_dm_requests(dm);
    unsigned long failed = stats(d).ioreq_failed;
    unsigned int i;

    /* Were it asked again, it would answer properly now. */
    rec_mode(r, DM_GOOD, 0);
    for ( i = 0; i < accesses; i++ )
    {
        unsigned int vcpu = 1 + i % 3;
        uint32_t sbdf = bad_fn + (i % 5);
        unsigned int reg = (i * 4) & 0xffc;

        switch ( i % 6 )
        {
        case 0:
            ck_assert_uint_eq(ecam_rd(d, vcpu, sbdf, reg, 4), 0xffffffffU);
            break;
        case 1:
            ck_assert_uint_eq(ecam_rd(d, vcpu, sbdf, reg | 1, 1), 0xff);
            break;
        case 2:
            ecam_wr(d, vcpu, sbdf, reg, 4, i);
            break;
        case 3:
            ck_assert_uint_eq(cfc_rd(d, vcpu, sbdf, reg & 0xff, 4),
                              0xffffffffU);
            break;
        case 4:
            cfc_wr(d, vcpu, sbdf, reg & 0xfe, 2, i);
            break;
        case 5:
            ck_assert_uint_eq(ecam_rd(d, vcpu, sbdf, reg & 0xff8, 8), ~0ULL);
            break;
        }
        ck_assert_msg(rec_calls(r) == calls, "access %u reached the DM", i);
        ck_assert_uint_eq(xecam_user_dm_requests(dm), reqs);
    }
    ck_assert_uint_eq(stats(d).ioreq_failed,
                      failed + accesses + accesses / 6);
    ck_assert_uint_eq(xecam_user_log_count(BROKE), 1);
}

START_TEST(test_dm_silent)
{
    struct xecam_stats before, after;
    struct xecam_user_dm *dm;
    struct xecam_domain *d;
    struct dm_rec r;

    d = setup_dm(&r, DM_SILENT, 0, &dm);
    before = stats(d);
    ck_assert_uint_eq(ecam_rd(d, 0, bad_fn, 0, 4), 0xffffffffU);
    after = stats(d);
    ck_assert_uint_eq(rec_calls(&r), 1);
    ck_assert_uint_eq(xecam_user_dm_requests(dm), 1);
    ck_assert_uint_eq(after.ioreq_failed, before.ioreq_failed + 1);
    ck_assert_uint_eq(after.to_ioreq, before.to_ioreq + 1);
    ck_assert_uint_eq(xecam_user_log_count(BROKE), 1);

    check_broken(d, &r, dm, 1000);
    finish();
}
END_TEST

static uint64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);

    return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The port's inline device model (the fuzzers'): it answers in the vcpu's
 * thread, a silent one fails the access at once (no timeout waited out),
 * and an answer written after the vcpu gave up leaves the slot busy, so
 * the next request on it fails without reaching the device model.
 */
START_TEST(test_dm_inline)
{
    const uint32_t fn = XECAM_SBDF(0, 4, 0, 0);
    struct xecam_user_dm *dm = NULL;
    struct xecam_domain *d = setup(0);
    ioreq_t done = { .state = STATE_IOREQ_NONE };
    struct dm_rec r;
    uint64_t t0;

    rec_init(&r, DM_GOOD);
    server_add(d, 1, fn, XECAM_SBDF(0, 4, 0x1f, 7));
    ck_assert_int_eq(xecam_user_dm_start_inline(GUEST, 1, dm_handler, &r,
                                                &dm), 0);
    ck_assert_uint_eq(ecam_rd(d, 0, fn, 0x40, 4), dm_expect(req_addr(fn, 0x40),
                                                            4));
    ck_assert_uint_eq(xecam_user_dm_requests(dm), 1);

    xecam_user_ioreq_timeout(10000);
    pthread_mutex_lock(&r.lock);
    r.mode = DM_SILENT;
    pthread_mutex_unlock(&r.lock);
    t0 = now_ms();
    ck_assert_uint_eq(ecam_rd(d, 1, fn, 0x44, 4), 0xffffffffU);
    ck_assert_uint_lt(now_ms() - t0, 5000);
    ck_assert_uint_eq(xecam_user_log_count(BROKE), 1);

    /* A new server: vcpu 1's slot is still busy, -EIO, broken again. */
    ck_assert_int_eq(xecam_ioreq_server_destroy(d, 1), 0);
    server_add(d, 1, fn, XECAM_SBDF(0, 4, 0x1f, 7));
    pthread_mutex_lock(&r.lock);
    r.mode = DM_GOOD;
    pthread_mutex_unlock(&r.lock);
    ck_assert_uint_eq(ecam_rd(d, 1, fn, 0x48, 4), 0xffffffffU);
    ck_assert_uint_eq(xecam_user_dm_requests(dm), 2);

    /* The device model frees the slot late: the next server is served. */
    xecam_user_dm_answer(dm, 1, &done);
    ck_assert_int_eq(xecam_ioreq_server_destroy(d, 1), 0);
    server_add(d, 1, fn, XECAM_SBDF(0, 4, 0x1f, 7));
    ck_assert_uint_eq(ecam_rd(d, 1, fn, 0x4c, 4), dm_expect(req_addr(fn, 0x4c),
                                                            4));
    ck_assert_uint_eq(xecam_user_dm_requests(dm), 3);
    finish();
}
END_TEST

/* Several vcpus find the server silent at once: still one log line. */
struct break_arg {
    struct xecam_domain *d;
    pthread_barrier_t *go;
    unsigned int vcpu;
    uint64_t val;
};

static void *break_thread(void *p)
{
    struct break_arg *a = p;

    pthread_barrier_wait(a->go);
    xecam_mmio_read(a->d, a->vcpu, gpa_of(BASE0, 0, bad_fn, 4 * a->vcpu), 4,
                    &a->val);

    return NULL;
}

START_TEST(test_dm_silent_concurrent)
{
    struct break_arg args[4];
    pthread_t t[4];
    pthread_barrier_t go;
    struct xecam_user_dm *dm;
    struct xecam_domain *d;
    struct dm_rec r;
    unsigned int i;

    d = setup_dm(&r, DM_SILENT, 0, &dm);
    xecam_user_ioreq_timeout(300);
    ck_assert_int_eq(pthread_barrier_init(&go, NULL, 4), 0);
    for ( i = 0; i < 4; i++ )
    {
        args[i].d = d;
        args[i].go = &go;
        args[i].vcpu = i;
        args[i].val = 0;
        ck_assert_int_eq(pthread_create(&t[i], NULL, break_thread, &args[i]),
                         0);
    }
    for ( i = 0; i < 4; i++ )
        ck_assert_int_eq(pthread_join(t[i], NULL), 0);
    pthread_barrier_destroy(&go);

    for ( i = 0; i < 4; i++ )
        ck_assert_uint_eq(args[i].val, 0xffffffffU);
    ck_assert_uint_ge(rec_calls(&r), 1);
    ck_assert_uint_eq(stats(d).ioreq_failed, 4);
    ck_assert_uint_eq(xecam_user_log_count(BROKE), 1);
    xecam_user_ioreq_timeout(50);
    check_broken(d, &r, dm, 12);
    finish();
}
END_TEST

struct bad_case {
    const char *name;
    enum dm_mode mode;
    unsigned int raw_state;
};

static const struct bad_case bad_cases[] = {
    { "raw state NONE", DM_RAW, STATE_IOREQ_NONE },
    { "raw state INPROCESS", DM_RAW, STATE_IOREQ_INPROCESS },
    { "raw state 4", DM_RAW, 4 },
    { "raw state 7", DM_RAW, 7 },
    { "raw state 15", DM_RAW, 15 },
    { "wrong size", DM_BAD_SIZE, 0 },
    { "wrong addr (register)", DM_BAD_ADDR_REG, 0 },
    { "wrong addr (function)", DM_BAD_ADDR_SBDF, 0 },
    { "wrong dir", DM_BAD_DIR, 0 },
    { "wrong type", DM_BAD_TYPE, 0 },
    { "wrong count", DM_BAD_COUNT, 0 },
    { "data_is_ptr", DM_DATA_PTR, 0 },
};
#define NR_BAD_CASES XECAM_ARRAY_SIZE(bad_cases)

/* _i: case _i / 2, the first access a read (even) or a write (odd). */
START_TEST(test_dm_bad_answer)
{
    const struct bad_case *c = &bad_cases[_i / 2];
    bool write = _i & 1;
    struct xecam_user_dm *dm;
    struct xecam_domain *d;
    struct dm_rec r;

    d = setup_dm(&r, c->mode, c->raw_state, &dm);

    if ( write )
        ecam_wr(d, 0, bad_fn, 0x10, 4, 0x12345678);
    else
        ck_assert_msg(ecam_rd(d, 0, bad_fn, 0x10, 4) == 0xffffffffU,
                      "%s: a bad answer's data was used", c->name);
    ck_assert_msg(rec_calls(&r) == 1, "%s: %lu calls", c->name,
                  rec_calls(&r));
    ck_assert_msg(stats(d).ioreq_failed == 1, "%s: ioreq_failed %lu",
                  c->name, stats(d).ioreq_failed);
    ck_assert_msg(xecam_user_log_count(BROKE) == 1, "%s: %u log lines",
                  c->name, xecam_user_log_count(BROKE));

    check_broken(d, &r, dm, 12);
    finish();
}
END_TEST

/* XECAM_DM_RAW itself is fine when the state is IORESP_READY. */
START_TEST(test_dm_raw_good)
{
    struct xecam_domain *d;
    struct dm_rec r;
    unsigned int i;

    d = setup_dm(&r, DM_RAW, STATE_IORESP_READY, NULL);
    xecam_user_ioreq_timeout(1000);     /* only answers here */
    for ( i = 0; i < 10; i++ )
    {
        ck_assert_uint_eq(ecam_rd(d, i % 2, bad_fn, 4 * i, 4),
                          dm_expect(req_addr(bad_fn, 4 * i), 4));
        ecam_wr(d, i % 2, bad_fn, 4 * i, 2, i);
    }
    ck_assert_uint_eq(rec_calls(&r), 20);
    ck_assert_uint_eq(stats(d).ioreq_failed, 0);
    ck_assert_uint_eq(xecam_user_log_count(BROKE), 0);
    finish();
}
END_TEST

/* -ENODEV: that access fails, the server is not broken. */
START_TEST(test_dm_not_connected)
{
    struct xecam_domain *d = setup(0);
    struct xecam_user_dm *dm;
    struct xecam_stats s;
    struct dm_rec r;

    rec_init(&r, DM_GOOD);
    xecam_user_ioreq_timeout(50);
    server_add(d, 1, XECAM_SBDF(0, 4, 0, 0), XECAM_SBDF(0, 4, 0x1f, 7));

    ck_assert_uint_eq(ecam_rd(d, 0, bad_fn, 0, 4), 0xffffffffU);
    ck_assert_uint_eq(ecam_rd(d, 0, bad_fn, 0x3, 1), 0xff);
    ck_assert_uint_eq(cfc_rd(d, 1, bad_fn, 0x2, 2), 0xffff);
    ecam_wr(d, 0, bad_fn, 0x4, 2, 0x6);
    s = stats(d);
    ck_assert_uint_eq(s.to_ioreq, 4);
    ck_assert_uint_eq(s.ioreq_failed, 4);
    ck_assert_uint_eq(xecam_user_log_count(BROKE), 0);

    /* Connecting a device model afterwards works. */
    dm = dm_start(1, &r);
    ck_assert_uint_eq(ecam_rd(d, 0, bad_fn, 0, 4),
                      dm_expect(req_addr(bad_fn, 0), 4));
    ck_assert_uint_eq(cfc_rd(d, 1, bad_fn, 0x2, 2),
                      dm_expect(req_addr(bad_fn, 2), 2));
    ck_assert_uint_eq(rec_calls(&r), 2);

    /* And after it goes away, again. */
    xecam_user_dm_stop(dm);
    ck_assert_uint_eq(ecam_rd(d, 0, bad_fn, 0, 4), 0xffffffffU);
    ck_assert_uint_eq(stats(d).ioreq_failed, 5);
    dm_start(1, &r);
    ck_assert_uint_eq(ecam_rd(d, 0, bad_fn, 0x8, 4),
                      dm_expect(req_addr(bad_fn, 8), 4));
    ck_assert_uint_eq(rec_calls(&r), 3);
    ck_assert_uint_eq(xecam_user_log_count(BROKE), 0);
    finish();
}
END_TEST

/* Any other failure to send fails that access only. */
START_TEST(test_dm_send_fault)
{
    struct xecam_domain *d;
    struct dm_rec r;
    uint64_t v;

    d = setup_dm(&r, DM_GOOD, 0, NULL);
    xecam_user_ioreq_timeout(1000);     /* only answers here */
    xecam_user_fault_arm(XECAM_FAULT_IOREQ, 1);
    ck_assert_uint_eq(ecam_rd(d, 0, bad_fn, 0, 4), 0xffffffffU);
    ck_assert(xecam_user_fault_fired());
    ck_assert_uint_eq(rec_calls(&r), 0);
    ck_assert_uint_eq(stats(d).ioreq_failed, 1);

    /* One half of an 8-byte read fails, the other does not. */
    xecam_user_fault_arm(XECAM_FAULT_IOREQ, 2);
    v = ecam_rd(d, 0, bad_fn, 0, 8);
    ck_assert(xecam_user_fault_fired());
    ck_assert_msg(v == (0xffffffff00000000ULL |
                        dm_expect(req_addr(bad_fn, 0), 4)) ||
                  v == (0xffffffffULL |
                        (uint64_t)dm_expect(req_addr(bad_fn, 4), 4) << 32),
                  "8-byte read with one failed half: %#llx",
                  (unsigned long long)v);
    ck_assert_uint_eq(rec_calls(&r), 1);
    ck_assert_uint_eq(stats(d).ioreq_failed, 2);
    xecam_user_fault_arm(0, 0);

    ck_assert_uint_eq(ecam_rd(d, 0, bad_fn, 0x40, 4),
                      dm_expect(req_addr(bad_fn, 0x40), 4));
    ck_assert_uint_eq(rec_calls(&r), 2);
    ck_assert_uint_eq(xecam_user_log_count(BROKE), 0);
    finish();
}
END_TEST

/* Destroying and re-creating the server clears broken. */
START_TEST(test_dm_recreate_clears_broken)
{
    const uint32_t lo = XECAM_SBDF(0, 4, 0, 0), hi = XECAM_SBDF(0, 4, 0x1f, 7);
    struct xecam_user_dm *dm;
    struct xecam_domain *d;
    struct dm_rec r;

    /* A wrong answer: the device model's slot is clean again. */
    d = setup_dm(&r, DM_BAD_SIZE, 0, NULL);
    ck_assert_uint_eq(ecam_rd(d, 0, bad_fn, 0, 4), 0xffffffffU);
    ck_assert_uint_eq(rec_calls(&r), 1);
    rec_mode(&r, DM_GOOD, 0);
    ck_assert_uint_eq(ecam_rd(d, 0, bad_fn, 0, 4), 0xffffffffU);
    ck_assert_uint_eq(rec_calls(&r), 1);

    ck_assert_int_eq(xecam_ioreq_server_destroy(d, 1), 0);
    server_add(d, 1, lo, hi);
    xecam_user_ioreq_timeout(1000);
    ck_assert_uint_eq(ecam_rd(d, 0, bad_fn, 0, 4),
                      dm_expect(req_addr(bad_fn, 0), 4));
    ck_assert_uint_eq(cfc_rd(d, 1, bad_fn, 0x41, 1),
                      dm_expect(req_addr(bad_fn, 0x41), 1));
    ck_assert_uint_eq(rec_calls(&r), 3);
    ck_assert_uint_eq(xecam_user_log_count(BROKE), 1);

    /* The new server breaks on its own account, and is reported. */
    rec_mode(&r, DM_BAD_DIR, 0);
    ck_assert_uint_eq(ecam_rd(d, 0, bad_fn, 0, 4), 0xffffffffU);
    ck_assert_uint_eq(xecam_user_log_count(BROKE), 2);
    rec_mode(&r, DM_GOOD, 0);
    ck_assert_uint_eq(ecam_rd(d, 0, bad_fn, 0, 4), 0xffffffffU);
    ck_assert_uint_eq(rec_calls(&r), 4);
    finish();

    /*
     * No answer: the old device model still holds the request, so a new
     * one is connected for the new server.
     */
    d = setup_dm(&r, DM_SILENT, 0, &dm);
    ck_assert_uint_eq(ecam_rd(d, 0, bad_fn, 0, 4), 0xffffffffU);
    ck_assert_uint_eq(ecam_rd(d, 1, bad_fn, 0, 4), 0xffffffffU);
    ck_assert_uint_eq(rec_calls(&r), 1);
    xecam_user_dm_stop(dm);
    ck_assert_int_eq(xecam_ioreq_server_destroy(d, 1), 0);
    server_add(d, 1, lo, hi);
    rec_mode(&r, DM_GOOD, 0);
    xecam_user_ioreq_timeout(1000);
    dm = dm_start(1, &r);
    ck_assert_uint_eq(ecam_rd(d, 0, bad_fn, 0, 4),
                      dm_expect(req_addr(bad_fn, 0), 4));
    ck_assert_uint_eq(ecam_rd(d, 1, bad_fn, 0x3, 1),
                      dm_expect(req_addr(bad_fn, 3), 1));
    ck_assert_uint_eq(xecam_user_dm_requests(dm), 2);
    ck_assert_uint_eq(rec_calls(&r), 3);
    ck_assert_uint_eq(xecam_user_log_count(BROKE), 1);
    finish();
}
END_TEST

/* A device model that breaks server after server cannot flood the log. */
START_TEST(test_dm_recreate_log_bounded)
{
    const uint32_t lo = XECAM_SBDF(0, 4, 0, 0), hi = XECAM_SBDF(0, 4, 0x1f, 7);
    struct xecam_domain *d;
    struct dm_rec r;
    unsigned int i;

    d = setup_dm(&r, DM_BAD_SIZE, 0, NULL);
    xecam_user_log_clear();             /* and the rate limiter with it */
    for ( i = 0; i < 200; i++ )
    {
        ck_assert_uint_eq(ecam_rd(d, 0, bad_fn, 0, 4), 0xffffffffU);
        ck_assert_int_eq(xecam_ioreq_server_destroy(d, 1), 0);
        server_add(d, 1, lo, hi);
    }
    ck_assert_uint_eq(rec_calls(&r), 200);
    ck_assert_uint_eq(xecam_user_log_count(BROKE), 10);
    finish();
}
END_TEST

/* One broken server does not affect another. */
START_TEST(test_dm_broken_isolated)
{
    const uint32_t good = XECAM_SBDF(0, 5, 1, 1);
    struct xecam_domain *d;
    struct dm_rec r1, r2;
    unsigned int i;

    d = setup_dm(&r1, DM_SILENT, 0, NULL);
    rec_init(&r2, DM_GOOD);
    server_add(d, 2, XECAM_SBDF(0, 5, 0, 0), XECAM_SBDF(0, 5, 0x1f, 7));
    dm_start(2, &r2);

    ck_assert_uint_eq(ecam_rd(d, 0, bad_fn, 0, 4), 0xffffffffU);
    xecam_user_ioreq_timeout(1000);     /* only answers from now on */
    for ( i = 0; i < 20; i++ )
    {
        ck_assert_uint_eq(ecam_rd(d, i % 4, good, 4 * i, 4),
                          dm_expect(req_addr(good, 4 * i), 4));
        ck_assert_uint_eq(ecam_rd(d, i % 4, bad_fn, 4 * i, 4), 0xffffffffU);
    }
    ck_assert_uint_eq(rec_calls(&r1), 1);
    ck_assert_uint_eq(rec_calls(&r2), 20);
    ck_assert_uint_eq(stats(d).ioreq_failed, 21);
    ck_assert_uint_eq(xecam_user_log_count(BROKE), 1);
    finish();
}
END_TEST

/* ---- Several vcpus at once. ---- */

#define NR_VCPUS  4
#define ITERS     3000

struct vcpu_arg {
    struct xecam_domain *d;
    pthread_barrier_t *go;
    unsigned int vcpu;
    bool two_servers;
    unsigned long bad;          /* wrong results */
    unsigned long first_bad;    /* iteration of the first */
    unsigned long sent[2];      /* requests expected, per server */
    unsigned long accesses;     /* router accesses expected */
};

static void *vcpu_thread(void *p)
{
    struct vcpu_arg *a = p;
    unsigned int k;

    pthread_barrier_wait(a->go);
    for ( k = 0; k < ITERS; k++ )
    {
        unsigned int srv = a->two_servers ? (k + a->vcpu) & 1 : 0;
        uint32_t sbdf = XECAM_SBDF(0, 0x30 + srv, (k * 7 + a->vcpu) % 32,
                                   (k / 32) % 8);
        unsigned int op = a->two_servers ? k % 4 : k % 3;
        unsigned int size = 0, reg = 0;
        uint64_t v = 0, want = 0;
        bool ok = true;

        switch ( op )
        {
        case 0:         /* reads of 1, 2, 4 bytes */
        case 1:
            size = 1U << ((k / 4 + a->vcpu) % 3);
            reg = (k * 4 + a->vcpu * 0x101) & 0xfff & ~(size - 1);
            want = dm_expect(req_addr(sbdf, reg), size);
            xecam_mmio_read(a->d, a->vcpu, gpa_of(BASE0, 0, sbdf, reg), size,
                            &v);
            ok = v == want;
            a->sent[srv]++;
            a->accesses++;
            break;
        case 2:         /* writes, or 4-byte reads */
            size = a->two_servers ? 2 : 4;
            reg = (k * 2 + a->vcpu * 0x40) & 0xfff & ~(size - 1);
            if ( a->two_servers )
                xecam_mmio_write(a->d, a->vcpu, gpa_of(BASE0, 0, sbdf, reg),
                                 size, write_value(req_addr(sbdf, reg),
                                                   size));
            else
            {
                want = dm_expect(req_addr(sbdf, reg), size);
                xecam_mmio_read(a->d, a->vcpu, gpa_of(BASE0, 0, sbdf, reg),
                                size, &v);
                ok = v == want;
            }
            a->sent[srv]++;
            a->accesses++;
            break;
        case 3:         /* 8-byte reads: two requests */
            reg = (k * 8) & 0xff8;
            want = dm_expect(req_addr(sbdf, reg), 4) |
                   (uint64_t)dm_expect(req_addr(sbdf, reg + 4), 4) << 32;
            xecam_mmio_read(a->d, a->vcpu, gpa_of(BASE0, 0, sbdf, reg), 8,
                            &v);
            ok = v == want;
            a->sent[srv] += 2;
            a->accesses += 2;
            break;
        }
        if ( !ok && !a->bad++ )
            a->first_bad = k;
    }

    return NULL;
}

static void run_vcpus(struct xecam_domain *d, bool two_servers,
                      struct vcpu_arg *args)
{
    pthread_t t[NR_VCPUS];
    pthread_barrier_t go;
    unsigned int i;

    ck_assert_int_eq(pthread_barrier_init(&go, NULL, NR_VCPUS), 0);
    for ( i = 0; i < NR_VCPUS; i++ )
    {
        memset(&args[i], 0, sizeof(args[i]));
        args[i].d = d;
        args[i].go = &go;
        args[i].vcpu = i;
        args[i].two_servers = two_servers;
        ck_assert_int_eq(pthread_create(&t[i], NULL, vcpu_thread, &args[i]),
                         0);
    }
    for ( i = 0; i < NR_VCPUS; i++ )
        ck_assert_int_eq(pthread_join(t[i], NULL), 0);
    pthread_barrier_destroy(&go);

    for ( i = 0; i < NR_VCPUS; i++ )
        ck_assert_msg(!args[i].bad, "vcpu %u: %lu wrong results, first at %lu",
                      i, args[i].bad, args[i].first_bad);
}

START_TEST(test_concurrent_vcpus)
{
    struct vcpu_arg args[NR_VCPUS];
    struct xecam_stats before, after;
    struct xecam_user_dm *dm;
    unsigned long total = 0;
    struct xecam_domain *d;
    struct dm_rec r;
    unsigned int i;

    d = setup(0);
    rec_init(&r, DM_GOOD);
    server_add(d, 1, XECAM_SBDF(0, 0x30, 0, 0), XECAM_SBDF(0, 0x30, 0x1f, 7));
    dm = dm_start(1, &r);

    before = stats(d);
    run_vcpus(d, false, args);
    after = stats(d);
    for ( i = 0; i < NR_VCPUS; i++ )
        total += args[i].sent[0];
    ck_assert_uint_eq(total, NR_VCPUS * ITERS);
    ck_assert_uint_eq(rec_calls(&r), total);
    ck_assert_uint_eq(xecam_user_dm_requests(dm), total);
    ck_assert_uint_eq(after.to_ioreq - before.to_ioreq, total);
    ck_assert_uint_eq(after.accesses - before.accesses, total);
    ck_assert_uint_eq(after.ioreq_failed, before.ioreq_failed);
    ck_assert_uint_eq(after.unclaimed, before.unclaimed);
    ck_assert_uint_eq(xecam_user_log_count(BROKE), 0);
    finish();
}
END_TEST

START_TEST(test_concurrent_two_servers)
{
    struct vcpu_arg args[NR_VCPUS];
    struct xecam_stats before, after;
    unsigned long sent[2] = { 0, 0 }, accesses = 0;
    struct xecam_domain *d;
    struct dm_rec r1, r2;
    unsigned int i;

    d = setup(0);
    rec_init(&r1, DM_GOOD);
    rec_init(&r2, DM_GOOD);
    r1.check_writes = r2.check_writes = true;
    server_add(d, 1, XECAM_SBDF(0, 0x30, 0, 0), XECAM_SBDF(0, 0x30, 0x1f, 7));
    server_add(d, 2, XECAM_SBDF(0, 0x31, 0, 0), XECAM_SBDF(0, 0x31, 0x1f, 7));
    dm_start(1, &r1);
    dm_start(2, &r2);

    before = stats(d);
    run_vcpus(d, true, args);
    after = stats(d);
    for ( i = 0; i < NR_VCPUS; i++ )
    {
        sent[0] += args[i].sent[0];
        sent[1] += args[i].sent[1];
        accesses += args[i].accesses;
    }
    ck_assert_uint_eq(rec_calls(&r1), sent[0]);
    ck_assert_uint_eq(rec_calls(&r2), sent[1]);
    pthread_mutex_lock(&r1.lock);
    ck_assert_uint_eq(r1.bad_writes, 0);
    pthread_mutex_unlock(&r1.lock);
    pthread_mutex_lock(&r2.lock);
    ck_assert_uint_eq(r2.bad_writes, 0);
    pthread_mutex_unlock(&r2.lock);
    ck_assert_uint_eq(after.to_ioreq - before.to_ioreq, sent[0] + sent[1]);
    ck_assert_uint_eq(after.accesses - before.accesses, accesses);
    ck_assert_uint_eq(after.ioreq_failed, before.ioreq_failed);
    ck_assert_uint_eq(xecam_user_log_count(BROKE), 0);
    finish();
}
END_TEST

/* ---- Counters. ---- */

START_TEST(test_stats)
{
    const uint32_t host = XECAM_SBDF(0, 0x40, 0, 0);
    const uint32_t srv = XECAM_SBDF(0, 0x0a, 1, 0);
    const uint32_t vpci = XECAM_SBDF(0, 0x0a, 2, 0);
    const uint32_t none = XECAM_SBDF(0, 0x0b, 0, 0);
    struct xecam_stats s0, s;
    struct dm_rec r;
    struct xecam_user_dm *dm;
    struct xecam_domain *d;
    unsigned int i;

    d = setup(0);
    rec_init(&r, DM_GOOD);
    ck_assert_int_eq(h_pdev(host, 0x33, 0x56781022), 0);
    ck_assert_int_eq(h_vpci(d, vpci, host), 0);
    server_add(d, 1, XECAM_SBDF(0, 0x0a, 0, 0), XECAM_SBDF(0, 0x0a, 0x1f, 7));
    dm = dm_start(1, &r);

    s0 = stats(d);
    for ( i = 0; i < 10; i++ )
        ecam_rd(d, i % 2, srv, 4 * i, 4);
    for ( i = 0; i < 5; i++ )
        ecam_wr(d, 0, srv, 0x100 + i, 1, i);
    for ( i = 0; i < 3; i++ )
        cfc_rd(d, 0, srv, 2 * i, 2);
    for ( i = 0; i < 2; i++ )
        cfc_wr(d, 1, srv, 0x40, 4, i);
    ecam_rd(d, 0, srv, 0x10, 8);                      /* two requests */
    for ( i = 0; i < 4; i++ )
        ecam_rd(d, 0, vpci, 4 * i, 4);
    for ( i = 0; i < 6; i++ )
        cfc_rd(d, 0, none, i, 1);
    ecam_rd(d, 0, srv, 0x2, 4);                       /* misaligned */
    ecam_wr(d, 0, srv, 0x1, 2, 0);                    /* misaligned */

    s = stats(d);
    ck_assert_uint_eq(s.to_ioreq - s0.to_ioreq, 10 + 5 + 3 + 2 + 2);
    ck_assert_uint_eq(s.to_vpci - s0.to_vpci, 4);
    ck_assert_uint_eq(s.unclaimed - s0.unclaimed, 6);
    ck_assert_uint_eq(s.bad_accesses - s0.bad_accesses, 2);
    ck_assert_uint_eq(s.ioreq_failed - s0.ioreq_failed, 0);
    ck_assert_uint_eq(s.accesses - s0.accesses, 22 + 4 + 6);
    ck_assert_uint_eq(s.accesses, s.to_vpci + s.to_ioreq + s.unclaimed);
    ck_assert_uint_eq(rec_calls(&r), 22);
    ck_assert_uint_eq(xecam_user_dm_requests(dm), 22);
    finish();
}
END_TEST

static Suite *ioreq_suite(void)
{
    Suite *s = suite_create("ioreq");
    TCase *tc;

    tc = tcase_create("encoding");
    tcase_set_timeout(tc, TIMEOUT_S);
    tcase_add_test(tc, test_ecam_encoding);
    tcase_add_test(tc, test_ecam_encoding_segments);
    tcase_add_test(tc, test_cf8_encoding);
    tcase_add_test(tc, test_cf8_ext_encoding);
    tcase_add_test(tc, test_ecam_qword);
    tcase_add_test(tc, test_read_data_masked);
    suite_add_tcase(s, tc);

    tc = tcase_create("routing");
    tcase_set_timeout(tc, TIMEOUT_S);
    tcase_add_test(tc, test_vpci_wins);
    tcase_add_test(tc, test_unclaimed);
    suite_add_tcase(s, tc);

    tc = tcase_create("management");
    tcase_set_timeout(tc, TIMEOUT_S);
    tcase_add_test(tc, test_server_create_errors);
    tcase_add_test(tc, test_map_range_errors);
    tcase_add_test(tc, test_map_range_overlap);
    tcase_add_test(tc, test_map_range_limit);
    tcase_add_test(tc, test_unmap_exact);
    tcase_add_test(tc, test_destroy_unroutes);
    tcase_add_test(tc, test_map_segments_limit);
    tcase_add_test(tc, test_map_segments_reuse);
    tcase_add_test(tc, test_map_segments_churn);
    tcase_add_test(tc, test_map_range_alloc_faults);
    suite_add_tcase(s, tc);

    tc = tcase_create("misbehaviour");
    tcase_set_timeout(tc, TIMEOUT_S);
    tcase_add_test(tc, test_dm_silent);
    tcase_add_test(tc, test_dm_silent_concurrent);
    tcase_add_test(tc, test_dm_inline);
    tcase_add_loop_test(tc, test_dm_bad_answer, 0, 2 * NR_BAD_CASES);
    tcase_add_test(tc, test_dm_raw_good);
    tcase_add_test(tc, test_dm_not_connected);
    tcase_add_test(tc, test_dm_send_fault);
    tcase_add_test(tc, test_dm_recreate_clears_broken);
    tcase_add_test(tc, test_dm_recreate_log_bounded);
    tcase_add_test(tc, test_dm_broken_isolated);
    suite_add_tcase(s, tc);

    tc = tcase_create("concurrency");
    tcase_set_timeout(tc, TIMEOUT_S);
    tcase_add_test(tc, test_concurrent_vcpus);
    tcase_add_test(tc, test_concurrent_two_servers);
    suite_add_tcase(s, tc);

    tc = tcase_create("stats");
    tcase_set_timeout(tc, TIMEOUT_S);
    tcase_add_test(tc, test_stats);
    suite_add_tcase(s, tc);

    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(ioreq_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);

    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
