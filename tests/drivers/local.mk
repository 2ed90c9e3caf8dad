# Tests of the hypervisor drivers: unit tests of the policy's parts, and
# golden files (tests/drivers/data) for whole definitions.
VD_DRIVERS_TEST_LIBS = libvddrivers.a $(VD_COMMON_LIBS) $(TEST_LIBS)

check_PROGRAMS += tests/drivers/test-policy tests/drivers/test-drivers
TESTS += tests/drivers/test-policy tests/drivers/test-drivers

tests_drivers_test_policy_SOURCES = tests/drivers/test-policy.c
tests_drivers_test_policy_CFLAGS = $(AM_CFLAGS) $(TEST_CFLAGS)
tests_drivers_test_policy_LDADD = $(VD_DRIVERS_TEST_LIBS)

tests_drivers_test_drivers_SOURCES = tests/drivers/test-drivers.c
tests_drivers_test_drivers_CFLAGS = $(AM_CFLAGS) $(TEST_CFLAGS)
tests_drivers_test_drivers_LDADD = $(VD_DRIVERS_TEST_LIBS)

EXTRA_DIST += tests/drivers/data
