/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Sequence counts: readers that never write shared memory.
 *
 * A writer, already serialised by a lock, makes the count odd, changes the
 * data and makes it even again.  A reader notes an even count, reads, and
 * keeps what it read only if the count has not moved; otherwise it retries
 * or takes the lock.  Reading costs two loads and no atomic operation, so a
 * trapped access on one vCPU does not bounce a cache line with every other
 * vCPU of the domain.  The data read must stay valid memory for the whole
 * section (embedded in an object the reader holds) and whatever runs in the
 * section must have no effect but its result: it may run more than once.
 *
 * ThreadSanitizer cannot see the protocol (the data reads race by design),
 * so under it readers always take the lock: that build checks the locking,
 * the seqcount paths are checked by the stress tests of the normal build.
 */
#ifndef XECAM_SEQCOUNT_H
#define XECAM_SEQCOUNT_H

#include <xecam/types.h>

#if defined(__SANITIZE_THREAD__)
#define XECAM_SEQ_READERS 0
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define XECAM_SEQ_READERS 0
#endif
#endif
#ifndef XECAM_SEQ_READERS
#define XECAM_SEQ_READERS 1
#endif

/* Fences matter only to readers without the lock (and TSan rejects them). */
#if XECAM_SEQ_READERS
#define xecam_seq_fence(order) xecam_fence_##order()
#else
#define xecam_seq_fence(order) do { } while ( 0 )
#endif

/* Reader attempts before giving up and taking the lock. */
#define XECAM_SEQ_TRIES 4

struct xecam_seq {
    unsigned int seq;
};

/* The count to check against, or an odd one if a writer is at work. */
static inline unsigned int xecam_seq_begin(const struct xecam_seq *s)
{
    return xecam_load_acquire(s->seq);
}

/* Did what was read since 'start' see a writer? */
static inline bool xecam_seq_retry(const struct xecam_seq *s,
                                   unsigned int start)
{
    xecam_seq_fence(acquire);

    return (start & 1) || xecam_read_once(s->seq) != start;
}

static inline void xecam_seq_write_begin(struct xecam_seq *s)
{
    xecam_write_once(s->seq, s->seq + 1);
    xecam_seq_fence(release);
}

static inline void xecam_seq_write_end(struct xecam_seq *s)
{
    xecam_store_release(s->seq, s->seq + 1);
}

#endif /* XECAM_SEQCOUNT_H */
