# Tests of the NBD export: unit tests of the codec, the policy and the
# handshake state machine.
check_PROGRAMS += tests/storage/export/test-nbd-proto \
	tests/storage/export/test-nbd-policy \
	tests/storage/export/test-nbd-handshake
TESTS += tests/storage/export/test-nbd-proto \
	tests/storage/export/test-nbd-policy \
	tests/storage/export/test-nbd-handshake
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
