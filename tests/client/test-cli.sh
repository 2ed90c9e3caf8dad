#!/bin/sh
# The vdisk CLI against a real vdiskd: every verb in its human and JSON
# forms, the errors a user meets, and the read-only socket.
. "$top_srcdir/tests/daemon/lib.sh"
. "$top_srcdir/tests/client/cli-lib.sh"

vd_test_init
vd_start

UUID=6c7a1f24-8a8e-4bb2-9d3c-0f4e2b1a9c11
cat >"$VD_TMP/vm1.xml" <<EOF
<domain type='kvm'>
  <name>vm1</name>
  <uuid>$UUID</uuid>
  <memory unit='KiB'>262144</memory>
  <vcpu>2</vcpu>
  <os><type arch='x86_64'>hvm</type></os>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw' cache='none'/>
      <source file='$VD_TMP/vm1.img'/>
      <target dev='vda' bus='virtio'/>
    </disk>
  </devices>
</domain>
EOF
# A name that JSON must escape and a character beyond ASCII.
sed -e 's|<name>vm1</name>|<name>odd "q" \\ é</name>|' -e '/<uuid>/d' \
    "$VD_TMP/vm1.xml" >"$VD_TMP/odd.xml"
sed -e 's|vm1|vm-unsafe|' -e "s|cache='none'|cache='unsafe'|" -e '/<uuid>/d' \
    "$VD_TMP/vm1.xml" >"$VD_TMP/unsafe.xml"

# --- Errors before any domain exists ---
fails 'nosuch' vdisk dominfo nosuch
fails 'nosuch' vdisk dumpxml nosuch
fails 'nosuch' vdisk undefine nosuch
fails "unknown command 'frobnicate'" vdisk frobnicate
fails "vdisk help" vdisk frobnicate
fails 'missing argument' vdisk dumpxml
fails 'missing argument' vdisk define
fails "unexpected argument 'extra'" vdisk dominfo vm1 extra
fails "no option '--bogus'" vdisk list --bogus
fails 'no command given' "$VDISK"
fails 'unsupported connection URI' "$VDISK" -c 'vdisk+ssh://host/system' list
fails 'is vdiskd running' "$VDISK" -c "vdisk+unix:///system?socket=$VD_TMP/none" list

# --- The read-only socket answers queries and refuses changes ---
fails 'operation forbidden' vdisk_ro define "$VD_TMP/vm1.xml"
ok vdisk_ro list --all --json
json_expect 'd == []'

# --- define ---
ok vdisk define "$VD_TMP/vm1.xml"
vd_expect_contains "Domain 'vm1' defined from $VD_TMP/vm1.xml" "$VD_TMP/out"
ok vdisk --json define "$VD_TMP/odd.xml"
json_expect 'd["name"] == "odd \"q\" \\ \u00e9" and len(d["uuid"]) == 36'
fails 'No such file' vdisk define "$VD_TMP/missing.xml"
# The safety policy refuses cache='unsafe'; --unsafe overrides it.
fails 'unsupported configuration' vdisk define "$VD_TMP/unsafe.xml"
warns 'qemu-unsafe-cache' vdisk define --unsafe "$VD_TMP/unsafe.xml"
ok vdisk dumpxml vm-unsafe
vd_expect_contains "cache='unsafe'" "$VD_TMP/out"
ok vdisk undefine vm-unsafe

# --- list ---
ok vdisk list
vd_expect_contains ' Id   Name   State' "$VD_TMP/out"
grep -q 'vm1' "$VD_TMP/out" && vd_fail "inactive vm1 in plain list"
ok vdisk list --all
grep -Eq '^ -  +vm1  +shut off$' "$VD_TMP/out" ||
    vd_fail "no inactive vm1 row: $(cat "$VD_TMP/out")"
ok vdisk list --json
json_expect 'd == []'
ok vdisk list --all --json
json_expect '[x["name"] for x in d] == ["odd \"q\" \\ \u00e9", "vm1"]'
json_expect 'd[1] == {"id": None, "name": "vm1", "uuid": "'$UUID'", "state": "shut off"}'
# --json before the verb too.
ok vdisk --json list --all
json_expect 'len(d) == 2'

# --- dumpxml ---
ok vdisk dumpxml vm1
vd_expect_contains '<name>vm1</name>' "$VD_TMP/out"
ok vdisk dumpxml "$UUID"
vd_expect_contains '<name>vm1</name>' "$VD_TMP/out"
ok vdisk dumpxml --json vm1
json_expect '"<name>vm1</name>" in d["xml"] and list(d) == ["xml"]'

# --- dominfo ---
ok vdisk dominfo vm1
for line in 'Id:             -' 'Name:           vm1' "UUID:           $UUID" \
            'OS Type:        hvm' 'State:          shut off' \
            'CPU(s):         2' 'Max memory:     262144 KiB' \
            'Used memory:    262144 KiB' 'Persistent:     yes' \
            'Autostart:      disable'; do
    vd_expect_contains "$line" "$VD_TMP/out"
done
ok vdisk dominfo --json "$UUID"
json_expect 'd["name"] == "vm1" and d["id"] is None and d["cpus"] == 2'
json_expect 'd["max_memory_kib"] == 262144 and d["persistent"] is True'
json_expect 'd["state"] == "shut off" and d["autostart"] is False'

# --- version ---
ok vdisk version
vd_expect_contains 'Running against daemon:' "$VD_TMP/out"
ok vdisk version --json
json_expect 'd["daemon_pid"] == '"$VD_PID"' and d["daemon_state_dir"] == "'"$VD_STATE"'"'

# --- help, which needs no daemon ---
ok "$VDISK" help
for verb in define undefine list dumpxml dominfo explain migrate-check version \
           help; do
    grep -q "^  $verb" "$VD_TMP/out" || vd_fail "help does not list $verb"
done
ok "$VDISK" help define
vd_expect_contains 'Usage: vdisk define FILE [--unsafe]' "$VD_TMP/out"
fails "unknown command 'nope'" "$VDISK" help nope

# --- undefine ---
fails 'operation forbidden' vdisk_ro undefine vm1
ok vdisk undefine vm1
vd_expect_contains "Domain 'vm1' has been undefined" "$VD_TMP/out"
ok vdisk undefine 'odd "q" \ é'
fails 'vm1' vdisk undefine vm1
ok vdisk list --all --json
json_expect 'd == []'
# A clean exit: under the sanitizers a leak makes it fail.
vd_stop TERM || vd_fail "vdiskd exited with an error after SIGTERM"
