#!/bin/sh
# Malformed handshakes, bad requests and clients that drop mid-request,
# as raw bytes; the server must answer per the spec and keep serving.
. "$top_srcdir/tests/storage/export/lib.sh"
nbd_test_init
nbd_start bad --name disk0 --cache none
# Debian's python3: the same interpreter as the tests using its bindings.
/usr/bin/python3 "$top_srcdir/tests/storage/export/test-nbd-bad-input.py" \
    "$(nbd_sock bad)" "$(cat "$NBD_TMP/bad.pid")" || nbd_fail "bad-input cases"
nbd_alive bad
# A clean stop after all that: nothing in flight is lost or leaked.
nbd_stop bad
