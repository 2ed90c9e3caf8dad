/*
 * The handshake state machine fed with client bytes written from the
 * spec, and its output compared byte for byte.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "storage/export/nbd-handshake.h"
#include "storage/export/nbd-policy.h"
#include "tests/common/check-run.h"

static const VdNbdExportInfo info = {
    .name = "disk0",
    .description = "vda of vm1",
    .size = 1u << 20,
    .tflags = 0x016d,    /* HAS_FLAGS SEND_FLUSH SEND_FUA TRIM ZEROES MULTI_CONN */
    .block_min = 1,
    .block_preferred = 4096,
    .block_max = 32u << 20,
};

static GByteArray *
hex(const char *s)
{
    GByteArray *b = g_byte_array_new();

    for (const char *p = s; *p; ) {
        if (*p == ' ' || *p == '|') {
            p++;
            continue;
        }
        guint8 v = (g_ascii_xdigit_value(p[0]) << 4) | g_ascii_xdigit_value(p[1]);
        g_byte_array_append(b, &v, 1);
        p += 2;
    }
    return b;
}

typedef struct {
    VdNbdHandshake *h;
    GByteArray *out;
    VdNbdHandshakeResult last;
    size_t left;        /* input bytes not consumed when it stopped */
} Run;

static void
run_start(Run *r)
{
    r->out = g_byte_array_new();
    r->h = vd_nbd_handshake_new(&info, r->out);
    r->last = VD_NBD_HS_CONTINUE;
    /* The greeting: NBDMAGIC, IHAVEOPT, FIXED_NEWSTYLE | NO_ZEROES. */
    g_autoptr(GByteArray) g = hex("4e42444d41474943 49484156454f5054 0003");
    ck_assert_uint_eq(r->out->len, g->len);
    ck_assert_mem_eq(r->out->data, g->data, g->len);
    g_byte_array_set_size(r->out, 0);
}

static void
run_end(Run *r)
{
    vd_nbd_handshake_free(r->h);
    g_byte_array_unref(r->out);
}

/* Feed client bytes as the connection would: exactly what is wanted. */
static void
feed(Run *r, const char *client_hex)
{
    g_autoptr(GByteArray) in = hex(client_hex);
    size_t pos = 0;

    while (r->last == VD_NBD_HS_CONTINUE) {
        uint8_t *buf;
        size_t len;

        vd_nbd_handshake_want(r->h, &buf, &len);
        ck_assert_uint_gt(len, 0);
        if (in->len - pos < len)
            break;
        if (buf)
            memcpy(buf, in->data + pos, len);
        pos += len;
        r->last = vd_nbd_handshake_advance(r->h, r->out);
    }
    r->left = in->len - pos;
}

static void
expect_out(Run *r, const char *server_hex)
{
    g_autoptr(GByteArray) want = hex(server_hex);

    ck_assert_uint_eq(r->out->len, want->len);
    ck_assert_mem_eq(r->out->data, want->data, want->len);
    g_byte_array_set_size(r->out, 0);
}

#define OPT(code, len) "49484156454f5054 " code " " len " "
#define REP(code, type, len) "0003e889045565a9 " code " " type " " len " "

START_TEST(test_go_default_export)
{
    Run r;

    run_start(&r);
    /* Client flags, then GO for "" asking for NBD_INFO_NAME. */
    feed(&r, "00000001 " OPT("00000007", "00000008") "00000000 0001 0001");
    ck_assert_int_eq(r.last, VD_NBD_HS_TRANSMISSION);
    ck_assert_uint_eq(r.left, 0);
    expect_out(&r,
        REP("00000007", "00000003", "0000000c") "0000 0000000000100000 016d"
        REP("00000007", "00000003", "0000000e") "0003 00000001 00001000 02000000"
        REP("00000007", "00000003", "00000007") "0001 6469736b30"
        REP("00000007", "00000001", "00000000"));
    ck_assert(!vd_nbd_handshake_structured(r.h));
    run_end(&r);
}
END_TEST

START_TEST(test_structured_then_go_by_name)
{
    Run r;

    run_start(&r);
    feed(&r, "00000003 " OPT("00000008", "00000000")
             OPT("00000007", "0000000b") "00000005 6469736b30 0000");
    ck_assert_int_eq(r.last, VD_NBD_HS_TRANSMISSION);
    expect_out(&r,
        REP("00000008", "00000001", "00000000")
        REP("00000007", "00000003", "0000000c") "0000 0000000000100000 016d"
        REP("00000007", "00000003", "0000000e") "0003 00000001 00001000 02000000"
        REP("00000007", "00000001", "00000000"));
    ck_assert(vd_nbd_handshake_structured(r.h));
    run_end(&r);
}
END_TEST

START_TEST(test_info_then_go)
{
    Run r;

    run_start(&r);
    /* INFO asking for the description stays in negotiation. */
    feed(&r, "00000001 " OPT("00000006", "00000008") "00000000 0001 0002");
    ck_assert_int_eq(r.last, VD_NBD_HS_CONTINUE);
    expect_out(&r,
        REP("00000006", "00000003", "0000000c") "0000 0000000000100000 016d"
        REP("00000006", "00000003", "0000000e") "0003 00000001 00001000 02000000"
        REP("00000006", "00000003", "0000000c") "0002 76646120 6f662076 6d31"
        REP("00000006", "00000001", "00000000"));
    feed(&r, OPT("00000007", "00000006") "00000000 0000");
    ck_assert_int_eq(r.last, VD_NBD_HS_TRANSMISSION);
    run_end(&r);
}
END_TEST

START_TEST(test_export_name)
{
    Run r;

    run_start(&r);
    feed(&r, "00000001 " OPT("00000001", "00000005") "6469736b30");
    ck_assert_int_eq(r.last, VD_NBD_HS_TRANSMISSION);
    ck_assert_uint_eq(r.out->len, 134);   /* size, flags, 124 zeroes */
    ck_assert_mem_eq(r.out->data, "\0\0\0\0\0\x10\0\0\x01\x6d", 10);
    run_end(&r);

    run_start(&r);
    feed(&r, "00000003 " OPT("00000001", "00000000"));
    ck_assert_int_eq(r.last, VD_NBD_HS_TRANSMISSION);
    expect_out(&r, "0000000000100000 016d");   /* NO_ZEROES */
    run_end(&r);
}
END_TEST

START_TEST(test_export_name_unknown_closes)
{
    Run r;

    run_start(&r);
    feed(&r, "00000001 " OPT("00000001", "00000003") "787878");
    ck_assert_int_eq(r.last, VD_NBD_HS_CLOSE);
    ck_assert_uint_eq(r.out->len, 0);
    run_end(&r);
}
END_TEST

START_TEST(test_list)
{
    Run r;

    run_start(&r);
    feed(&r, "00000001 " OPT("00000003", "00000000"));
    ck_assert_int_eq(r.last, VD_NBD_HS_CONTINUE);
    /* u32 name length, name, then the description for humans. */
    expect_out(&r,
        REP("00000003", "00000002", "00000013") "00000005 6469736b30"
        "76646120 6f662076 6d31"
        REP("00000003", "00000001", "00000000"));
    /* LIST with data is invalid, and the data is not taken for a header. */
    feed(&r, OPT("00000003", "00000002") "abcd");
    ck_assert_int_eq(r.last, VD_NBD_HS_CONTINUE);
    ck_assert_uint_eq(r.left, 0);
    ck_assert_uint_eq(r.out->len, 20 + strlen("LIST takes no data"));
    ck_assert_mem_eq(r.out->data + 12, "\x80\0\0\x03", 4);
    run_end(&r);
}
END_TEST

START_TEST(test_unknown_options_unsupported)
{
    const char *opts[] = {
        OPT("00001234", "00000005") "0102030405",  /* unknown, with data */
        OPT("00000005", "00000000"),               /* STARTTLS */
        OPT("00000009", "00000004") "00000000",    /* LIST_META_CONTEXT */
        OPT("0000000a", "00000004") "00000000",    /* SET_META_CONTEXT */
        OPT("00000004", "00000000"),               /* PEEK_EXPORT, withdrawn */
    };
    Run r;

    run_start(&r);
    feed(&r, "00000001");
    for (size_t i = 0; i < G_N_ELEMENTS(opts); i++) {
        feed(&r, opts[i]);
        ck_assert_int_eq(r.last, VD_NBD_HS_CONTINUE);
        ck_assert_uint_eq(r.left, 0);
        ck_assert_uint_eq(r.out->len, 20 + strlen("option not supported"));
        /* The option is echoed; the type is NBD_REP_ERR_UNSUP. */
        ck_assert_mem_eq(r.out->data + 12, "\x80\0\0\x01", 4);
        g_byte_array_set_size(r.out, 0);
    }
    /* Still negotiating: GO works. */
    feed(&r, OPT("00000007", "00000006") "00000000 0000");
    ck_assert_int_eq(r.last, VD_NBD_HS_TRANSMISSION);
    run_end(&r);
}
END_TEST

START_TEST(test_info_errors)
{
    Run r;

    run_start(&r);
    feed(&r, "00000001 " OPT("00000006", "00000009") "00000003 787878 0000");
    ck_assert_int_eq(r.last, VD_NBD_HS_CONTINUE);
    ck_assert_mem_eq(r.out->data + 12, "\x80\0\0\x06", 4);   /* ERR_UNKNOWN */
    g_byte_array_set_size(r.out, 0);

    /* Name length past the data. */
    feed(&r, OPT("00000007", "00000006") "00000009 0000");
    ck_assert_int_eq(r.last, VD_NBD_HS_CONTINUE);
    ck_assert_mem_eq(r.out->data + 8, "\0\0\0\x07\x80\0\0\x03", 8); /* GO, ERR_INVALID */
    g_byte_array_set_size(r.out, 0);

    /* Too short to hold the fixed fields. */
    feed(&r, OPT("00000007", "00000002") "0000");
    ck_assert_mem_eq(r.out->data + 12, "\x80\0\0\x03", 4);
    run_end(&r);
}
END_TEST

START_TEST(test_option_too_big)
{
    Run r;
    g_autofree char *big = NULL;
    GString *s = g_string_new("00000001 " OPT("00000007", "00002001"));

    for (unsigned i = 0; i < 0x2001; i++)
        g_string_append(s, "00");
    big = g_string_free(s, FALSE);

    run_start(&r);
    feed(&r, big);
    ck_assert_int_eq(r.last, VD_NBD_HS_CONTINUE);
    ck_assert_uint_eq(r.left, 0);
    ck_assert_mem_eq(r.out->data + 12, "\x80\0\0\x09", 4);   /* ERR_TOO_BIG */
    run_end(&r);
}
END_TEST

START_TEST(test_option_length_dos_closes)
{
    Run r;

    run_start(&r);
    feed(&r, "00000001 " OPT("00001234", "ffffffff"));
    ck_assert_int_eq(r.last, VD_NBD_HS_CLOSE);
    ck_assert_uint_eq(r.out->len, 0);
    run_end(&r);
}
END_TEST

START_TEST(test_abort)
{
    Run r;

    run_start(&r);
    feed(&r, "00000001 " OPT("00000002", "00000000"));
    ck_assert_int_eq(r.last, VD_NBD_HS_CLOSE);
    expect_out(&r, REP("00000002", "00000001", "00000000"));
    run_end(&r);

    /* Data on ABORT is ignored, not an error. */
    run_start(&r);
    feed(&r, "00000001 " OPT("00000002", "00000003") "010203");
    ck_assert_int_eq(r.last, VD_NBD_HS_CLOSE);
    expect_out(&r, REP("00000002", "00000001", "00000000"));
    run_end(&r);
}
END_TEST

START_TEST(test_bad_client_flags_close)
{
    Run r;

    run_start(&r);
    feed(&r, "00000004");
    ck_assert_int_eq(r.last, VD_NBD_HS_CLOSE);
    ck_assert_uint_eq(r.out->len, 0);
    run_end(&r);
}
END_TEST

START_TEST(test_bad_option_magic_closes)
{
    Run r;

    run_start(&r);
    feed(&r, "00000001 4e42444d41474943 00000007 00000000");
    ck_assert_int_eq(r.last, VD_NBD_HS_CLOSE);
    ck_assert_uint_eq(r.out->len, 0);
    run_end(&r);
}
END_TEST

START_TEST(test_structured_reply_with_data_invalid)
{
    Run r;

    run_start(&r);
    feed(&r, "00000001 " OPT("00000008", "00000001") "00");
    ck_assert_int_eq(r.last, VD_NBD_HS_CONTINUE);
    ck_assert_mem_eq(r.out->data + 12, "\x80\0\0\x03", 4);
    g_byte_array_set_size(r.out, 0);
    feed(&r, OPT("00000007", "00000006") "00000000 0000");
    ck_assert_int_eq(r.last, VD_NBD_HS_TRANSMISSION);
    ck_assert(!vd_nbd_handshake_structured(r.h));
    run_end(&r);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("nbd-handshake");
    TCase *tc = tcase_create("handshake");

    tcase_add_test(tc, test_go_default_export);
    tcase_add_test(tc, test_structured_then_go_by_name);
    tcase_add_test(tc, test_info_then_go);
    tcase_add_test(tc, test_export_name);
    tcase_add_test(tc, test_export_name_unknown_closes);
    tcase_add_test(tc, test_list);
    tcase_add_test(tc, test_unknown_options_unsupported);
    tcase_add_test(tc, test_info_errors);
    tcase_add_test(tc, test_option_too_big);
    tcase_add_test(tc, test_option_length_dos_closes);
    tcase_add_test(tc, test_abort);
    tcase_add_test(tc, test_bad_client_flags_close);
    tcase_add_test(tc, test_bad_option_magic_closes);
    tcase_add_test(tc, test_structured_reply_with_data_invalid);
    suite_add_tcase(s, tc);
    return vd_test_run(s);
}
