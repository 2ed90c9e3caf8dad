#!/bin/sh
# Hostile and broken QED images (made by make-images.py, with what vdisk
# must say about each): header fields out of range, sizes that overflow,
# tables pointing outside the file, into the header or the L1 table, or
# twice at one cluster, backing names that are not plain files or loop.
# Each is refused with an error that says what is wrong: by image-info
# and by the server when the header or the L1 table is wrong; by
# image-check (and repaired only with --repair) for L2 tables, whose I/O
# the server fails meanwhile. Metadata commands never follow a backing
# name. Good images must pass all of it.
. "$top_srcdir/tests/storage/qed/lib.sh"
qed_test_init
cd "$NBD_TMP"
python3 "$top_srcdir/tests/images/make-images.py" "$NBD_TMP/img"
cd img
truncate -s 1M base.raw
tab=$(printf '\t')

says() {
    grep -qF -- "$1" "$2" || nbd_fail "$name: '$1' not in: $(cat "$2")"
}

# The server must refuse to open the image, saying why.
serve_refused() {
    status=0
    "$NBD_SERVER" --image "$1" --socket "$NBD_TMP/x.sock" --format qed --cache writeback \
        >"$NBD_TMP/refused.log" 2>&1 || status=$?
    [ "$status" != 0 ] || nbd_fail "$name: served"
    says "$2" "$NBD_TMP/refused.log"
}

n=0
while IFS="$tab" read -r name when text; do
    f=$name.qed
    n=$((n + 1))
    case $when in
    good)
        "$VDISK" image-info --format qed "$f" >/dev/null 2>err || nbd_fail "$name: info: $(cat err)"
        "$VDISK" image-check --format qed "$f" >out 2>&1 || nbd_fail "$name: check: $(cat out)"
        qed_serve good "$PWD/$f"
        qemu-io -f raw -c 'read 0 1M' "$(nbd_uri good)" >out 2>&1 ||
            nbd_fail "$name: read: $(cat out)"
        nbd_stop good
        ;;
    open)
        "$VDISK" image-info --format qed "$f" >/dev/null 2>err && nbd_fail "$name: info accepted it"
        says "$text" err
        status=0
        "$VDISK" image-check --format qed "$f" >/dev/null 2>err || status=$?
        [ "$status" = 1 ] || nbd_fail "$name: check exit $status"
        serve_refused "$f" "$text"
        ;;
    open-l1)
        "$VDISK" image-info --format qed "$f" >/dev/null 2>err && nbd_fail "$name: info accepted it"
        says "$text" err
        serve_refused "$f" "$text"
        status=0
        "$VDISK" image-check --format qed "$f" >out 2>&1 || status=$?
        [ "$status" = 2 ] || nbd_fail "$name: check exit $status: $(cat out)"
        says "L1 entry" out
        "$VDISK" image-check --format qed --repair "$f" >out 2>&1 || nbd_fail "$name: repair: $(cat out)"
        "$VDISK" image-info --format qed "$f" >/dev/null 2>err || nbd_fail "$name: not repaired: $(cat err)"
        qemu-img check -f qed "$f" >out 2>&1 || nbd_fail "$name: qemu-img after repair: $(cat out)"
        ;;
    check)
        "$VDISK" image-info --format qed "$f" >/dev/null 2>err || nbd_fail "$name: info: $(cat err)"
        status=0
        "$VDISK" image-check --format qed "$f" >out 2>&1 || status=$?
        [ "$status" = 2 ] || nbd_fail "$name: check exit $status: $(cat out)"
        says "$text" out
        "$VDISK" image-check --format qed --repair "$f" >out 2>&1 || nbd_fail "$name: repair: $(cat out)"
        "$VDISK" image-check --format qed "$f" >out 2>&1 || nbd_fail "$name: not repaired: $(cat out)"
        qemu-img check -f qed "$f" >out 2>&1 || nbd_fail "$name: qemu-img after repair: $(cat out)"
        ;;
    io)
        qed_serve bad "$PWD/$f"
        qemu-io -f raw -c 'read 0 4k' "$(nbd_uri bad)" >out 2>&1 &&
            nbd_fail "$name: read through a bad table succeeded"
        nbd_stop bad
        says "$text" "$NBD_TMP/bad.log"
        ;;
    serve)
        "$VDISK" image-info --format qed "$f" >/dev/null 2>err || nbd_fail "$name: info: $(cat err)"
        serve_refused "$f" "$text"
        ;;
    esac
done <manifest
[ "$n" -ge 40 ] || nbd_fail "only $n images"
