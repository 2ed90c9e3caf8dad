# Tests of the NBD export: unit tests of the codec, the policy and the
# handshake state machine; a test server driven by real clients (libnbd,
# qemu-io, nbdinfo, fio) and by raw malformed traffic.
check_PROGRAMS += tests/storage/export/test-nbd-proto \
	tests/storage/export/test-nbd-policy \
	tests/storage/export/test-nbd-handshake \
	tests/storage/export/test-nbd-limits \
	tests/storage/export/nbd-test-server
TESTS += tests/storage/export/test-nbd-proto \
	tests/storage/export/test-nbd-policy \
	tests/storage/export/test-nbd-handshake \
	tests/storage/export/test-nbd-limits \
	tests/storage/export/test-nbd-libnbd.sh \
	tests/storage/export/test-nbd-qemu-io.sh \
	tests/storage/export/test-nbd-nbdinfo.sh \
	tests/storage/export/test-nbd-fio.sh \
	tests/storage/export/test-nbd-bad-input.sh \
	tests/storage/export/test-nbd-shutdown.sh
EXTRA_DIST += \
	tests/storage/export/lib.sh \
	tests/storage/export/test-nbd-bad-input.py \
	tests/storage/export/test-nbd-libnbd.sh \
	tests/storage/export/test-nbd-qemu-io.sh \
	tests/storage/export/test-nbd-nbdinfo.sh \
	tests/storage/export/test-nbd-fio.sh \
	tests/storage/export/test-nbd-bad-input.sh \
	tests/storage/export/test-nbd-shutdown.py \
	tests/storage/export/test-nbd-shutdown.sh

tests_storage_export_test_nbd_proto_SOURCES = tests/storage/export/test-nbd-proto.c
tests_storage_export_test_nbd_proto_CFLAGS = $(TEST_CFLAGS)
tests_storage_export_test_nbd_proto_LDADD = libvdexport.a $(TEST_LIBS)

tests_storage_export_test_nbd_policy_SOURCES = tests/storage/export/test-nbd-policy.c
tests_storage_export_test_nbd_policy_CFLAGS = $(TEST_CFLAGS)
tests_storage_export_test_nbd_policy_LDADD = libvdexport.a $(TEST_LIBS)

tests_storage_export_test_nbd_handshake_SOURCES = \
	tests/storage/export/test-nbd-handshake.c
tests_storage_export_test_nbd_handshake_CFLAGS = $(TEST_CFLAGS)
tests_storage_export_test_nbd_handshake_LDADD = libvdexport.a $(GLIB_LIBS) $(TEST_LIBS)

# White-box: reads the connection's counters (nbd-conn.h) in the I/O thread.
tests_storage_export_test_nbd_limits_SOURCES = tests/storage/export/test-nbd-limits.c \
	tests/tmpdir.c tests/tmpdir.h
tests_storage_export_test_nbd_limits_CFLAGS = $(TEST_CFLAGS)
tests_storage_export_test_nbd_limits_LDADD = libvdexport.a $(VD_STORAGE_LIBS) \
	$(VD_COMMON_LIBS) $(TEST_LIBS)

tests_storage_export_nbd_test_server_SOURCES = tests/storage/export/nbd-test-server.c
# The disk names cache modes through the conf module.
tests_storage_export_nbd_test_server_LDADD = libvdexport.a $(VD_STORAGE_LIBS) $(VD_COMMON_LIBS)

# The libnbd client program; without libnbd test-nbd-libnbd.sh fails.
if HAVE_LIBNBD
check_PROGRAMS += tests/storage/export/nbd-libnbd-client
tests_storage_export_nbd_libnbd_client_SOURCES = \
	tests/storage/export/nbd-libnbd-client.c
tests_storage_export_nbd_libnbd_client_CFLAGS = $(TEST_CFLAGS) $(LIBNBD_CFLAGS)
tests_storage_export_nbd_libnbd_client_LDADD = $(LIBNBD_LIBS) $(GLIB_LIBS) $(TEST_LIBS)
endif
