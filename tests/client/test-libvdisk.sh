#!/bin/sh
# Every libvdisk call against a real vdiskd (tests/client/libvdisk-api.c).
. "$top_srcdir/tests/daemon/lib.sh"
: "${top_builddir:?run through make check}"

vd_test_init
vd_start
export VD_URI VD_URI_RO VD_TMP VD_STATE
export VD_PID
"$top_builddir/tests/client/libvdisk-api" || vd_fail "libvdisk calls"
# A clean exit: under the sanitizers a leak makes it fail.
vd_stop TERM || vd_fail "vdiskd exited with an error after SIGTERM"
