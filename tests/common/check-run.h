/* Runs a check suite and turns its result into the exit status of a test. */
#ifndef VD_TESTS_CHECK_RUN_H
#define VD_TESTS_CHECK_RUN_H

#include <check.h>

/* Runs every case of s (taking ownership); 0 when all passed, else 1. */
int vd_test_run(Suite *s);

#endif
