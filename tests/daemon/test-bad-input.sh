#!/bin/sh
# Runs the bad-input cases against a daemon with a short idle timeout.
. "$top_srcdir/tests/daemon/lib.sh"
vd_test_init
# Under AddressSanitizer freed memory sits in a quarantine, which would
# look like growth to the memory check; without it the check measures the
# daemon. (Ignored by builds without the sanitizer.)
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0:thread_local_quarantine_size_kb=0"
export ASAN_OPTIONS
vd_start --idle-timeout 1
# Debian's python3 (stdlib only here, but the same interpreter as the
# other tests that use Debian's bindings).
/usr/bin/python3 "$top_srcdir/tests/daemon/test-bad-input.py" "$VD_SOCK" "$VD_PID" ||
    vd_fail "bad-input cases"
kill -0 "$VD_PID" || vd_fail "vdiskd died"
# A clean exit: under the sanitizers a leak makes it fail.
vd_stop TERM || vd_fail "vdiskd exited with status $? after SIGTERM"
