/*
 * Golden-file tests of the hypervisor drivers, libvirt's xml2xml and
 * xml2argv way: each tests/drivers/data/<case>.xml is parsed and defined
 * (vd_driver_define), and every result is compared with a file beside it:
 *
 *   <case>.out.xml   the definition as stored, defaults filled in
 *   <case>.explain   the decisions as text
 *   <case>.json      the decisions as JSON (optional)
 *   <case>.argv/.xl  the native configuration of the qemu/xen drivers
 *   <case>.migrate   "ok", or the migration check's error
 *   <case>.err       the error of a case that must fail
 *
 * A case whose name ends in -invalid or -unsafe must fail, and any other
 * must pass; "-force" in a name defines it with the unsafe flag. Errors
 * are written "<libvirt domain> <code>: <message>", so a test sees the
 * numbers clients act on. VD_TEST_REGENERATE_OUTPUT=1 rewrites the
 * expected files; review the diff before committing it.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "common/conf/domain-conf.h"
#include "drivers/driver.h"
#include "tests/common/check-run.h"

#define NBD_SOCKET "/run/vdisk/nbd/test"

static GPtrArray *cases;   /* case names, sorted */
static char *data_dir;

static bool
regenerating(void)
{
    return g_strcmp0(g_getenv("VD_TEST_REGENERATE_OUTPUT"), "1") == 0;
}

static char *
case_path(const char *name, const char *ext)
{
    g_autofree char *file = g_strconcat(name, ext, NULL);

    return g_build_filename(data_dir, file, NULL);
}

/* Compare actual with <case><ext>; a missing expected file is a failure. */
static void
check_output(const char *name, const char *ext, const char *actual)
{
    g_autofree char *path = case_path(name, ext);
    g_autofree char *expected = NULL;
    g_autoptr(GError) err = NULL;

    if (regenerating()) {
        ck_assert_msg(g_file_set_contents(path, actual, -1, &err),
                      "%s: %s", path, err ? err->message : "");
        return;
    }
    ck_assert_msg(g_file_get_contents(path, &expected, NULL, &err),
                  "%s: %s", path, err ? err->message : "");
    if (strcmp(expected, actual) != 0) {
        fprintf(stderr, "--- %s\n%s+++ actual\n%s", path, expected, actual);
        ck_abort_msg("%s differs from the actual output", path);
    }
}

static void
check_absent(const char *name, const char *ext)
{
    g_autofree char *path = case_path(name, ext);

    ck_assert_msg(!g_file_test(path, G_FILE_TEST_EXISTS),
                  "%s exists but the case does not produce it", path);
}

static char *
error_text(const GError *err)
{
    return g_strdup_printf("%d %d: %s\n", (int)vd_error_from(err),
                           vd_error_code(err), err->message);
}

static VdDomainDef *
parse_file(const char *path)
{
    g_autofree char *xml = NULL;
    gsize len = 0;
    g_autoptr(GError) err = NULL;
    VdDomainDef *def;

    ck_assert_msg(g_file_get_contents(path, &xml, &len, &err), "%s: %s",
                  path, err ? err->message : "");
    def = vd_domain_def_parse(xml, len, &err);
    ck_assert_msg(def != NULL, "%s: %s", path, err ? err->message : "");
    return def;
}

static const char *
native_ext(const char *format)
{
    if (g_strcmp0(format, "qemu-argv") == 0)
        return ".argv";
    if (g_strcmp0(format, "xen-xl") == 0)
        return ".xl";
    return NULL;
}

static void
check_native(const char *name, const VdDomainDef *def)
{
    const VdDriver *drv = vd_driver_for_domain(def);
    const char *ext = native_ext(drv->native_format);
    g_autoptr(GError) err = NULL;
    g_autofree char *native = NULL;

    if (ext == NULL)
        return;
    /* From the stored definition: a case defined with the unsafe flag
     * renders only with the overrides the flag recorded. */
    native = vd_driver_to_native(def, drv->native_format, NBD_SOCKET, &err);
    ck_assert_msg(native != NULL, "%s: %s", name, err ? err->message : "");
    check_output(name, ext, native);
}

static void
check_migrate(const char *name, const VdDomainDef *def)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *text = NULL;

    if (vd_driver_migrate_check(def, &err))
        text = g_strdup("ok\n");
    else
        text = error_text(err);
    check_output(name, ".migrate", text);
}

static void
check_explain(const char *name, const VdDomainDef *def,
              const GPtrArray *decisions)
{
    g_autoptr(GString) text = vd_explain_text(decisions);
    g_autofree char *json_path = case_path(name, ".json");

    check_output(name, ".explain", text->str);
    if (g_file_test(json_path, G_FILE_TEST_EXISTS)) {
        g_autoptr(GString) json = vd_explain_json(def, decisions);

        check_output(name, ".json", json->str);
    }
}

/*
 * The stored definition must define to itself: the filled defaults are
 * stable, and forced overrides are found again in the metadata. Explaining
 * it later gives the decisions of define time, except that a value a
 * warning replaced is then simply the default.
 */
static void
check_stable(const char *name, const char *stored, const GPtrArray *first)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VdDomainDef) def = vd_domain_def_parse(stored, strlen(stored),
                                                     &err);
    g_autoptr(GPtrArray) decisions = NULL;
    g_autoptr(GString) first_text = vd_explain_text(first);
    g_autoptr(GString) text = NULL;
    g_autofree char *again = NULL;

    ck_assert_msg(def != NULL, "%s: stored XML: %s", name,
                  err ? err->message : "");
    decisions = vd_driver_explain(def, &err);
    ck_assert_msg(decisions != NULL, "%s: stored XML refused: %s", name,
                  err ? err->message : "");
    text = vd_explain_text(decisions);
    if (strstr(first_text->str, ": warning: ") == NULL)
        ck_assert_str_eq(text->str, first_text->str);
    else
        ck_assert_ptr_null(strstr(text->str, ": warning: "));
    /* explain works on a copy: the definition itself is unchanged. */
    again = vd_domain_def_format(def);
    ck_assert_str_eq(again, stored);

    g_ptr_array_unref(g_steal_pointer(&decisions));
    decisions = vd_driver_define(def, 0, &err);
    ck_assert_msg(decisions != NULL, "%s: %s", name, err ? err->message : "");
    g_free(again);
    again = vd_domain_def_format(def);
    ck_assert_str_eq(again, stored);
}

static void
run_case(const char *name)
{
    g_autofree char *input_path = case_path(name, ".xml");
    g_autoptr(VdDomainDef) def = parse_file(input_path);
    bool must_fail = g_str_has_suffix(name, "-invalid") ||
                     g_str_has_suffix(name, "-unsafe");
    unsigned int flags = strstr(name, "-force") != NULL
                             ? VD_DRIVER_DEFINE_UNSAFE : 0;
    g_autoptr(GError) err = NULL;
    g_autoptr(GPtrArray) decisions = vd_driver_define(def, flags, &err);
    g_autofree char *stored = NULL;

    if (decisions == NULL) {
        g_autofree char *text = error_text(err);

        ck_assert_msg(must_fail, "%s refused: %s", name, err->message);
        check_output(name, ".err", text);
        check_absent(name, ".out.xml");
        return;
    }
    ck_assert_msg(!must_fail, "%s must be refused but was accepted", name);
    check_absent(name, ".err");
    stored = vd_domain_def_format(def);
    check_output(name, ".out.xml", stored);
    check_explain(name, def, decisions);
    check_native(name, def);
    check_migrate(name, def);
    check_stable(name, stored, decisions);
}

START_TEST(test_golden)
{
    run_case(g_ptr_array_index(cases, _i));
}
END_TEST

/* Every expected file must belong to a case, or a renamed case would
 * leave its expectations silently unchecked. */
START_TEST(test_no_orphans)
{
    static const char *const exts[] = {
        ".out.xml", ".explain", ".json", ".argv", ".xl", ".migrate", ".err",
        ".xml",
    };
    g_autoptr(GDir) dir = g_dir_open(data_dir, 0, NULL);
    const char *file;

    ck_assert_uint_gt(cases->len, 0);
    ck_assert_ptr_nonnull(dir);
    while ((file = g_dir_read_name(dir)) != NULL) {
        bool owned = false;

        for (size_t i = 0; i < G_N_ELEMENTS(exts) && !owned; i++) {
            g_autofree char *base = NULL;

            if (!g_str_has_suffix(file, exts[i]))
                continue;
            base = g_strndup(file, strlen(file) - strlen(exts[i]));
            owned = g_ptr_array_find_with_equal_func(cases, base, g_str_equal,
                                                     NULL);
        }
        ck_assert_msg(owned, "%s belongs to no case", file);
    }
}
END_TEST

/*
 * Every rule a case reports is listed in docs/policy.md, either by its
 * full id or, for shared rules, by the part after the driver's name.
 */
START_TEST(test_rules_documented)
{
    g_autofree char *doc_path = g_build_filename(data_dir, "..", "..", "..",
                                                 "docs", "policy.md", NULL);
    g_autofree char *doc = NULL;
    g_autoptr(GRegex) re = g_regex_new(
        "\\((?:rule )?((?:qemu|xen|test)-[a-z-]+)[),]", 0, 0, NULL);
    g_autoptr(GDir) dir = g_dir_open(data_dir, 0, NULL);
    const char *file;
    unsigned int seen = 0;

    ck_assert_msg(g_file_get_contents(doc_path, &doc, NULL, NULL), "%s",
                  doc_path);
    while ((file = g_dir_read_name(dir)) != NULL) {
        g_autofree char *path = NULL;
        g_autofree char *text = NULL;
        g_autoptr(GMatchInfo) m = NULL;

        if (!g_str_has_suffix(file, ".explain") &&
            !g_str_has_suffix(file, ".err"))
            continue;
        path = g_build_filename(data_dir, file, NULL);
        ck_assert(g_file_get_contents(path, &text, NULL, NULL));
        g_regex_match(re, text, 0, &m);
        for (; g_match_info_matches(m); g_match_info_next(m, NULL)) {
            g_autofree char *id = g_match_info_fetch(m, 1);
            g_autofree char *full = g_strdup_printf("`%s`", id);
            g_autofree char *shared =
                g_strdup_printf("`%s`", strchr(id, '-') + 1);

            ck_assert_msg(strstr(doc, full) || strstr(doc, shared),
                          "%s: rule %s is not in docs/policy.md", file, id);
            seen++;
        }
    }
    ck_assert_uint_gt(seen, 0);
}
END_TEST

static gint
compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
find_cases(void)
{
    const char *top = g_getenv("top_srcdir");
    g_autoptr(GDir) dir = NULL;
    g_autoptr(GError) err = NULL;
    const char *file;

    data_dir = g_build_filename(top != NULL ? top : ".", "tests", "drivers",
                                "data", NULL);
    dir = g_dir_open(data_dir, 0, &err);
    if (dir == NULL)
        g_error("%s", err->message);
    cases = g_ptr_array_new_with_free_func(g_free);
    while ((file = g_dir_read_name(dir)) != NULL) {
        if (g_str_has_suffix(file, ".xml") &&
            !g_str_has_suffix(file, ".out.xml"))
            g_ptr_array_add(cases, g_strndup(file, strlen(file) - 4));
    }
    g_ptr_array_sort(cases, compare_names);
}

int
main(void)
{
    Suite *s = suite_create("drivers");
    TCase *tc = tcase_create("golden");
    int status;

    find_cases();
    tcase_add_loop_test(tc, test_golden, 0, (int)cases->len);
    tcase_add_test(tc, test_no_orphans);
    tcase_add_test(tc, test_rules_documented);
    suite_add_tcase(s, tc);
    status = vd_test_run(s);
    g_ptr_array_free(cases, TRUE);
    g_free(data_dir);
    return status;
}
