# tests of daemon
check_PROGRAMS += tests/daemon/test-state-dir
TESTS += tests/daemon/test-state-dir
tests_daemon_test_state_dir_SOURCES = tests/daemon/test-state-dir.c \
	tests/tmpdir.c tests/tmpdir.h
tests_daemon_test_state_dir_CFLAGS = $(AM_CFLAGS) $(TEST_CFLAGS)
tests_daemon_test_state_dir_LDADD = libvddaemon.a libvdutil.a \
	$(GLIB_LIBS) $(TEST_LIBS)
