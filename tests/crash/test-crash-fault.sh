#!/bin/sh
# Fault injection through vdiskd (--test-fault, storage/layers/fault.h)
# and the error policies of DURABILITY.md, "Errors", with a real NBD
# guest (fault-guest.py):
#  - report: the guest gets the error, domblkstat's errs counts it, the
#    domain keeps running;
#  - stop: the domain pauses with reason I/O error, the failed write is
#    neither answered nor in the image, and resume retries it;
#  - a failed fdatasync: no later flush or FUA write succeeds until the
#    disk is reopened, and the daemon says so.
. "$top_srcdir/tests/crash/lib.sh"
/usr/bin/python3 -c 'import nbd' || vd_fail "python3-libnbd is required"
vd_test_init
CRASH_SIZE=16M
guest() {
    /usr/bin/python3 "$top_srcdir/tests/crash/fault-guest.py" "$1" \
        "$(crash_socket)" "$VD_TMP/disk.img" "$VD_URI" ||
        vd_fail "scenario $1"
}
stat_of() { crash_virsh domblkstat crash vda | awk -v k="$1" '$2 == k { print $3 }'; }

vd_start --test-fault op=write,nth=3
crash_define writeback "" report
crash_start
guest report
[ "$(stat_of errs)" = 1 ] || vd_fail "errs $(stat_of errs), want 1"
[ "$(stat_of wr_req)" = 4 ] || vd_fail "wr_req $(stat_of wr_req), want 4"
crash_virsh destroy crash >/dev/null
vd_stop TERM
echo "report: the guest got EIO, errs 1"

vd_start --test-fault op=write,nth=2
crash_define none "" stop
crash_start
guest stop
vd_expect_contains "domain 'crash' paused: disk vda: Input/output error" \
    "$VD_TMP/vdiskd.log"
crash_virsh destroy crash >/dev/null
vd_stop TERM
echo "stop: paused (I/O error), nothing answered, resume retried"

vd_start --test-fault op=flush,nth=1
crash_define writeback "" report
crash_start
guest flush
vd_expect_contains "writes can no longer be made durable until the disk is reopened" \
    "$VD_TMP/vdiskd.log"
[ "$(stat_of errs)" = 3 ] || vd_fail "errs $(stat_of errs), want 3"
crash_virsh destroy crash >/dev/null
crash_start
guest reopened
crash_shutdown
vd_stop TERM
echo "fdatasync: failed flushes stay failed until the disk is reopened"
