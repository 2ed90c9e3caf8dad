/*
 * Field-by-field comparison of domain definitions, for the round-trip
 * property parse(format(def)) == def. Kept XML is compared through
 * libxml2's own serializer, not vdisk's, so that a bug in vdisk's writer
 * cannot hide itself.
 */
#ifndef VD_TESTS_CONF_DEF_DIFF_H
#define VD_TESTS_CONF_DEF_DIFF_H

#include "common/conf/domain-conf.h"

/* NULL when a and b are equal, else a description of the first difference. */
char *vd_test_domain_def_diff(const VdDomainDef *a, const VdDomainDef *b);

#endif /* VD_TESTS_CONF_DEF_DIFF_H */
