#!/bin/sh
# The safety policy through the RPC: virsh users get safe defaults,
# refusals with reasons, overrides kept in the XML, and the hypervisor's
# native configuration.
. "$top_srcdir/tests/daemon/lib.sh"
vd_test_init
vd_start
data="$top_srcdir/tests/drivers/data"
v() { virsh -q -c "$VD_URI" "$@"; }

# Defaults are filled into what is stored and shown.
v define "$top_srcdir/tests/daemon/domain-vm1.xml" >/dev/null || vd_fail "define"
v dumpxml vm1 >"$VD_TMP/vm1.xml"
vd_expect_contains "io='native'" "$VD_TMP/vm1.xml"

# Unsafe combinations are refused with the rule and the reason...
vd_expect_fail "io='native' needs either no disk cache or directsync" \
    v define "$data/qemu-native-writeback-invalid.xml"
vd_expect_fail "unsupported configuration" v define "$data/qemu-unsafe-cache-unsafe.xml"
v list --all --name >"$VD_TMP/names"
[ "$(cat "$VD_TMP/names")" = "vm1" ] || vd_fail "a refused define left a domain: $(cat "$VD_TMP/names")"

# ...unless overridden in the XML, where the override stays visible.
v define "$data/qemu-unsafe-cache-forced.xml" >/dev/null || vd_fail "forced define"
v dumpxml vm12 >"$VD_TMP/vm12.xml"
vd_expect_contains "rule='qemu-unsafe-cache'" "$VD_TMP/vm12.xml"
vd_expect_contains "cache='unsafe'" "$VD_TMP/vm12.xml"

# The hypervisor's own configuration, pointing at vdisk's NBD export.
v domxml-to-native qemu-argv "$top_srcdir/tests/daemon/domain-vm1.xml" >"$VD_TMP/argv"
vd_expect_contains '"driver":"nbd"' "$VD_TMP/argv"
vd_expect_contains '"export":"vda"' "$VD_TMP/argv"
v domxml-to-native xen-xl "$data/xen-pv-file.xml" >"$VD_TMP/xl"
vd_expect_contains "backendtype=tap" "$VD_TMP/xl"
vd_expect_fail "operation forbidden" virsh -q -c "$VD_URI_RO" \
    domxml-to-native qemu-argv "$top_srcdir/tests/daemon/domain-vm1.xml"
echo "policy over RPC: all checks passed"
# A clean exit: under the sanitizers a leak makes it fail.
vd_stop TERM || vd_fail "vdiskd exited with an error after SIGTERM"
