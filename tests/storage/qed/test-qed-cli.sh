#!/bin/sh
# vdisk image-create, image-info and image-check, without a daemon,
# checked against qemu-img: what one creates the other reads the same
# way, and both checks count the same corruptions and leaks.
. "$top_srcdir/tests/storage/qed/lib.sh"
qed_test_init
cd "$NBD_TMP"

expect_fail() {
    text=$1
    shift
    if "$@" >out 2>err; then
        nbd_fail "expected failure of: $*"
    fi
    grep -q -- "$text" err || nbd_fail "'$*' did not say '$text': $(cat err)"
}

# --- raw, with each preallocation ---
"$VDISK" image-create --size 10M sparse.raw
"$VDISK" image-create --size 10M --preallocation falloc falloc.raw
"$VDISK" image-create --size 10M --preallocation=full full.raw
for f in sparse falloc full; do
    [ "$(stat -c %s $f.raw)" = 10485760 ] || nbd_fail "$f.raw size"
done
[ "$(stat -c %b sparse.raw)" -lt 64 ] || nbd_fail "sparse.raw is not sparse"
[ "$(stat -c %b falloc.raw)" -ge 20480 ] || nbd_fail "falloc.raw not reserved"
[ "$(stat -c %b full.raw)" -ge 20480 ] || nbd_fail "full.raw not written"
[ "$("$VDISK" image-info --json full.raw | qed_json format)" = raw ] ||
    nbd_fail "image-info: not raw"
expect_fail "not overwriting" "$VDISK" image-create --size 1M full.raw
expect_fail "not a size" "$VDISK" image-create --size 10Q x.raw
expect_fail "--size is required" "$VDISK" image-create x.raw
expect_fail "needs a SIZE" "$VDISK" image-create x.raw --size
expect_fail "for QED images" "$VDISK" image-create --size 1M --cluster-size 4K x.raw
[ ! -e x.raw ] || nbd_fail "a failed create left a file"
expect_fail "nothing to check" "$VDISK" image-check full.raw
"$VDISK" image-check full.raw >/dev/null 2>&1 && nbd_fail "raw check passed"
status=0; "$VDISK" image-check full.raw >/dev/null 2>&1 || status=$?
[ "$status" = 63 ] || nbd_fail "raw check exit $status, not 63"

# --- qed: what qemu-img reads from it ---
"$VDISK" image-create --format qed --size 1G a.qed
qemu-img info --output=json a.qed >qi.json
[ "$(qed_json format <qi.json)" = qed ] || nbd_fail "qemu-img: not qed"
[ "$(qed_json virtual-size <qi.json)" = 1073741824 ] || nbd_fail "virtual size"
[ "$(qed_json cluster-size <qi.json)" = 65536 ] || nbd_fail "cluster size"
[ "$(stat -c %s a.qed)" = 327680 ] || nbd_fail "not qemu-img's layout"
qed_qemu_clean a.qed
"$VDISK" image-create --format qed --size 100M --cluster-size 4K --table-size 2 s.qed
[ "$(qemu-img info --output=json s.qed | qed_json cluster-size)" = 4096 ] ||
    nbd_fail "4K clusters"
qed_qemu_clean s.qed
qemu-io -f qed -c 'write -P 7 1M 64k' s.qed >/dev/null
qemu-io -f qed -c 'read -P 7 1M 64k' s.qed >/dev/null || nbd_fail "4K image"
expect_fail "cluster size 3000" "$VDISK" image-create --format qed --size 1M --cluster-size 3000 y.qed
expect_fail "can map" "$VDISK" image-create --format qed --size 5G --cluster-size 4K --table-size 2 y.qed
expect_fail "QEMU cannot open" "$VDISK" image-create --format qed --size 1M --table-size 1 y.qed
expect_fail "preallocation is for raw" "$VDISK" image-create --format qed --size 1M --preallocation full y.qed

# --- backing files: size taken from it, name kept as given ---
mkdir sub
qemu-img create -f raw sub/base.raw 8M >/dev/null
"$VDISK" image-create --format qed --backing base.raw --backing-format raw sub/top.qed
qemu-img info --output=json sub/top.qed >qi.json
[ "$(qed_json virtual-size <qi.json)" = 8388608 ] || nbd_fail "size from backing"
[ "$(qed_json backing-filename <qi.json)" = base.raw ] || nbd_fail "backing name"
[ "$(qed_json backing-filename-format <qi.json)" = raw ] || nbd_fail "no-probe bit"
"$VDISK" image-info --json sub/top.qed >vi.json
[ "$(qed_json full-backing-filename <vi.json)" = sub/base.raw ] ||
    nbd_fail "resolved path: $(cat vi.json)"
"$VDISK" image-create --format qed --size 16M --backing top.qed sub/top2.qed
[ "$(qemu-img info --output=json sub/top2.qed | qed_json backing-filename)" = top.qed ] ||
    nbd_fail "qed backing"
expect_fail "backing file" "$VDISK" image-create --format qed --backing nosuch.raw z.qed
# info never opens the backing file, even a missing one.
mv sub/base.raw sub/gone.raw
"$VDISK" image-info sub/top.qed >/dev/null || nbd_fail "info opened the backing file"

# --- check: the counts qemu-img gives, and repair ---
qemu-img create -f qed c.qed 64M >/dev/null
qemu-io -f qed -c 'write -P 1 0 64k' -c 'write -P 2 1M 64k' -c 'write -z 2M 64k' c.qed >/dev/null
"$VDISK" image-check c.qed >out || nbd_fail "clean image: $(cat out)"
grep -q "No errors" out || nbd_fail "clean image: $(cat out)"
"$VDISK" image-check --json c.qed >vc.json
qemu-img check --output=json c.qed >qc.json
for k in allocated-clusters fragmented-clusters total-clusters; do
    [ "$(qed_json $k <vc.json)" = "$(qed_json $k <qc.json)" ] ||
        nbd_fail "$k: ours $(qed_json $k <vc.json), qemu-img's $(qed_json $k <qc.json)"
done
# Leaks: two clusters appended that nothing maps.
size=$(stat -c %s c.qed)
truncate -s $((size + 131072)) c.qed
status=0; "$VDISK" image-check c.qed >out || status=$?
[ "$status" = 3 ] || nbd_fail "leaks: exit $status: $(cat out)"
grep -q "2 leaked clusters" out || nbd_fail "leaks: $(cat out)"
qemu-img check c.qed >qout 2>&1 || true
grep -q "2 leaked clusters" qout || nbd_fail "qemu-img disagrees: $(cat qout)"
"$VDISK" image-check --repair c.qed >out || nbd_fail "repair leaks: $(cat out)"
[ "$(stat -c %s c.qed)" = "$size" ] || nbd_fail "leaks not cut"
qed_qemu_clean c.qed
# Corruption: an L2 entry past the end of the file.
l2=$(od -An -t u8 -j 65536 -N 8 c.qed | tr -d ' ')
printf '\000\000\377\177\000\000\000\000' | dd of=c.qed bs=1 seek=$((l2 + 8 * 5)) conv=notrunc 2>/dev/null
status=0; "$VDISK" image-check --json c.qed >vc.json || status=$?
[ "$status" = 2 ] || nbd_fail "corruption: exit $status"
[ "$(qed_json corruptions <vc.json)" = 1 ] || nbd_fail "corruptions: $(cat vc.json)"
grep -q "past the end of the file" vc.json || nbd_fail "no reason: $(cat vc.json)"
status=0; qemu-img check c.qed >/dev/null 2>&1 || status=$?
[ "$status" = 2 ] || nbd_fail "qemu-img: exit $status"
"$VDISK" image-check --repair c.qed >out || nbd_fail "repair: $(cat out)"
grep -q "1 corruptions" out || nbd_fail "repair: $(cat out)"
qed_qemu_clean c.qed
qemu-io -f qed -c 'read -P 1 0 64k' -c 'read -P 2 1M 64k' c.qed >/dev/null ||
    nbd_fail "data lost by the repair"
