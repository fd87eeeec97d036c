/* SPDX-License-Identifier: GPL-2.0-only */
/* ecamctl and kvmecam: the command line, and the files it names. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* From `git describe` at build time (Makefile), else a VERSION file's. */
#ifndef XECAM_VERSION
#define XECAM_VERSION "0.0-unknown"
#endif

const char *cli_prog = "ecamctl";

static void general_usage(const struct cli *cli, FILE *f)
{
    unsigned int i;

    fputs(cli->head, f);
    for ( i = 0; i < cli->nr_cmds; i++ )
        fprintf(f, "  %-8s %s\n", cli->cmds[i].name, cli->cmds[i].summary);
    fputs(cli->tail, f);
}

int cli_error(const struct cli *cli, const struct cli_cmd *cmd,
              const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s: ", cli->prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s%s%s --help'.\n", cli->prog, cmd ? " " : "",
            cmd ? cmd->name : "");

    return CLI_USAGE;
}

static const struct cli_cmd *find_cmd(const struct cli *cli, const char *name)
{
    unsigned int i;

    for ( i = 0; i < cli->nr_cmds; i++ )
        if ( !strcmp(cli->cmds[i].name, name) )
            return &cli->cmds[i];

    return NULL;
}

/* PROG help [COMMAND], PROG --help [COMMAND] */
static int help(const struct cli *cli, int argc, char **argv)
{
    const struct cli_cmd *cmd;

    if ( argc > 3 )
        return cli_error(cli, NULL, "unexpected argument '%s'", argv[3]);
    if ( argc < 3 )
    {
        general_usage(cli, stdout);
        return CLI_DONE;
    }
    cmd = find_cmd(cli, strcmp(argv[2], "-h") && strcmp(argv[2], "--help")
                        ? argv[2] : "help");
    if ( !cmd )
        return cli_error(cli, NULL, "'%s' is not a command", argv[2]);
    fputs(cmd->usage, stdout);

    return CLI_DONE;
}

static int option(const struct cli *cli, const struct cli_cmd *cmd,
                  int argc, char **argv, int *i, struct cli_args *a)
{
    const char *arg = argv[*i], *eq = strchr(arg, '='), *val = NULL;
    int len = eq ? eq - arg : (int)strlen(arg);
    unsigned int o;

    for ( o = 0; o < cli->nr_opts; o++ )
        if ( !strncmp(cli->opts[o].name, arg, len) &&
             !cli->opts[o].name[len] )
            break;
    if ( o == cli->nr_opts )
        return cli_error(cli, cmd, "unknown option '%.*s'", len, arg);
    if ( !(cmd->opts & (1UL << o)) )
        return cli_error(cli, cmd, "%s has no %.*s option", cmd->name, len,
                         arg);
    if ( cli->opts[o].value )
    {
        val = eq ? eq + 1 : *i + 1 < argc ? argv[++*i] : NULL;
        if ( !val )
            return cli_error(cli, cmd, "option '%s' needs a value", arg);
    }
    else if ( eq )
        return cli_error(cli, cmd, "option '%.*s' takes no value", len, arg);
    a->given |= 1UL << o;

    return cli->set(cli->ctx, cmd, o, val);
}

int cli_parse(const struct cli *cli, int argc, char **argv,
              struct cli_args *a)
{
    const char *first = argc > 1 ? argv[1] : NULL;
    const struct cli_cmd *cmd;
    bool dashdash = false;
    int i, rc;

    cli_prog = cli->prog;
    if ( !first )
    {
        general_usage(cli, stderr);
        return CLI_USAGE;
    }
    if ( !strcmp(first, "help") || !strcmp(first, "--help") ||
         !strcmp(first, "-h") )
        return help(cli, argc, argv);
    if ( !strcmp(first, "--version") )
    {
        printf("%s version %s\n", cli->prog, XECAM_VERSION);
        return CLI_DONE;
    }
    if ( first[0] == '-' )
        return cli_error(cli, NULL, "unknown option '%s'", first);
    cmd = find_cmd(cli, first);
    if ( !cmd )
        return cli_error(cli, NULL, "'%s' is not a command", first);

    memset(a, 0, sizeof(*a));
    a->cmd = cmd;
    for ( i = 2; i < argc; i++ )
    {
        const char *arg = argv[i];

        if ( !dashdash && !strcmp(arg, "--") )
            dashdash = true;
        else if ( !dashdash && (!strcmp(arg, "-h") || !strcmp(arg, "--help")) )
        {
            fputs(cmd->usage, stdout);
            return CLI_DONE;
        }
        else if ( !dashdash && arg[0] == '-' && arg[1] )
        {
            rc = option(cli, cmd, argc, argv, &i, a);
            if ( rc )
                return rc;
        }
        else if ( a->nr < cmd->max_args )
            a->arg[a->nr++] = arg;
        else
            return cli_error(cli, cmd, "unexpected argument '%s'", arg);
    }
    if ( a->nr < cmd->min_args )
        return cli_error(cli, cmd, "%s needs %s", cmd->name, cmd->needs);

    return CLI_RUN;
}

int cli_finish(int rc)
{
    if ( fflush(stdout) )
        fprintf(stderr, "%s: standard output: %s\n", cli_prog,
                strerror(errno));
    else if ( ferror(stdout) )
        fprintf(stderr, "%s: standard output: write error\n", cli_prog);
    else
        return rc;

    return rc ?: CLI_FAILED;
}

/* The stream can be read and has something: NULL, or why not. */
static const char *readable(FILE *f)
{
    struct stat st;
    int c;

    if ( !fstat(fileno(f), &st) && S_ISDIR(st.st_mode) )
        return strerror(EISDIR);
    errno = 0;
    c = getc(f);
    if ( c == EOF )
        return ferror(f) ? strerror(errno ?: EIO) : "empty file";
    ungetc(c, f);

    return NULL;
}

const char *input_why(const char *path, FILE **fp)
{
    bool std = fp && !strcmp(path, "-");
    FILE *f = std ? stdin : fopen(path, "r");
    const char *why = f ? readable(f) : strerror(errno);

    if ( f && f != stdin && (why || !fp) )
        fclose(f);
    if ( fp )
        *fp = why ? NULL : f;

    return why;
}

static void said(const char *path, const char *why)
{
    fprintf(stderr, "%s: %s: %s\n", cli_prog,
            strcmp(path, "-") ? path : "standard input", why);
}

FILE *input_open(const char *path)
{
    FILE *f;
    const char *why = input_why(path, &f);

    if ( why )
        said(path, why);

    return f;
}

int input_check(const char *path)
{
    const char *why = input_why(path, NULL);

    if ( why )
        said(path, why);

    return why ? -1 : 0;
}

int output_check(const char *path)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    bool created = false;

    if ( fd < 0 && errno == ENOENT )
    {
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        created = fd >= 0;
    }
    if ( fd < 0 )
    {
        said(path, strerror(errno));
        return -1;
    }
    close(fd);
    if ( created )
        unlink(path);

    return 0;
}
