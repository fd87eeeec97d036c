/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vPCI register dispatch (vpci/regmap.c) against docs/vpci.md.
 *
 * The registration API (errors, overlaps, removal, growth under allocation
 * failures), then every access over bare devices checked against a
 * reference model of the documented rules, computed byte by byte and bit by
 * bit from the register masks: what the guest reads, the emulated values,
 * the device's bytes afterwards, the exact writes that reached the device
 * and the refused counter.  Layouts are both enumerated (a 16-byte window,
 * every access size at every aligned offset) and random.  Then hooks,
 * failing device reads and byte consistency over the whole 4 KiB.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "helpers.h"

#define HOST        XECAM_SBDF(0, 0x10, 0, 0)
#define SEED        0x11            /* h_pdev() pattern of HOST */
#define LOG_MAX     64

static struct xecam_vpci *dev;

/* ---- Deterministic random numbers (xorshift32). ---- */

static uint32_t rng_state = 1;

static uint32_t rnd(void)
{
    uint32_t x = rng_state;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    rng_state = x;

    return x;
}

/* Each bit set with probability 1/4. */
static uint32_t rnd_sparse(void)
{
    return rnd() & rnd();
}

/* ---- Failure context. ---- */

static char ctx[256];

#define CHECK_EQ(got, want)                                                 \
    do {                                                                    \
        unsigned long long got_ = (got), want_ = (want);                    \
                                                                            \
        if ( got_ != want_ )                                                \
        {                                                                   \
            print_error("%s: %s is %#llx, expected %#llx (line %d)\n",      \
                        ctx, #got, got_, want_, __LINE__);                  \
            fail();                                                         \
        }                                                                   \
    } while ( 0 )

#define CHECK_TRUE(cond)                                                    \
    do {                                                                    \
        if ( !(cond) )                                                      \
        {                                                                   \
            print_error("%s: %s is false (line %d)\n", ctx, #cond,          \
                        __LINE__);                                          \
            fail();                                                         \
        }                                                                   \
    } while ( 0 )

/* ---- The reference model. ---- */

struct mreg {
    unsigned int offset, size;
    uint32_t emu, ro, rw1c, rsvdp, rsvdz;
    uint32_t val;
    bool hooked;                /* read hook: the guest sees v ^ xor */
    uint32_t xor;
};

/*
 * Registers, the owner of each byte, and the device's bytes and masks, all
 * indexed by config-space offset.  Accesses stay in [base, base + len).
 */
static struct {
    unsigned int base, len;
    unsigned int nr;
    struct mreg reg[XECAM_CFG_SIZE];
    int owner[XECAM_CFG_SIZE];          /* index in reg[], or -1: a gap */
    char shut[XECAM_CFG_SIZE / 4];      /* of a dword: 'h', 'r' or none */
    uint8_t cfg[XECAM_CFG_SIZE];
    uint8_t wmask[XECAM_CFG_SIZE], w1c[XECAM_CFG_SIZE];
} m;

static struct {
    unsigned long reads, writes, dev_writes, refused, silent, fault_reads;
} st;

static uint8_t byte_of(uint32_t v, unsigned int k)
{
    return v >> (8 * k);
}

static void model_init(unsigned int base, unsigned int len)
{
    unsigned int i;

    m.base = base;
    m.len = len;
    m.nr = 0;
    memset(m.shut, 0, sizeof(m.shut));
    for ( i = 0; i < XECAM_CFG_SIZE; i++ )
    {
        m.owner[i] = -1;
        m.wmask[i] = i >= 0x40 ? 0xff : 0;
        m.w1c[i] = 0;
    }
}

/* The device's bytes as they are now. */
static void model_sync_device(void)
{
    assert_int_equal(xecam_user_pdev_peek(HOST, 0, m.cfg, XECAM_CFG_SIZE), 0);
}

/* What xor_hook flips in the register at each offset. */
static uint32_t xor_at[XECAM_CFG_SIZE];

static uint32_t xor_hook(struct xecam_vpci *d, const struct xecam_vpci_reg *r,
                         uint32_t val)
{
    return val ^ xor_at[r->offset];
}

static const struct xecam_vpci_hooks xor_hooks = { .read = xor_hook };

/* Register 'r' in the device and in the model. */
static void add_both(const struct xecam_vpci_reg *r)
{
    struct mreg *mr = &m.reg[m.nr];
    unsigned int i;

    assert_int_equal(xecam_vpci_add_reg(dev, r), 0);
    mr->offset = r->offset;
    mr->size = r->size;
    mr->emu = r->emu;
    mr->ro = r->ro;
    mr->rw1c = r->rw1c;
    mr->rsvdp = r->rsvdp;
    mr->rsvdz = r->rsvdz;
    mr->val = r->reset;
    mr->hooked = r->hooks && r->hooks->read;
    mr->xor = mr->hooked ? xor_at[r->offset] : 0;
    for ( i = 0; i < r->size; i++ )
        m.owner[r->offset + i] = m.nr;
    m.nr++;
}

/* Remove model register i from both. */
static void remove_both(unsigned int i)
{
    struct mreg *mr = &m.reg[i];
    unsigned int k;

    assert_int_equal(xecam_vpci_remove_reg(dev, mr->offset, mr->size), 0);
    for ( k = 0; k < mr->size; k++ )
        m.owner[mr->offset + k] = -1;
    if ( i != m.nr - 1 )
    {
        *mr = m.reg[m.nr - 1];
        for ( k = 0; k < mr->size; k++ )
            m.owner[mr->offset + k] = i;
    }
    m.nr--;
}

/*
 * What the guest reads at byte o, bit by bit: RsvdZ reads 0, emulated bits
 * come from val, the others from the device (all-ones if its read fails).
 * Bytes of no register read from the device, or 0 in a hidden dword.
 */
static uint8_t model_read_byte(unsigned int o, bool hw_fails)
{
    uint8_t dv = hw_fails ? 0xff : m.cfg[o], out = 0;
    const struct mreg *r;
    unsigned int k, b;

    if ( m.owner[o] < 0 )
        return m.shut[o / 4] == 'h' ? 0 : dv;
    r = &m.reg[m.owner[o]];
    k = o - r->offset;
    for ( b = 0; b < 8; b++ )
    {
        uint32_t rb = 1U << (8 * k + b);

        if ( r->rsvdz & rb )
            continue;
        if ( r->emu & rb )
            out |= (r->val & rb) ? 1U << b : 0;
        else
            out |= dv & (1U << b);
    }
    if ( r->hooked )
        out ^= byte_of(r->xor, k);

    return out;
}

static uint32_t model_read(unsigned int off, unsigned int size)
{
    uint32_t v = 0;
    unsigned int i;

    for ( i = 0; i < size; i++ )
        v |= (uint32_t)model_read_byte(off + i, false) << (8 * i);

    return v;
}

/* The simulated device's semantics for one written byte. */
static void model_dev_write_byte(unsigned int o, uint8_t v)
{
    uint8_t wm = m.wmask[o];

    m.cfg[o] = ((m.cfg[o] & ~wm) | (v & wm)) & ~(v & m.w1c[o]);
}

/*
 * A guest write, bit by bit.  Updates the emulated values and the device,
 * fills exp[] with the writes the device must receive, in ascending order,
 * and says whether a gap byte was touched.
 */
static unsigned int model_write(unsigned int off, unsigned int size,
                                uint32_t val,
                                struct xecam_user_pci_write *exp,
                                bool *refused)
{
    unsigned int o = off, end = off + size, n = 0;

    *refused = false;
    while ( o < end )
    {
        struct mreg *r;
        unsigned int hi, b, bit;
        uint32_t out = 0;
        bool reach = false;

        if ( m.owner[o] < 0 )
        {
            *refused |= !m.shut[o / 4];     /* a shut dword: dropped */
            o++;
            continue;
        }
        r = &m.reg[m.owner[o]];
        hi = end < r->offset + r->size ? end : r->offset + r->size;
        for ( b = o; b < hi; b++ )
        {
            uint8_t g = byte_of(val, b - off), w = 0;
            unsigned int k = b - r->offset;

            for ( bit = 0; bit < 8; bit++ )
            {
                uint32_t rb = 1U << (8 * k + bit);
                bool one = g & (1U << bit);
                bool emu = r->emu & rb, rw1c = r->rw1c & rb;
                bool rsvdz = r->rsvdz & rb;
                bool fixed = (r->ro | r->rsvdp | r->rsvdz) & rb;

                /* The emulated value. */
                if ( emu && !fixed )
                {
                    if ( !rw1c )
                        r->val = one ? r->val | rb : r->val & ~rb;
                    else if ( one )
                        r->val &= ~rb;
                }

                /* The bit in the device write, if there is one. */
                if ( !emu && !fixed && !rw1c )
                {
                    reach = true;                   /* pass: the guest's */
                    w |= one ? 1U << bit : 0;
                }
                else if ( !emu && rw1c && one )
                {
                    reach = true;                   /* clear: a 1 */
                    w |= 1U << bit;
                }
                else if ( rsvdz || rw1c )
                    continue;                       /* 0 */
                else
                    w |= m.cfg[b] & (1U << bit);    /* the device's own */
            }
            out |= (uint32_t)w << (8 * (b - o));
        }
        if ( reach )
        {
            exp[n].reg = o;
            exp[n].size = hi - o;
            exp[n++].val = out;
            for ( b = o; b < hi; b++ )
                model_dev_write_byte(b, byte_of(out, b - o));
        }
        o = hi;
    }

    return n;
}

/* ---- Checks of the device against the model. ---- */

static void check_reg(unsigned int i)
{
    const struct mreg *mr = &m.reg[i];
    const struct xecam_vpci_reg *r = xecam_vpci_find_reg(dev, mr->offset);

    CHECK_TRUE(r != NULL);
    CHECK_EQ(r->offset, mr->offset);
    CHECK_EQ(r->size, mr->size);
    CHECK_EQ(r->emu, mr->emu);
    CHECK_EQ(r->ro, mr->ro);
    CHECK_EQ(r->rw1c, mr->rw1c);
    CHECK_EQ(r->rsvdp, mr->rsvdp);
    CHECK_EQ(r->rsvdz, mr->rsvdz);
    CHECK_EQ(r->val, mr->val);
}

/* After an access at [off, off + size): the writes, device and registers. */
static void check_after(unsigned int off, unsigned int size,
                        const struct xecam_user_pci_write *exp,
                        unsigned int nexp)
{
    struct xecam_user_pci_write log[LOG_MAX];
    uint8_t now[XECAM_CFG_SIZE];
    unsigned int n = xecam_user_pdev_log(HOST, log, LOG_MAX), i, b;

    for ( i = 0; i < n; i++ )
    {
        /* Aligned, inside the guest's access, inside one register. */
        CHECK_TRUE(xecam_cfg_access_ok(log[i].reg, log[i].size));
        CHECK_TRUE(log[i].reg >= off &&
                   log[i].reg + log[i].size <= off + size);
        for ( b = log[i].reg; b < log[i].reg + log[i].size; b++ )
        {
            CHECK_TRUE(m.owner[b] >= 0);
            CHECK_EQ(m.owner[b], m.owner[log[i].reg]);
        }
    }
    CHECK_EQ(n, nexp);
    for ( i = 0; i < n; i++ )
    {
        CHECK_EQ(log[i].reg, exp[i].reg);
        CHECK_EQ(log[i].size, exp[i].size);
        CHECK_EQ(log[i].val, exp[i].val);
    }
    st.dev_writes += n;

    assert_int_equal(xecam_user_pdev_peek(HOST, m.base, now, m.len), 0);
    for ( b = 0; b < m.len; b++ )
        if ( now[b] != m.cfg[m.base + b] )
        {
            print_error("%s: device byte %#x is %#x, expected %#x\n", ctx,
                        m.base + b, now[b], m.cfg[m.base + b]);
            fail();
        }

    for ( i = 0; i < m.nr; i++ )
        check_reg(i);
}

/* Every byte of the window: its owner, and the dwords as the guest reads. */
static void check_all(void)
{
    unsigned int o;

    CHECK_EQ(xecam_vpci_nr_regs(dev), m.nr);
    for ( o = m.base; o < m.base + m.len; o++ )
    {
        const struct xecam_vpci_reg *r = xecam_vpci_find_reg(dev, o);

        if ( m.owner[o] < 0 )
        {
            CHECK_TRUE(r == NULL);
            continue;
        }
        CHECK_TRUE(r != NULL);
        CHECK_EQ(r->offset, m.reg[m.owner[o]].offset);
        CHECK_EQ(r->size, m.reg[m.owner[o]].size);
        CHECK_EQ(r->val, m.reg[m.owner[o]].val);
    }
    for ( o = m.base; o < m.base + m.len; o += 4 )
    {
        uint32_t v = ~0U;

        xecam_vpci_read(dev, o, 4, &v);
        CHECK_EQ(v, model_read(o, 4));
    }
}

static void do_read(unsigned int off, unsigned int size)
{
    unsigned long refused = xecam_vpci_refused(dev);
    uint32_t v = 0xdeadbeef, want = model_read(off, size);

    xecam_user_pdev_log_clear();
    xecam_vpci_read(dev, off, size, &v);
    CHECK_EQ(v, want);
    CHECK_EQ(xecam_vpci_refused(dev), refused);
    check_after(off, size, NULL, 0);
    st.reads++;
}

static void do_write(unsigned int off, unsigned int size, uint32_t v)
{
    struct xecam_user_pci_write exp[4];
    unsigned long refused0 = xecam_vpci_refused(dev);
    bool refused;
    unsigned int n;

    v &= xecam_ones(size);
    xecam_user_pdev_log_clear();
    n = model_write(off, size, v, exp, &refused);
    xecam_vpci_write(dev, off, size, v);
    CHECK_EQ(xecam_vpci_refused(dev), refused0 + refused);
    check_after(off, size, exp, n);
    st.writes++;
    st.refused += refused;
    st.silent += !n && m.owner[off] >= 0;
}

/*
 * New device contents in the window (a fresh host function, so its RW1C
 * bits are set again), the model's masks applied, and a new value in every
 * register.
 */
static void reseed(void)
{
    static uint8_t cfg[XECAM_CFG_SIZE];
    unsigned int i;

    for ( i = 0; i < XECAM_CFG_SIZE; i++ )
        cfg[i] = (uint8_t)(i * 7 + SEED);
    for ( i = m.base; i < m.base + m.len; i++ )
        cfg[i] = (uint8_t)rnd();
    xecam_user_pdev_remove_all();
    assert_int_equal(xecam_user_pdev_add(HOST, cfg, sizeof(cfg)), 0);
    for ( i = m.base; i < m.base + m.len; i++ )
        assert_int_equal(xecam_user_pdev_masks(HOST, i, 1, m.wmask[i],
                                               m.w1c[i]), 0);
    memcpy(m.cfg, cfg, sizeof(cfg));
    for ( i = 0; i < m.nr; i++ )
    {
        struct xecam_vpci_reg *r = xecam_vpci_find_reg(dev, m.reg[i].offset);

        assert_non_null(r);
        r->val = m.reg[i].val = rnd() & xecam_ones(m.reg[i].size);
    }
}

/* Remove every register, in random order, checking the rest as we go. */
static void remove_all_random(void)
{
    unsigned int n = 0;

    while ( m.nr )
    {
        remove_both(rnd() % m.nr);
        if ( ++n % 8 == 0 || !m.nr )
            check_all();
    }
    assert_int_equal(xecam_vpci_nr_regs(dev), 0);
}

/* ---- Fixtures. ---- */

static int setup(void **state)
{
    xecam_user_reset();
    if ( h_pdev(HOST, SEED, 0) || xecam_vpci_create(HOST, &dev) )
        return -1;
    xecam_user_pdev_log_clear();
    memset(&st, 0, sizeof(st));
    snprintf(ctx, sizeof(ctx), "-");
    model_init(0x40, 16);

    return 0;
}

static int teardown(void **state)
{
    xecam_user_fault_arm(0, 0);
    xecam_vpci_destroy(dev);
    dev = NULL;
    xecam_user_reset();

    return 0;
}

/* ---- 1. Registration. ---- */

static int add(unsigned int offset, unsigned int size)
{
    struct xecam_vpci_reg r = { .offset = offset, .size = size };

    return xecam_vpci_add_reg(dev, &r);
}

static void test_add_bad_size(void **state)
{
    static const unsigned int sizes[] = { 0, 3, 5, 6, 7, 8, 16, 255 };
    unsigned int i;

    for ( i = 0; i < XECAM_ARRAY_SIZE(sizes); i++ )
    {
        assert_int_equal(add(0x40, sizes[i]), -EINVAL);
        assert_int_equal(add(0x80, sizes[i]), -EINVAL);
        assert_int_equal(add(0, sizes[i]), -EINVAL);
    }
    assert_int_equal(xecam_vpci_nr_regs(dev), 0);
    assert_null(xecam_vpci_find_reg(dev, 0x40));
    assert_null(xecam_vpci_find_reg(dev, 0x80));
}

static void test_add_misaligned(void **state)
{
    unsigned int size, off;

    for ( size = 2; size <= 4; size *= 2 )
        for ( off = 0x40; off < 0x50; off++ )
        {
            if ( off % size == 0 )
                continue;
            assert_int_equal(add(off, size), -EINVAL);
        }
    /* Misaligned near the top is -EINVAL too, whatever the range. */
    assert_int_equal(add(0xffe, 4), -EINVAL);
    assert_int_equal(add(0xffd, 4), -EINVAL);
    assert_int_equal(add(0xfff, 2), -EINVAL);
    assert_int_equal(xecam_vpci_nr_regs(dev), 0);
    for ( off = 0x40; off < 0x50; off++ )
        assert_null(xecam_vpci_find_reg(dev, off));

    /* The aligned ones are fine. */
    assert_int_equal(add(0x40, 4), 0);
    assert_int_equal(add(0x44, 2), 0);
    assert_int_equal(add(0x47, 1), 0);
    assert_int_equal(xecam_vpci_nr_regs(dev), 3);
}

static void test_add_mask_outside(void **state)
{
    static const size_t fields[] = {
        offsetof(struct xecam_vpci_reg, emu),
        offsetof(struct xecam_vpci_reg, ro),
        offsetof(struct xecam_vpci_reg, rw1c),
        offsetof(struct xecam_vpci_reg, rsvdp),
        offsetof(struct xecam_vpci_reg, rsvdz),
    };
    unsigned int f, size, bit, n = 0;

    for ( f = 0; f < XECAM_ARRAY_SIZE(fields); f++ )
        for ( size = 1; size <= 2; size *= 2 )
            for ( bit = 8 * size; bit < 32; bit++ )
            {
                struct xecam_vpci_reg r = { .offset = 0x40, .size = size };
                uint32_t *mask = (uint32_t *)((char *)&r + fields[f]);

                snprintf(ctx, sizeof(ctx), "field %u size %u bit %u", f,
                         size, bit);
                *mask = xecam_ones(size) & ~1U;   /* inside, and... */
                *mask |= 1U << bit;                 /* ...one bit out */
                CHECK_EQ(xecam_vpci_add_reg(dev, &r), -EINVAL);
                CHECK_EQ(xecam_vpci_nr_regs(dev), 0);
                CHECK_TRUE(xecam_vpci_find_reg(dev, 0x40) == NULL);

                /* The same mask inside the register is accepted. */
                *mask &= xecam_ones(size);
                CHECK_EQ(xecam_vpci_add_reg(dev, &r), 0);
                CHECK_EQ(xecam_vpci_remove_reg(dev, 0x40, size), 0);
                n++;
            }
    assert_int_equal(n, 5 * (24 + 16));
}

static void test_add_rw1c_overlap(void **state)
{
    struct xecam_vpci_reg r = { .offset = 0x40, .size = 4, .rw1c = 0x80 };

    r.ro = 0x80;
    assert_int_equal(xecam_vpci_add_reg(dev, &r), -EINVAL);
    r.ro = 0;
    r.rsvdp = 0x81;
    assert_int_equal(xecam_vpci_add_reg(dev, &r), -EINVAL);
    r.rsvdp = 0;
    r.rsvdz = 0xffffffff;
    assert_int_equal(xecam_vpci_add_reg(dev, &r), -EINVAL);
    r.rsvdz = 0;
    r.ro = r.rsvdp = 0x00800000;
    r.rsvdz = 0x80;
    assert_int_equal(xecam_vpci_add_reg(dev, &r), -EINVAL);
    assert_int_equal(xecam_vpci_nr_regs(dev), 0);
    assert_null(xecam_vpci_find_reg(dev, 0x40));

    /* Next to them, or over emulated bits, is fine. */
    r.rw1c = 0x0f7f7f7f;
    r.ro = 0x80;
    r.rsvdp = 0x8000;
    r.rsvdz = 0x00800000;
    r.emu = 0xffffffff;
    assert_int_equal(xecam_vpci_add_reg(dev, &r), 0);
    assert_int_equal(xecam_vpci_nr_regs(dev), 1);
}

static void test_add_range(void **state)
{
    assert_int_equal(add(0x1000, 1), -ERANGE);
    assert_int_equal(add(0x1000, 2), -ERANGE);
    assert_int_equal(add(0x1000, 4), -ERANGE);
    assert_int_equal(add(0x1004, 4), -ERANGE);
    assert_int_equal(add(0x2000, 1), -ERANGE);
    assert_int_equal(add(0xfffc, 4), -ERANGE);
    assert_int_equal(add(0xffff, 1), -ERANGE);
    assert_int_equal(xecam_vpci_nr_regs(dev), 0);

    /* The last bytes of config space are fine. */
    assert_int_equal(add(0xff8, 4), 0);
    assert_int_equal(add(0xffc, 2), 0);
    assert_int_equal(add(0xfff, 1), 0);
    assert_int_equal(xecam_vpci_nr_regs(dev), 3);
    assert_int_equal(xecam_vpci_find_reg(dev, 0xffb)->offset, 0xff8);
    assert_int_equal(xecam_vpci_find_reg(dev, 0xffd)->offset, 0xffc);
    assert_null(xecam_vpci_find_reg(dev, 0xffe));
    assert_int_equal(xecam_vpci_find_reg(dev, 0xfff)->offset, 0xfff);
    assert_null(xecam_vpci_find_reg(dev, 0x1000));
    assert_null(xecam_vpci_find_reg(dev, ~0U));
}

static void test_add_overlap(void **state)
{
    static const struct {
        unsigned int offset, size;
    } have[] = {
        { 0x80, 4 }, { 0x91, 1 }, { 0xa2, 2 }, { 0xb4, 4 }, { 0xc0, 1 },
    }, clash[] = {
        /* same */
        { 0x80, 4 }, { 0x91, 1 }, { 0xa2, 2 }, { 0xb4, 4 }, { 0xc0, 1 },
        /* contained in, or partly over, a larger one */
        { 0x80, 1 }, { 0x81, 1 }, { 0x82, 1 }, { 0x83, 1 }, { 0x80, 2 },
        { 0x82, 2 }, { 0xa2, 1 }, { 0xa3, 1 }, { 0xb6, 2 }, { 0xb7, 1 },
        /* containing a smaller one */
        { 0x90, 2 }, { 0x90, 4 }, { 0xa0, 4 }, { 0xc0, 2 }, { 0xc0, 4 },
    };
    unsigned int i, k;

    for ( i = 0; i < XECAM_ARRAY_SIZE(have); i++ )
    {
        struct xecam_vpci_reg r = {
            .offset = have[i].offset, .size = have[i].size,
            .emu = xecam_ones(have[i].size), .reset = 0x5a + i,
        };

        assert_int_equal(xecam_vpci_add_reg(dev, &r), 0);
    }
    for ( i = 0; i < XECAM_ARRAY_SIZE(clash); i++ )
    {
        struct xecam_vpci_reg r = {
            .offset = clash[i].offset, .size = clash[i].size,
            .emu = 1, .reset = 0xee,
        };

        snprintf(ctx, sizeof(ctx), "%#x/%u", clash[i].offset, clash[i].size);
        CHECK_EQ(xecam_vpci_add_reg(dev, &r), -EEXIST);
        CHECK_EQ(xecam_vpci_nr_regs(dev), XECAM_ARRAY_SIZE(have));
        for ( k = 0; k < XECAM_ARRAY_SIZE(have); k++ )
        {
            const struct xecam_vpci_reg *h =
                xecam_vpci_find_reg(dev, have[k].offset);
            uint32_t v = 0;

            CHECK_TRUE(h != NULL);
            CHECK_EQ(h->size, have[k].size);
            CHECK_EQ(h->val, 0x5a + k);
            xecam_vpci_read(dev, have[k].offset, have[k].size, &v);
            CHECK_EQ(v, 0x5a + k);
        }
    }

    /* Neighbours in the same dwords are not overlaps. */
    assert_int_equal(add(0x90, 1), 0);
    assert_int_equal(add(0x92, 2), 0);
    assert_int_equal(add(0xa0, 2), 0);
    assert_int_equal(add(0xb0, 4), 0);
    assert_int_equal(add(0xb8, 4), 0);
    assert_int_equal(add(0xc1, 1), 0);
    assert_int_equal(add(0xc2, 2), 0);
    assert_int_equal(xecam_vpci_nr_regs(dev), XECAM_ARRAY_SIZE(have) + 7);
}

static void test_remove(void **state)
{
    struct xecam_vpci_reg r = {
        .offset = 0x80, .size = 4, .emu = ~0U, .reset = 0x11223344,
    };
    static const struct {
        unsigned int offset, size;
    } wrong[] = {
        { 0x80, 1 }, { 0x80, 2 }, { 0x80, 8 }, { 0x80, 0 }, { 0x81, 4 },
        { 0x82, 2 }, { 0x83, 1 }, { 0x84, 4 }, { 0x7c, 4 }, { 0x1080, 4 },
        { ~0U, 4 }, { 0x40, 4 },
    };
    struct xecam_user_pci_write log[4];
    unsigned int i;
    uint32_t v;

    assert_int_equal(xecam_vpci_add_reg(dev, &r), 0);
    for ( i = 0; i < XECAM_ARRAY_SIZE(wrong); i++ )
    {
        snprintf(ctx, sizeof(ctx), "%#x/%u", wrong[i].offset, wrong[i].size);
        CHECK_EQ(xecam_vpci_remove_reg(dev, wrong[i].offset, wrong[i].size),
                 -ENOENT);
        CHECK_EQ(xecam_vpci_nr_regs(dev), 1);
        CHECK_TRUE(xecam_vpci_find_reg(dev, 0x83) != NULL);
    }
    xecam_vpci_read(dev, 0x80, 4, &v);
    assert_int_equal(v, 0x11223344);

    assert_int_equal(xecam_vpci_remove_reg(dev, 0x80, 4), 0);
    assert_int_equal(xecam_vpci_nr_regs(dev), 0);
    for ( i = 0x80; i < 0x84; i++ )
        assert_null(xecam_vpci_find_reg(dev, i));
    assert_int_equal(xecam_vpci_remove_reg(dev, 0x80, 4), -ENOENT);

    /* The bytes are gaps now: device reads, refused writes. */
    xecam_vpci_read(dev, 0x80, 4, &v);
    assert_int_equal(v, h_pattern(0x80, 4, SEED));
    xecam_user_pdev_log_clear();
    xecam_vpci_write(dev, 0x80, 4, 0);
    xecam_vpci_write(dev, 0x82, 1, 0);
    assert_int_equal(xecam_vpci_refused(dev), 2);
    assert_int_equal(xecam_user_pdev_log(HOST, log, 4), 0);
    xecam_vpci_read(dev, 0x80, 4, &v);
    assert_int_equal(v, h_pattern(0x80, 4, SEED));

    /* And can be registered again. */
    r.size = 2;
    r.emu = 0xffff;
    r.reset = 0x5555;
    assert_int_equal(xecam_vpci_add_reg(dev, &r), 0);
    xecam_vpci_read(dev, 0x80, 4, &v);
    assert_int_equal(v, (h_pattern(0x82, 2, SEED) << 16) | 0x5555);
}

/* Registers of every size, emulated, with distinct values. */
static void add_distinct(unsigned int n)
{
    unsigned int i, off = m.base;

    for ( i = 0; i < n; i++ )
    {
        unsigned int size = 1U << (i % 3);
        struct xecam_vpci_reg r = { .size = size };

        off = (off + size - 1) & ~(size - 1);
        r.offset = off;
        r.emu = xecam_ones(size);
        r.reset = (0x01010101U * (i + 1)) & xecam_ones(size);
        add_both(&r);
        off += size + (i % 4 == 3);     /* some gaps */
        assert_true(off <= m.base + m.len);
    }
}

static void test_remove_middle(void **state)
{
    static const unsigned int order[] = { 5, 0, 7, 3, 3, 1, 0, 2, 0, 1, 0 };
    unsigned int i, k;

    model_init(0x100, 0x40);
    model_sync_device();
    add_distinct(12);
    check_all();
    for ( i = 0; i < XECAM_ARRAY_SIZE(order); i++ )
    {
        snprintf(ctx, sizeof(ctx), "removal %u", i);
        remove_both(order[i] % m.nr);
        check_all();
        /* A new register takes the freed slot, not a moved one's bytes. */
        if ( i % 2 == 0 )
        {
            struct xecam_vpci_reg r = {
                .size = 1, .emu = 0xff, .reset = 0xc0 + i,
            };

            for ( k = m.base; m.owner[k] >= 0; k++ )
                continue;
            r.offset = k;
            add_both(&r);
            check_all();
        }
        /* Each register still dispatches writes to itself alone. */
        for ( k = 0; k < m.nr; k++ )
            do_write(m.reg[k].offset, m.reg[k].size,
                     0xa5000000U + (i << 8) + k);
        check_all();
        /* And the removed bytes are refused gaps. */
        for ( k = m.base; k < m.base + m.len; k += 4 )
            do_write(k, 4, 0x0f0f0f0f ^ k);
        check_all();
    }
    assert_int_equal(m.nr, 12 - XECAM_ARRAY_SIZE(order) +
                           (XECAM_ARRAY_SIZE(order) + 1) / 2);
}

/*
 * A dword whose registers tile it, all plain (no hook, every bit
 * emulated, no mask), takes a write as the guest's bytes stored; once one
 * of them gets read-only bits (vpci/regdesc.c's only way:
 * xecam_vpci_set_ro(), internal, declared here) or leaves, it no longer
 * does: the read-only byte keeps its value, the hole is refused.
 */
void xecam_vpci_set_ro(struct xecam_vpci *dev, unsigned int off, uint32_t ro);

static void test_plain_dword_changes(void **state)
{
    unsigned int i;
    uint32_t v;

    for ( i = 0; i < 4; i++ )
    {
        struct xecam_vpci_reg r = { .offset = 0x40 + i, .size = 1,
                                    .emu = 0xff };

        assert_int_equal(xecam_vpci_add_reg(dev, &r), 0);
    }
    assert_false(xecam_vpci_write(dev, 0x40, 4, 0x44332211));
    xecam_vpci_read(dev, 0x40, 4, &v);
    assert_int_equal(v, 0x44332211);
    xecam_vpci_set_ro(dev, 0x41, 0xff);
    assert_false(xecam_vpci_write(dev, 0x40, 4, 0));
    xecam_vpci_read(dev, 0x40, 4, &v);
    assert_int_equal(v, 0x00002200);            /* 0x41 kept */
    assert_false(xecam_vpci_write(dev, 0x41, 1, 0x99));
    xecam_vpci_read(dev, 0x41, 1, &v);
    assert_int_equal(v, 0x22);
    /* 0x43 gone: a hole, written 4 bytes at a time, refused. */
    assert_int_equal(xecam_vpci_remove_reg(dev, 0x43, 1), 0);
    assert_true(xecam_vpci_write(dev, 0x40, 4, 0x55555555));
    xecam_vpci_read(dev, 0x40, 1, &v);
    assert_int_equal(v, 0x55);
    xecam_vpci_read(dev, 0x42, 1, &v);
    assert_int_equal(v, 0x55);
    /* A plain dword loses its last register (none moves in its place). */
    for ( i = 0; i < 4; i++ )
    {
        struct xecam_vpci_reg r = { .offset = 0x50 + i, .size = 1,
                                    .emu = 0xff };

        assert_int_equal(xecam_vpci_add_reg(dev, &r), 0);
    }
    assert_false(xecam_vpci_write(dev, 0x50, 4, 0x11111111));
    assert_int_equal(xecam_vpci_remove_reg(dev, 0x53, 1), 0);
    assert_true(xecam_vpci_write(dev, 0x50, 4, 0x66666666));
    xecam_vpci_read(dev, 0x50, 2, &v);
    assert_int_equal(v, 0x6666);
}

static void test_find_and_count(void **state)
{
    unsigned int i, o;

    model_init(0x100, 0x40);
    model_sync_device();
    assert_int_equal(xecam_vpci_nr_regs(dev), 0);
    for ( o = 0; o < XECAM_CFG_SIZE + 8; o++ )
        assert_null(xecam_vpci_find_reg(dev, o));
    add_distinct(20);
    assert_int_equal(xecam_vpci_nr_regs(dev), 20);
    for ( i = 0; i < m.nr; i++ )
    {
        const struct xecam_vpci_reg *r =
            xecam_vpci_find_reg(dev, m.reg[i].offset);

        /* Every byte of a register finds the same one, val == reset. */
        assert_non_null(r);
        for ( o = 0; o < m.reg[i].size; o++ )
            assert_ptr_equal(xecam_vpci_find_reg(dev, m.reg[i].offset + o),
                             r);
        assert_int_equal(r->val, m.reg[i].val);
    }
    check_all();
    for ( o = 0; o < XECAM_CFG_SIZE; o++ )
        if ( o < m.base || o >= m.base + m.len )
            assert_null(xecam_vpci_find_reg(dev, o));
}

static void test_fill_1023(void **state)
{
    unsigned int i, o;
    uint32_t v;

    model_init(0x100, 0x400);
    model_sync_device();
    for ( i = 0; i < 1023; i++ )
    {
        struct xecam_vpci_reg r = {
            .offset = 0x100 + i, .size = 1, .emu = 0xff,
            .reset = (i * 13 + 5) & 0xff,
        };

        add_both(&r);
        assert_int_equal(xecam_vpci_nr_regs(dev), i + 1);
    }
    snprintf(ctx, sizeof(ctx), "1023 registers");
    for ( i = 0; i < 1023; i++ )
    {
        const struct xecam_vpci_reg *r = xecam_vpci_find_reg(dev, 0x100 + i);

        CHECK_TRUE(r != NULL);
        CHECK_EQ(r->offset, 0x100 + i);
        CHECK_EQ(r->size, 1);
        xecam_vpci_read(dev, 0x100 + i, 1, &v);
        CHECK_EQ(v, (i * 13 + 5) & 0xff);
    }
    check_all();
    /* The last byte is a gap: it reads from the device. */
    xecam_vpci_read(dev, 0x4fc, 4, &v);
    assert_int_equal(v >> 24, h_pattern(0x4ff, 1, SEED));
    /* Write each through 4-byte accesses; the gap is refused. */
    for ( o = 0x100; o < 0x500; o += 4 )
        do_write(o, 4, o * 0x01010101U + 0x03020100);
    check_all();
    assert_int_equal(xecam_vpci_refused(dev), 1);

    /* One more fills the window; then drain it. */
    {
        struct xecam_vpci_reg r = {
            .offset = 0x4ff, .size = 1, .emu = 0xff, .reset = 0x42,
        };

        add_both(&r);
    }
    assert_int_equal(xecam_vpci_nr_regs(dev), 1024);
    check_all();
    rng_state = 0x1023;
    while ( m.nr )
    {
        remove_both(rnd() % m.nr);
        if ( m.nr % 97 == 0 )
            check_all();
    }
    check_all();
    assert_int_equal(xecam_vpci_nr_regs(dev), 0);
}

/*
 * Every byte of config space a register (4096, the most a device holds:
 * every chunk of the map), added in an order that inserts into the middle
 * and the front of each dword's list, then removed at random.
 */
static void test_fill_4096(void **state)
{
    static unsigned int order[XECAM_CFG_SIZE];
    unsigned int i, j, t;

    model_init(0, XECAM_CFG_SIZE);
    model_sync_device();
    for ( i = 0; i < XECAM_CFG_SIZE; i++ )
        order[i] = i;
    rng_state = 0x4096;
    for ( i = XECAM_CFG_SIZE - 1; i; i-- )
    {
        j = rnd() % (i + 1);
        t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for ( i = 0; i < XECAM_CFG_SIZE; i++ )
    {
        struct xecam_vpci_reg r = {
            .offset = order[i], .size = 1, .emu = 0xff,
            .reset = (order[i] * 7 + 3) & 0xff,
        };

        add_both(&r);
    }
    snprintf(ctx, sizeof(ctx), "4096 registers");
    assert_int_equal(xecam_vpci_nr_regs(dev), XECAM_CFG_SIZE);
    assert_int_equal(add(0x800, 1), -EEXIST);
    check_all();
    for ( i = 0; i < XECAM_CFG_SIZE; i += 4 )
        do_write(i, 4, i * 0x01010101U + 0x03020100);
    check_all();
    assert_int_equal(xecam_vpci_refused(dev), 0);
    while ( m.nr )
    {
        remove_both(rnd() % m.nr);
        if ( m.nr % 509 == 0 )
            check_all();
    }
    check_all();
}

/*
 * Issue 19's budget: a plain endpoint (IDs, class, no capability, no BAR)
 * with its header registers costs the module at most 2 KiB: the device,
 * its map and its register chunk; no BAR state, no request queue.
 */
static void test_memory_budget(void **state)
{
    const uint32_t host = XECAM_SBDF(0, 0x11, 0, 0);
    uint8_t cfg[XECAM_CFG_SIZE] = { 0 };
    struct xecam_vpci *d2;
    size_t before;

    cfg[0x00] = 0x86; cfg[0x01] = 0x80; cfg[0x02] = 0xd3; cfg[0x03] = 0x10;
    cfg[0x0b] = 0x02;
    assert_int_equal(xecam_user_pdev_add(host, cfg, sizeof(cfg)), 0);
    before = xecam_user_heap_bytes();
    assert_int_equal(xecam_vpci_assign(NULL, XECAM_SBDF(0, 0, 3, 0), host, 0,
                                       &d2), 0);
    assert_int_equal(xecam_vpci_nr_regs(d2), 22);
    print_message("memory: %zu bytes for a device and its %u registers\n",
                  xecam_user_heap_bytes() - before, xecam_vpci_nr_regs(d2));
    assert_true(xecam_user_heap_bytes() - before <= 2048);
    xecam_vpci_destroy(d2);
    assert_int_equal(xecam_user_heap_bytes(), before);
}

/*
 * A PCI Express function whose one extended capability fills 0x100-0xfff,
 * hidden (Virtual Channel, length unknown) or read-only (an unknown ID),
 * assigned permissive: a few registers, not one a dword; every dword reads
 * 0 or the device's, and no write of any size reaches the device.
 */
static void memory_shut(uint32_t host, uint16_t ext_id, bool hidden)
{
    struct xecam_user_pci_write log[4];
    uint8_t cfg[XECAM_CFG_SIZE];
    struct xecam_vpci *d2;
    unsigned int o, sz, i;
    size_t before;
    uint32_t v;

    for ( i = 0; i < sizeof(cfg); i++ )
        cfg[i] = i * 13 + 5;
    memset(cfg, 0, 0x100);
    cfg[0x00] = 0x86; cfg[0x01] = 0x80; cfg[0x02] = 0xd3; cfg[0x03] = 0x10;
    cfg[0x06] = 0x10;                   /* a capability list */
    cfg[0x0b] = 0x02;
    cfg[0x34] = 0x40;
    cfg[0x40] = 0x10; cfg[0x42] = 0x02; /* PCI Express v2, an endpoint */
    cfg[0x100] = ext_id; cfg[0x101] = ext_id >> 8;
    cfg[0x102] = 0x01; cfg[0x103] = 0x00;   /* version 1, the last */
    assert_int_equal(xecam_user_pdev_add(host, cfg, sizeof(cfg)), 0);
    before = xecam_user_heap_bytes();
    assert_int_equal(xecam_vpci_assign(NULL, XECAM_SBDF(0, 0, 3, 0), host,
                                       XECAM_ASSIGN_PERMISSIVE, &d2), 0);
    print_message("memory: %zu bytes and %u registers for a device with a "
                  "%s 3.75 KiB extended capability\n",
                  xecam_user_heap_bytes() - before, xecam_vpci_nr_regs(d2),
                  hidden ? "hidden" : "read-only");
    assert_true(xecam_vpci_nr_regs(d2) < 64);
    assert_true(xecam_user_heap_bytes() - before <= 8192);
    for ( o = 0x104; o < XECAM_CFG_SIZE; o += 4 )
    {
        xecam_vpci_read(d2, o, 4, &v);
        assert_int_equal(v, hidden ? 0 : (uint32_t)cfg[o] |
                                         cfg[o + 1] << 8 | cfg[o + 2] << 16 |
                                         (uint32_t)cfg[o + 3] << 24);
    }
    xecam_user_pdev_log_clear();
    for ( sz = 1; sz <= 4; sz *= 2 )
        for ( o = 0x104; o < XECAM_CFG_SIZE; o += sz )
            xecam_vpci_write(d2, o, sz, ~0U);
    assert_int_equal(xecam_user_pdev_log(host, log, 4), 0);
    assert_int_equal(xecam_vpci_refused(d2), 0);
    xecam_vpci_destroy(d2);
    assert_int_equal(xecam_user_heap_bytes(), before);
}

static void test_memory_shut(void **state)
{
    memory_shut(XECAM_SBDF(0, 0x12, 0, 0), 0x0002, true);
    memory_shut(XECAM_SBDF(0, 0x13, 0, 0), 0x0fff, false);
}

static void test_add_enomem(void **state)
{
    unsigned int i, failures = 0, points = 0;

    model_init(0x100, 0x200);
    model_sync_device();
    for ( i = 0; i < 200; i++ )
    {
        struct xecam_vpci_reg r = {
            .offset = 0x100 + 2 * i, .size = 2, .emu = 0xffff,
            .reset = 0x1000 + i,
        };
        unsigned long nth;
        bool failed_here = false;

        for ( nth = 1; ; nth++ )
        {
            bool fired;
            int rc;

            snprintf(ctx, sizeof(ctx), "register %u, allocation %lu", i, nth);
            CHECK_TRUE(nth < 16);
            xecam_user_fault_arm(XECAM_FAULT_ALL, nth);
            rc = xecam_vpci_add_reg(dev, &r);
            fired = xecam_user_fault_fired();
            xecam_user_fault_arm(0, 0);
            if ( rc == 0 )
            {
                CHECK_TRUE(!fired);
                break;
            }
            CHECK_EQ(rc, -ENOMEM);
            CHECK_TRUE(fired);
            /* Nothing changed. */
            CHECK_TRUE(xecam_vpci_find_reg(dev, r.offset) == NULL);
            check_all();
            failures++;
            failed_here = true;
        }
        /* Make the model follow. */
        m.reg[m.nr] = (struct mreg){
            .offset = r.offset, .size = 2, .emu = 0xffff, .val = r.reset,
        };
        m.owner[r.offset] = m.owner[r.offset + 1] = m.nr++;
        points += failed_here;
        check_all();
    }
    print_message("add_enomem: %u failed allocations at %u of 200 adds\n",
                  failures, points);
    /* At least the first register needs memory. */
    assert_true(failures >= 1);
    assert_int_equal(xecam_vpci_nr_regs(dev), 200);
}

static void test_create_enomem(void **state)
{
    unsigned long nth;

    for ( nth = 1; nth < 16; nth++ )
    {
        struct xecam_vpci *d2 = NULL;
        bool fired;
        int rc;

        xecam_user_fault_arm(XECAM_FAULT_ALL, nth);
        rc = xecam_vpci_create(HOST, &d2);
        fired = xecam_user_fault_fired();
        xecam_user_fault_arm(0, 0);
        if ( !fired )
        {
            assert_int_equal(rc, 0);
            assert_non_null(d2);
            assert_int_equal(xecam_vpci_nr_regs(d2), 0);
            xecam_vpci_destroy(d2);
            return;
        }
        assert_int_equal(rc, -ENOMEM);
    }
    fail_msg("xecam_vpci_create never succeeded");
}

/* ---- 2. Every layout of a 16-byte window, every access. ---- */

#define WBASE 0x40

struct lreg {
    uint8_t off, size;
    uint32_t emu, ro, rw1c, rsvdp, rsvdz;
};

/* A register: offset in the window, size, emu, ro, rw1c, rsvdp, rsvdz. */
#define REG(o, s, e, r, c, p, z) { o, s, e, r, c, p, z }
/* A register whose bits all live in the device, writable. */
#define DEV(o, s)                REG(o, s, 0, 0, 0, 0, 0)
/* Emulated bits, the rest in the device, all writable. */
#define EMU(o, s, e)             REG(o, s, e, 0, 0, 0, 0)

static const struct layout {
    const char *name;
    struct lreg r[9];       /* up to the first of size 0 */
} layouts[] = {
    { "all gap", { DEV(0, 0) } },
    { "4 device", { DEV(0, 4) } },
    { "gap 4 emulated", { EMU(4, 4, ~0U) } },
    { "2+2", { DEV(0, 2), EMU(2, 2, 0xff00) } },
    { "1+1+1+1", { DEV(0, 1), EMU(1, 1, 0xff), DEV(2, 1), EMU(3, 1, 0x0f) } },
    { "2+1+gap", { DEV(0, 2), DEV(2, 1) } },
    { "gap+1+2", { DEV(1, 1), DEV(2, 2) } },
    { "1+gap+2", { DEV(0, 1), DEV(2, 2) } },
    { "gap+2+gap", { EMU(6, 2, 0x0ff0) } },
    { "1-byte islands", {
        DEV(0, 1), EMU(2, 1, 0xff), DEV(5, 1), REG(7, 1, 0, 0, 0xff, 0, 0),
        DEV(8, 1), EMU(11, 1, 0x3c), DEV(13, 1),
        REG(14, 1, 0, 0x0f, 0, 0, 0) } },
    { "mixed 4", {
        REG(0, 4, 0x00ff00ff, 0x0f000f01, 0xf00000f0, 0x000c4000,
            0x00308002) } },
    { "mixed 16", {
        REG(0, 4, 0x00ff00ff, 0x0f000f01, 0xf00000f0, 0x000c4000,
            0x00308002),
        REG(4, 2, 0x00ff, 0xff00, 0, 0, 0),
        REG(6, 1, 0, 0, 0xff, 0, 0),
        REG(7, 1, 0xff, 0, 0x0f, 0, 0x80),
        REG(8, 4, 0, 0, 0, 0, 0xffff0000),
        REG(12, 2, 0xff00, 0, 0x00ff, 0xf000, 0),
        REG(14, 2, 0xf00f, 0x0100, 0x0e0e, 0, 0x1010) } },
    { "read-only 4", { REG(8, 4, 0, ~0U, 0, 0, 0) } },
    { "rsvdz 2 + rsvdp 2", { REG(0, 2, 0, 0, 0, 0, 0xffff),
                             REG(2, 2, 0, 0, 0, 0xffff, 0) } },
    { "device rw1c 4", { REG(12, 4, 0, 0, ~0U, 0, 0) } },
    { "emulated rw1c 2", { REG(8, 2, 0xffff, 0, 0xff00, 0, 0) } },
    { "4+gap+4+2", { EMU(0, 4, 0x0000ffff),
                     REG(8, 4, 0xffff0000, 0, 0xff, 0, 0), DEV(14, 2) } },
    { "2 4 1 4", { DEV(2, 2), REG(4, 4, 0, 0x00ff0000, 0, 0, 0),
                   REG(10, 1, 0, 0, 0x81, 0, 0),
                   REG(12, 4, 0xff, 0, 0, 0xff00, 0) } },
};

/* Device masks: 0 plain writable bytes; 1 read-only, RW1C and mixed bytes. */
static void device_masks(unsigned int variant)
{
    static const uint8_t wm[4] = { 0xff, 0x0f, 0x00, 0x3c };
    static const uint8_t w1c[4] = { 0x00, 0xf0, 0xff, 0x81 };
    unsigned int i;

    for ( i = 0; i < m.len; i++ )
    {
        unsigned int k = (i + i / 4) % 4;

        m.wmask[m.base + i] = variant ? wm[k] : 0xff;
        m.w1c[m.base + i] = variant ? w1c[k] : 0;
    }
}

static void test_layouts(void **state)
{
    unsigned int l, variant, size, off, w, n = 0;

    rng_state = 0x1a7e;
    for ( l = 0; l < XECAM_ARRAY_SIZE(layouts); l++ )
        for ( variant = 0; variant < 2; variant++ )
        {
            const struct layout *lay = &layouts[l];
            unsigned int i;

            model_init(WBASE, 16);
            device_masks(variant);
            for ( i = 0; i < XECAM_ARRAY_SIZE(lay->r) && lay->r[i].size; i++ )
            {
                const struct lreg *lr = &lay->r[i];
                struct xecam_vpci_reg r = {
                    .offset = WBASE + lr->off, .size = lr->size,
                    .emu = lr->emu, .ro = lr->ro, .rw1c = lr->rw1c,
                    .rsvdp = lr->rsvdp, .rsvdz = lr->rsvdz,
                    .reset = rnd() & xecam_ones(lr->size),
                };

                add_both(&r);
            }
            for ( size = 1; size <= 4; size *= 2 )
                for ( off = WBASE; off < WBASE + 16; off += size )
                {
                    snprintf(ctx, sizeof(ctx), "layout '%s' device %u: read "
                             "%#x/%u", lay->name, variant, off, size);
                    reseed();
                    do_read(off, size);
                    for ( w = 0; w < 5; w++ )
                    {
                        uint32_t v = w == 0 ? 0 : w == 1 ? ~0U :
                                     w == 2 ? 0x5aa5c33c : rnd();

                        snprintf(ctx, sizeof(ctx), "layout '%s' device %u: "
                                 "write %#x/%u value %#x", lay->name,
                                 variant, off, size, v & xecam_ones(size));
                        reseed();
                        do_write(off, size, v);
                        check_all();
                    }
                    n++;
                }
            snprintf(ctx, sizeof(ctx), "layout '%s' removal", lay->name);
            remove_all_random();
        }
    print_message("layouts: %u layouts x 2 devices x 28 (offset, size): "
                  "%lu reads, %lu writes, %lu device writes, %lu refused, "
                  "%lu silent\n", (unsigned int)XECAM_ARRAY_SIZE(layouts),
                  st.reads, st.writes, st.dev_writes, st.refused, st.silent);
    assert_int_equal(n, XECAM_ARRAY_SIZE(layouts) * 2 * 28);
    assert_true(st.refused > 0 && st.silent > 0 && st.dev_writes > 0);
}

/* ---- 3. Random layouts and accesses. ---- */

static uint32_t rnd_mask(uint32_t all)
{
    switch ( rnd() % 4 )
    {
    case 0:
        return 0;
    case 1:
        return all;
    case 2:
        return rnd() & all;
    default:
        return rnd_sparse() & all;
    }
}

static void random_layout(unsigned int base, unsigned int len, bool hooks)
{
    unsigned int p = base, end = base + len;

    while ( p < end )
    {
        unsigned int size = 1U << (rnd() % 3);
        uint32_t all, fixed;
        struct xecam_vpci_reg r = { 0 };

        while ( (p & (size - 1)) || p + size > end )
            size >>= 1;
        if ( rnd() % 5 == 0 )
        {
            p += size;                  /* a gap */
            continue;
        }
        all = xecam_ones(size);
        r.offset = p;
        r.size = size;
        r.emu = rnd_mask(all);
        r.ro = rnd() % 3 ? 0 : rnd_sparse() & all;
        r.rsvdp = rnd() % 3 ? 0 : rnd_sparse() & all;
        r.rsvdz = rnd() % 3 ? 0 : rnd_sparse() & all;
        fixed = r.ro | r.rsvdp | r.rsvdz;
        r.rw1c = rnd_mask(all) & ~fixed;
        r.reset = rnd() & all;
        if ( hooks && rnd() % 4 == 0 )
        {
            r.hooks = &xor_hooks;
            xor_at[p] = rnd() | 1;
        }
        add_both(&r);
        p += size;
    }
}

#define RBASE 0x200
#define RLEN  0x80

static void test_random(void **state)
{
    unsigned int l, a, regs = 0;

    rng_state = 0x5eed1234;
    for ( l = 0; l < 400; l++ )
    {
        unsigned int i;

        model_init(RBASE, RLEN);
        for ( i = RBASE; i < RBASE + RLEN; i++ )
        {
            m.wmask[i] = rnd() % 3 ? 0xff : rnd();
            m.w1c[i] = rnd() % 3 ? 0 : rnd() % 2 ? rnd() & ~m.wmask[i]
                                                 : rnd();
        }
        random_layout(RBASE, RLEN, false);
        regs += m.nr;
        reseed();
        for ( a = 0; a < 30; a++ )
        {
            unsigned int size = 1U << (rnd() % 3);
            unsigned int off = (RBASE + rnd() % RLEN) & ~(size - 1);
            uint32_t v = rnd() % 4 == 0 ? (rnd() % 2 ? 0 : ~0U) : rnd();

            if ( rnd() % 8 == 0 )
                reseed();
            if ( rnd() % 3 == 0 )
            {
                snprintf(ctx, sizeof(ctx), "layout %u access %u: read "
                         "%#x/%u", l, a, off, size);
                do_read(off, size);
            }
            else
            {
                snprintf(ctx, sizeof(ctx), "layout %u access %u: write "
                         "%#x/%u value %#x", l, a, off, size,
                         v & xecam_ones(size));
                do_write(off, size, v);
            }
        }
        snprintf(ctx, sizeof(ctx), "layout %u", l);
        check_all();
        remove_all_random();
    }
    print_message("random: 400 layouts, %u registers, %lu reads, %lu "
                  "writes, %lu device writes, %lu refused, %lu silent\n",
                  regs, st.reads, st.writes, st.dev_writes, st.refused,
                  st.silent);
    assert_true(st.refused > 0 && st.silent > 0 && st.dev_writes > 0);
}

/*
 * Random [from, to) of the window shut, hidden or read-only, in the device
 * and in the model: each dword it meets without a register or shut state.
 */
static void shut_both(unsigned int base, unsigned int len)
{
    unsigned int from = base + rnd() % len, to = from + 1 + rnd() % 24, o, i;
    bool hidden = rnd() % 2, free;

    to = to < base + len ? to : base + len;
    assert_int_equal(xecam_vpci_shut(dev, from, to, hidden), 0);
    for ( o = from & ~3U; o < to; o += 4 )
    {
        for ( free = !m.shut[o / 4], i = 0; i < 4; i++ )
            free &= m.owner[o + i] < 0;
        if ( free )
            m.shut[o / 4] = hidden ? 'h' : 'r';
    }
}

/* The rule of every byte of a shut dword: claimed, unwritable in any mode. */
static void check_shut_rules(void)
{
    struct xecam_vpci_byte_rule br;
    unsigned int o;

    for ( o = m.base; o < m.base + m.len; o++ )
    {
        if ( m.owner[o] >= 0 || !m.shut[o / 4] )
            continue;
        xecam_vpci_byte_rule(dev, o, &br);
        CHECK_TRUE(br.claimed);
        CHECK_EQ(br.emu, m.shut[o / 4] == 'h' ? 0xff : 0);
        CHECK_EQ(br.ro, 0xff);
        CHECK_EQ(br.to_device, 0);
        CHECK_EQ(br.to_device_permissive, 0);
    }
}

/*
 * Shut dwords among random registers and gaps: reads (0, or the device's),
 * writes dropped, not refused, no register added into one, and registers
 * removed around them; checked against the model at every access.
 */
static void test_shut(void **state)
{
    unsigned int l, a, k, shut = 0, tried = 0;

    rng_state = 0x5407;
    for ( l = 0; l < 300; l++ )
    {
        model_init(RBASE, RLEN);
        random_layout(RBASE + RLEN / 4, RLEN / 2, true);    /* and gaps */
        reseed();
        for ( k = 0; k < 3; k++ )
            shut_both(RBASE, RLEN);
        for ( k = RBASE; k < RBASE + RLEN; k += 4 )
            shut += !!m.shut[k / 4];
        snprintf(ctx, sizeof(ctx), "layout %u shut", l);
        check_all();
        check_shut_rules();
        for ( k = RBASE; k < RBASE + RLEN; k++ )
        {
            struct xecam_vpci_reg r = { .offset = k, .size = 1 };

            if ( !m.shut[k / 4] || m.owner[k] >= 0 )
                continue;
            CHECK_EQ(xecam_vpci_add_reg(dev, &r), -EEXIST);
            tried++;
        }
        check_all();
        reseed();
        for ( a = 0; a < 40; a++ )
        {
            unsigned int size = 1U << (rnd() % 3);
            unsigned int off = (RBASE + rnd() % RLEN) & ~(size - 1);

            snprintf(ctx, sizeof(ctx), "layout %u access %u: %#x/%u", l, a,
                     off, size);
            if ( rnd() % 2 )
                do_read(off, size);
            else
                do_write(off, size, rnd());
        }
        check_all();
        remove_all_random();
        check_all();            /* the shut dwords outlive the registers */
        xecam_vpci_destroy(dev);            /* and go with the device */
        assert_int_equal(xecam_vpci_create(HOST, &dev), 0);
    }
    print_message("shut: 300 layouts, %u shut dwords, %u registers refused "
                  "in one, %lu reads, %lu writes, %lu refused\n", shut, tried,
                  st.reads, st.writes, st.refused);
    assert_true(shut > 1000 && tried > 1000 && st.refused > 0);
}

/* Shutting takes a page of the map where none is: -ENOMEM changes none. */
static void test_shut_enomem(void **state)
{
    uint32_t v = 0;

    model_init(0x300, 0x40);
    model_sync_device();
    xecam_user_fault_arm(XECAM_FAULT_ALLOC, 1);
    assert_int_equal(xecam_vpci_shut(dev, 0x300, 0x340, true), -ENOMEM);
    assert_true(xecam_user_fault_fired());
    xecam_user_fault_arm(0, 0);
    check_all();                        /* reads the device, as the model */
    xecam_vpci_read(dev, 0x300, 4, &v);
    assert_int_not_equal(v, 0);
    assert_int_equal(xecam_vpci_shut(dev, 0x300, 0x340, true), 0);
    memset(m.shut + 0x300 / 4, 'h', 0x40 / 4);
    check_all();
    assert_int_equal(xecam_vpci_nr_regs(dev), 0);
}

/* ---- 4. Hooks. ---- */

struct hook_rec {
    uint32_t xor;
    unsigned int reads, writes;
    uint32_t got, old, bytes, val_in_hook;
    unsigned int dev_writes_before;     /* device writes when it ran */
    const struct xecam_vpci_reg *reg;
    struct xecam_vpci *dev;
};

/* The record of the register at each offset. */
static struct hook_rec *rec_at[XECAM_CFG_SIZE];

static uint32_t rec_read(struct xecam_vpci *d, const struct xecam_vpci_reg *r,
                         uint32_t val)
{
    struct hook_rec *h = rec_at[r->offset];

    h->reads++;
    h->got = val;
    h->reg = r;
    h->dev = d;

    return val ^ h->xor;
}

static void rec_write(struct xecam_vpci *d, struct xecam_vpci_reg *r,
                      uint32_t old, uint32_t bytes)
{
    struct hook_rec *h = rec_at[r->offset];
    struct xecam_user_pci_write log[LOG_MAX];

    h->writes++;
    h->old = old;
    h->bytes = bytes;
    h->val_in_hook = r->val;
    h->reg = r;
    h->dev = d;
    h->dev_writes_before = xecam_user_pdev_log(HOST, log, LOG_MAX);
}

static const struct xecam_vpci_hooks rec_hooks = {
    .read = rec_read, .write = rec_write,
};

static void test_hooks(void **state)
{
    struct hook_rec ra = { .xor = 0x01020304 }, rb = { .xor = 0x8080 };
    struct hook_rec rd = { .xor = 0xff };
    struct xecam_vpci_reg a = {
        .offset = 0x40, .size = 4, .emu = 0x0000ffff, .ro = 0x000000ff,
        .rsvdz = 0x00f000f0, .reset = 0xdeadbeef, .hooks = &rec_hooks,
    }, b = {
        .offset = 0x44, .size = 2, .emu = 0xffff, .rw1c = 0xff00,
        .reset = 0xa5c3, .hooks = &rec_hooks,
    }, c = {
        .offset = 0x46, .size = 2,
    }, d = {
        .offset = 0x48, .size = 1, .emu = 0xff, .reset = 0x77,
        .hooks = &rec_hooks,
    };
    struct xecam_user_pci_write log[LOG_MAX];
    uint32_t v, va;

    rec_at[0x40] = &ra;
    rec_at[0x44] = &rb;
    rec_at[0x48] = &rd;
    assert_int_equal(xecam_vpci_add_reg(dev, &a), 0);
    assert_int_equal(xecam_vpci_add_reg(dev, &b), 0);
    assert_int_equal(xecam_vpci_add_reg(dev, &c), 0);
    assert_int_equal(xecam_vpci_add_reg(dev, &d), 0);

    /* The read hook gets the masked value; its return is what is read. */
    va = (0xdeadbeef & 0x0000ffff & ~0x00f000f0U) |
         (h_pattern(0x40, 4, SEED) & 0xffff0000 & ~0x00f000f0U);
    xecam_vpci_read(dev, 0x40, 4, &v);
    assert_int_equal(ra.reads, 1);
    assert_int_equal(ra.got, va);
    assert_int_equal(v, va ^ 0x01020304);
    assert_ptr_equal(ra.reg, xecam_vpci_find_reg(dev, 0x40));
    assert_ptr_equal(ra.dev, dev);
    /* A part of the register: the hook sees it whole. */
    xecam_vpci_read(dev, 0x42, 1, &v);
    assert_int_equal(ra.reads, 2);
    assert_int_equal(ra.got, va);
    assert_int_equal(v, ((va ^ 0x01020304) >> 16) & 0xff);
    assert_int_equal(rb.reads + rd.reads, 0);

    /* Per register: B's hook for B, none for C. */
    xecam_vpci_read(dev, 0x44, 4, &v);
    assert_int_equal(rb.reads, 1);
    assert_int_equal(rb.got, 0xa5c3);
    assert_int_equal(v, (h_pattern(0x46, 2, SEED) << 16) | (0xa5c3 ^ 0x8080));
    assert_int_equal(ra.reads, 2);
    assert_int_equal(rb.writes + ra.writes, 0);

    /* Write hook: after val is updated, with the old value and bytes. */
    xecam_user_pdev_log_clear();
    xecam_vpci_write(dev, 0x40, 2, 0x1234);
    assert_int_equal(ra.writes, 1);
    assert_int_equal(ra.old, 0xdeadbeef);
    assert_int_equal(ra.bytes, 0x0000ffff);
    assert_int_equal(ra.val_in_hook, 0xdead12ef);   /* ro/rsvdz kept */
    assert_int_equal(xecam_vpci_find_reg(dev, 0x40)->val, 0xdead12ef);
    assert_int_equal(ra.dev_writes_before, 0);      /* all emulated */
    assert_ptr_equal(ra.dev, dev);

    xecam_vpci_write(dev, 0x42, 1, 0xab);           /* bits in register */
    assert_int_equal(ra.writes, 2);
    assert_int_equal(ra.old, 0xdead12ef);
    assert_int_equal(ra.bytes, 0x00ff0000);         /* coordinates */
    assert_int_equal(ra.val_in_hook, 0xdead12ef);
    assert_int_equal(ra.dev_writes_before, 1);      /* the device first */
    assert_int_equal(xecam_user_pdev_log(HOST, log, LOG_MAX), 1);
    assert_int_equal(log[0].reg, 0x42);
    assert_int_equal(log[0].size, 1);
    assert_int_equal(log[0].val, 0x0b);             /* RsvdZ 7:4 as 0 */
    assert_int_equal(rb.writes, 0);

    /* Across B and C: B's hook once, with B's own bytes. */
    xecam_user_pdev_log_clear();
    xecam_vpci_write(dev, 0x44, 4, 0x12345f0f);
    assert_int_equal(rb.writes, 1);
    assert_int_equal(rb.old, 0xa5c3);
    assert_int_equal(rb.bytes, 0xffff);
    assert_int_equal(rb.val_in_hook, 0xa00f);       /* 0x5f cleared 15:8 */
    assert_int_equal(rb.dev_writes_before, 0);
    assert_int_equal(ra.writes, 2);
    assert_int_equal(xecam_user_pdev_log(HOST, log, LOG_MAX), 1);
    assert_int_equal(log[0].reg, 0x46);
    assert_int_equal(log[0].size, 2);
    assert_int_equal(log[0].val, 0x1234);
    /* The upper byte alone. */
    xecam_vpci_write(dev, 0x45, 1, 0x80);
    assert_int_equal(rb.writes, 2);
    assert_int_equal(rb.old, 0xa00f);
    assert_int_equal(rb.bytes, 0xff00);
    assert_int_equal(rb.val_in_hook, 0x200f);

    /* A gap calls nobody. */
    xecam_vpci_write(dev, 0x4c, 4, ~0U);
    xecam_vpci_read(dev, 0x4c, 4, &v);
    assert_int_equal(ra.writes + rb.writes + rd.writes, 4);
    assert_int_equal(ra.reads + rb.reads + rd.reads, 3);

    /* Hooks stay with their register when another is removed. */
    assert_int_equal(xecam_vpci_remove_reg(dev, 0x40, 4), 0);
    xecam_vpci_read(dev, 0x48, 1, &v);
    assert_int_equal(v, 0x77 ^ 0xff);
    assert_int_equal(rd.reads, 1);
    assert_ptr_equal(rd.reg, xecam_vpci_find_reg(dev, 0x48));
    xecam_vpci_write(dev, 0x48, 1, 0x31);
    assert_int_equal(rd.writes, 1);
    assert_int_equal(rd.old, 0x77);
    assert_int_equal(rd.val_in_hook, 0x31);
    xecam_vpci_read(dev, 0x44, 2, &v);
    assert_int_equal(rb.reads, 2);
    assert_int_equal(v, 0x200f ^ 0x8080);
    xecam_vpci_read(dev, 0x40, 4, &v);
    assert_int_equal(v, (h_pattern(0x40, 4, SEED) & ~0x00ff0000U) |
                        0x000b0000);    /* the byte written above */
    assert_int_equal(ra.reads, 2);
    assert_int_equal(ra.writes, 2);
}

/* ---- 5. Failing device reads. ---- */

static void test_hw_read_failure(void **state)
{
    static const struct lreg regs[] = {
        REG(0x0, 4, 0x0000ffff, 0, 0, 0, 0x0f000000),
        EMU(0x4, 4, ~0U),
        EMU(0xc, 2, 0x00ff),
        DEV(0xe, 1),
    };
    unsigned int i, size, off, runs_failed = 0;

    rng_state = 0xfa11;
    model_init(0x40, 16);
    model_sync_device();
    for ( i = 0; i < XECAM_ARRAY_SIZE(regs); i++ )
    {
        struct xecam_vpci_reg r = {
            .offset = 0x40 + regs[i].off, .size = regs[i].size,
            .emu = regs[i].emu, .rsvdz = regs[i].rsvdz,
            .reset = rnd() & xecam_ones(regs[i].size),
        };

        add_both(&r);
    }
    for ( size = 1; size <= 4; size *= 2 )
        for ( off = 0x40; off < 0x50; off += size )
        {
            uint8_t normal[4], failed[4];
            unsigned int seen = 0, nth, b;
            bool emulated_only = true;

            for ( b = 0; b < size; b++ )
            {
                normal[b] = model_read_byte(off + b, false);
                failed[b] = model_read_byte(off + b, true);
                emulated_only &= m.owner[off + b] == 1;
            }
            for ( nth = 1; ; nth++ )
            {
                uint32_t v = 0;
                bool fired, any = false, visible = false;

                snprintf(ctx, sizeof(ctx), "read %#x/%u, device read %u "
                         "fails", off, size, nth);
                CHECK_TRUE(nth <= 8);
                xecam_user_fault_arm(XECAM_FAULT_PCI, nth);
                xecam_vpci_read(dev, off, size, &v);
                fired = xecam_user_fault_fired();
                xecam_user_fault_arm(0, 0);
                if ( !fired )
                {
                    CHECK_EQ(v, model_read(off, size));
                    break;
                }
                st.fault_reads++;
                /* Each run reads as normal, or its device part as ones. */
                for ( b = 0; b < size; )
                {
                    unsigned int e = b, k;
                    bool is_normal = true, is_failed = true;

                    while ( e < size && m.owner[off + e] == m.owner[off + b] )
                        e++;
                    for ( k = b; k < e; k++ )
                    {
                        is_normal &= byte_of(v, k) == normal[k];
                        is_failed &= byte_of(v, k) == failed[k];
                    }
                    CHECK_TRUE(is_normal || is_failed);
                    if ( !is_normal )
                    {
                        any = true;
                        seen |= ((1U << e) - 1) & ~((1U << b) - 1);
                        runs_failed++;
                    }
                    b = e;
                }
                /*
                 * The failed read may serve bits outside the access (a
                 * register is read whole): visible only if some byte can be.
                 */
                for ( b = 0; b < size; b++ )
                    visible |= normal[b] != failed[b];
                CHECK_TRUE(any || !visible);
            }
            /* Every device part was read, and could fail. */
            for ( b = 0; b < size; b++ )
                if ( normal[b] != failed[b] )
                    CHECK_TRUE(seen & (1U << b));
            /* A fully emulated register never reads the device. */
            if ( emulated_only )
                CHECK_EQ(nth, 1);
        }
    print_message("hw_read_failure: %lu failed device reads, %u runs read "
                  "as all-ones\n", st.fault_reads, runs_failed);
    assert_true(runs_failed > 0);
}

/*
 * A failing device read while a write composes the device's own bits must
 * not turn them into ones: the guest's writes leave read-only and RsvdP
 * bits as they are, and the device keeps its own Command IO/MEM.
 */
static void test_hw_read_failure_in_write(void **state)
{
    struct xecam_vpci_reg cmd = {
        .offset = 0x40, .size = 2, .emu = 0x0003, .rsvdp = 0xf800,
    }, ro = {
        .offset = 0x44, .size = 1, .ro = 0x0f,
    };
    unsigned int nth, fired_n = 0;

    xecam_vpci_hw_write(dev, 0x40, 2, 0x0000);
    xecam_vpci_hw_write(dev, 0x44, 1, 0x00);
    assert_int_equal(xecam_vpci_add_reg(dev, &cmd), 0);
    assert_int_equal(xecam_vpci_add_reg(dev, &ro), 0);
    for ( nth = 1; nth <= 8; nth++ )
    {
        uint8_t cfg[8];
        bool f1, f2;

        snprintf(ctx, sizeof(ctx), "device access %u fails", nth);
        xecam_user_fault_arm(XECAM_FAULT_PCI, nth);
        xecam_vpci_write(dev, 0x40, 2, 0xffff);     /* IO, MEM, MASTER... */
        f1 = xecam_user_fault_fired();
        xecam_user_fault_arm(XECAM_FAULT_PCI, nth);
        xecam_vpci_write(dev, 0x44, 1, 0xff);
        f2 = xecam_user_fault_fired();
        xecam_user_fault_arm(0, 0);
        fired_n += f1 + f2;
        assert_int_equal(xecam_user_pdev_peek(HOST, 0x40, cfg, 8), 0);
        CHECK_EQ(cfg[0] & 0x03, 0);         /* the device's IO/MEM */
        CHECK_EQ(cfg[1] & 0xf8, 0);         /* RsvdP */
        CHECK_EQ(cfg[4] & 0x0f, 0);         /* read-only */
        CHECK_TRUE(f2 || (cfg[4] & 0xf0) == 0xf0);
        if ( !f1 && !f2 )
            break;
    }
    assert_true(fired_n > 0);
    /* The emulated IO/MEM took the guest's value all along. */
    assert_int_equal(xecam_vpci_find_reg(dev, 0x40)->val, 0x0003);
}

/* ---- 6. Byte consistency over the whole config space. ---- */

static void test_byte_consistency(void **state)
{
    unsigned int round, o, regs = 0, hooked = 0, i;

    rng_state = 0xc0de;
    for ( round = 0; round < 4; round++ )
    {
        model_init(0, XECAM_CFG_SIZE);
        model_sync_device();
        random_layout(0, XECAM_CFG_SIZE, true);
        regs += m.nr;
        for ( i = 0; i < m.nr; i++ )
            hooked += m.reg[i].hooked;
        for ( o = 0; o < XECAM_CFG_SIZE; o += 4 )
        {
            uint32_t v4 = 0, v2[2] = { 0 }, v1[4] = { 0 };
            unsigned int k;

            snprintf(ctx, sizeof(ctx), "round %u dword %#x", round, o);
            xecam_vpci_read(dev, o, 4, &v4);
            for ( k = 0; k < 2; k++ )
                xecam_vpci_read(dev, o + 2 * k, 2, &v2[k]);
            for ( k = 0; k < 4; k++ )
                xecam_vpci_read(dev, o + k, 1, &v1[k]);
            CHECK_EQ(v4, v2[0] | v2[1] << 16);
            CHECK_EQ(v4, v1[0] | v1[1] << 8 | v1[2] << 16 | v1[3] << 24);
            CHECK_EQ(v4, model_read(o, 4));
        }
        check_all();
        remove_all_random();
    }
    print_message("byte_consistency: 4 x 1024 dwords, %u registers (%u "
                  "with a read hook)\n", regs, hooked);
    assert_true(regs > 4000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_add_bad_size, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_misaligned, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_add_mask_outside, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_add_rw1c_overlap, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_add_range, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_overlap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plain_dword_changes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_remove_middle, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_find_and_count, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_fill_1023, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fill_4096, setup, teardown),
        cmocka_unit_test_setup_teardown(test_memory_budget, setup, teardown),
        cmocka_unit_test_setup_teardown(test_memory_shut, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_enomem, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_enomem, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_layouts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_random, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shut, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shut_enomem, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hooks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hw_read_failure, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_hw_read_failure_in_write, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_byte_consistency, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
