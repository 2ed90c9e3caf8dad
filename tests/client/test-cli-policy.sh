#!/bin/sh
# The safety policy through the vdisk CLI against a real vdiskd: define's
# refusals and warnings, explain in both forms, and the migration check,
# on the drivers' golden cases (tests/drivers/data).
. "$top_srcdir/tests/daemon/lib.sh"
. "$top_srcdir/tests/client/cli-lib.sh"

vd_test_init
vd_start
data="$top_srcdir/tests/drivers/data"

# --- define: a refusal names the disk and the rule, and defines nothing ---
fails "disk 'vda': cache='unsafe'" vdisk define "$data/qemu-unsafe-cache-unsafe.xml"
vd_expect_contains '(rule qemu-unsafe-cache, can be overridden)' "$VD_TMP/err"
ok vdisk list --all --json
json_expect 'd == []'

# --unsafe defines it; the override is a warning, and stays in the XML.
warns 'override: disk vda: cache=unsafe (qemu-unsafe-cache)' \
    vdisk define --unsafe "$data/qemu-unsafe-cache-unsafe.xml"
[ "$(wc -l <"$VD_TMP/err")" -eq 1 ] || vd_fail "not one warning: $(cat "$VD_TMP/err")"
vd_expect_contains "Domain 'vm11' defined from $data/qemu-unsafe-cache-unsafe.xml" \
    "$VD_TMP/out"
ok vdisk dumpxml vm11
vd_expect_contains "cache='unsafe'" "$VD_TMP/out"
vd_expect_contains "<vdisk:override disk='vda' rule='qemu-unsafe-cache'" "$VD_TMP/out"
# Defining the stored XML again needs no flag: the override is in it.
cp "$VD_TMP/out" "$VD_TMP/vm11-stored.xml"
warns 'qemu-unsafe-cache' vdisk define "$VD_TMP/vm11-stored.xml"

# The JSON form carries the warnings too, and they still go to stderr.
warns 'override: disk vda' vdisk define --json --unsafe \
    "$data/qemu-unsafe-cache-unsafe.xml"
json_expect 'd["name"] == "vm11" and len(d["warnings"]) == 1'
json_expect 'd["warnings"][0].startswith("override: disk vda: cache=unsafe (qemu-unsafe-cache): ")'

# A warning of the policy's own (an unsafe value replaced) is not called
# a warning twice.
warns 'disk xvda: driver=tap (xen-file-loop)' vdisk define "$data/xen-pv-file.xml"
grep -q '^warning: warning:' "$VD_TMP/err" && vd_fail "warning said twice"
ok vdisk undefine pv1

# A definition the policy has nothing to say about: no warnings at all.
ok vdisk define --json "$data/qemu-defaults.xml"
json_expect 'd["name"] == "vm1" and d["warnings"] == []'

# --- explain ---
ok vdisk explain vm11
vd_expect_contains 'vda: override: cache=unsafe (qemu-unsafe-cache): forced with the unsafe flag' \
    "$VD_TMP/out"
vd_expect_contains 'vda: bus=virtio (qemu-default-bus): ' "$VD_TMP/out"
ok vdisk explain vm11 --json
json_expect 'd["domain"] == "vm11" and d["driver"] == "qemu"'
json_expect '[x["rule"] for x in d["decisions"]] == ["qemu-default-bus", "qemu-default-format", "qemu-default-io", "qemu-unsafe-cache"]'
json_expect '[x["severity"] for x in d["decisions"] if x["rule"] == "qemu-unsafe-cache"] == ["override"]'
json_expect 'all(x["disk"] == "vda" and x["reason"] for x in d["decisions"])'
# The daemon's JSON, unchanged: the drivers' golden file, byte for byte.
ok vdisk --json explain vm1
cmp -s "$VD_TMP/out" "$data/qemu-defaults.json" ||
    vd_fail "explain --json differs from qemu-defaults.json: $(cat "$VD_TMP/out")"
# The text form is the golden file's too.
ok vdisk explain vm1
cmp -s "$VD_TMP/out" "$data/qemu-defaults.explain" ||
    vd_fail "explain differs from qemu-defaults.explain: $(cat "$VD_TMP/out")"
# A query: the read-only socket answers it.
ok vdisk_ro explain --json c7a5fdbd-edaf-9455-926a-d65c16db0001
json_expect 'd["domain"] == "vm1"'
fails "failed to get domain 'nosuch'" vdisk explain nosuch
fails 'missing argument' vdisk explain

# A domain without disks: the policy has nothing to decide.
cat >"$VD_TMP/nodisks.xml" <<EOF
<domain type='kvm'>
  <name>nodisks</name>
  <memory unit='KiB'>65536</memory>
  <os><type arch='x86_64'>hvm</type></os>
</domain>
EOF
ok vdisk define "$VD_TMP/nodisks.xml"
ok vdisk explain nodisks
[ "$(cat "$VD_TMP/out")" = "Domain 'nodisks' has no disks: the policy decided nothing." ] ||
    vd_fail "explain nodisks: $(cat "$VD_TMP/out")"
ok vdisk explain --json nodisks
json_expect 'd == {"domain": "nodisks", "driver": "qemu", "decisions": []}'
ok vdisk migrate-check nodisks
ok vdisk undefine nodisks

# --- migrate-check ---
# Writeback on vdb while vda is none: refused, naming vdb.
ok vdisk define "$data/qemu-migrate-writeback.xml"
fails "disk 'vdb' uses cache 'writeback'" vdisk migrate-check vm14
vd_expect_contains "domain 'vm14' cannot be migrated safely" "$VD_TMP/err"
fails "disk 'vdb'" vdisk migrate-check --json vm14
# Writeback on an IDE bus: the guest can flush, so define takes it, but
# this host's page cache would still hold its writes during a migration.
ok vdisk define "$data/qemu-ide-sata-bus.xml"
fails "disk 'hdb' uses cache 'writeback'" vdisk_ro migrate-check vm6
fails "disk 'vda' uses cache 'unsafe'" vdisk migrate-check vm11
# cache='none' everywhere: safe.
ok vdisk migrate-check vm1
[ "$(cat "$VD_TMP/out")" = "Migration of domain 'vm1' is safe for its disks." ] ||
    vd_fail "migrate-check vm1: $(cat "$VD_TMP/out")"
ok vdisk migrate-check vm1 --json
json_expect 'd == {"name": "vm1", "uuid": "c7a5fdbd-edaf-9455-926a-d65c16db0001", "safe": True}'
fails "failed to get domain 'nosuch'" vdisk migrate-check nosuch

# --- help ---
ok "$VDISK" help explain
vd_expect_contains 'Usage: vdisk explain DOM [--json]' "$VD_TMP/out"
ok "$VDISK" help migrate-check
vd_expect_contains 'Usage: vdisk migrate-check DOM [--json]' "$VD_TMP/out"

for dom in vm1 vm6 vm11 vm14; do
    ok vdisk undefine "$dom"
done
# A clean exit: under the sanitizers a leak makes it fail.
vd_stop TERM || vd_fail "vdiskd exited with an error after SIGTERM"
