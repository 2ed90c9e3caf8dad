#!/bin/sh
# QED disks served by vdiskd, with QEMU's tools as the oracle. Images that
# qemu-img made (alone, over a raw backing file with the no-probe bit,
# over a QED backing file that must be probed) are read over NBD as QEMU
# wrote them; then a guest (qemu-io) writes patterns, random writes and
# zero writes through NBD, the same list goes to raw references, and after
# the domain shuts down qemu-img check finds every image consistent and
# qemu-img compare finds it identical to its reference. Then the daemon is
# killed after a flush: the images recover on the next start, and still
# compare identical.
. "$top_srcdir/tests/daemon/lib.sh"
command -v qemu-io >/dev/null || vd_fail "qemu-io is required (qemu-utils)"
vd_test_init
vd_start
cd "$VD_TMP"
GEN="$top_srcdir/tests/storage/qed/gen-writes.py"
SIZE=$((64 * 1024 * 1024))
uuid=5a0e1f2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b
nbd_uri() { echo "nbd+unix:///$1?socket=$VD_STATE/run/nbd/$uuid/$1"; }
v() { virsh -q -c "$VD_URI" "$@"; }
qio() { qemu-io "$@" >>"$VD_TMP/qemu-io.log" 2>&1 || vd_fail "qemu-io $*: $(tail -3 "$VD_TMP/qemu-io.log")"; }

# vda: alone. vdb: over raw (no-probe bit). vdc: over QED (probed).
qemu-img create -q -f qed a.qed $SIZE
qemu-img create -q -f raw base.raw 48M
qemu-img create -q -f qed -b base.raw -F raw b.qed $SIZE
qemu-img create -q -f qed base.qed 56M
qemu-img create -q -f qed -b base.qed -F qed c.qed $SIZE
qio -f raw -c 'write -P 0x21 0 48M' base.raw
qio -f qed -c 'write -P 0x31 1M 3M' -c 'write -z 8M 1M' base.qed
qio -f qed -c 'write -P 0x41 2M 64k' -c 'write -P 0x42 63M 4k' a.qed
qio -f qed -c 'write -P 0x51 5M 100k' b.qed
qio -f qed -c 'write -P 0x61 2M 512' c.qed
for x in a b c; do qemu-img convert -O raw $x.qed $x.raw; done

cat >vm.xml <<EOF2
<domain type='kvm'>
  <name>vmqed</name>
  <uuid>$uuid</uuid>
  <memory unit='MiB'>256</memory>
  <os><type arch='x86_64'>hvm</type></os>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qed' cache='none' discard='unmap'/>
      <source file='$VD_TMP/a.qed'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qed' cache='writeback'/>
      <source file='$VD_TMP/b.qed'/>
      <target dev='vdb' bus='virtio'/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qed' cache='directsync'/>
      <source file='$VD_TMP/c.qed'/>
      <target dev='vdc' bus='virtio'/>
    </disk>
  </devices>
</domain>
EOF2
v define vm.xml >/dev/null || vd_fail "define"
v start vmqed >/dev/null || vd_fail "start"

# What QEMU wrote, read through vdiskd, whatever the cache mode.
qio -r -f raw -c 'read -P 0x41 2M 64k' -c 'read -P 0x42 63M 4k' -c 'read -P 0 0 2M' "$(nbd_uri vda)"
qio -r -f raw -c 'read -P 0x21 0 5M' -c 'read -P 0x51 5M 100k' -c 'read -P 0 48M 16M' "$(nbd_uri vdb)"
qio -r -f raw -c 'read -P 0x31 1M 1M' -c 'read -P 0x61 2M 512' -c 'read -P 0x31 2097664 1M' \
    -c 'read -P 0 8M 1M' -c 'read -P 0 56M 8M' "$(nbd_uri vdc)"

# The same writes through vdiskd and on the raw references; vda also
# discards (it has no backing file: a discarded range reads zeroes on both
# sides).
seed=1
for x in a b c; do
    dev=vd$x
    python3 "$GEN" $seed $SIZE 400 $([ $x = a ] && echo discard) >w-$x
    qio -f raw "$(nbd_uri $dev)" <w-$x
    qio -f raw $x.raw <w-$x
    seed=$((seed + 1))
done
v shutdown vmqed >/dev/null || vd_fail "shutdown"
for x in a b c; do
    qemu-img check -q $x.qed >check-$x 2>&1 || vd_fail "qemu-img check $x.qed: $(cat check-$x)"
    qemu-img compare -q -f qed -F raw $x.qed $x.raw || vd_fail "$x.qed differs from its reference"
done
[ "$(od -An -t x8 -j 16 -N 8 a.qed | tr -d ' ')" = 0000000000000000 ] ||
    vd_fail "NEED_CHECK left set by a clean shutdown"

# A crash after a flush: the next start recovers, nothing flushed is lost.
v start vmqed >/dev/null || vd_fail "restart"
for x in a b c; do
    python3 "$GEN" $seed $SIZE 200 >w2-$x
    qio -f raw "$(nbd_uri vd$x)" <w2-$x
    qio -f raw $x.raw <w2-$x
    seed=$((seed + 1))
done
vd_stop KILL || true
[ "$(od -An -t x1 -j 16 -N 1 a.qed | tr -d ' ')" = 02 ] ||
    vd_fail "NEED_CHECK not set on disk while the image was in use"
vd_start
v start vmqed >/dev/null || vd_fail "start after the crash"
v shutdown vmqed >/dev/null || vd_fail "shutdown after the crash"
for x in a b c; do
    qemu-img check -q $x.qed >check-$x 2>&1 || vd_fail "after the crash, qemu-img check $x.qed: $(cat check-$x)"
    qemu-img compare -q -f qed -F raw $x.qed $x.raw || vd_fail "after the crash, $x.qed differs"
done
vd_stop TERM || vd_fail "vdiskd exited with an error"
