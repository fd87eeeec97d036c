/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ecamctl and kvmecam: commands and options in the manner of git, and the
 * files a user names on the command line.
 *
 *   PROG [-h | --help | help] [COMMAND]   usage on stdout, status 0
 *   PROG --version                        "PROG version V", status 0
 *   PROG COMMAND [--opt VAL | --opt=VAL | --flag | ARG]... [--] [ARG]...
 *   PROG COMMAND -h | --help              the command's usage, status 0
 *
 * A usage error says "PROG: what" then "Try 'PROG COMMAND --help'." on
 * stderr, with status CLI_USAGE.
 */
#ifndef ECAMCTL_CLI_H
#define ECAMCTL_CLI_H

#include <stdbool.h>
#include <stdio.h>

/* Exit status, the same for every command. */
#define CLI_DONE    0
#define CLI_FAILED  1               /* could not be done */
#define CLI_USAGE   2               /* usage or input error */
#define CLI_RUN     (-1)            /* parsed: run the command */

#define CLI_MAX_ARGS 4

struct cli_opt {
    const char *name;               /* "--host" */
    bool value;                     /* takes one */
};

struct cli_cmd {
    const char *name;
    const char *summary;            /* one line of the general usage */
    const char *usage;              /* PROG help COMMAND */
    unsigned long opts;             /* bit i: cli.opts[i] applies */
    unsigned int min_args, max_args;
    const char *needs;              /* said when min_args are missing */
};

struct cli {
    const char *prog;
    const char *head, *tail;        /* the general usage: before and after
                                       the list of commands */
    const struct cli_opt *opts;
    unsigned int nr_opts;
    const struct cli_cmd *cmds;
    unsigned int nr_cmds;
    /* Option i with its value (NULL for a flag): 0, or CLI_USAGE said. */
    int (*set)(void *ctx, const struct cli_cmd *cmd, unsigned int i,
               const char *val);
    void *ctx;
};

struct cli_args {
    const struct cli_cmd *cmd;
    unsigned long given;            /* bit i: option i was given */
    unsigned int nr;
    const char *arg[CLI_MAX_ARGS];
};

/* The program's name in messages ("ecamctl"); main sets it. */
extern const char *cli_prog;

/*
 * The command line: CLI_RUN with 'a' filled, or the exit status once the
 * usage, version or error is printed.
 */
int cli_parse(const struct cli *cli, int argc, char **argv,
              struct cli_args *a);
/* "PROG: what" and the hint for the command (or the program); CLI_USAGE. */
int cli_error(const struct cli *cli, const struct cli_cmd *cmd,
              const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Flush stdout: rc, or CLI_FAILED if what was printed was lost. */
int cli_finish(int rc);

/*
 * A file the user named, to be read: open (input_open; "-" is standard
 * input), or checked and closed (input_check).  A file that cannot be
 * opened or read, a directory or an empty file is refused, said as
 * "PROG: FILE: reason" (input_why only returns the reason).
 */
const char *input_why(const char *path, FILE **f);
FILE *input_open(const char *path);
int  input_check(const char *path);
/*
 * A file the user named, to be written later: whether it can be (a new
 * file is not left behind); 0, or -1 said as "PROG: FILE: reason".
 */
int  output_check(const char *path);

#endif /* ECAMCTL_CLI_H */
