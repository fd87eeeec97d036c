/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fuzz the two parsers of untrusted text: host dumps (lspci -x/-xxx/-xxxx
 * and -v, xecam_user_load_lspci) and ecamctl's xl domain configs (xl_parse,
 * then pci_spec_parse on every entry of pci = [ ... ]).  The first byte of
 * an input picks the parser, the rest is the file:
 *
 *  - even: an lspci dump.  On success every loaded function reads back
 *    with xecam_user_pdev_peek; on failure the error is
 *    "path:line:col: reason" (line within the file, col within the input),
 *    NUL-terminated, never longer than the buffer
 *    (bits 1-2 set: a short buffer, which must hold a prefix of that).
 *  - odd: an xl config, up to its first NUL (ecamctl refuses a config
 *    with one before it parses).  On success every key is a non-empty
 *    identifier, every value is well formed (lists: items when nr > 0;
 *    lines and columns in range); a
 *    parsed PCI_SPEC_STRING has its slot, flags and BDF in range; the
 *    tool's BDF and number helpers stay within any string value.
 *
 * Everything is freed after each input (LeakSanitizer checks).  The
 * parsers' messages go to stderr: under libFuzzer it is /dev/null (the
 * harness adds -close_fd_mask=2 first on the command line: libFuzzer dup2s
 * /dev/null over fd 2 and keeps its own output and the sanitizers' reports
 * on a copy; pass -close_fd_mask=0 to see them).  The standalone
 * reproducer keeps them.
 *
 * Built with libFuzzer (make fuzz) or as a reproducer that runs files.
 */
#define _GNU_SOURCE                     /* memfd_create */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xecam/pci.h>
#include <xecam/user.h>
#include <xecam/vpci.h>

#include "xlcfg.h"

#define MAX_FNS     1024                /* more than the port holds */
#define SPEC_FLAGS  (XECAM_ASSIGN_PERMISSIVE | XECAM_ASSIGN_HIDDEN | \
                     XECAM_ASSIGN_NO_RCIEP)

/* ---- lspci dumps: written to an anonymous file, read by path. ---- */

static int dump_fd = -1;
static char dump_path[64];

static void dump_open(void)
{
    char tmpl[] = "/tmp/fuzz_parsers.XXXXXX";

    dump_fd = memfd_create("fuzz_parsers.lspci", 0);
    if ( dump_fd < 0 )
    {
        /* No memfd: an unlinked file, still open through /proc. */
        dump_fd = mkstemp(tmpl);
        if ( dump_fd >= 0 )
            unlink(tmpl);
    }
    if ( dump_fd < 0 )
    {
        perror("fuzz_parsers: no temporary file");
        abort();
    }
    snprintf(dump_path, sizeof(dump_path), "/proc/self/fd/%d", dump_fd);
}

static void dump_write(const uint8_t *data, size_t size)
{
    size_t done = 0;
    ssize_t n;

    if ( ftruncate(dump_fd, 0) )
        abort();
    while ( done < size )
    {
        n = pwrite(dump_fd, data + done, size - done, done);
        if ( n < 0 && errno == EINTR )
            continue;
        if ( n <= 0 )
            abort();
        done += n;
    }
}

/* Lines as getline() counts them. */
static unsigned int count_lines(const uint8_t *data, size_t size)
{
    unsigned int n = 0;
    size_t i;

    for ( i = 0; i < size; i++ )
        n += data[i] == '\n';

    return n + (size && data[size - 1] != '\n');
}

/*
 * 'err' is "path:LINE:COLUMN: reason" with LINE in [1, lines] and COLUMN
 * in [1, size + 1]; a short buffer holds as much of it as fits.
 */
static void check_dump_err(const char *err, size_t errlen,
                           unsigned int lines, size_t size)
{
    size_t plen = strlen(dump_path), elen;
    unsigned long line, col;
    char *e;

    if ( !memchr(err, '\0', errlen) )
        abort();
    elen = strlen(err);
    if ( strncmp(err, dump_path, elen < plen ? elen : plen) )
        abort();
    if ( elen < errlen - 1 && elen <= plen )
        abort();                        /* cut short, yet room left */
    if ( elen <= plen )
        return;
    if ( err[plen] != ':' )
        abort();
    if ( elen < errlen - 1 )            /* not truncated: all of it */
    {
        line = strtoul(err + plen + 1, &e, 10);
        if ( e == err + plen + 1 || line < 1 || line > lines || *e != ':' )
            abort();
        col = strtoul(e + 1, &e, 10);
        if ( col < 1 || col > size + 1 || strncmp(e, ": ", 2) || !e[2] )
            abort();
    }
}

static void fuzz_lspci(uint8_t how, const uint8_t *data, size_t size)
{
    static uint32_t sbdf[MAX_FNS];
    static uint8_t cfg[XECAM_CFG_SIZE];
    size_t errlen = (how & 6) == 6 ? 1 + (how >> 3) % 24 : 512;
    char *err = malloc(errlen);         /* exactly: ASan sees overruns */
    unsigned int i, n;
    int rc;

    if ( !err )
        return;
    memset(err, 0x5a, errlen);
    dump_write(data, size);
    rc = xecam_user_load_lspci(dump_path, err, errlen);
    if ( !rc )
    {
        n = xecam_user_pdev_list(sbdf, MAX_FNS);
        if ( n >= MAX_FNS )
            abort();
        for ( i = 0; i < n; i++ )
            if ( xecam_user_pdev_peek(sbdf[i], 0, cfg, sizeof(cfg)) )
                abort();
    }
    else
    {
        if ( rc > 0 || rc <= -4096 )
            abort();
        check_dump_err(err, errlen, count_lines(data, size), size);
    }
    free(err);
    xecam_user_reset();
}

/* ---- xl configs and PCI_SPEC_STRINGs. ---- */

static const char cfg_path[] = "fuzz.cfg";
static unsigned int cfg_lines;          /* of the text being parsed */

static void check_pos(unsigned int line, unsigned int col)
{
    if ( line < 1 || line > cfg_lines || col < 1 )
        abort();
}

/* The tool's helpers on a string value: 'end' stays within it. */
static void check_helpers(const char *str)
{
    const char *end, *nul = str + strlen(str);
    uint32_t sbdf;
    uint64_t num;

    if ( parse_bdf(str, &sbdf, &end) && (end <= str || end > nul) )
        abort();
    if ( parse_u64(str, &num, &end) && (end <= str || end > nul) )
        abort();
}

static void check_value(const struct xl_value *v)
{
    unsigned int i;

    check_pos(v->line, v->col);
    switch ( v->kind )
    {
    case XL_NUMBER:
        if ( v->str || v->nr || v->items )
            abort();
        break;
    case XL_STRING:
        if ( !v->str || v->nr || v->items || strchr(v->str, '\n') )
            abort();
        check_helpers(v->str);
        break;
    case XL_LIST:
        if ( v->str || (v->nr && !v->items) )
            abort();
        for ( i = 0; i < v->nr; i++ )
            check_value(&v->items[i]);
        break;
    default:
        abort();
    }
}

static void check_setting(const struct xl_setting *s)
{
    const char *k = s->key;

    if ( !k || !*k )
        abort();
    for ( ; *k; k++ )
        if ( !isalnum((unsigned char)*k) && *k != '_' )
            abort();
    check_pos(s->line, s->col);
    check_value(&s->val);
}

static void check_spec(const struct xl_value *v, const struct pci_spec *s)
{
    if ( s->vslot < -1 || s->vslot > 31 || (s->flags & ~SPEC_FLAGS) ||
         (s->all_fns && (s->host & 7)) || s->line != v->line ||
         s->col != v->col )
        abort();
}

static void fuzz_xl(const uint8_t *data, size_t size)
{
    const struct xl_setting *last = NULL;
    struct xl_config cfg;
    struct pci_spec spec;
    unsigned int j;
    size_t i, len;
    char *text;

    /* The text ends at its first NUL, as ecamctl reads it (getdelim). */
    len = strnlen((const char *)data, size);
    text = malloc(len + 1);             /* exactly: ASan sees overreads */
    if ( !text )
        return;
    memcpy(text, data, len);
    text[len] = '\0';
    cfg_lines = 1;
    for ( i = 0; i < len; i++ )
        cfg_lines += text[i] == '\n';

    if ( xl_parse(cfg_path, text, &cfg) )
    {
        /* A failed parse leaves nothing to free (xlcfg.h). */
        if ( cfg.nr || cfg.set )
            abort();
        xl_free(&cfg);                  /* and freeing nothing is fine */
        free(text);
        return;
    }
    if ( cfg.path != cfg_path || (cfg.nr && !cfg.set) )
        abort();
    for ( i = 0; i < cfg.nr; i++ )
    {
        const struct xl_setting *s = &cfg.set[i];

        check_setting(s);
        if ( strcmp(s->key, "pci") )
            continue;
        last = s;
        if ( s->val.kind != XL_LIST )
            continue;
        for ( j = 0; j < s->val.nr; j++ )
            if ( !pci_spec_parse(&cfg, &s->val.items[j], &spec) )
                check_spec(&s->val.items[j], &spec);
    }
    if ( xl_get(&cfg, "pci") != last )  /* the last one wins */
        abort();
    xl_free(&cfg);
    if ( cfg.nr || cfg.set )
        abort();
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if ( !size )
        return 0;
    if ( dump_fd < 0 )
        dump_open();
    if ( data[0] & 1 )
        fuzz_xl(data + 1, size - 1);
    else
        fuzz_lspci(data[0], data + 1, size - 1);

    return 0;
}

#ifndef XECAM_FUZZ_STANDALONE
int LLVMFuzzerInitialize(int *argc, char ***argv);

/*
 * Put -close_fd_mask=2 first, so that a later one on the command line
 * wins: libFuzzer then dup2s /dev/null over stderr once, at startup.
 */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static char quiet[] = "-close_fd_mask=2";
    static char **args;
    int i;

    args = calloc(*argc + 2, sizeof(*args));
    if ( !args )
        return 0;
    args[0] = (*argv)[0];
    args[1] = quiet;
    for ( i = 1; i < *argc; i++ )
        args[i + 1] = (*argv)[i];
    *argv = args;
    (*argc)++;

    return 0;
}
#endif
