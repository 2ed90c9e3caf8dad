/* The JSON writer: structure, separators, escaping, both layouts. */
#include "config.h"

#include <signal.h>
#include <stdint.h>
#include <check.h>

#include "common/util/json-writer.h"
#include "tests/common/check-run.h"

/* The document of w; checks it and frees it. */
static void
assert_doc(VdJsonWriter *w, const char *want)
{
    g_autofree char *doc = vd_json_writer_finish(w);

    ck_assert_str_eq(doc, want);
}

START_TEST(test_scalars)
{
    g_autoptr(VdJsonWriter) w = vd_json_writer_new(false);

    vd_json_int(w, INT64_MIN);
    assert_doc(w, "-9223372036854775808");
    vd_json_uint(w, UINT64_MAX);
    assert_doc(w, "18446744073709551615");
    vd_json_bool(w, true);
    assert_doc(w, "true");
    vd_json_null(w);
    assert_doc(w, "null");
    vd_json_string(w, NULL);
    assert_doc(w, "null");
}
END_TEST

START_TEST(test_nesting_and_commas)
{
    g_autoptr(VdJsonWriter) w = vd_json_writer_new(false);

    vd_json_begin_object(w);
    vd_json_key(w, "a");
    vd_json_int(w, 1);
    vd_json_key(w, "list");
    vd_json_begin_array(w);
    vd_json_string(w, "x");
    vd_json_begin_object(w);
    vd_json_end_object(w);
    vd_json_begin_array(w);
    vd_json_end_array(w);
    vd_json_bool(w, false);
    vd_json_end_array(w);
    vd_json_key(w, "z");
    vd_json_null(w);
    vd_json_end_object(w);
    assert_doc(w, "{\"a\":1,\"list\":[\"x\",{},[],false],\"z\":null}");
}
END_TEST

/* The compact form QEMU's -blockdev and -device arguments are written in
 * (the .argv files of tests/drivers/data): members, nested objects, arrays. */
START_TEST(test_compact_members)
{
    g_autoptr(VdJsonWriter) w = vd_json_writer_new(false);

    vd_json_begin_object(w);
    vd_json_member_string(w, "a", "1");
    vd_json_key(w, "b");
    vd_json_begin_object(w);
    vd_json_member_bool(w, "c", true);
    vd_json_member_bool(w, "d", false);
    vd_json_end_object(w);
    vd_json_key(w, "e");
    vd_json_begin_array(w);
    vd_json_begin_object(w);
    vd_json_end_object(w);
    vd_json_begin_object(w);
    vd_json_member_string(w, "n", NULL);
    vd_json_end_object(w);
    vd_json_string(w, "x");
    vd_json_end_array(w);
    vd_json_member_string(w, "path", "/run/vdisk/a b.sock");
    vd_json_end_object(w);
    assert_doc(w, "{\"a\":\"1\",\"b\":{\"c\":true,\"d\":false},"
                  "\"e\":[{},{\"n\":null},\"x\"],"
                  "\"path\":\"/run/vdisk/a b.sock\"}");
}
END_TEST

START_TEST(test_pretty)
{
    g_autoptr(VdJsonWriter) w = vd_json_writer_new(true);

    vd_json_begin_array(w);
    vd_json_begin_object(w);
    vd_json_key(w, "id");
    vd_json_int(w, -1);
    vd_json_key(w, "name");
    vd_json_string(w, "vm1");
    vd_json_end_object(w);
    vd_json_begin_array(w);
    vd_json_end_array(w);
    vd_json_end_array(w);
    assert_doc(w, "[\n"
                  "  {\n"
                  "    \"id\": -1,\n"
                  "    \"name\": \"vm1\"\n"
                  "  },\n"
                  "  []\n"
                  "]");
}
END_TEST

START_TEST(test_escaping)
{
    g_autoptr(VdJsonWriter) w = vd_json_writer_new(false);

    vd_json_string(w, "q\" b\\ \b\f\n\r\t \x01\x1f\x7f /");
    assert_doc(w, "\"q\\\" b\\\\ \\b\\f\\n\\r\\t \\u0001\\u001f\x7f /\"");
}
END_TEST

START_TEST(test_keys_are_escaped)
{
    g_autoptr(VdJsonWriter) w = vd_json_writer_new(false);

    vd_json_begin_object(w);
    vd_json_key(w, "a\"b\n");
    vd_json_int(w, 0);
    vd_json_end_object(w);
    assert_doc(w, "{\"a\\\"b\\n\":0}");
}
END_TEST

START_TEST(test_utf8_passthrough)
{
    g_autoptr(VdJsonWriter) w = vd_json_writer_new(false);

    /* é, €, and a 4-byte character, unchanged */
    vd_json_string(w, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x92\xbe");
    assert_doc(w, "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x92\xbe\"");
}
END_TEST

START_TEST(test_invalid_utf8_replaced)
{
    g_autoptr(VdJsonWriter) w = vd_json_writer_new(false);

    /* A lone continuation byte, a truncated sequence at the end. */
    vd_json_string(w, "a\x80" "b\xc3");
    assert_doc(w, "\"a\xef\xbf\xbd" "b\xef\xbf\xbd\"");
}
END_TEST

START_TEST(test_value_without_key_aborts)
{
    VdJsonWriter *w = vd_json_writer_new(false);

    vd_json_begin_object(w);
    vd_json_int(w, 1);
}
END_TEST

START_TEST(test_mismatched_end_aborts)
{
    VdJsonWriter *w = vd_json_writer_new(false);

    vd_json_begin_array(w);
    vd_json_end_object(w);
}
END_TEST

START_TEST(test_unfinished_aborts)
{
    VdJsonWriter *w = vd_json_writer_new(false);

    vd_json_begin_array(w);
    g_free(vd_json_writer_finish(w));
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("json-writer");
    TCase *tc = tcase_create("writer");
    TCase *misuse = tcase_create("misuse");

    tcase_add_test(tc, test_scalars);
    tcase_add_test(tc, test_nesting_and_commas);
    tcase_add_test(tc, test_compact_members);
    tcase_add_test(tc, test_pretty);
    tcase_add_test(tc, test_escaping);
    tcase_add_test(tc, test_keys_are_escaped);
    tcase_add_test(tc, test_utf8_passthrough);
    tcase_add_test(tc, test_invalid_utf8_replaced);
    suite_add_tcase(s, tc);

    tcase_add_test_raise_signal(misuse, test_value_without_key_aborts, SIGABRT);
    tcase_add_test_raise_signal(misuse, test_mismatched_end_aborts, SIGABRT);
    tcase_add_test_raise_signal(misuse, test_unfinished_aborts, SIGABRT);
    suite_add_tcase(s, misuse);
    return vd_test_run(s);
}
