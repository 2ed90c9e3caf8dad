#!/bin/sh
# The unmodified virsh drives vdiskd: define, list, dumpxml, dominfo,
# undefine; the read-only socket refuses define; definitions survive
# restarts after SIGTERM and SIGKILL.
. "$top_srcdir/tests/daemon/lib.sh"
command -v virsh >/dev/null || vd_fail "virsh is required (libvirt-clients)"
vd_test_init
vd_start

XML="$top_srcdir/tests/daemon/domain-vm1.xml"
v() { virsh -q -c "$VD_URI" "$@"; }

v list --all >"$VD_TMP/list0"
[ ! -s "$VD_TMP/list0" ] || vd_fail "fresh daemon lists domains: $(cat "$VD_TMP/list0")"

virsh -c "$VD_URI" define "$XML" >"$VD_TMP/out" || vd_fail "virsh define"
vd_expect_contains "Domain 'vm1' defined" "$VD_TMP/out"

v list --all >"$VD_TMP/list"
grep -Eq '^ *- +vm1 +shut off' "$VD_TMP/list" || vd_fail "list --all: $(cat "$VD_TMP/list")"
v list >"$VD_TMP/list-active"
[ ! -s "$VD_TMP/list-active" ] || vd_fail "inactive vm1 listed as active"

v dumpxml vm1 >"$VD_TMP/dump.xml" || vd_fail "virsh dumpxml"
vd_expect_contains "<name>vm1</name>" "$VD_TMP/dump.xml"
vd_expect_contains "4dea22b3-1d52-d8f3-2516-782e98ab3fa0" "$VD_TMP/dump.xml"
vd_expect_contains "cache='none'" "$VD_TMP/dump.xml"
# Elements vdisk does not manage come back as given.
vd_expect_contains "<source network='default'/>" "$VD_TMP/dump.xml"
virt-xml-validate "$VD_TMP/dump.xml" domain >/dev/null 2>&1 ||
    vd_fail "dumpxml output is not valid libvirt XML"

v dominfo vm1 >"$VD_TMP/info" || vd_fail "virsh dominfo"
grep -Eq '^State: +shut off' "$VD_TMP/info" || vd_fail "dominfo state: $(cat "$VD_TMP/info")"
grep -Eq '^Max memory: +524288 KiB' "$VD_TMP/info" || vd_fail "dominfo memory"
grep -Eq '^CPU\(s\): +2' "$VD_TMP/info" || vd_fail "dominfo cpus"
grep -Eq '^Persistent: +yes' "$VD_TMP/info" || vd_fail "dominfo persistent"

v domstate vm1 >"$VD_TMP/domstate"
vd_expect_contains "shut off" "$VD_TMP/domstate"
v domuuid vm1 >"$VD_TMP/uuid"
vd_expect_contains "4dea22b3-1d52-d8f3-2516-782e98ab3fa0" "$VD_TMP/uuid"
v domblklist vm1 >"$VD_TMP/blk"
grep -Eq 'vda +/var/lib/vdisk/images/vm1.img' "$VD_TMP/blk" || vd_fail "domblklist: $(cat "$VD_TMP/blk")"
v version >"$VD_TMP/version" || vd_fail "virsh version"

# Errors come back with libvirt's codes, which virsh prints.
vd_expect_fail "failed to get domain 'nosuch'" v dumpxml nosuch
sed 's/<name>vm1</<name>vm1-renamed</' "$XML" >"$VD_TMP/renamed.xml"
vd_expect_fail "already defined with uuid" v define "$VD_TMP/renamed.xml"
sed 's/cache=.none./cache="bogus"/' "$XML" >"$VD_TMP/bad.xml"
vd_expect_fail "bogus" v define "$VD_TMP/bad.xml"

# Read-only access: the read-only socket, and virsh -r on the other one.
virsh -q -c "$VD_URI_RO" list --all >"$VD_TMP/ro-list" || vd_fail "read-only list"
vd_expect_contains "vm1" "$VD_TMP/ro-list"
virsh -q -c "$VD_URI_RO" dumpxml vm1 >/dev/null || vd_fail "read-only dumpxml"
sed 's/vm1/vm2/; s/4dea22b3/5dea22b3/' "$XML" >"$VD_TMP/vm2.xml"
vd_expect_fail "operation forbidden" virsh -q -c "$VD_URI_RO" define "$VD_TMP/vm2.xml"
vd_expect_fail "operation forbidden" virsh -q -c "$VD_URI_RO" undefine vm1
vd_expect_fail "operation forbidden" virsh -q -r -c "$VD_URI" define "$VD_TMP/vm2.xml"

v define "$VD_TMP/vm2.xml" >/dev/null || vd_fail "define vm2"

# A clean stop and a kill: both domains come back.
vd_stop TERM || vd_fail "vdiskd exited non-zero after SIGTERM"
[ ! -e "$VD_STATE/run/vdiskd.pid" ] || vd_fail "pid file left after SIGTERM"
vd_start
v list --all --name >"$VD_TMP/names"
[ "$(cat "$VD_TMP/names")" = "$(printf 'vm1\nvm2')" ] || vd_fail "after restart: $(cat "$VD_TMP/names")"
vd_stop KILL || true
vd_start
v list --all --name >"$VD_TMP/names"
[ "$(cat "$VD_TMP/names")" = "$(printf 'vm1\nvm2')" ] || vd_fail "after SIGKILL: $(cat "$VD_TMP/names")"

virsh -c "$VD_URI" undefine vm2 >"$VD_TMP/out" || vd_fail "virsh undefine"
vd_expect_contains "Domain 'vm2' has been undefined" "$VD_TMP/out"
vd_stop TERM
vd_start
v list --all --name >"$VD_TMP/names"
[ "$(cat "$VD_TMP/names")" = "vm1" ] || vd_fail "undefine did not last: $(cat "$VD_TMP/names")"
echo "virsh: all checks passed"
# A clean exit: under the sanitizers a leak makes it fail.
vd_stop TERM || vd_fail "vdiskd exited with an error after SIGTERM"
