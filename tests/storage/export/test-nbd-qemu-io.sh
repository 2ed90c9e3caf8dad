#!/bin/sh
# qemu-io as the guest: patterns written over NBD and read back, with FUA,
# write-zeroes, discard and flush; then the image file itself is checked.
. "$top_srcdir/tests/storage/export/lib.sh"
nbd_test_init
command -v qemu-io >/dev/null || nbd_fail "qemu-io not found: install qemu-utils"

io() {
    # qemu-io reports pattern mismatches on stdout; its status is 1 then.
    out=$(qemu-io -f raw "$@" 2>&1) || nbd_fail "qemu-io $*: $out"
    if echo "$out" | grep -qiE 'mismatch|error|failed'; then
        nbd_fail "qemu-io $*: $out"
    fi
}

for cache in none writeback writethrough directsync unsafe; do
    nbd_start "$cache" --name disk0 --cache "$cache"
    uri=$(nbd_uri "$cache" disk0)
    # Default qemu-io is writethrough: every write carries FUA when offered.
    io -c 'write -P 0xab 0 64k' -c 'read -P 0xab 0 64k' "$uri"
    io -t writeback -c 'write -P 0xcd 64k 64k' -c flush -c 'read -P 0xcd 64k 64k' "$uri"
    io -c 'write -f -P 0x11 1M 1M' -c 'read -P 0x11 1M 1M' \
       -c 'write -z 1M 64k' -c 'read -P 0 1M 64k' -c 'read -P 0x11 1088k 960k' \
       -c 'discard 3M 1M' -c flush "$uri"
    # Unaligned, and a 4 MiB request split by qemu at our 32 MiB maximum.
    io -c 'write -P 0x22 5000001 3' -c 'read -P 0x22 5000001 3' "$uri"
    io -c 'write -P 0x33 8M 4M' -c 'read -P 0x33 8M 4M' "$uri"
    nbd_stop "$cache"
    # What the guest was told is written is in the file.
    io -c 'read -P 0xab 0 64k' -c 'read -P 0xcd 64k 64k' -c 'read -P 0 1M 64k' \
       -c 'read -P 0x11 1088k 960k' -c 'read -P 0x33 8M 4M' "$NBD_TMP/$cache.img"
done

# The default export name ("") reaches the same disk.
nbd_start dflt --name disk0
io -c 'write -P 0x44 0 4k' -c 'read -P 0x44 0 4k' "$(nbd_uri dflt)"
nbd_stop dflt
