#!/bin/sh
# fio's nbd engine: random writes at queue depth 16 with flushes, every
# block verified afterwards (crc32c), on two cache modes.
. "$top_srcdir/tests/storage/export/lib.sh"
nbd_test_init
command -v fio >/dev/null || nbd_fail "fio not found"
fio --enghelp 2>/dev/null | grep -qw nbd || nbd_fail "fio has no nbd engine"

for cache in none writeback; do
    nbd_start "$cache" --name disk0 --cache "$cache"
    # Engine options must come after --ioengine=nbd; bounded by size.
    fio --name=verify --ioengine=nbd --uri="$(nbd_uri "$cache" disk0)" \
        --rw=randwrite --bs=4k --iodepth=16 --size=16m --fsync=32 \
        --verify=crc32c --do_verify=1 --verify_fatal=1 --verify_state_save=0 \
        --output="$NBD_TMP/fio-$cache.out" ||
        nbd_fail "fio on $cache: $(cat "$NBD_TMP/fio-$cache.out")"
    fio --name=mixed --ioengine=nbd --uri="$(nbd_uri "$cache" disk0)" \
        --rw=randrw --bsrange=512-256k --iodepth=32 --size=32m --io_size=64m \
        --output="$NBD_TMP/fio-mixed-$cache.out" ||
        nbd_fail "fio mixed on $cache: $(cat "$NBD_TMP/fio-mixed-$cache.out")"
    nbd_alive "$cache"
    nbd_stop "$cache"
done
