check_PROGRAMS += tests/util/test-error
TESTS += tests/util/test-error
tests_util_test_error_SOURCES = tests/util/test-error.c
tests_util_test_error_CFLAGS = $(TEST_CFLAGS)
tests_util_test_error_LDADD = libvdutil.a $(GLIB_LIBS) $(TEST_LIBS)

check_PROGRAMS += tests/util/test-file
TESTS += tests/util/test-file
tests_util_test_file_SOURCES = tests/util/test-file.c \
	tests/tmpdir.c tests/tmpdir.h
tests_util_test_file_CFLAGS = $(AM_CFLAGS) $(TEST_CFLAGS)
tests_util_test_file_LDADD = libvdutil.a $(GLIB_LIBS) $(TEST_LIBS)

check_PROGRAMS += tests/util/test-json-writer
TESTS += tests/util/test-json-writer
tests_util_test_json_writer_SOURCES = tests/util/test-json-writer.c
tests_util_test_json_writer_CFLAGS = $(TEST_CFLAGS)
tests_util_test_json_writer_LDADD = libvdutil.a $(GLIB_LIBS) $(TEST_LIBS)

check_PROGRAMS += tests/util/test-uuid
TESTS += tests/util/test-uuid
tests_util_test_uuid_SOURCES = tests/util/test-uuid.c
tests_util_test_uuid_CFLAGS = $(TEST_CFLAGS)
tests_util_test_uuid_LDADD = libvdutil.a $(GLIB_LIBS) $(TEST_LIBS)

check_PROGRAMS += tests/util/test-paths
TESTS += tests/util/test-paths
tests_util_test_paths_SOURCES = tests/util/test-paths.c
tests_util_test_paths_CFLAGS = $(TEST_CFLAGS)
tests_util_test_paths_LDADD = libvdutil.a $(GLIB_LIBS) $(TEST_LIBS)
