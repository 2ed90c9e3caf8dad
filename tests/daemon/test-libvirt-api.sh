#!/bin/sh
# Runs the libvirt C API program against a fresh daemon.
. "$top_srcdir/tests/daemon/lib.sh"
prog="$top_builddir/tests/daemon/libvirt-api-client"
[ -x "$prog" ] || vd_fail "libvirt-api-client not built: install libvirt-dev and reconfigure"
vd_test_init
vd_start
"$prog" "$VD_URI" "$VD_URI_RO" "$top_srcdir/tests/daemon/domain-vm1.xml" ||
    vd_fail "libvirt C API checks"
# A clean exit: under the sanitizers a leak makes it fail.
vd_stop TERM || vd_fail "vdiskd exited with an error after SIGTERM"
