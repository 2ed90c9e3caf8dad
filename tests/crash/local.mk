# The crash tools' tests: unit tests of the blocks, the oracle and the
# explorer on hand-written histories.
CRASH_UNIT_TESTS = \
	tests/crash/test-block \
	tests/crash/test-oracle \
	tests/crash/test-explore
check_PROGRAMS += $(CRASH_UNIT_TESTS)
TESTS += $(CRASH_UNIT_TESTS)

CRASH_TEST_LIBS = $(VD_CRASH_LIBS) $(TEST_LIBS)

tests_crash_test_block_SOURCES = tests/crash/test-block.c
tests_crash_test_block_CFLAGS = $(TEST_CFLAGS)
tests_crash_test_block_LDADD = $(CRASH_TEST_LIBS)

tests_crash_test_oracle_SOURCES = tests/crash/test-oracle.c \
	tests/tmpdir.c tests/tmpdir.h
tests_crash_test_oracle_CFLAGS = $(TEST_CFLAGS)
tests_crash_test_oracle_LDADD = $(CRASH_TEST_LIBS)

tests_crash_test_explore_SOURCES = tests/crash/test-explore.c \
	tests/tmpdir.c tests/tmpdir.h
tests_crash_test_explore_CFLAGS = $(TEST_CFLAGS)
tests_crash_test_explore_LDADD = $(CRASH_TEST_LIBS)

# Integration tests: vdiskd, the crash guest and the explorer together.
CRASH_SCRIPT_TESTS = tests/crash/test-crash-explore.sh
if HAVE_LIBNBD
TESTS += $(CRASH_SCRIPT_TESTS)
endif
EXTRA_DIST += tests/crash/lib.sh tests/crash/domain-crash.xml.in \
	$(CRASH_SCRIPT_TESTS)

# The long run: more operations, more states per prefix, no cap.
crash-long: all
	CRASH_LONG=1 top_srcdir='$(abs_top_srcdir)' \
	top_builddir='$(abs_top_builddir)' VDISKD='$(abs_top_builddir)/vdiskd' \
	sh $(srcdir)/tests/crash/test-crash-explore.sh
.PHONY: crash-long
