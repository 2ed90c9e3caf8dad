#!/bin/sh
# SIGTERM with connections in every state: the server closes them all,
# loses nothing in flight, leaks nothing and exits 0.
. "$top_srcdir/tests/storage/export/lib.sh"
nbd_test_init
nbd_start down --name disk0 --cache writeback
pid=$(cat "$NBD_TMP/down.pid")
/usr/bin/python3 "$top_srcdir/tests/storage/export/test-nbd-shutdown.py" \
    "$(nbd_sock down)" "$pid" || nbd_fail "shutdown cases"
status=0
wait "$pid" || status=$?
rm -f "$NBD_TMP/down.pid"
[ "$status" -eq 0 ] || nbd_fail "server exited with status $status"
[ ! -e "$(nbd_sock down)" ] || nbd_fail "socket left behind"
