/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fuzz ioreq completions from a hostile device model.  A domain has one
 * ECAM window (segment 0, buses 0-3), two vPCI devices and three ioreq
 * servers: 1 and 2 served by device-model threads, 3 by nobody.  The input
 * is a sequence of steps: guest accesses (ECAM of any size, or CF8/CFC) to
 * claimed and unclaimed functions, server create / destroy, range map /
 * unmap, and device-model restarts.  For every request an access makes, the
 * input also says how the device model answers: normally, RAW (the slot
 * written verbatim, any state), SILENT, or LATE (after the vcpu gave up),
 * which fields of the response it corrupts, and whether it destroys and
 * re-creates its server while it answers (it may call back into the
 * module: the domain lock is not held).  The device models are the
 * port's inline ones (xecam_user_dm_start_inline()): each answers in the
 * vcpu's thread, during the request, so no input waits for a timeout and
 * scheduling never decides an outcome.  A SILENT one leaves the slot
 * INPROCESS (the vcpu times out at once); a LATE one writes its answer
 * into the slot after the access returned, as a device model that missed
 * the deadline would.
 *
 * The device-model handler takes its orders from, and reports what it saw
 * and wrote to, a structure under a mutex.  A model of the routing, the
 * servers and the slots then predicts, after every step:
 *
 *  - a read answered by a well-formed response returns its data masked to
 *    the size; any other read of a claimed function returns all-ones;
 *  - a malformed response (a state other than IORESP_READY, a changed addr,
 *    size, dir, type or count, data_is_ptr, no answer in time) marks the
 *    server broken, and no later access reaches its handler, until it is
 *    re-created; the server that replaces it meanwhile is never marked;
 *  - a slot a device model left busy fails the next request on it (-EIO)
 *    until the device model restarts;
 *  - the handler is asked exactly when it should be, with a well-formed
 *    request, and nothing else changes what it says;
 *  - every counter moves as predicted (accesses == to_vpci + to_ioreq +
 *    unclaimed, ioreq_failed <= to_ioreq), no write reaches a host device;
 *  - the log stays bounded, and no access hangs.
 *
 * Built with libFuzzer (make fuzz) or as a reproducer that runs files.
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <public/hvm/ecam_op.h>
#include <xecam/pci.h>
#include <xecam/user.h>
#include <xecam/vpci.h>

#include "harness.h"
#include "input.h"

#define GUEST      1
#define BASE       0xe0000000ULL
#define NBUS       4               /* the window: segment 0, buses 0-3 */
#define NFN        (5 * 256)       /* accesses reach buses 0-4 (4: outside) */
#define NCLAIM     0x200           /* ranges stay on buses 0-1 */
#define NSRV       4               /* server ids 1-3 */
#define NDM        3               /* servers 1 and 2 have device models */
#define NVCPU      4
#define MAX_LINKS  3               /* a RAW READY answer is served again */
#define MAX_SPECS  (2 * MAX_LINKS) /* an 8-byte access is two requests */
#define LONG_MS    5000
#define MAX_STEPS  256
#define MAX_LOG    32

/* Guest functions of the vPCI devices; 00:04.1 has no function 0. */
#define VPCI0      0x000
#define VPCI1      0x021
#define HOST0      XECAM_SBDF(0, 0x80, 0, 0)
#define HOST1      XECAM_SBDF(0, 0x81, 0, 0)
#define SEED0      0x5a
#define SEED1      0xa5

/* ---- The device model: orders in, observations out. ---- */

enum mode {
    M_ANSWER,           /* XECAM_DM_ANSWER */
    M_RAW,              /* XECAM_DM_RAW, state from the spec */
    M_SILENT,           /* XECAM_DM_SILENT */
    M_LATE,             /* silent, then answers once the vcpu gave up */
};

#define C_ADDR   (1U << 0)
#define C_SIZE   (1U << 1)
#define C_DIR    (1U << 2)
#define C_TYPE   (1U << 3)
#define C_COUNT  (1U << 4)
#define C_PTR    (1U << 5)
#define C_JUNK   (1U << 6)      /* fields the protocol does not look at */
#define C_STATE  (1U << 7)      /* a state the answer mode may override */

/* How the device model answers one request. */
struct spec {
    enum mode mode;
    bool recreate;              /* destroy and re-create the server first */
    uint8_t corrupt;            /* C_* */
    uint8_t state;              /* M_RAW, or with C_STATE */
    uint8_t type;
    uint32_t size_xor, count, junk;
    uint64_t addr_xor, data;
};

/* What the device model saw and left in the slot. */
struct dm_call {
    unsigned int id;            /* whose device model */
    enum mode mode;
    bool recreated;             /* its server was replaced meanwhile */
    ioreq_t req;                /* as the handler received it */
    ioreq_t rsp;                /* as the slot is left (ANSWER: state 3) */
};

static struct {
    struct spec spec[MAX_SPECS];
    unsigned int nr_specs, next_spec;
    struct dm_call call[MAX_SPECS];
    unsigned int nr_calls;      /* this access */
    bool extra;                 /* a call found no spec */
    bool late;                  /* a LATE answer is due: late_rsp */
    ioreq_t late_rsp;
    bool reenter_failed;        /* re-creating the server failed */
    unsigned int nr_ranges;     /* the ranges of the server to re-create */
    uint32_t start[XECAM_MAX_RANGES], end[XECAM_MAX_RANGES];
} sh;

static struct xecam_domain *d;
static domid_t domid;           /* d's */

static void corrupt(ioreq_t *r, const struct spec *s)
{
    r->data = s->data;
    if ( s->corrupt & C_ADDR )
        r->addr ^= s->addr_xor;
    if ( s->corrupt & C_SIZE )
        r->size ^= s->size_xor;
    if ( s->corrupt & C_DIR )
        r->dir = !r->dir;
    if ( s->corrupt & C_TYPE )
        r->type = s->type;
    if ( s->corrupt & C_COUNT )
        r->count = s->count;
    if ( s->corrupt & C_PTR )
        r->data_is_ptr = 1;
    if ( s->corrupt & C_JUNK )
    {
        r->vp_eport = s->junk;
        r->_pad0 = s->junk >> 7;
        r->df = !r->df;
        r->_pad1 = !r->_pad1;
    }
    if ( s->mode == M_RAW || (s->corrupt & C_STATE) )
        r->state = s->state & 0xf;
}

static enum xecam_dm_answer dm_handler(void *opaque, ioreq_t *req)
{
    struct spec s = { .mode = M_ANSWER, .data = ~0ULL };
    unsigned int id = (unsigned int)(uintptr_t)opaque, i;
    struct dm_call *c = NULL;

    if ( sh.next_spec < sh.nr_specs )
        s = sh.spec[sh.next_spec++];
    else
        sh.extra = true;
    if ( sh.nr_calls < MAX_SPECS )
    {
        c = &sh.call[sh.nr_calls];
        c->id = id;
        c->mode = s.mode;
        c->recreated = s.recreate;
        c->req = *req;
    }
    if ( s.recreate )
    {
        /*
         * A device model may call back into the module while it answers:
         * the domain lock is not held.  The request was for the server
         * that is gone now, so whatever the answer, the new one stays
         * whole.
         */
        sh.reenter_failed |= xecam_ioreq_server_destroy(d, id) ||
                             xecam_ioreq_server_create(d, id);
        for ( i = 0; i < sh.nr_ranges; i++ )
            sh.reenter_failed |= xecam_ioreq_map_range(d, id, sh.start[i],
                                                       sh.end[i]) != 0;
    }
    corrupt(req, &s);
    if ( c )
    {
        c->rsp = *req;
        if ( s.mode == M_ANSWER || s.mode == M_LATE )
            c->rsp.state = STATE_IORESP_READY;
    }
    if ( s.mode == M_LATE )
    {
        sh.late = true;
        sh.late_rsp = *req;
        sh.late_rsp.state = STATE_IORESP_READY;
    }
    sh.nr_calls++;

    switch ( s.mode )
    {
    case M_RAW:    return XECAM_DM_RAW;
    case M_SILENT: return XECAM_DM_SILENT;
    case M_LATE:   return XECAM_DM_SILENT;
    default:       return XECAM_DM_ANSWER;
    }
}

/* Call i of this access. */
static struct dm_call get_call(unsigned int i)
{
    CHECK(i < MAX_SPECS);
    CHECK(sh.nr_calls > i);     /* the device model was never asked */

    return sh.call[i];
}

/* ---- The model. ---- */

struct mserver {
    bool exists, broken;
    unsigned int nr;
    uint32_t start[XECAM_MAX_RANGES], end[XECAM_MAX_RANGES];
};

static unsigned int domflags;
static struct mserver srv[NSRV];
static uint8_t owner[NCLAIM];           /* claiming server id, 0: none */
static struct xecam_user_dm *dm[NDM];
static unsigned long dm_asked[NDM];
static bool stuck[NDM][NVCPU];          /* slot left mid-request */
static unsigned int breaks;

static bool vpci_visible(unsigned int f)
{
    return f == VPCI0 || (f == VPCI1 && (domflags & XECAM_DOMF_PARTIAL_MF));
}

static uint32_t pattern(unsigned int reg, unsigned int size, uint8_t seed)
{
    uint32_t v = 0;
    unsigned int i;

    for ( i = 0; i < size; i++ )
        v |= (uint32_t)(uint8_t)((reg + i) * 7 + seed) << (8 * i);

    return v;
}

static void m_create(unsigned int id)
{
    int rc = xecam_ioreq_server_create(d, id);

    CHECK(rc == (srv[id].exists ? -EEXIST : 0));
    if ( rc )
        return;
    srv[id].exists = true;
    srv[id].broken = false;
    srv[id].nr = 0;
}

UNTRACED                        /* the model's loops over functions */
static void m_destroy(unsigned int id)
{
    int rc = xecam_ioreq_server_destroy(d, id);
    unsigned int i, f;

    CHECK(rc == (srv[id].exists ? 0 : -ENOENT));
    for ( i = 0; i < srv[id].nr; i++ )
        for ( f = srv[id].start[i]; f <= srv[id].end[i]; f++ )
            owner[f] = 0;
    srv[id].exists = false;
    srv[id].broken = false;
    srv[id].nr = 0;
}

UNTRACED                        /* the model's loops over functions */
static void m_map(unsigned int id, uint32_t start, uint32_t end)
{
    int rc = xecam_ioreq_map_range(d, id, start, end), want = 0;
    uint32_t f;

    if ( start > end )
        want = -EINVAL;
    else if ( !srv[id].exists )
        want = -ENOENT;
    else
    {
        for ( f = start; f <= end && !want; f++ )
            if ( owner[f] )
                want = -EEXIST;
        if ( !want && srv[id].nr == XECAM_MAX_RANGES )
            want = -ENOSPC;
    }
    CHECK(rc == want);
    if ( rc )
        return;
    for ( f = start; f <= end; f++ )
        owner[f] = id;
    srv[id].start[srv[id].nr] = start;
    srv[id].end[srv[id].nr++] = end;
}

UNTRACED                        /* the model's loops over functions */
static void m_unmap(unsigned int id, uint32_t start, uint32_t end)
{
    int rc = xecam_ioreq_unmap_range(d, id, start, end);
    struct mserver *s = &srv[id];
    unsigned int i;
    uint32_t f;

    for ( i = 0; s->exists && i < s->nr; i++ )
        if ( s->start[i] == start && s->end[i] == end )
            break;
    CHECK(rc == (s->exists && i < s->nr ? 0 : -ENOENT));
    if ( rc )
        return;
    for ( f = start; f <= end; f++ )
        owner[f] = 0;
    s->start[i] = s->start[--s->nr];
    s->end[i] = s->end[s->nr];
}

static void m_dm_toggle(unsigned int id)
{
    unsigned int v;

    if ( dm[id] )
    {
        xecam_user_dm_stop(dm[id]);
        dm[id] = NULL;
    }
    else
        CHECK(!xecam_user_dm_start_inline(domid, id, dm_handler,
                                          (void *)(uintptr_t)id, &dm[id]));
    dm_asked[id] = 0;
    for ( v = 0; v < NVCPU; v++ )
        stuck[id][v] = false;
}

static void broke(unsigned int id)
{
    if ( !srv[id].broken )
        breaks++;
    srv[id].broken = true;
}

/* What the counters should have done during one access. */
struct delta {
    unsigned long bad, to_vpci, to_ioreq, unclaimed, failed, refused;
};

static bool rsp_well_formed(const ioreq_t *req, const ioreq_t *rsp)
{
    return rsp->state == STATE_IORESP_READY && rsp->addr == req->addr &&
           rsp->size == req->size && rsp->dir == req->dir &&
           rsp->type == req->type && rsp->count == req->count &&
           !rsp->data_is_ptr;
}

static bool same_req(const ioreq_t *a, const ioreq_t *b)
{
    return a->addr == b->addr && a->data == b->data &&
           a->count == b->count && a->size == b->size &&
           a->vp_eport == b->vp_eport && a->_pad0 == b->_pad0 &&
           a->state == b->state && a->data_is_ptr == b->data_is_ptr &&
           a->dir == b->dir && a->df == b->df && a->_pad1 == b->_pad1 &&
           a->type == b->type;
}

/*
 * One request-sized part (1, 2 or 4 bytes, aligned) to function f of
 * buses 0-3; *next is the index of the next device-model call.
 */
static uint32_t model_part(unsigned int f, unsigned int reg,
                           unsigned int size, bool write, uint32_t wval,
                           unsigned int vcpu, struct delta *dl,
                           unsigned int *next)
{
    unsigned int id = f < NCLAIM ? owner[f] : 0, first = *next;
    struct dm_call c, prev;
    bool fresh = false;
    ioreq_t req;

    memset(&c, 0, sizeof(c));
    memset(&prev, 0, sizeof(prev));
    if ( f == VPCI0 || f == VPCI1 )
    {
        if ( !vpci_visible(f) )
        {
            dl->unclaimed++;
            return xecam_ones(size);
        }
        dl->to_vpci++;
        dl->refused += write;       /* bare devices refuse every write */
        return pattern(reg, size, f == VPCI0 ? SEED0 : SEED1);
    }
    if ( !id )
    {
        dl->unclaimed++;
        return xecam_ones(size);
    }
    dl->to_ioreq++;
    if ( srv[id].broken || id >= NDM || !dm[id] )
    {
        dl->failed++;               /* never asked, or -ENODEV */
        return xecam_ones(size);
    }
    if ( stuck[id][vcpu] )
    {
        dl->failed++;               /* -EIO at once: the slot is not free */
        broke(id);
        return xecam_ones(size);
    }

    memset(&req, 0, sizeof(req));
    req.addr = ((uint64_t)f << 32) | reg;
    req.data = write ? wval & xecam_ones(size) : xecam_ones(size);
    req.count = 1;
    req.size = size;
    req.state = STATE_IOREQ_INPROCESS;
    req.dir = write ? IOREQ_WRITE : IOREQ_READ;
    req.type = IOREQ_TYPE_PCI_CONFIG;
    for ( ; ; )
    {
        c = get_call((*next)++);
        CHECK(c.id == id);
        if ( *next - 1 == first )
        {
            /* What the guest asked, as the protocol says. */
            CHECK(c.req.addr == req.addr && c.req.data == req.data &&
                  c.req.count == 1 && c.req.size == size &&
                  c.req.state == STATE_IOREQ_INPROCESS &&
                  !c.req.data_is_ptr && c.req.dir == req.dir &&
                  c.req.type == IOREQ_TYPE_PCI_CONFIG);
        }
        else
        {
            /* Served again: the slot as the last answer left it. */
            prev.rsp.state = STATE_IOREQ_INPROCESS;
            CHECK(same_req(&c.req, &prev.rsp));
        }
        fresh |= c.recreated;
        if ( c.mode != M_RAW || c.rsp.state != STATE_IOREQ_READY )
            break;
        CHECK(*next - first < MAX_LINKS);
        prev = c;
    }

    /*
     * A server re-created during the request is a new one: the old one's
     * errors are not its own.  (A vcpu that timed out before may have
     * marked the old one.)
     */
    if ( fresh )
        srv[id].broken = false;
    if ( c.mode == M_SILENT || c.mode == M_LATE ||
         c.rsp.state == STATE_IOREQ_INPROCESS )
    {
        dl->failed++;               /* -ETIMEDOUT; the slot stays busy */
        if ( fresh )
            breaks++;               /* perhaps logged, for the old one */
        else
            broke(id);
        stuck[id][vcpu] = true;
    }
    else if ( c.rsp.state != STATE_IORESP_READY )
    {
        dl->failed++;               /* -EIO; a bad state stays */
        if ( !fresh )
            broke(id);
        stuck[id][vcpu] = c.rsp.state != STATE_IOREQ_NONE;
    }
    else if ( !rsp_well_formed(&req, &c.rsp) )
    {
        dl->failed++;
        if ( !fresh )
            broke(id);
    }
    else
        return (uint32_t)c.rsp.data & xecam_ones(size);

    return xecam_ones(size);
}

/*
 * The answers to one request: links while the answer is RAW READY (the
 * device model serves its own slot again).
 */
static void parse_request(struct input *in, struct spec *out,
                          unsigned int *nr)
{
    unsigned int link, m;
    struct spec *s;

    for ( link = 0; link < MAX_LINKS; link++ )
    {
        s = &out[(*nr)++];
        memset(s, 0, sizeof(*s));
        m = take(in, 1);
        switch ( m & 7 )
        {
        case 4: case 5: case 6:
            s->mode = M_RAW;
            break;
        case 7:
            s->mode = m & 8 ? M_SILENT : M_LATE;
            break;
        default:
            s->mode = M_ANSWER;
            break;
        }
        s->recreate = (m & 0xf) == 0xb || (m & 0xf) == 0xe;
        s->state = m >> 4;
        s->corrupt = take(in, 1);
        s->data = take(in, 8);
        if ( s->corrupt & C_ADDR )
            s->addr_xor = take(in, 8);
        if ( s->corrupt & C_SIZE )
            s->size_xor = take(in, 4);
        if ( s->corrupt & C_TYPE )
            s->type = take(in, 1);
        if ( s->corrupt & C_COUNT )
            s->count = take(in, 4);
        if ( s->corrupt & C_JUNK )
            s->junk = take(in, 4);

        if ( s->mode == M_RAW && s->state == STATE_IOREQ_READY &&
             link == MAX_LINKS - 1 )
            s->state = 0xf;
        if ( s->mode != M_RAW || s->state != STATE_IOREQ_READY )
            return;
    }
}

/*
 * The nth function a vPCI device or a server claims (modulo their number).
 * Untraced: its scan of 512 functions was a tenth of the time, traced.
 */
UNTRACED
static unsigned int pick(unsigned int n)
{
    unsigned int f, count = 2;

    for ( f = 0; f < NCLAIM; f++ )
        count += owner[f] && f != VPCI0 && f != VPCI1;
    n %= count;
    if ( n < 2 )
        return n ? VPCI1 : VPCI0;
    n -= 2;
    for ( f = 0; f < NCLAIM; f++ )
        if ( owner[f] && f != VPCI0 && f != VPCI1 && !n-- )
            return f;

    return 0;
}

static uint64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);

    return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void op_access(struct input *in)
{
    static const unsigned int odd_size[8] = { 1, 2, 4, 8, 0, 3, 5, 16 };
    unsigned int k = take(in, 1), f, reg, size, vcpu, i, nparts = 1;
    unsigned int nr = 0, next = 0, psize, creg = 0, port = 0;
    bool write = k & 1, cf8 = k & 2, bad, dispatched;
    struct spec specs[MAX_SPECS];
    struct xecam_stats s0, s1;
    struct delta dl = { 0 };
    uint64_t wval, val = 0, want, t0;
    uint32_t part, v32 = 0;

    size = 1U << ((k >> 2) & 3);
    vcpu = (k >> 5) & 3;
    f = k & 0x80 ? pick(take(in, 1)) : take(in, 2) % NFN;
    reg = take(in, 2) & 0xfff;
    if ( k & 0x10 )
        size = odd_size[take(in, 1) & 7];   /* and reg as it comes */
    else
        reg &= ~(size - 1);
    wval = write ? take(in, 8) : 0;

    /* Which parts go where, and so which requests need answers. */
    if ( cf8 )
    {
        creg = reg & (domflags & XECAM_DOMF_CF8_EXT ? 0xfff : 0xff);
        port = XECAM_PCI_CFC + (reg & 3);
        dispatched = size >= 1 && size <= 4 && port + size <= 0xd00;
        bad = dispatched && !xecam_cfg_access_ok(creg, size);
        dispatched &= !bad;
    }
    else
    {
        bad = (size != 1 && size != 2 && size != 4 && size != 8) ||
              (reg & (size - 1));
        dispatched = !bad;
        nparts = size == 8 ? 2 : 1;
    }
    if ( dispatched && f < NCLAIM && owner[f] && f != VPCI0 && f != VPCI1 )
        for ( i = 0; i < nparts; i++ )
            parse_request(in, specs, &nr);

    memcpy(sh.spec, specs, nr * sizeof(specs[0]));
    sh.nr_ranges = 0;
    if ( nr )
    {
        /* For a device model that re-creates the server meanwhile. */
        sh.nr_ranges = srv[owner[f]].nr;
        memcpy(sh.start, srv[owner[f]].start,
               sh.nr_ranges * sizeof(sh.start[0]));
        memcpy(sh.end, srv[owner[f]].end, sh.nr_ranges * sizeof(sh.end[0]));
    }
    sh.nr_specs = nr;
    sh.next_spec = sh.nr_calls = 0;
    sh.extra = sh.late = sh.reenter_failed = false;

    xecam_domain_stats(d, &s0);
    t0 = now_ms();
    if ( cf8 )
    {
        v32 = 0x5a5a5a5a;
        xecam_pio_write(d, vcpu, XECAM_PCI_CF8, 4,
                        0x80000000U | ((f & 0xffff) << 8) | (reg & 0xfc) |
                        ((reg & 0xf00) << 16));
        if ( write )
            xecam_pio_write(d, vcpu, port, size, wval);
        else
            xecam_pio_read(d, vcpu, port, size, &v32);
        val = v32;
    }
    else
    {
        uint64_t gpa = BASE + ((uint64_t)f << 12) + reg;

        if ( write )
            xecam_mmio_write(d, vcpu, gpa, size, wval);
        else
            xecam_mmio_read(d, vcpu, gpa, size, &val);
    }
    CHECK(now_ms() - t0 < 2 * LONG_MS);     /* the timeout bounds it */
    if ( sh.late )                          /* after the vcpu gave up */
        xecam_user_dm_answer(dm[owner[f]], vcpu, &sh.late_rsp);

    /* The prediction. */
    if ( cf8 )
    {
        want = xecam_ones(size);
        if ( bad )
            dl.bad++;
        else if ( dispatched )
            want = model_part(f, creg, size, write, wval, vcpu, &dl, &next);
    }
    else if ( bad )
    {
        want = size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
        dl.bad++;
    }
    else
    {
        psize = size / nparts;
        want = 0;
        for ( i = 0; i < nparts; i++ )
        {
            if ( f >= NBUS * 256 )
            {
                dl.unclaimed++;     /* outside the window */
                part = xecam_ones(psize);
            }
            else
                part = model_part(f, reg + 4 * i, psize, write,
                                  wval >> (32 * i), vcpu, &dl, &next);
            want |= (uint64_t)part << (32 * i);
        }
    }

    if ( !write )
    {
        if ( val != want )
            fprintf(stderr, "%s read of %03x reg %#x size %u: %#llx, "
                    "expected %#llx\n", cf8 ? "CFC" : "ECAM", f, reg, size,
                    (unsigned long long)val, (unsigned long long)want);
        CHECK(val == want);
    }

    /* Every call was predicted, none came extra. */
    CHECK(sh.nr_calls == next && !sh.extra && !sh.reenter_failed);
    for ( i = 0; i < next; i++ )
        dm_asked[sh.call[i].id]++;
    for ( i = 1; i < NDM; i++ )
        CHECK(!dm[i] || xecam_user_dm_requests(dm[i]) == dm_asked[i]);

    xecam_domain_stats(d, &s1);
    CHECK(s1.bad_accesses - s0.bad_accesses == dl.bad);
    CHECK(s1.to_vpci - s0.to_vpci == dl.to_vpci);
    CHECK(s1.to_ioreq - s0.to_ioreq == dl.to_ioreq);
    CHECK(s1.unclaimed - s0.unclaimed == dl.unclaimed);
    CHECK(s1.ioreq_failed - s0.ioreq_failed == dl.failed);
    CHECK(s1.refused - s0.refused == dl.refused);
    CHECK(s1.accesses == s1.to_vpci + s1.to_ioreq + s1.unclaimed);
    CHECK(s1.ioreq_failed <= s1.to_ioreq);
}

static void op_range(struct input *in)
{
    unsigned int k = take(in, 1), id = 1 + (k >> 2) % 3;
    uint32_t start = take(in, 2) % NCLAIM, end, t;

    end = start + (take(in, 1) & 0x1f);
    if ( end >= NCLAIM )
        end = NCLAIM - 1;
    if ( k & 1 )
    {
        /* Unmap: mostly a range the server has, exactly. */
        if ( !(k & 2) && srv[id].nr )
        {
            t = start % srv[id].nr;
            start = srv[id].start[t];
            end = srv[id].end[t];
        }
        m_unmap(id, start, end);
        return;
    }
    if ( k & 2 )
    {
        t = start;                  /* start > end: -EINVAL, unless equal */
        start = end;
        end = t;
    }
    m_map(id, start, end);
}

/* A device model restarting: the server again, with the same ranges. */
static void m_recreate(unsigned int id)
{
    static struct mserver old;
    unsigned int i;

    old = srv[id];
    m_destroy(id);                  /* clears the broken mark */
    m_create(id);
    for ( i = 0; old.exists && i < old.nr; i++ )
        m_map(id, old.start[i], old.end[i]);
}

static void op_server(struct input *in)
{
    unsigned int k = take(in, 1), id = 1 + (k >> 2) % 3;

    switch ( k & 3 )
    {
    case 0:
        m_create(id);
        break;
    case 1:
        m_destroy(id);
        break;
    case 2:
        m_recreate(id);
        break;
    default:
        m_dm_toggle(1 + ((k >> 2) & 1));   /* stop or start */
        break;
    }
}

/*
 * Built with the first input and kept: one guest per combination of its
 * CF8 flags (CF8_EXT x PARTIAL_MF), each with its window and its two vPCI
 * devices (bare: they refuse every write, so no input changes them).  An
 * input picks a guest and gets it with the three servers, their ranges
 * and two fresh device models; what it leaves is taken down at its end.
 */
#define NFLAGS 4

static struct xecam_domain *guests[NFLAGS];

static unsigned int flags_of(unsigned int g)
{
    return (g & 1 ? XECAM_DOMF_CF8_EXT : 0) |
           (g & 2 ? XECAM_DOMF_PARTIAL_MF : 0);
}

static void add_vpci(struct xecam_domain *g, uint32_t guest, uint32_t host,
                     uint8_t seed)
{
    uint8_t cfg[XECAM_CFG_SIZE];
    struct xecam_vpci *dev;
    unsigned int i;

    for ( i = 0; i < sizeof(cfg); i++ )
        cfg[i] = (uint8_t)(i * 7 + seed);
    CHECK(!xecam_user_pdev_add(host, cfg, sizeof(cfg)));
    CHECK(!xecam_vpci_create(host, &dev));
    CHECK(!xecam_route_add_vpci(g, guest, dev));
}

static void build(void)
{
    unsigned int g;

    xecam_user_reset();
    xecam_user_ioreq_timeout(LONG_MS);
    xecam_user_domain_privileged(0);
    xecam_user_set_current(0);
    for ( g = 0; g < NFLAGS; g++ )
    {
        struct xen_hvm_ecam_space w = {
            .domid = GUEST + g, .segment = 0, .start_bus = 0,
            .end_bus = NBUS - 1, .base = BASE,
        };

        CHECK(!xecam_user_domain_add(GUEST + g, flags_of(g), &guests[g]));
        CHECK(!xecam_user_hvm_op(HVMOP_set_ecam_space, &w));
        add_vpci(guests[g], VPCI0, HOST0 + (2 * g << 8), SEED0);
        add_vpci(guests[g], VPCI1, HOST1 + (2 * g << 8), SEED1);
    }
}

static void setup(unsigned int g)
{
    static bool built;
    unsigned int i;

    if ( !built )
    {
        build();
        built = true;
    }
    d = guests[g];
    domid = GUEST + g;
    domflags = flags_of(g);
    xecam_user_log_clear();
    xecam_user_log_ratelimit(10, 5000);

    memset(srv, 0, sizeof(srv));
    memset(owner, 0, sizeof(owner));
    breaks = 0;
    for ( i = 1; i < NSRV; i++ )
        m_create(i);
    m_map(1, VPCI0, 0x017);         /* 00:00.0 (vPCI first) - 00:02.7 */
    m_map(2, 0x100, 0x107);         /* 01:00.0 - 01:00.7 */
    m_map(3, 0x020, 0x027);         /* 00:04.x: no device model */
    for ( i = 1; i < NDM; i++ )
    {
        dm[i] = NULL;
        m_dm_toggle(i);
    }
}

/* Everything the input left taken down, as the model says it is. */
static void finish(void)
{
    unsigned int i;

    for ( i = 1; i < NDM; i++ )
        if ( dm[i] )
            m_dm_toggle(i);
    for ( i = 1; i < NSRV; i++ )
    {
        if ( srv[i].exists )
            m_destroy(i);
        CHECK(xecam_ioreq_server_destroy(d, i) == -ENOENT);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = { .p = data, .left = size };
    unsigned int steps = 0, flags = take(&in, 1);

    setup((flags & XECAM_DOMF_CF8_EXT ? 1 : 0) |
          (flags & XECAM_DOMF_PARTIAL_MF ? 2 : 0));
    while ( in.left && steps++ < MAX_STEPS )
    {
        switch ( take(&in, 1) % 8 )
        {
        case 6:  op_range(&in); break;
        case 7:  op_server(&in); break;
        default: op_access(&in); break;
        }
        CHECK(!xecam_user_pdev_writes());
        CHECK(xecam_user_log_lines() <= MAX_LOG);
    }
    /* One report per broken server at most, through the rate limiter. */
    CHECK(xecam_user_log_count("broke the ioreq protocol") <= breaks);
    finish();
    xecam_user_log_clear();     /* freed within the input: no leak re-run */

    return 0;
}
