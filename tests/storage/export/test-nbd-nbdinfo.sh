#!/bin/sh
# nbdinfo shows the flags each cache mode calls for (DURABILITY.md): flush
# and FUA only where the guest sees a write cache; read-only disks are
# read-only with neither trim nor zero; multi-conn always.
. "$top_srcdir/tests/storage/export/lib.sh"
nbd_test_init
command -v nbdinfo >/dev/null || nbd_fail "nbdinfo not found: install libnbd-bin"

# expect FILE KEY VALUE: nbdinfo prints "KEY: VALUE" lines (sizes are
# followed by a human-readable form).
expect() {
    grep -qE "^[[:space:]]*$2: $3( |\$)" "$1" || nbd_fail "$2 is not $3 in: $(cat "$1")"
}

check() {
    name=$1 cache=$2 ro=$3 flush=$4
    if [ "$ro" = true ]; then
        nbd_start "$name" --name disk0 --cache "$cache" --read-only
    else
        nbd_start "$name" --name disk0 --cache "$cache"
    fi
    nbdinfo "$(nbd_uri "$name" disk0)" >"$NBD_TMP/$name.info" 2>&1 ||
        nbd_fail "nbdinfo: $(cat "$NBD_TMP/$name.info")"
    info="$NBD_TMP/$name.info"
    expect "$info" export-size 67108864
    expect "$info" can_flush "$flush"
    expect "$info" can_fua "$flush"
    expect "$info" can_multi_conn true
    expect "$info" is_read_only "$ro"
    if [ "$ro" = true ]; then
        expect "$info" can_trim false
        expect "$info" can_zero false
    else
        expect "$info" can_trim true
        expect "$info" can_zero true
    fi
    expect "$info" can_df false
    expect "$info" block_size_minimum 1
    expect "$info" block_size_preferred 4096
    expect "$info" block_size_maximum 33554432
    nbd_stop "$name"
}

check none none false true
check writeback writeback false true
check unsafe unsafe false true
check writethrough writethrough false false
check directsync directsync false false
check ro-none none true true
check ro-writethrough writethrough true false

# discard=ignore: no SEND_TRIM, zeroes still offered.
nbd_start nodiscard --name disk0 --discard ignore
nbdinfo "$(nbd_uri nodiscard disk0)" >"$NBD_TMP/nodiscard.info" 2>&1
expect "$NBD_TMP/nodiscard.info" can_trim false
expect "$NBD_TMP/nodiscard.info" can_zero true

# --list shows the export with its description.
nbdinfo --list "$(nbd_uri nodiscard)" >"$NBD_TMP/list" 2>&1 || nbd_fail "nbdinfo --list"
grep -q 'export="disk0"' "$NBD_TMP/list" || nbd_fail "no disk0 in: $(cat "$NBD_TMP/list")"
nbd_stop nodiscard

# A listening socket handed to the export: TCP on the loopback.
nbd_start tcp --name disk0 --tcp-port-file "$NBD_TMP/port"
port=$(cat "$NBD_TMP/port")
nbdinfo "nbd://127.0.0.1:$port/disk0" >"$NBD_TMP/tcp.info" 2>&1 ||
    nbd_fail "nbdinfo over TCP: $(cat "$NBD_TMP/tcp.info")"
expect "$NBD_TMP/tcp.info" export-size 67108864
expect "$NBD_TMP/tcp.info" can_multi_conn true
nbd_stop tcp
