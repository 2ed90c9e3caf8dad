#!/bin/sh
# Runs the bad-input cases against a daemon with a short idle timeout.
. "$top_srcdir/tests/daemon/lib.sh"
vd_test_init
vd_start --idle-timeout 1
# Debian's python3 (stdlib only here, but the same interpreter as the
# other tests that use Debian's bindings).
/usr/bin/python3 "$top_srcdir/tests/daemon/test-bad-input.py" "$VD_SOCK" "$VD_PID" ||
    vd_fail "bad-input cases"
kill -0 "$VD_PID" || vd_fail "vdiskd died"
