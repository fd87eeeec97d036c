/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The driver of every harness outside libFuzzer: reproducers, AFL++ and
 * the coverage build.  Each argument is an input file or a directory of
 * them (not recursive); with no argument, one input comes from standard
 * input (AFL++: `afl-fuzz -i seeds -o out -- build/fuzz/NAME-repro`, or
 * with @@).  Returns non-zero only if an input cannot be read: a harness
 * that finds a bug aborts.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run(FILE *f, const char *name)
{
    uint8_t *buf = NULL, *n;
    size_t cap = 0, len = 0, got;

    do
    {
        if ( len == cap )
        {
            n = realloc(buf, cap = cap * 2 + 4096);
            if ( !n )
            {
                free(buf);
                return 1;
            }
            buf = n;
        }
        got = fread(buf + len, 1, cap - len, f);
        len += got;
    } while ( got );
    LLVMFuzzerTestOneInput(buf, len);
    free(buf);
    printf("%s: ok\n", name);

    return 0;
}

static int run_path(const char *path)
{
    struct stat st;
    struct dirent *e;
    char sub[4096];
    DIR *d;
    FILE *f;
    int rc = 0;

    if ( stat(path, &st) )
    {
        perror(path);
        return 1;
    }
    if ( !S_ISDIR(st.st_mode) )
    {
        f = fopen(path, "rb");
        if ( !f )
        {
            perror(path);
            return 1;
        }
        rc = run(f, path);
        fclose(f);
        return rc;
    }
    d = opendir(path);
    if ( !d )
    {
        perror(path);
        return 1;
    }
    while ( !rc && (e = readdir(d)) )
    {
        snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
        if ( e->d_name[0] != '.' && !stat(sub, &st) && S_ISREG(st.st_mode) )
            rc = run_path(sub);
    }
    closedir(d);

    return rc;
}

int main(int argc, char **argv)
{
    int i, rc = 0;

    if ( argc < 2 )
        return run(stdin, "<stdin>");
    for ( i = 1; !rc && i < argc; i++ )
        rc = run_path(argv[i]);

    return rc;
}
