# The crash tools' tests: unit tests of the blocks, the oracle and the
# explorer on hand-written histories.
CRASH_UNIT_TESTS = \
	tests/crash/test-block \
	tests/crash/test-oracle \
	tests/crash/test-overlay \
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

# A disk on an overlay: the storage tests' helpers (I/O thread, I/O).
tests_crash_test_overlay_SOURCES = tests/crash/test-overlay.c
tests_crash_test_overlay_CFLAGS = $(TEST_CFLAGS)
tests_crash_test_overlay_LDADD = libvdstoragetest.a $(CRASH_TEST_LIBS)

tests_crash_test_explore_SOURCES = tests/crash/test-explore.c \
	tests/tmpdir.c tests/tmpdir.h
tests_crash_test_explore_CFLAGS = $(TEST_CFLAGS)
tests_crash_test_explore_LDADD = $(CRASH_TEST_LIBS)

# Integration tests: vdiskd, the crash guest and the explorer together.
CRASH_SCRIPT_TESTS = tests/crash/test-crash-explore.sh \
	tests/crash/test-crash-planted.sh \
	tests/crash/test-crash-kill.sh \
	tests/crash/test-crash-fault.sh
if HAVE_LIBNBD
TESTS += $(CRASH_SCRIPT_TESTS)
endif
EXTRA_DIST += tests/crash/lib.sh tests/crash/domain-crash.xml.in \
	tests/crash/fault-guest.py \
	$(CRASH_SCRIPT_TESTS)

# The long run: a longer workload and more states per prefix, without a
# cap, then 500 kills (CRASH_SEED and CRASH_KILLS are passed through).
crash-long: all
	$(AM_TESTS_ENVIRONMENT) CRASH_LONG=1 \
	  sh $(srcdir)/tests/crash/test-crash-explore.sh
	$(AM_TESTS_ENVIRONMENT) CRASH_KILLS=$${CRASH_KILLS:-500} \
	  sh $(srcdir)/tests/crash/test-crash-kill.sh
.PHONY: crash-long

# The storage code and vdiskd with the planted bugs of storage/planted.h
# compiled in (off until --test-planted-bugs turns them on), for
# test-crash-planted.sh only: never part of what is built for use.
check_LIBRARIES += libvdstorage_planted.a
libvdstorage_planted_a_SOURCES = $(libvdstorage_a_SOURCES) storage/planted.c
libvdstorage_planted_a_CPPFLAGS = $(libvdstorage_a_CPPFLAGS) -DVD_PLANTED_BUGS

check_PROGRAMS += tests/crash/vdiskd-planted
tests_crash_vdiskd_planted_SOURCES = daemon/main.c
tests_crash_vdiskd_planted_CPPFLAGS = $(AM_CPPFLAGS) -DVD_PLANTED_BUGS
tests_crash_vdiskd_planted_LDADD = libvddaemon.a libvdexport.a \
	libvddrivers.a $(VD_COMMON_LIBS) libvdstorage_planted.a libvdqed.a libvdutil.a \
	$(LIBURING_LIBS) $(LIBAIO_LIBS) $(GLIB_LIBS) -lpthread
