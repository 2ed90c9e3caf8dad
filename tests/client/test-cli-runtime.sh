#!/bin/sh
# The vdisk CLI on running domains: start, the NBD URIs a guest connects
# to, exact statistics of what it sent, pause and resume, shutdown and
# destroy, and the errors a user meets on the way.
. "$top_srcdir/tests/daemon/lib.sh"
. "$top_srcdir/tests/client/cli-lib.sh"
"$PY" -c 'import nbd' || vd_fail "python3-libnbd is required"
command -v qemu-io >/dev/null || vd_fail "qemu-io is required (qemu-utils)"
vd_test_init
vd_start

truncate -s 16M "$VD_TMP/a.img" "$VD_TMP/b.img"
sed "s|@DIR@|$VD_TMP|g" "$top_srcdir/tests/daemon/domain-two-disks.xml.in" \
    >"$VD_TMP/vm.xml"
guest() { "$PY" "$top_srcdir/tests/daemon/nbd-guest.py" "$@"; }
# The state dominfo reports, for scripts.
state_is() {
    ok vdisk dominfo --json vm2d
    json_expect "d['state'] == '$1'"
}

ok vdisk define "$VD_TMP/vm.xml"

# --- Shut off: no URIs, no statistics ---
fails "domain 'vm2d' is not running" vdisk domblkstat vm2d
fails "domain 'vm2d' is not running" vdisk domblkstat vm2d vda
fails "domain 'vm2d' is not running" vdisk nbd-uri vm2d
ok vdisk domblklist vm2d
grep -Eq "^ vda +$VD_TMP/a.img +-$" "$VD_TMP/out" ||
    vd_fail "domblklist of a shut-off domain: $(cat "$VD_TMP/out")"
ok vdisk domblkinfo vm2d vdb
vd_expect_contains 'Capacity:       16777216' "$VD_TMP/out"

# --- start: the read-only socket refuses it ---
fails 'operation forbidden' vdisk_ro start vm2d
state_is 'shut off'
ok vdisk start vm2d
vd_expect_contains "Domain 'vm2d' started" "$VD_TMP/out"
state_is running
fails 'already running' vdisk start vm2d

# --- The URIs, one a line, and one disk's, by target or source ---
ok vdisk nbd-uri vm2d
[ "$(wc -l <"$VD_TMP/out")" -eq 2 ] || vd_fail "nbd-uri: $(cat "$VD_TMP/out")"
ok vdisk nbd-uri vm2d vda
uri_a=$(cat "$VD_TMP/out")
ok vdisk nbd-uri vm2d "$VD_TMP/b.img"
uri_b=$(cat "$VD_TMP/out")
case $uri_a in
nbd+unix:///vda\?socket=/*) ;;
*) vd_fail "vda's URI: $uri_a" ;;
esac
case $uri_b in
nbd+unix:///vdb\?socket=/*) ;;
*) vd_fail "vdb's URI: $uri_b" ;;
esac
ok vdisk nbd-uri vm2d --json
json_expect "d == [{'target': 'vda', 'uri': '$uri_a'},
                   {'target': 'vdb', 'uri': '$uri_b'}]"
ok vdisk_ro nbd-uri vm2d vdb --json
json_expect "d == {'target': 'vdb', 'uri': '$uri_b'}"
fails "domain 'vm2d' has no disk 'vdz'" vdisk nbd-uri vm2d vdz

# --- domblklist shows where each disk is served ---
ok vdisk domblklist vm2d
awk -v s="$VD_TMP/a.img" -v u="$uri_a" '$1 == "vda" && $2 == s && $3 == u' \
    "$VD_TMP/out" | grep -q . ||
    vd_fail "domblklist: no URI of vda: $(cat "$VD_TMP/out")"
ok vdisk domblklist vm2d --json
json_expect "[x['nbd_uri'] for x in d] == ['$uri_a', '$uri_b']"
json_expect "d[1] == {'target': 'vdb', 'source': '$VD_TMP/b.img', 'type': 'file',
                      'device': 'disk', 'nbd_uri': '$uri_b'}"

# --- Exact statistics of what a guest sent through those URIs ---
# vda: 5 writes, 3 reads, 2 flushes; vdb: 1 write, 1 read.
guest "$uri_a" 5 3 2 171 || vd_fail "guest I/O on vda"
guest "$uri_b" 1 1 0 85 || vd_fail "guest I/O on vdb"
ok vdisk domblkstat vm2d vda --json
json_expect 'd["disk"] == "vda" and d["errs"] == 0'
json_expect '([d["rd_req"], d["rd_bytes"], d["wr_req"], d["wr_bytes"]] ==
              [3, 12288, 5, 20480])'
json_expect 'd["flush_operations"] == 2 and d["rd_total_times"] > 0'
r='d["requests"]'
json_expect "$r['read']['ops'] == 3 and $r['read']['bytes'] == 12288"
json_expect "$r['write']['ops'] == 5 and $r['write']['bytes'] == 20480"
json_expect "$r['flush']['ops'] == 2 and $r['flush']['bytes'] == 0"
json_expect "$r['discard']['ops'] == 0 and $r['write_zeroes']['ops'] == 0"
json_expect "list($r) == ['read', 'write', 'flush', 'discard', 'write_zeroes']"
json_expect "$r['write']['total_ns'] == d['wr_total_times']"
# At rest nothing is in flight; percentiles of every kind are there and
# ordered, and not zero once a request of the kind completed.
json_expect "all(k['in_flight'] == 0 and k['errors'] == 0 for k in $r.values())"
json_expect "all(k['p50_ns'] <= k['p99_ns'] <= k['p999_ns']
                 for k in $r.values())"
json_expect "all(k['p50_ns'] > 0 for n, k in $r.items() if k['ops'] > 0)"
# Every running disk: an array, vda's numbers unchanged, vdb's own.
ok vdisk domblkstat vm2d --json
json_expect '[x["disk"] for x in d] == ["vda", "vdb"] and d[0]["wr_req"] == 5'
json_expect '([d[1]["wr_req"], d[1]["rd_req"], d[1]["flush_operations"]] ==
              [1, 1, 0])'
json_expect 'd[1]["requests"]["write"]["bytes"] == 4096'
# For people: virsh's lines, then the latency table.
ok vdisk domblkstat vm2d vda
for line in 'vda rd_req 3' 'vda rd_bytes 12288' 'vda wr_req 5' \
            'vda wr_bytes 20480' 'vda errs 0' 'vda flush_operations 2'; do
    grep -qx "$line" "$VD_TMP/out" || vd_fail "no '$line': $(cat "$VD_TMP/out")"
done
vd_expect_contains ' Disk   Request        In flight   p50' "$VD_TMP/out"
grep -Eq '^ vda +write +0 +[0-9.]+ (ns|us|ms|s) ' "$VD_TMP/out" ||
    vd_fail "no latencies of vda's writes: $(cat "$VD_TMP/out")"
grep -Eq '^ vda +discard +0 +- +- +-$' "$VD_TMP/out" ||
    vd_fail "latencies of discards that never happened: $(cat "$VD_TMP/out")"
fails 'not assigned' vdisk domblkstat vm2d vdz
ok vdisk domblkinfo vm2d vda --json
json_expect 'd["capacity"] == 16777216 and d["physical"] == 16777216'

# qemu-io reads what the guest wrote, through the URI vdisk printed.
qemu-io -f raw -c 'read -P 0xab 0 20k' "$uri_a" >"$VD_TMP/qio" 2>&1 ||
    vd_fail "qemu-io: $(cat "$VD_TMP/qio")"

# --- suspend and resume ---
ok vdisk suspend vm2d
vd_expect_contains "Domain 'vm2d' suspended" "$VD_TMP/out"
state_is paused
fails 'already paused' vdisk suspend vm2d
ok vdisk resume vm2d --json
json_expect 'd["name"] == "vm2d" and d["state"] == "running" and d["id"] >= 1'
fails 'not paused' vdisk resume vm2d

# --- shutdown and destroy ---
ok vdisk shutdown vm2d
vd_expect_contains "Domain 'vm2d' shut down" "$VD_TMP/out"
state_is 'shut off'
ok vdisk dominfo vm2d
vd_expect_contains 'Id:             -' "$VD_TMP/out"
fails 'not running' vdisk shutdown vm2d
ok vdisk start vm2d --paused
state_is paused
ok vdisk destroy vm2d
vd_expect_contains "Domain 'vm2d' destroyed" "$VD_TMP/out"
state_is 'shut off'
fails 'not running' vdisk destroy vm2d
fails "domain 'vm2d' is not running" vdisk domblkstat vm2d
fails 'nosuch' vdisk start nosuch

# --- help lists the verbs ---
ok "$VDISK" help
for verb in start shutdown destroy suspend resume domblklist nbd-uri \
            domblkstat domblkinfo; do
    grep -q "^  $verb " "$VD_TMP/out" || vd_fail "help does not list $verb"
done
ok "$VDISK" help start
vd_expect_contains 'Usage: vdisk start DOM [--paused]' "$VD_TMP/out"

ok vdisk undefine vm2d
# A clean exit: under the sanitizers a leak makes it fail.
vd_stop TERM || vd_fail "vdiskd exited with an error after SIGTERM"
