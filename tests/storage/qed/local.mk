# The QED format: unit tests of the header, the layer, the check and the
# recovery (check programs), and interoperability with QEMU's own tools
# (scripts driving qemu-img and qemu-io against images vdisk serves).
check_LIBRARIES += libvdqedtest.a
libvdqedtest_a_SOURCES = \
	tests/storage/qed/qed-image-test.c tests/storage/qed/qed-image-test.h \
	tests/storage/qed/qed-trace.c tests/storage/qed/qed-trace.h
libvdqedtest_a_CFLAGS = $(TEST_CFLAGS)

QED_TEST_LIBS = libvdqedtest.a $(STORAGE_TEST_LIBS)

QED_TESTS = \
	tests/storage/qed/test-qed-header \
	tests/storage/qed/test-qed-io \
	tests/storage/qed/test-qed-order \
	tests/storage/qed/test-qed-recover
check_PROGRAMS += $(QED_TESTS)
TESTS += $(QED_TESTS)

tests_storage_qed_test_qed_header_SOURCES = tests/storage/qed/test-qed-header.c
tests_storage_qed_test_qed_header_CFLAGS = $(TEST_CFLAGS)
tests_storage_qed_test_qed_header_LDADD = $(QED_TEST_LIBS)

tests_storage_qed_test_qed_io_SOURCES = tests/storage/qed/test-qed-io.c
tests_storage_qed_test_qed_io_CFLAGS = $(TEST_CFLAGS)
tests_storage_qed_test_qed_io_LDADD = $(QED_TEST_LIBS)

tests_storage_qed_test_qed_order_SOURCES = tests/storage/qed/test-qed-order.c
tests_storage_qed_test_qed_order_CFLAGS = $(TEST_CFLAGS)
tests_storage_qed_test_qed_order_LDADD = $(QED_TEST_LIBS)

tests_storage_qed_test_qed_recover_SOURCES = tests/storage/qed/test-qed-recover.c
tests_storage_qed_test_qed_recover_CFLAGS = $(TEST_CFLAGS)
tests_storage_qed_test_qed_recover_LDADD = $(QED_TEST_LIBS)

# Scripts: the image commands, and QEMU's tools on images vdisk serves.
QED_SCRIPT_TESTS = \
	tests/storage/qed/test-qed-cli.sh \
	tests/storage/qed/test-qed-daemon.sh
TESTS += $(QED_SCRIPT_TESTS)
EXTRA_DIST += tests/storage/qed/lib.sh tests/storage/qed/gen-writes.py \
	$(QED_SCRIPT_TESTS)
