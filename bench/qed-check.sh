#!/bin/sh
# image-check against qemu-img check on an image whose L1 table is full:
# 64 TiB, one 4 KiB write per 2 GiB, so 32768 L2 tables (8 GiB of them
# with QEMU's layout, written whole). Made by qemu-io, as in the
# reference measurements; then ROUNDS rounds of both checks, cold (the
# image's pages dropped from the cache, for this file only) and warm,
# alternating. Bar: image-check at least 2x faster. Also vdisk's check on
# a full-L1 image vdisk wrote (its tables are mostly holes).
#
#   bench/qed-check.sh [ROUNDS]    (BENCH_DIR: about 11 GiB free needed)
. "$(dirname "$0")/qed-lib.sh"
ROUNDS=${1:-3}
bench_init
cd "$BENCH_TMP"

echo "making the full-L1 image with qemu-io (about a minute)..."
qemu-img create -q -f qed full.qed 64T
python3 -c '
for k in range(32768):
    print("write -q %d 4k" % (k << 31))' >writes
qemu-io -f qed -t none -i native full.qed <writes >/dev/null
echo "file: $(du -h --apparent-size full.qed | cut -f1), L2 tables: 32768"

drop() {
    python3 -c 'import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
os.fdatasync(fd)
os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)' "$1"
}

# Milliseconds of a command (its exit status ignored: qemu-img reports
# phantom leaks on files of 4 GiB and more).
ms() {
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    end=$(date +%s%N)
    echo $(( (end - start) / 1000000 ))
}

vc= qc= vw= qw=
for round in $(seq 1 "$ROUNDS"); do
    if [ $((round % 2)) = 1 ]; then
        drop full.qed; a=$(ms "$VDISK" image-check full.qed)
        drop full.qed; b=$(ms qemu-img check full.qed)
        c=$(ms "$VDISK" image-check full.qed); d=$(ms qemu-img check full.qed)
    else
        drop full.qed; b=$(ms qemu-img check full.qed)
        drop full.qed; a=$(ms "$VDISK" image-check full.qed)
        d=$(ms qemu-img check full.qed); c=$(ms "$VDISK" image-check full.qed)
    fi
    echo "round $round: cold vdisk $a ms, qemu-img $b ms; warm vdisk $c ms, qemu-img $d ms"
    vc="$vc $a"; qc="$qc $b"; vw="$vw $c"; qw="$qw $d"
done
"$VDISK" image-check full.qed >ours.out 2>&1 || true
qemu-img check full.qed >theirs.out 2>&1 || true
echo "vdisk:    $(grep -E 'allocated|leaked|errors' ours.out | tr '\n' ' ')"
echo "qemu-img: $(grep -E 'allocated|leaked|errors' theirs.out | tr '\n' ' ')"
rm -f full.qed

echo "the same image written through vdisk..."
"$VDISK" image-create --format qed --size 64T ours.qed
bench_serve "$PWD/s.sock" "$SERVER" --image ours.qed --socket "$PWD/s.sock" --format qed --cache writeback
qemu-io -f raw "nbd+unix:///?socket=$PWD/s.sock" <writes >/dev/null
bench_stop
drop ours.qed
echo "vdisk image-check on vdisk's image: cold $(ms "$VDISK" image-check ours.qed) ms," \
     "warm $(ms "$VDISK" image-check ours.qed) ms; qemu-img check: $(ms qemu-img check ours.qed) ms"

echo
echo "medians of $ROUNDS rounds: cold vdisk $(median $vc) ms, qemu-img $(median $qc) ms;" \
     "warm vdisk $(median $vw) ms, qemu-img $(median $qw) ms"
echo "  cold: $(bar "$(median $qc)" "$(median $vc)" 2)"
echo "  warm: $(bar "$(median $qw)" "$(median $vw)" 2)"
