/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xecam_log_line(): every message the ports log is one whole line, however
 * long it is and whatever it holds, in the Xen port's 192-byte buffer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "helpers.h"
#include <xecam/logline.h>

#define XEN_BUF 192

static void one_line(const char *buf, size_t size)
{
    size_t len = strlen(buf);

    assert_true(len >= 1 && len < size);
    assert_int_equal(buf[len - 1], '\n');
    assert_null(memchr(buf, '\n', len - 1));
}

static void fmt(char *buf, size_t size, const char *f, ...)
{
    va_list ap;
    int n;

    va_start(ap, f);
    n = vsnprintf(buf, size, f, ap);
    va_end(ap);
    xecam_log_line(buf, size, n);
}

static void test_short_line_unchanged(void **state)
{
    char buf[XEN_BUF];

    fmt(buf, sizeof(buf), "d%u: ECAM segment %04x placed\n", 1, 0);
    assert_string_equal(buf, "d1: ECAM segment 0000 placed\n");
}

static void test_long_line_cut_with_newline(void **state)
{
    char buf[XEN_BUF], name[400];
    unsigned int len;

    memset(name, 'x', sizeof(name) - 1);
    name[sizeof(name) - 1] = '\0';
    for ( len = XEN_BUF - 8; len < XEN_BUF + 8; len++ )
    {
        fmt(buf, sizeof(buf), "%.*s\n", (int)len, name);
        one_line(buf, sizeof(buf));
        if ( len + 1 >= XEN_BUF - 1 )
            assert_memory_equal(buf + XEN_BUF - 5, "...\n", 4);
        else
            assert_int_equal(strlen(buf), len + 1);
    }
}

static void test_missing_newline_added(void **state)
{
    char buf[XEN_BUF];

    fmt(buf, sizeof(buf), "no newline");
    assert_string_equal(buf, "no newline\n");
    fmt(buf, sizeof(buf), "%s", "");
    assert_string_equal(buf, "\n");
}

static void test_inner_newlines_and_controls(void **state)
{
    char buf[XEN_BUF];

    fmt(buf, sizeof(buf), "a\nb\rc\033[2Jd\x7f\n");
    assert_string_equal(buf, "a?b?c?[2Jd?\n");
    one_line(buf, sizeof(buf));
}

/* Through the userspace port: what the log keeps is one line each. */
static void test_port_keeps_one_line(void **state)
{
    char big[1000];

    memset(big, 'y', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    xecam_user_log_clear();
    xecam_port_log(XECAM_LOG_WARN, "%s\n", big);
    xecam_port_log(XECAM_LOG_WARN, "two\nlines\n");
    assert_int_equal(xecam_user_log_lines(), 2);
    one_line(xecam_user_log_line(0), 512);
    assert_int_equal(xecam_user_log_count("...\n"), 1);
    assert_int_equal(xecam_user_log_count("two?lines\n"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_short_line_unchanged),
        cmocka_unit_test(test_long_line_cut_with_newline),
        cmocka_unit_test(test_missing_newline_added),
        cmocka_unit_test(test_inner_newlines_and_controls),
        cmocka_unit_test(test_port_keeps_one_line),
    };

    return cmocka_run_group_tests_name("logline", tests, NULL, NULL);
}
