#!/bin/sh
# The export driven by libnbd's C API (nbd-libnbd-client.c).
. "$top_srcdir/tests/storage/export/lib.sh"
nbd_test_init
client="$top_builddir/tests/storage/export/nbd-libnbd-client"
[ -x "$client" ] || nbd_fail "nbd-libnbd-client not built: install libnbd-dev and reconfigure"

nbd_start rw --name disk0 --description "test disk" --cache none
nbd_start ro --name disk1 --read-only --cache writethrough
NBD_RW_SOCK=$(nbd_sock rw) NBD_RO_SOCK=$(nbd_sock ro) "$client" || nbd_fail "libnbd client"
nbd_alive rw
nbd_alive ro
nbd_stop rw
nbd_stop ro
