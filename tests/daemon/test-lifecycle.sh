#!/bin/sh
# A running domain serves its disks over NBD: start, I/O from a real NBD
# client, exact statistics, suspend/resume, shutdown and destroy, image
# locks within a daemon and across daemons, and what SIGTERM and SIGKILL
# leave behind.
. "$top_srcdir/tests/daemon/lib.sh"
/usr/bin/python3 -c 'import nbd' || vd_fail "python3-libnbd is required"
command -v qemu-io >/dev/null || vd_fail "qemu-io is required (qemu-utils)"
vd_test_init
vd_start

truncate -s 16M "$VD_TMP/a.img" "$VD_TMP/b.img"
sed "s|@DIR@|$VD_TMP|g" "$top_srcdir/tests/daemon/domain-two-disks.xml.in" >"$VD_TMP/vm.xml"
v() { virsh -q -c "$VD_URI" "$@"; }
uuid=7b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0
nbd_uri() { echo "nbd+unix:///$1?socket=$VD_STATE/run/nbd/$uuid/$1"; }
guest() { /usr/bin/python3 "$top_srcdir/tests/daemon/nbd-guest.py" "$@"; }
stat_of() { v domblkstat vm2d "$1" | awk -v k="$2" '$2 == k { print $3 }'; }

v define "$VD_TMP/vm.xml" >/dev/null || vd_fail "define"
vd_expect_fail "not running" v domblkstat vm2d vda
v start vm2d >/dev/null || vd_fail "start"
v domstate vm2d | grep -q running || vd_fail "not running after start"
v start vm2d >/dev/null 2>&1 && vd_fail "a running domain started twice"

# Exact statistics: 5 writes, 3 reads, 2 flushes on vda; nothing on vdb.
guest "$(nbd_uri vda)" 5 3 2 171 || vd_fail "guest I/O on vda"
[ "$(stat_of vda wr_req)" = 5 ] || vd_fail "wr_req $(stat_of vda wr_req) != 5"
[ "$(stat_of vda wr_bytes)" = 20480 ] || vd_fail "wr_bytes"
[ "$(stat_of vda rd_req)" = 3 ] || vd_fail "rd_req $(stat_of vda rd_req) != 3"
[ "$(stat_of vda rd_bytes)" = 12288 ] || vd_fail "rd_bytes"
[ "$(stat_of vda flush_operations)" = 2 ] || vd_fail "flush_operations"
[ "$(stat_of vda errs)" = 0 ] || vd_fail "errs"
[ "$(stat_of vdb wr_req)" = 0 ] || vd_fail "vdb counted vda's writes"
# The whole domain ("") sums the disks; a disk may be named by its source.
guest "$(nbd_uri vdb)" 1 1 0 85 || vd_fail "guest I/O on vdb"
v domblkstat vm2d >"$VD_TMP/all"
grep -q "wr_req 6" "$VD_TMP/all" || vd_fail "domain total: $(cat "$VD_TMP/all")"
v domblkstat vm2d "$VD_TMP/b.img" | grep -q "wr_req 1" || vd_fail "stats by source path"
vd_expect_fail "not assigned" v domblkstat vm2d vdz

# The QEMU configuration vdisk renders points at the sockets it serves.
v domxml-to-native qemu-argv "$VD_TMP/vm.xml" >"$VD_TMP/argv"
vd_expect_contains "\"path\":\"$VD_STATE/run/nbd/$uuid/vdb\"" "$VD_TMP/argv"
[ -S "$VD_STATE/run/nbd/$uuid/vdb" ] || vd_fail "no socket where qemu-argv points"

# qemu-io as the guest, writing and verifying a pattern.
qemu-io -f raw -c 'write -P 0x5a 1M 64k' -c 'read -P 0x5a 1M 64k' "$(nbd_uri vda)" \
    >"$VD_TMP/qio" || vd_fail "qemu-io: $(cat "$VD_TMP/qio")"

# One writer per image: in this daemon, and in another daemon.
sed 's/vm2d/other/; s/7b1c2d3e/8b1c2d3e/' "$VD_TMP/vm.xml" >"$VD_TMP/other.xml"
v define "$VD_TMP/other.xml" >/dev/null
vd_expect_fail "disk in use: '$VD_TMP/a.img' is used by running domain 'vm2d'" v start other
"$VDISKD" --state-dir "$VD_TMP/state2" >"$VD_TMP/d2.log" 2>&1 &
pid2=$!
i=0
until [ -S "$VD_TMP/state2/run/vdiskd-sock-ro" ]; do
    i=$((i + 1)); [ "$i" -lt 1200 ] || vd_fail "second daemon did not start"; sleep 0.05
done
U2="vdisk+unix:///system?socket=$VD_TMP/state2/run/vdiskd-sock"
virsh -q -c "$U2" define "$VD_TMP/other.xml" >/dev/null
vd_expect_fail "locked by vdiskd (pid $VD_PID)" virsh -q -c "$U2" start other
kill "$pid2"; wait "$pid2" || true

# Suspend holds I/O; resume lets it go on.
v suspend vm2d >/dev/null && v domstate vm2d --reason | grep -q "paused (user)" ||
    vd_fail "suspend"
v resume vm2d >/dev/null && v domstate vm2d | grep -q running || vd_fail "resume"

# Shutdown returns once the writes are durable and the disks closed.
v shutdown vm2d >/dev/null || vd_fail "shutdown"
v domstate vm2d --reason | grep -q "shut off (shutdown)" || vd_fail "state after shutdown"
[ ! -e "$VD_STATE/run/nbd/$uuid/vda" ] || vd_fail "socket left after shutdown"
cmp -n 4096 "$VD_TMP/a.img" /dev/stdin <<EOF2 || vd_fail "vda's data not in the image"
$(head -c 4096 /dev/zero | tr '\0' '\253')
EOF2
v start other >/dev/null || vd_fail "image lock not released by shutdown"
v destroy other >/dev/null || vd_fail "destroy"
v domstate other --reason | grep -q "shut off (destroyed)" || vd_fail "state after destroy"

# SIGTERM shuts running domains down cleanly; SIGKILL leaves them off.
v start vm2d >/dev/null || vd_fail "restart vm2d"
vd_stop TERM || vd_fail "vdiskd exited non-zero after SIGTERM with a running domain"
vd_expect_contains "domain 'vm2d' shut down" "$VD_TMP/vdiskd.log"
vd_start
v domstate vm2d | grep -q "shut off" || vd_fail "domain running after restart"
v start vm2d >/dev/null || vd_fail "start after restart"
vd_stop KILL || true
vd_start
v domstate vm2d | grep -q "shut off" || vd_fail "domain running after SIGKILL"
[ ! -e "$VD_STATE/run/nbd/$uuid" ] || vd_fail "stale sockets after SIGKILL"
v start vm2d >/dev/null || vd_fail "start after SIGKILL: lock not released?"
guest "$(nbd_uri vda)" 1 1 1 171 || vd_fail "guest after restart"
vd_stop TERM || vd_fail "vdiskd exited with an error after SIGTERM"
echo "lifecycle: all checks passed"
