# tests of client: libvdisk's URI resolver and transport, and the vdisk CLI
# against a real vdiskd.
check_PROGRAMS += tests/client/test-uri
TESTS += tests/client/test-uri
tests_client_test_uri_SOURCES = tests/client/test-uri.c
tests_client_test_uri_CFLAGS = $(TEST_CFLAGS)
tests_client_test_uri_LDADD = libvdisk.a libvdrpc.a libvdutil.a $(GLIB_LIBS) \
	$(TEST_LIBS)
