check_PROGRAMS += tests/rpc/test-xdr-codec tests/rpc/test-message
TESTS += tests/rpc/test-xdr-codec tests/rpc/test-message
tests_rpc_test_xdr_codec_SOURCES = tests/rpc/test-xdr-codec.c
tests_rpc_test_xdr_codec_CFLAGS = $(TEST_CFLAGS)
tests_rpc_test_xdr_codec_LDADD = libvdrpc.a libvdutil.a $(GLIB_LIBS) $(TEST_LIBS)
tests_rpc_test_message_SOURCES = tests/rpc/test-message.c
tests_rpc_test_message_CFLAGS = $(TEST_CFLAGS)
tests_rpc_test_message_LDADD = libvdrpc.a libvdutil.a $(GLIB_LIBS) $(TEST_LIBS)
