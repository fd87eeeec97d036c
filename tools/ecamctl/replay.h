/* SPDX-License-Identifier: GPL-2.0-only */
/* ecamctl replay: the session and its device models. */
#ifndef ECAMCTL_REPLAY_H
#define ECAMCTL_REPLAY_H

#include <pthread.h>

#include <xecam/user.h>
#include <xecam/vpci.h>

#include "ecamctl.h"

#define DM_LOG_MAX 16

struct emu_dev {
    uint32_t sbdf;
    uint8_t cfg[XECAM_CFG_SIZE];
};

/* One ioreq server and the device model thread behind it. */
/* How the device model answers (misbehave): well, or as a hostile one. */
enum dm_mode {
    DM_WELL,
    DM_SILENT,                      /* never: the request stays in process */
    DM_LATE,                        /* after 'arg' ms */
    DM_STATE,                       /* the slot's state := arg */
    DM_ADDR,                        /* the request's fields := arg */
    DM_SIZE,
    DM_COUNT,
    DM_TYPE,
    DM_DIR,
    DM_DATA_IS_PTR,
};

struct dm_ctx {
    unsigned int id;
    struct xecam_user_dm *dm;
    pthread_mutex_t lock;
    enum dm_mode mode;
    uint64_t arg;
    unsigned long left;             /* requests still to misbehave on */
    unsigned int nr_emu;
    struct emu_dev *emu;
    unsigned int nr_log;
    ioreq_t log[DM_LOG_MAX];
};

int  dm_ctx_start(struct dm_ctx *c, domid_t domid, unsigned int id);
void dm_ctx_stop(struct dm_ctx *c);
/* The device model answers for 'sbdf' from a copy of 'cfg' (4 KiB). */
int  dm_ctx_emulate(struct dm_ctx *c, uint32_t sbdf, const uint8_t *cfg);
/* Misbehave on the next 'count' requests (~0UL: until told otherwise). */
void dm_ctx_misbehave(struct dm_ctx *c, enum dm_mode mode, uint64_t arg,
                      unsigned long count);
/* Requests seen since the last call. */
unsigned int dm_ctx_take_log(struct dm_ctx *c, ioreq_t *out,
                             unsigned int max);

#define GUEST_ID   1
#define MAX_TOK    8
#define MAX_PLACED 64

/* A host function the config assigned, and where the guest sees it. */
struct placed {
    uint32_t guest, host;
};

struct session {
    struct src_pos pos;
    const char *dir;                /* of the trace, for host FILE */
    bool json;
    unsigned int dom_flags;
    uint16_t seg;                   /* the config's ECAM segment */
    struct xecam_domain *d;
    struct dm_ctx dm[XECAM_MAX_SERVERS];
    struct placed placed[MAX_PLACED];   /* the first ones (guest_from_config) */
    unsigned int nr_placed;
    unsigned int nr_tok;
    char *tok[MAX_TOK];
    unsigned int col[MAX_TOK];
};

struct directive {
    const char *name;
    unsigned int min_args, max_args;
    int (*run)(struct session *s);
};

/* control.c: the host's and the toolstack's other moves, and attacks. */
int do_fail(struct session *s);
int do_deassign(struct session *s);
int do_xsm(struct session *s);
int do_misbehave(struct session *s);
int do_timeout(struct session *s);
struct dm_ctx *dm_of(struct session *s, uint64_t id);

/* Report token t as malformed; -1. */
int bad(struct session *s, unsigned int t, const char *what);
int num_arg(struct session *s, unsigned int t, uint64_t *v);
int bdf_arg(struct session *s, unsigned int t, uint32_t *sbdf);
/* A loaded host function; its config space into cfg (4 KiB) if asked. */
int host_arg(struct session *s, unsigned int t, uint32_t *sbdf, uint8_t *cfg);
/* Assignment options (permissive, hidden, norciep) from token t on. */
struct assign_req {
    struct xecam_assign_opts o;
    struct xecam_cap_override ov[MAX_TOK];
};
int assign_opts(struct session *s, unsigned int t, struct assign_req *r);
/* Print the outcome of a set-up directive. */
void say(struct session *s, const char *what, long rc);

/* guest.c: the guest an xl config describes (hosts already loaded). */
int guest_from_config(struct session *s, const char *path);
/* The host function behind guest function 'guest', as the config put it. */
int guest_host_of(const struct session *s, uint32_t guest, uint32_t *host);
/* Host devices from lspci dumps, or "sysfs" (read-only); 0 or -1, said. */
int load_hosts(const char *const *hosts, unsigned int nr);
/* view.c: print what the guest sees; the exit status. */
int view(struct session *s, bool as_diff);
/* replay.c: one line of a trace (0, or -1 once reported). */
int replay_line(struct session *s, char *line);
/* The same for a line read as len bytes: one with a NUL byte is refused. */
int replay_text(struct session *s, char *line, size_t len);
int replay_session(struct session *s, const char *trace);
/* shell.c: lines from the terminal; the exit status. */
int shell(struct session *s);
void session_end(struct session *s);

/* access.c */
/* access.c: one access through the module's handlers; false if none. */
bool module_perform(struct xecam_domain *d, bool pio, bool write,
                    uint64_t addr, unsigned int size, uint64_t *val);
int do_read(struct session *s);
int do_write(struct session *s);
/*
 * What the module asked of the host since the last call, and the MSIs the
 * guest got from a Root Port's slot: lines (text), or a ,"msis":[...]
 * member (JSON, inside the caller's object).
 */
void report_events(const struct session *s);

/* hotplug.c: hotplug add|button|remove, through a Root Port's slot. */
int do_hotplug(struct session *s);

#endif /* ECAMCTL_REPLAY_H */
