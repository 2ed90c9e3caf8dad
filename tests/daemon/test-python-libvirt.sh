#!/bin/sh
# Runs the python-libvirt checks with Debian's interpreter, the one
# python3-libvirt installs into.
. "$top_srcdir/tests/daemon/lib.sh"
/usr/bin/python3 -c 'import libvirt' || vd_fail "python3-libvirt is required"
vd_test_init
vd_start
/usr/bin/python3 "$top_srcdir/tests/daemon/test-python-libvirt.py" \
    "$VD_URI" "$VD_URI_RO" "$top_srcdir/tests/daemon/domain-vm1.xml" ||
    vd_fail "python-libvirt checks"
vd_stop TERM || vd_fail "vdiskd exited with an error after SIGTERM"
