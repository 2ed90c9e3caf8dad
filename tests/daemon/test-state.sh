#!/bin/sh
# The state directory: one daemon per directory, corrupt definitions moved
# aside at startup while the daemon still starts and serves the rest.
. "$top_srcdir/tests/daemon/lib.sh"
vd_test_init
vd_start

virsh -q -c "$VD_URI" define "$top_srcdir/tests/daemon/domain-vm1.xml" >/dev/null ||
    vd_fail "define"

# A second daemon on the same directory refuses, naming the holder.
if "$VDISKD" --state-dir "$VD_STATE" >"$VD_TMP/second.log" 2>&1; then
    vd_fail "second daemon started on a locked state directory"
fi
vd_expect_contains "in use" "$VD_TMP/second.log"
vd_expect_contains "$VD_PID" "$VD_TMP/second.log"
kill -0 "$VD_PID" || vd_fail "first daemon died"
virsh -q -c "$VD_URI" list --all --name | grep -qx vm1 || vd_fail "first daemon stopped serving"

vd_stop TERM

# Damage: a truncated definition and one that is not XML at all.
good=$(ls "$VD_STATE/domains/"*.xml)
head -c 60 "$good" >"$VD_STATE/domains/11111111-2222-3333-4444-555555555555.xml"
echo "not xml" >"$VD_STATE/domains/66666666-7777-8888-9999-000000000000.xml"
vd_start
virsh -q -c "$VD_URI" list --all --name >"$VD_TMP/names"
[ "$(cat "$VD_TMP/names")" = "vm1" ] || vd_fail "good domain not served: $(cat "$VD_TMP/names")"
[ "$(ls "$VD_STATE/domains/corrupt" | wc -l)" -eq 2 ] ||
    vd_fail "corrupt definitions not moved aside: $(ls -R "$VD_STATE/domains")"
grep -rq "not xml" "$VD_STATE/domains/corrupt" || vd_fail "moved file lost its content"
vd_expect_contains "66666666-7777-8888-9999-000000000000" "$VD_TMP/vdiskd.log"
echo "state: all checks passed"
# A clean exit: under the sanitizers a leak makes it fail.
vd_stop TERM || vd_fail "vdiskd exited with an error after SIGTERM"
