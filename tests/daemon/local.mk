# Integration tests: each script starts its own vdiskd on a temporary
# state directory and drives it with a real client.
TESTS += \
	tests/daemon/test-virsh.sh \
	tests/daemon/test-state.sh \
	tests/daemon/test-bad-input.sh \
	tests/daemon/test-libvirt-api.sh \
	tests/daemon/test-policy-rpc.sh \
	tests/daemon/test-python-libvirt.sh
EXTRA_DIST += \
	tests/daemon/lib.sh \
	tests/daemon/domain-vm1.xml \
	tests/daemon/rpc_client.py \
	tests/daemon/test-bad-input.py tests/daemon/test-python-libvirt.py \
	tests/daemon/test-virsh.sh tests/daemon/test-state.sh \
	tests/daemon/test-bad-input.sh tests/daemon/test-libvirt-api.sh \
	tests/daemon/test-policy-rpc.sh \
	tests/daemon/test-python-libvirt.sh

if HAVE_LIBVIRT
check_PROGRAMS += tests/daemon/libvirt-api-client
tests_daemon_libvirt_api_client_SOURCES = tests/daemon/test-libvirt-api.c
tests_daemon_libvirt_api_client_CFLAGS = $(AM_CFLAGS) $(LIBVIRT_CFLAGS)
tests_daemon_libvirt_api_client_LDADD = $(LIBVIRT_LIBS) $(GLIB_LIBS)
endif

check_PROGRAMS += tests/daemon/test-state-dir
TESTS += tests/daemon/test-state-dir
tests_daemon_test_state_dir_SOURCES = tests/daemon/test-state-dir.c \
	tests/tmpdir.c tests/tmpdir.h
tests_daemon_test_state_dir_CFLAGS = $(AM_CFLAGS) $(TEST_CFLAGS)
tests_daemon_test_state_dir_LDADD = libvddaemon.a libvdutil.a \
	$(GLIB_LIBS) $(TEST_LIBS)
