/*
 * The NBD export driven by libnbd, the C client library: every option and
 * command, the errors bad requests get, and the connection staying usable
 * after them. Run by test-nbd-clients.sh against nbd-test-server:
 * NBD_RW_SOCK serves the writable export "disk0" (cache none, so the
 * guest sees a write cache), NBD_RO_SOCK the read-only export "disk1".
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include <libnbd.h>

#include "tests/common/check-run.h"

#define MIB (1024 * 1024)

static const char *rw_sock;
static const char *ro_sock;

#define ck_nbd(expr) \
    ck_assert_msg((expr) != -1, "%s: %s", #expr, nbd_get_error())

/* The call failed, with the errno the server's NBD error maps to. */
#define ck_nbd_errno(expr, want) do { \
        ck_assert_msg((expr) == -1, "%s succeeded", #expr); \
        ck_assert_msg(nbd_get_errno() == (want), "%s: errno %d (%s), want %d", \
                      #expr, nbd_get_errno(), nbd_get_error(), (want)); \
    } while (0)

static struct nbd_handle *
open_handle(const char *sock, const char *name, bool structured)
{
    struct nbd_handle *h = nbd_create();

    ck_assert_ptr_nonnull(h);
    ck_nbd(nbd_set_export_name(h, name));
    ck_nbd(nbd_set_request_structured_replies(h, structured));
    /* Let bad requests reach the server: it is the one under test. */
    ck_nbd(nbd_set_strict_mode(h, 0));
    ck_nbd(nbd_connect_unix(h, sock));
    return h;
}

static struct nbd_handle *
open_rw(void)
{
    return open_handle(rw_sock, "disk0", true);
}

static void
close_handle(struct nbd_handle *h)
{
    ck_nbd(nbd_shutdown(h, 0));
    nbd_close(h);
}

/* The connection still works: a write and a read that sees it. */
static void
still_usable(struct nbd_handle *h)
{
    char out[512], in[512];

    memset(out, 0x5a, sizeof(out));
    ck_nbd(nbd_pwrite(h, out, sizeof(out), 8192, 0));
    ck_nbd(nbd_pread(h, in, sizeof(in), 8192, 0));
    ck_assert_mem_eq(in, out, sizeof(in));
}

START_TEST(test_negotiated)
{
    struct nbd_handle *h = open_rw();

    ck_assert_int_eq(nbd_get_size(h), 64 * MIB);
    ck_assert_int_eq(nbd_get_structured_replies_negotiated(h), 1);
    ck_assert_int_eq(nbd_is_read_only(h), 0);
    ck_assert_int_eq(nbd_can_flush(h), 1);
    ck_assert_int_eq(nbd_can_fua(h), 1);
    ck_assert_int_eq(nbd_can_trim(h), 1);
    ck_assert_int_eq(nbd_can_zero(h), 1);
    ck_assert_int_eq(nbd_can_multi_conn(h), 1);
    ck_assert_int_eq(nbd_can_df(h), 0);
    ck_assert_int_eq(nbd_can_cache(h), 0);
    ck_assert_int_eq(nbd_get_block_size(h, LIBNBD_SIZE_MINIMUM), 1);
    ck_assert_int_eq(nbd_get_block_size(h, LIBNBD_SIZE_PREFERRED), 4096);
    ck_assert_int_eq(nbd_get_block_size(h, LIBNBD_SIZE_MAXIMUM), 32 * MIB);
    close_handle(h);
}
END_TEST

START_TEST(test_read_write_fua_flush)
{
    struct nbd_handle *h = open_rw();
    size_t len = MIB;
    char *out = malloc(len), *in = malloc(len);

    for (size_t i = 0; i < len; i++)
        out[i] = (char)(i * 7 + 3);
    ck_nbd(nbd_pwrite(h, out, len, 4 * MIB, LIBNBD_CMD_FLAG_FUA));
    ck_nbd(nbd_pread(h, in, len, 4 * MIB, 0));
    ck_assert_mem_eq(in, out, len);
    ck_nbd(nbd_pwrite(h, out, 8192, 0, 0));
    ck_nbd(nbd_flush(h, 0));
    /* Unaligned: the minimum block size is 1. */
    ck_nbd(nbd_pwrite(h, "abc", 3, 4097, 0));
    ck_nbd(nbd_pread(h, in, 5, 4096, 0));
    ck_assert_int_eq(in[0], out[4096]);
    ck_assert_mem_eq(in + 1, "abc", 3);
    ck_assert_int_eq(in[4], out[4100]);
    /* The largest request there is. */
    out = realloc(out, 32 * MIB);
    in = realloc(in, 32 * MIB);
    memset(out, 0xc3, 32 * MIB);
    ck_nbd(nbd_pwrite(h, out, 32 * MIB, 32 * MIB, 0));
    ck_nbd(nbd_pread(h, in, 32 * MIB, 32 * MIB, 0));
    ck_assert(memcmp(in, out, 32 * MIB) == 0);
    free(out);
    free(in);
    close_handle(h);
}
END_TEST

START_TEST(test_trim_and_zero)
{
    struct nbd_handle *h = open_rw();
    char buf[65536], zero[65536] = { 0 };

    memset(buf, 0xee, sizeof(buf));
    ck_nbd(nbd_pwrite(h, buf, sizeof(buf), 10 * MIB, 0));
    ck_nbd(nbd_zero(h, sizeof(buf), 10 * MIB, LIBNBD_CMD_FLAG_NO_HOLE));
    ck_nbd(nbd_pread(h, buf, sizeof(buf), 10 * MIB, 0));
    ck_assert_mem_eq(buf, zero, sizeof(buf));
    ck_nbd(nbd_zero(h, 4096, 11 * MIB, LIBNBD_CMD_FLAG_FUA));
    ck_nbd(nbd_trim(h, sizeof(buf), 12 * MIB, 0));
    ck_nbd(nbd_trim(h, sizeof(buf), 12 * MIB, LIBNBD_CMD_FLAG_FUA));
    still_usable(h);
    close_handle(h);
}
END_TEST

START_TEST(test_simple_replies)
{
    struct nbd_handle *h = open_handle(rw_sock, "disk0", false);
    char out[4096], in[4096];

    ck_assert_int_eq(nbd_get_structured_replies_negotiated(h), 0);
    memset(out, 0x11, sizeof(out));
    ck_nbd(nbd_pwrite(h, out, sizeof(out), 20 * MIB, 0));
    ck_nbd(nbd_pread(h, in, sizeof(in), 20 * MIB, 0));
    ck_assert_mem_eq(in, out, sizeof(in));
    /* An error on a simple READ carries no payload: the stream stays in step. */
    ck_nbd_errno(nbd_pread(h, in, sizeof(in), 64 * MIB, 0), EINVAL);
    still_usable(h);
    close_handle(h);
}
END_TEST

START_TEST(test_out_of_range)
{
    struct nbd_handle *h = open_rw();
    char buf[4096] = { 0 };

    ck_nbd(nbd_pread(h, buf, 4096, 64 * MIB - 4096, 0));
    ck_nbd_errno(nbd_pread(h, buf, 1, 64 * MIB, 0), EINVAL);
    ck_nbd_errno(nbd_pread(h, buf, 1024, 64 * MIB - 512, 0), EINVAL);
    ck_nbd_errno(nbd_pwrite(h, buf, 512, 64 * MIB, 0), ENOSPC);
    ck_nbd_errno(nbd_pwrite(h, buf, 1024, 64 * MIB - 512, 0), ENOSPC);
    ck_nbd_errno(nbd_zero(h, 1024, 64 * MIB - 512, 0), ENOSPC);
    ck_nbd_errno(nbd_trim(h, 1024, 64 * MIB - 512, 0), EINVAL);
    /* offset + length wraps around 2^64. */
    ck_nbd_errno(nbd_pread(h, buf, 4096, UINT64_MAX - 100, 0), EINVAL);
    ck_nbd_errno(nbd_pwrite(h, buf, 4096, UINT64_MAX - 100, 0), ENOSPC);
    still_usable(h);
    close_handle(h);
}
END_TEST

START_TEST(test_oversized)
{
    struct nbd_handle *h = open_rw();
    size_t len = 32 * MIB + 4096;
    char *buf = calloc(1, len);

    ck_nbd_errno(nbd_pread(h, buf, len, 0, 0), EINVAL);
    still_usable(h);
    /* The refused payload is read and dropped, not taken for requests. */
    memset(buf, 0x25, len);   /* 0x25609513 would be a request magic */
    ck_nbd_errno(nbd_pwrite(h, buf, len, 0, 0), EINVAL);
    still_usable(h);
    ck_nbd_errno(nbd_zero(h, len, 0, 0), EINVAL);
    /* TRIM has no maximum. */
    ck_nbd(nbd_trim(h, 48 * MIB, 0, 0));
    still_usable(h);
    free(buf);
    close_handle(h);
}
END_TEST

START_TEST(test_flags_not_offered)
{
    struct nbd_handle *h = open_rw();
    char buf[512];

    /* DF was not advertised (SEND_DF clear). */
    ck_nbd_errno(nbd_pread(h, buf, sizeof(buf), 0, LIBNBD_CMD_FLAG_DF), EINVAL);
    /* FAST_ZERO was not advertised. */
    ck_nbd_errno(nbd_zero(h, 512, 0, LIBNBD_CMD_FLAG_FAST_ZERO), EINVAL);
    still_usable(h);
    close_handle(h);
}
END_TEST

/* Many requests in flight at once; the replies come back in any order. */
START_TEST(test_pipelined)
{
    struct nbd_handle *h = open_rw();
    enum { N = 200, LEN = 65536 };
    char *out = malloc(N * LEN), *in = malloc(N * LEN);

    for (int i = 0; i < N * LEN; i++)
        out[i] = (char)(i / 4096 + i);
    for (int i = 0; i < N; i++)
        ck_nbd(nbd_aio_pwrite(h, out + i * LEN, LEN, (uint64_t)i * LEN,
                              NBD_NULL_COMPLETION, i % 3 ? 0 : LIBNBD_CMD_FLAG_FUA));
    while (nbd_aio_in_flight(h) > 0)
        ck_nbd(nbd_poll(h, -1));
    for (int i = 0; i < N; i++)
        ck_nbd(nbd_aio_pread(h, in + i * LEN, LEN, (uint64_t)i * LEN,
                             NBD_NULL_COMPLETION, 0));
    ck_nbd(nbd_aio_flush(h, NBD_NULL_COMPLETION, 0));
    while (nbd_aio_in_flight(h) > 0)
        ck_nbd(nbd_poll(h, -1));
    for (int64_t c; (c = nbd_aio_peek_command_completed(h)) > 0; )
        ck_assert_int_eq(nbd_aio_command_completed(h, c), 1);
    ck_assert(memcmp(in, out, N * LEN) == 0);
    free(out);
    free(in);
    close_handle(h);
}
END_TEST

static int
list_cb(void *data, const char *name, const char *description)
{
    GString *s = data;

    g_string_append_printf(s, "%s=%s;", name, description);
    return 0;
}

START_TEST(test_list_info_go)
{
    struct nbd_handle *h = nbd_create();
    g_autoptr(GString) seen = g_string_new(NULL);
    char *desc;

    ck_nbd(nbd_set_opt_mode(h, true));
    ck_nbd(nbd_connect_unix(h, rw_sock));
    ck_nbd(nbd_opt_list(h, (nbd_list_callback){ .callback = list_cb, .user_data = seen }));
    ck_assert_str_eq(seen->str, "disk0=test disk;");
    /* INFO on an unknown name fails and negotiation goes on. */
    ck_nbd(nbd_set_export_name(h, "nosuch"));
    ck_assert_int_eq(nbd_opt_info(h), -1);
    ck_nbd(nbd_set_export_name(h, "disk0"));
    ck_nbd(nbd_set_full_info(h, true));
    ck_nbd(nbd_opt_info(h));
    ck_assert_int_eq(nbd_get_size(h), 64 * MIB);
    desc = nbd_get_export_description(h);
    ck_assert_str_eq(desc, "test disk");
    free(desc);
    ck_nbd(nbd_opt_go(h));
    still_usable(h);
    close_handle(h);
}
END_TEST

START_TEST(test_abort)
{
    struct nbd_handle *h = nbd_create();

    ck_nbd(nbd_set_opt_mode(h, true));
    ck_nbd(nbd_connect_unix(h, rw_sock));
    ck_nbd(nbd_opt_abort(h));
    nbd_close(h);
}
END_TEST

START_TEST(test_default_export_name)
{
    struct nbd_handle *h = open_handle(rw_sock, "", true);

    ck_assert_int_eq(nbd_get_size(h), 64 * MIB);
    still_usable(h);
    close_handle(h);
}
END_TEST

START_TEST(test_unknown_export_refused)
{
    struct nbd_handle *h = nbd_create();

    ck_nbd(nbd_set_export_name(h, "nosuch"));
    ck_assert_int_eq(nbd_connect_unix(h, rw_sock), -1);
    nbd_close(h);
}
END_TEST

/* CAN_MULTI_CONN: what one connection wrote, another one reads. */
START_TEST(test_multi_conn)
{
    struct nbd_handle *a = open_rw(), *b = open_rw();
    char out[4096], in[4096];

    memset(out, 0x77, sizeof(out));
    ck_nbd(nbd_pwrite(a, out, sizeof(out), 30 * MIB, 0));
    ck_nbd(nbd_pread(b, in, sizeof(in), 30 * MIB, 0));
    ck_assert_mem_eq(in, out, sizeof(in));
    ck_nbd(nbd_flush(b, 0));
    close_handle(a);
    close_handle(b);
}
END_TEST

START_TEST(test_read_only)
{
    struct nbd_handle *h = open_handle(ro_sock, "disk1", true);
    char buf[4096];

    ck_assert_int_eq(nbd_is_read_only(h), 1);
    ck_assert_int_eq(nbd_can_trim(h), 0);
    ck_assert_int_eq(nbd_can_zero(h), 0);
    ck_nbd(nbd_pread(h, buf, sizeof(buf), 0, 0));
    ck_nbd_errno(nbd_pwrite(h, buf, sizeof(buf), 0, 0), EPERM);
    ck_nbd_errno(nbd_pwrite(h, buf, sizeof(buf), 0, LIBNBD_CMD_FLAG_FUA), EPERM);
    ck_nbd_errno(nbd_trim(h, 4096, 0, 0), EPERM);
    ck_nbd_errno(nbd_zero(h, 4096, 0, 0), EPERM);
    ck_nbd(nbd_pread(h, buf, sizeof(buf), 4096, 0));
    close_handle(h);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("nbd-libnbd");
    TCase *tc = tcase_create("libnbd");

    rw_sock = getenv("NBD_RW_SOCK");
    ro_sock = getenv("NBD_RO_SOCK");
    if (!rw_sock || !ro_sock) {
        fprintf(stderr, "NBD_RW_SOCK and NBD_RO_SOCK must name the test sockets\n");
        return 2;
    }
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_negotiated);
    tcase_add_test(tc, test_read_write_fua_flush);
    tcase_add_test(tc, test_trim_and_zero);
    tcase_add_test(tc, test_simple_replies);
    tcase_add_test(tc, test_out_of_range);
    tcase_add_test(tc, test_oversized);
    tcase_add_test(tc, test_flags_not_offered);
    tcase_add_test(tc, test_pipelined);
    tcase_add_test(tc, test_list_info_go);
    tcase_add_test(tc, test_abort);
    tcase_add_test(tc, test_default_export_name);
    tcase_add_test(tc, test_unknown_export_refused);
    tcase_add_test(tc, test_multi_conn);
    tcase_add_test(tc, test_read_only);
    suite_add_tcase(s, tc);
    return vd_test_run(s);
}
