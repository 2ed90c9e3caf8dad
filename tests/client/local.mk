# tests of client: libvdisk's URI resolver and transport, and the vdisk CLI
# against a real vdiskd.
check_PROGRAMS += tests/client/test-uri
TESTS += tests/client/test-uri
tests_client_test_uri_SOURCES = tests/client/test-uri.c
tests_client_test_uri_CFLAGS = $(TEST_CFLAGS)
tests_client_test_uri_LDADD = libvdisk.a libvdrpc.a libvdutil.a $(GLIB_LIBS) \
	$(TEST_LIBS)

check_PROGRAMS += tests/client/test-transport
TESTS += tests/client/test-transport
tests_client_test_transport_SOURCES = tests/client/test-transport.c
tests_client_test_transport_CFLAGS = $(TEST_CFLAGS)
tests_client_test_transport_LDADD = libvdisk.a libvdrpc.a libvdutil.a \
	$(GLIB_LIBS) $(TEST_LIBS)

check_PROGRAMS += tests/client/test-handshake
TESTS += tests/client/test-handshake
tests_client_test_handshake_SOURCES = tests/client/test-handshake.c
tests_client_test_handshake_CFLAGS = $(TEST_CFLAGS)
tests_client_test_handshake_LDADD = libvdisk.a libvdrpc.a libvdutil.a \
	$(GLIB_LIBS) $(TEST_LIBS)

# The CLI against a real vdiskd (shares tests/daemon/lib.sh): every verb,
# the safety policy's verbs on the drivers' golden cases, and running
# domains with a real NBD guest.
TESTS += tests/client/test-cli.sh tests/client/test-cli-policy.sh \
	tests/client/test-cli-runtime.sh
EXTRA_DIST += tests/client/cli-lib.sh tests/client/test-cli.sh \
	tests/client/test-cli-policy.sh tests/client/test-cli-runtime.sh

# Every libvdisk call against a real vdiskd.
check_PROGRAMS += tests/client/libvdisk-api
tests_client_libvdisk_api_SOURCES = tests/client/libvdisk-api.c
tests_client_libvdisk_api_CFLAGS = $(TEST_CFLAGS)
tests_client_libvdisk_api_LDADD = libvdisk.a libvdrpc.a libvdutil.a \
	$(GLIB_LIBS) $(TEST_LIBS)
TESTS += tests/client/test-libvdisk.sh
EXTRA_DIST += tests/client/test-libvdisk.sh
