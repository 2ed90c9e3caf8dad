/* Shared by the test cases of test-domain-conf. */
#ifndef VD_TESTS_CONF_CONF_TEST_H
#define VD_TESTS_CONF_CONF_TEST_H

#include <check.h>
#include <glib.h>

#include "common/conf/domain-conf.h"

/* $top_srcdir/tests/conf */
extern char *vd_test_dir;

/* The contents of vd_test_dir/NAME SUFFIX; the test fails if unreadable. */
char *vd_test_read(const char *name, const char *suffix, gsize *len);

/* Parse, failing the test with the error message if that fails. */
VdDomainDef *vd_test_parse_ok(const char *xml, size_t len, const char *what);

/* vd_test_parse_ok() of vd_test_dir/NAME.xml */
VdDomainDef *vd_test_parse_file(const char *name);

TCase *vd_test_domain_conf_api_tcase(void);
TCase *vd_test_conf_values_tcase(void);

#endif /* VD_TESTS_CONF_CONF_TEST_H */
