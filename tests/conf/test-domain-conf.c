/*
 * Domain XML, against the files in tests/conf (libvirt's xml2xml way):
 *
 *   NAME.xml          input; must parse
 *   NAME.out.xml      what format must print for it, exactly
 *   NAME-invalid.xml  input; must be refused
 *   NAME-invalid.err  the error message, exactly
 *
 * Every valid case also checks that parse(format(def)) equals def, that
 * format is idempotent and that a copy formats the same. An expected
 * output whose uuid is VD_TEST_UUID_PLACEHOLDER stands for an input
 * without a uuid: the generated uuid is checked, then replaced by the
 * placeholder before the comparison.
 *
 * The files are found under $top_srcdir, which the test harness exports.
 */
#include "config.h"

#include <check.h>
#include <string.h>

#include "common/conf/domain-conf.h"
#include "common/util/error.h"
#include "tests/common/check-run.h"
#include "tests/conf/conf-test.h"
#include "tests/conf/def-diff.h"

#define VD_TEST_UUID_PLACEHOLDER "00000000-0000-4000-8000-000000000000"

/* Fewer files than this means the directory was not found or was emptied. */
#define VD_TEST_MIN_VALID 8
#define VD_TEST_MIN_INVALID 20

char *vd_test_dir;
static GPtrArray *vd_test_valid;     /* NAME of NAME.xml */
static GPtrArray *vd_test_invalid;   /* NAME of NAME-invalid.xml */

char *
vd_test_read(const char *name, const char *suffix, gsize *len)
{
    g_autofree char *path = g_strdup_printf("%s/%s%s", vd_test_dir, name,
                                            suffix);
    g_autoptr(GError) err = NULL;
    char *data = NULL;

    if (!g_file_get_contents(path, &data, len, &err))
        ck_abort_msg("cannot read %s: %s", path, err->message);
    return data;
}

VdDomainDef *
vd_test_parse_ok(const char *xml, size_t len, const char *what)
{
    g_autoptr(GError) err = NULL;
    VdDomainDef *def = vd_domain_def_parse(xml, len, &err);

    ck_assert_msg(def != NULL, "%s: parse failed: %s", what,
                  err != NULL ? err->message : "(no error set)");
    ck_assert_ptr_null(err);
    return def;
}

VdDomainDef *
vd_test_parse_file(const char *name)
{
    gsize len = 0;
    g_autofree char *xml = vd_test_read(name, ".xml", &len);

    return vd_test_parse_ok(xml, len, name);
}

/* The properties every valid definition must have, def from input. */
static void
vd_test_check_roundtrip(const VdDomainDef *def, const char *out,
                        const char *name)
{
    g_autoptr(VdDomainDef) again = vd_test_parse_ok(out, strlen(out), name);
    g_autoptr(VdDomainDef) copy = vd_domain_def_copy(def);
    g_autofree char *diff = vd_test_domain_def_diff(def, again);
    g_autofree char *out2 = vd_domain_def_format(again);
    g_autofree char *out3 = vd_domain_def_format(copy);
    g_autofree char *copy_diff = vd_test_domain_def_diff(def, copy);

    ck_assert_msg(diff == NULL, "%s: parse(format(def)) != def: %s",
                  name, diff);
    ck_assert_msg(strcmp(out, out2) == 0, "%s: format not idempotent:\n%s",
                  name, out2);
    ck_assert_msg(copy_diff == NULL, "%s: copy differs: %s", name,
                  copy_diff);
    ck_assert_msg(strcmp(out, out3) == 0, "%s: copy formats as:\n%s",
                  name, out3);
}

/* A generated uuid: RFC 4122 version 4, variant 10xx. */
static void
vd_test_check_generated_uuid(const unsigned char *uuid, const char *name)
{
    char str[VD_UUID_STRING_LEN];

    vd_uuid_format(uuid, str);
    ck_assert_msg((uuid[6] & 0xf0) == 0x40, "%s: uuid %s not version 4",
                  name, str);
    ck_assert_msg((uuid[8] & 0xc0) == 0x80, "%s: uuid %s not RFC 4122",
                  name, str);
    ck_assert_msg(strcmp(str, VD_TEST_UUID_PLACEHOLDER) != 0,
                  "%s: generated uuid is the placeholder", name);
}

START_TEST(test_valid_file)
{
    const char *name = g_ptr_array_index(vd_test_valid, _i);
    gsize len = 0;
    g_autofree char *xml = vd_test_read(name, ".xml", &len);
    g_autofree char *expected = vd_test_read(name, ".out.xml", NULL);
    g_autoptr(VdDomainDef) def = vd_test_parse_ok(xml, len, name);
    g_autofree char *out = NULL;

    if (strstr(expected, "<uuid>" VD_TEST_UUID_PLACEHOLDER "</uuid>")) {
        ck_assert_msg(strstr(xml, "<uuid") == NULL,
                      "%s: the placeholder is for inputs without a uuid",
                      name);
        vd_test_check_generated_uuid(def->uuid, name);
        ck_assert(vd_uuid_parse(VD_TEST_UUID_PLACEHOLDER, def->uuid));
    }
    out = vd_domain_def_format(def);
    ck_assert_msg(strcmp(out, expected) == 0,
                  "%s: format gave:\n%s\nexpected:\n%s", name, out, expected);
    vd_test_check_roundtrip(def, out, name);
}
END_TEST

START_TEST(test_invalid_file)
{
    g_autofree char *name = g_strconcat(g_ptr_array_index(vd_test_invalid,
                                                          _i),
                                        "-invalid", NULL);
    gsize len = 0;
    g_autofree char *xml = vd_test_read(name, ".xml", &len);
    g_autofree char *expected = vd_test_read(name, ".err", NULL);
    g_autoptr(GError) err = NULL;
    g_autoptr(VdDomainDef) def = vd_domain_def_parse(xml, len, &err);

    ck_assert_msg(def == NULL, "%s: parsed, but must be refused", name);
    ck_assert_msg(err != NULL, "%s: refused without an error", name);
    ck_assert_int_eq(vd_error_from(err), VD_FROM_XML);
    ck_assert_int_eq(vd_error_code(err), VD_ERR_XML_ERROR);
    g_strchomp(expected);
    ck_assert_msg(strcmp(err->message, expected) == 0,
                  "%s: message\n  %s\nexpected\n  %s", name, err->message,
                  expected);
}
END_TEST

/*
 * The data files themselves: enough of them (a wrong directory would
 * make the loops above run zero times and pass), and every file part of
 * a pair, so that a misnamed file does not silently go untested.
 */
START_TEST(test_file_pairs)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GDir) dir = g_dir_open(vd_test_dir, 0, &err);
    const char *f;

    ck_assert_msg(dir != NULL, "%s", err != NULL ? err->message : "");
    ck_assert_uint_ge(vd_test_valid->len, VD_TEST_MIN_VALID);
    ck_assert_uint_ge(vd_test_invalid->len, VD_TEST_MIN_INVALID);
    while ((f = g_dir_read_name(dir)) != NULL) {
        g_autofree char *base = NULL;
        g_autofree char *input = NULL;

        if (g_str_has_suffix(f, ".out.xml"))
            base = g_strndup(f, strlen(f) - strlen(".out.xml"));
        else if (g_str_has_suffix(f, "-invalid.err"))
            base = g_strndup(f, strlen(f) - strlen(".err"));
        else if (g_str_has_suffix(f, "-invalid.xml"))
            base = g_strndup(f, strlen(f) - strlen("-invalid.xml"));
        else
            continue;
        if (g_str_has_suffix(f, "-invalid.xml"))
            input = g_strdup_printf("%s/%s-invalid.err", vd_test_dir, base);
        else
            input = g_strdup_printf("%s/%s.xml", vd_test_dir, base);
        ck_assert_msg(g_file_test(input, G_FILE_TEST_EXISTS),
                      "%s has no partner %s", f, input);
    }
}
END_TEST

static void
vd_test_collect(void)
{
    const char *top = g_getenv("top_srcdir");
    g_autoptr(GDir) dir = NULL;
    const char *f;

    if (top == NULL)
        g_error("top_srcdir is not set; run through make check");
    vd_test_dir = g_build_filename(top, "tests", "conf", NULL);
    vd_test_valid = g_ptr_array_new_with_free_func(g_free);
    vd_test_invalid = g_ptr_array_new_with_free_func(g_free);
    dir = g_dir_open(vd_test_dir, 0, NULL);
    while (dir != NULL && (f = g_dir_read_name(dir)) != NULL) {
        if (!g_str_has_suffix(f, ".xml") || g_str_has_suffix(f, ".out.xml"))
            continue;
        if (g_str_has_suffix(f, "-invalid.xml"))
            g_ptr_array_add(vd_test_invalid,
                            g_strndup(f, strlen(f) - strlen("-invalid.xml")));
        else
            g_ptr_array_add(vd_test_valid,
                            g_strndup(f, strlen(f) - strlen(".xml")));
    }
}

int
main(void)
{
    Suite *s = suite_create("domain-conf");
    TCase *files = tcase_create("files");
    int status;

    vd_test_collect();
    tcase_add_loop_test(files, test_valid_file, 0, (int)vd_test_valid->len);
    tcase_add_loop_test(files, test_invalid_file, 0,
                        (int)vd_test_invalid->len);
    tcase_add_test(files, test_file_pairs);
    suite_add_tcase(s, files);
    suite_add_tcase(s, vd_test_domain_conf_api_tcase());
    suite_add_tcase(s, vd_test_conf_values_tcase());
    status = vd_test_run(s);
    g_ptr_array_unref(vd_test_valid);
    g_ptr_array_unref(vd_test_invalid);
    g_free(vd_test_dir);
    return status;
}
