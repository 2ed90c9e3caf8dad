/* The GError <-> libvirt error number mapping the RPC layer relies on. */
#include "config.h"

#include <check.h>
#include <gio/gio.h>

#include "common/util/error.h"
#include "tests/common/check-run.h"

START_TEST(test_domain_roundtrip)
{
    g_autoptr(GError) err = g_error_new(VD_ERROR_XML, VD_ERR_XML_ERROR, "bad");

    ck_assert_int_eq(vd_error_from(err), VD_FROM_XML);
    ck_assert_int_eq(vd_error_code(err), VD_ERR_XML_ERROR);
}
END_TEST

START_TEST(test_foreign_error)
{
    g_autoptr(GError) err = g_error_new(G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "x");

    ck_assert_int_eq(vd_error_from(err), VD_FROM_NONE);
    ck_assert_int_eq(vd_error_code(err), VD_ERR_INTERNAL_ERROR);
}
END_TEST

START_TEST(test_distinct_domains)
{
    ck_assert_uint_ne(VD_ERROR_XML, VD_ERROR_DOMAIN);
    ck_assert_uint_eq(VD_ERROR_RPC, vd_error_quark(VD_FROM_RPC));
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("error");
    TCase *tc = tcase_create("mapping");

    tcase_add_test(tc, test_domain_roundtrip);
    tcase_add_test(tc, test_foreign_error);
    tcase_add_test(tc, test_distinct_domains);
    suite_add_tcase(s, tc);
    return vd_test_run(s);
}
