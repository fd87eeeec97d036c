/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ecamctl shell: the replay engine, one line at a time, with line editing
 * and history (libedit).  A bad line is reported and the shell goes on;
 * the exit status is then 2, a malformed line's in replay.
 * Without a terminal it reads standard input quietly, like a trace.
 */
#include <editline/readline.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "replay.h"

static const char help[] =
    "  read  ecam GPA SIZE | pio PORT SIZE | cfg SBDF REG SIZE\n"
    "  write ecam GPA SIZE VAL | pio PORT SIZE VAL | cfg SBDF REG SIZE VAL\n"
    "  vpci GUEST HOST [permissive] [hidden] [norciep]\n"
    "  rootport PORT SECONDARY, server ID, claim ID SBDF[-SBDF],\n"
    "  emulate ID GUEST HOST, window SEG FIRST-LAST BASE, ram BASE SIZE\n"
    "  hotplug add PORT HOST [permissive] [hidden] [norciep]\n"
    "  hotplug button PORT, hotplug remove PORT [surprise]\n"
    "  window SEG remove [as toolstack|guest|ID], deassign GUEST,\n"
    "  fail KIND N | fail off, xsm refuse HOOK..., timeout MS,\n"
    "  misbehave ID silent|late MS|state|addr|size|count|type|dir V|"
    "data-is-ptr|well [N]\n"
    "  help, quit (or end of input)\n";

/* The next line, malloc'd, and its length in bytes (NUL bytes included). */
static char *next_line(bool tty, size_t *len)
{
    static char *buf;
    static size_t cap;
    ssize_t n;
    char *line;

    if ( tty )
    {
        line = readline("ecam> ");
        *len = line ? strlen(line) : 0;
        return line;
    }
    if ( (n = getline(&buf, &cap, stdin)) < 0 )
    {
        free(buf);
        buf = NULL;
        return NULL;
    }
    line = malloc(n + 1);
    if ( !line )
    {
        fprintf(stderr, "%s: out of memory\n", cli_prog);
        return NULL;
    }
    memcpy(line, buf, n + 1);
    *len = n;

    return line;
}

int shell(struct session *s)
{
    bool tty = isatty(STDIN_FILENO);
    size_t len;
    char *line;
    int errors = 0;

    s->pos.file = "shell";
    s->dir = ".";
    if ( tty )
        printf("ecamctl shell: 'help' lists the commands\n");
    while ( (line = next_line(tty, &len)) )
    {
        s->pos.line++;
        if ( len && line[len - 1] == '\n' )
            line[--len] = '\0';
        if ( tty && *line )
            add_history(line);
        if ( !strcmp(line, "quit") || !strcmp(line, "exit") )
        {
            free(line);
            break;
        }
        if ( !strcmp(line, "help") )
            fputs(help, stdout);
        else if ( replay_text(s, line, len) )
            errors++;
        fflush(stdout);
        free(line);
    }

    return errors ? CLI_USAGE : CLI_DONE;
}
