# The block backend's unit tests. They share the test doubles of
# storage-test.c (a filter above the format, an engine spy below the file
# layer) and each run in their own temporary directory.
check_LIBRARIES += libvdstoragetest.a
libvdstoragetest_a_SOURCES = \
	tests/storage/storage-test.c tests/storage/storage-test.h \
	tests/storage/test-filter.c tests/storage/engine-spy.c \
	tests/tmpdir.c tests/tmpdir.h
libvdstoragetest_a_CFLAGS = $(TEST_CFLAGS)

STORAGE_TEST_LIBS = libvdstoragetest.a $(VD_STORAGE_LIBS) $(TEST_LIBS)

STORAGE_TESTS = \
	tests/storage/test-request \
	tests/storage/test-iothread \
	tests/storage/test-disk-io \
	tests/storage/test-rmw \
	tests/storage/test-cache-modes \
	tests/storage/test-gate \
	tests/storage/test-stats \
	tests/storage/test-alloc \
	tests/storage/test-recorder \
	tests/storage/test-fault
check_PROGRAMS += $(STORAGE_TESTS)
TESTS += $(STORAGE_TESTS)

tests_storage_test_request_SOURCES = tests/storage/test-request.c
tests_storage_test_request_CFLAGS = $(TEST_CFLAGS)
tests_storage_test_request_LDADD = $(STORAGE_TEST_LIBS)

tests_storage_test_iothread_SOURCES = tests/storage/test-iothread.c
tests_storage_test_iothread_CFLAGS = $(TEST_CFLAGS)
tests_storage_test_iothread_LDADD = $(STORAGE_TEST_LIBS)

tests_storage_test_disk_io_SOURCES = tests/storage/test-disk-io.c
tests_storage_test_disk_io_CFLAGS = $(TEST_CFLAGS)
tests_storage_test_disk_io_LDADD = $(STORAGE_TEST_LIBS)

tests_storage_test_rmw_SOURCES = tests/storage/test-rmw.c
tests_storage_test_rmw_CFLAGS = $(TEST_CFLAGS)
tests_storage_test_rmw_LDADD = $(STORAGE_TEST_LIBS)

tests_storage_test_cache_modes_SOURCES = tests/storage/test-cache-modes.c
tests_storage_test_cache_modes_CFLAGS = $(TEST_CFLAGS)
tests_storage_test_cache_modes_LDADD = $(STORAGE_TEST_LIBS)

tests_storage_test_gate_SOURCES = tests/storage/test-gate.c
tests_storage_test_gate_CFLAGS = $(TEST_CFLAGS)
tests_storage_test_gate_LDADD = $(STORAGE_TEST_LIBS)

tests_storage_test_stats_SOURCES = tests/storage/test-stats.c
tests_storage_test_stats_CFLAGS = $(TEST_CFLAGS)
tests_storage_test_stats_LDADD = $(STORAGE_TEST_LIBS)

tests_storage_test_recorder_SOURCES = tests/storage/test-recorder.c
tests_storage_test_recorder_CFLAGS = $(TEST_CFLAGS)
tests_storage_test_recorder_LDADD = $(STORAGE_TEST_LIBS)

tests_storage_test_fault_SOURCES = tests/storage/test-fault.c
tests_storage_test_fault_CFLAGS = $(TEST_CFLAGS)
tests_storage_test_fault_LDADD = $(STORAGE_TEST_LIBS)

# Counts every allocation the storage code makes, through the linker's
# --wrap: the hot path must not allocate once the pool is warm.
tests_storage_test_alloc_SOURCES = tests/storage/test-alloc.c
tests_storage_test_alloc_CFLAGS = $(TEST_CFLAGS)
tests_storage_test_alloc_LDFLAGS = $(AM_LDFLAGS) \
	-Wl,--wrap=malloc -Wl,--wrap=calloc -Wl,--wrap=realloc \
	-Wl,--wrap=posix_memalign -Wl,--wrap=aligned_alloc \
	-Wl,--wrap=g_malloc -Wl,--wrap=g_malloc0 -Wl,--wrap=g_malloc_n \
	-Wl,--wrap=g_malloc0_n -Wl,--wrap=g_realloc -Wl,--wrap=g_try_malloc \
	-Wl,--wrap=g_slice_alloc -Wl,--wrap=g_slice_alloc0
tests_storage_test_alloc_LDADD = $(STORAGE_TEST_LIBS)
