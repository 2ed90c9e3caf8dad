/* XDR codec: encodings as RFC 4506 gives them, and hostile input refused. */
#include "config.h"

#include <string.h>

#include "common/rpc/xdr-codec.h"
#include "tests/common/check-run.h"

static void
assert_bytes(GByteArray *w, const char *hex)
{
    g_autoptr(GString) got = g_string_new(NULL);

    for (guint i = 0; i < w->len; i++)
        g_string_append_printf(got, "%02x", w->data[i]);
    ck_assert_str_eq(got->str, hex);
}

START_TEST(test_put_scalars)
{
    g_autoptr(GByteArray) w = g_byte_array_new();

    vd_xdr_put_u32(w, 0x20008086);
    vd_xdr_put_i32(w, -1);
    vd_xdr_put_u64(w, 0x0102030405060708ull);
    vd_xdr_put_bool(w, true);
    assert_bytes(w, "20008086ffffffff010203040506070800000001");
}
END_TEST

START_TEST(test_put_string_padding)
{
    g_autoptr(GByteArray) w = g_byte_array_new();

    /* CONNECT_OPEN's name as observed on the wire: length 15, one pad. */
    vd_xdr_put_opt_string(w, "qemu:///session");
    assert_bytes(w, "000000010000000f71656d753a2f2f2f73657373696f6e00");
}
END_TEST

START_TEST(test_roundtrip)
{
    g_autoptr(GByteArray) w = g_byte_array_new();
    unsigned char uuid[16], back[16];
    VdXdrReader r;
    g_autofree char *s = NULL, *absent = NULL;
    g_autoptr(GBytes) op = NULL;

    memset(uuid, 0xab, sizeof(uuid));
    vd_xdr_put_i64(w, -5);
    vd_xdr_put_double(w, 2.5);
    vd_xdr_put_string(w, "vm1");
    vd_xdr_put_opt_string(w, NULL);
    vd_xdr_put_fixed_opaque(w, uuid, sizeof(uuid));
    vd_xdr_put_opaque(w, "abcde", 5);

    vd_xdr_reader_init(&r, w->data, w->len);
    ck_assert_int_eq(vd_xdr_get_i64(&r), -5);
    ck_assert(vd_xdr_get_double(&r) == 2.5);
    s = vd_xdr_get_string(&r, 100);
    ck_assert_str_eq(s, "vm1");
    absent = vd_xdr_get_opt_string(&r, 100);
    ck_assert_ptr_null(absent);
    vd_xdr_get_fixed_opaque(&r, back, sizeof(back));
    ck_assert_mem_eq(back, uuid, sizeof(uuid));
    op = vd_xdr_get_opaque(&r, 100);
    ck_assert_uint_eq(g_bytes_get_size(op), 5);
    ck_assert(vd_xdr_reader_done(&r));
}
END_TEST

START_TEST(test_short_input_fails_sticky)
{
    const uint8_t data[] = { 0, 0, 0, 1, 0, 0 };
    VdXdrReader r;

    vd_xdr_reader_init(&r, data, sizeof(data));
    ck_assert_uint_eq(vd_xdr_get_u32(&r), 1);
    ck_assert(vd_xdr_reader_ok(&r));
    ck_assert_uint_eq(vd_xdr_get_u32(&r), 0);
    ck_assert(!vd_xdr_reader_ok(&r));
    /* Sticky: a later read does not succeed on what is left. */
    ck_assert_uint_eq(vd_xdr_get_u32(&r), 0);
    ck_assert(!vd_xdr_reader_done(&r));
}
END_TEST

START_TEST(test_string_over_max_or_past_end)
{
    const uint8_t over[] = { 0, 0, 0, 8, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h' };
    const uint8_t huge[] = { 0xff, 0xff, 0xff, 0xf0, 'a', 'b', 'c', 'd' };
    VdXdrReader r;

    vd_xdr_reader_init(&r, over, sizeof(over));
    ck_assert_ptr_null(vd_xdr_get_string(&r, 7));
    ck_assert(!vd_xdr_reader_ok(&r));

    /* A length near 4 GiB must neither allocate nor wrap when padded. */
    vd_xdr_reader_init(&r, huge, sizeof(huge));
    ck_assert_ptr_null(vd_xdr_get_string(&r, G_MAXUINT32));
    ck_assert(!vd_xdr_reader_ok(&r));
}
END_TEST

START_TEST(test_string_with_nul_refused)
{
    const uint8_t data[] = { 0, 0, 0, 3, 'a', 0, 'b', 0 };
    VdXdrReader r;

    vd_xdr_reader_init(&r, data, sizeof(data));
    ck_assert_ptr_null(vd_xdr_get_string(&r, 100));
    ck_assert(!vd_xdr_reader_ok(&r));
}
END_TEST

START_TEST(test_bad_bool_refused)
{
    const uint8_t data[] = { 0, 0, 0, 2 };
    VdXdrReader r;

    vd_xdr_reader_init(&r, data, sizeof(data));
    (void)vd_xdr_get_bool(&r);
    ck_assert(!vd_xdr_reader_ok(&r));
}
END_TEST

START_TEST(test_array_len_bounded_by_input)
{
    /* Claims 1000 elements of at least 24 bytes with 8 bytes left. */
    const uint8_t data[] = { 0, 0, 0x03, 0xe8, 1, 2, 3, 4, 5, 6, 7, 8 };
    VdXdrReader r;

    vd_xdr_reader_init(&r, data, sizeof(data));
    ck_assert_uint_eq(vd_xdr_get_array_len(&r, 16384, 24), 0);
    ck_assert(!vd_xdr_reader_ok(&r));

    vd_xdr_reader_init(&r, data, sizeof(data));
    ck_assert_uint_eq(vd_xdr_get_array_len(&r, 999, 0), 0);
    ck_assert(!vd_xdr_reader_ok(&r));
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("xdr-codec");
    TCase *tc = tcase_create("codec");

    tcase_add_test(tc, test_put_scalars);
    tcase_add_test(tc, test_put_string_padding);
    tcase_add_test(tc, test_roundtrip);
    tcase_add_test(tc, test_short_input_fails_sticky);
    tcase_add_test(tc, test_string_over_max_or_past_end);
    tcase_add_test(tc, test_string_with_nul_refused);
    tcase_add_test(tc, test_bad_bool_refused);
    tcase_add_test(tc, test_array_len_bounded_by_input);
    suite_add_tcase(s, tc);
    return vd_test_run(s);
}
