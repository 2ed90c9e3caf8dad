#!/bin/sh
# 4 KiB random writes at queue depth 16 over NBD (fio's nbd engine):
#   fresh:     a new 1 GiB image, every write allocating: vdisk's QED,
#              vdisk's raw (sparse), and QEMU's QED (qemu-nbd, cache=none,
#              aio=native) on the same kind of image;
#   allocated: images written whole first: vdisk's QED and vdisk's raw.
# Contenders alternate within each round; medians over ROUNDS rounds, and
# the medians of the ratios within each round (the pairs ran seconds
# apart, so a neighbour's load shifts both alike): the bars are held to
# those. Bars: fresh QED >= 5x QEMU's and >= 0.6x our raw; allocated
# >= 0.9x our raw.
#
#   bench/qed-randwrite.sh [ROUNDS]    (BENCH_DIR: where the images go)
. "$(dirname "$0")/qed-lib.sh"
ROUNDS=${1:-7}
SIZE=1G
FIO_ARGS="--rw=randwrite --bs=4k --iodepth=16 --size=$SIZE --io_size=64m --randrepeat=1"
bench_init
cd "$BENCH_TMP"

fresh_qed() {
    rm -f img.qed
    "$VDISK" image-create --format qed --size $SIZE img.qed
    bench_serve "$PWD/s.sock" "$SERVER" --image img.qed --socket "$PWD/s.sock" --format qed
    bench_fio "nbd+unix:///?socket=$PWD/s.sock"
    bench_stop
}

fresh_raw() {
    rm -f img.raw
    "$VDISK" image-create --size $SIZE img.raw
    bench_serve "$PWD/s.sock" "$SERVER" --image img.raw --socket "$PWD/s.sock"
    bench_fio "nbd+unix:///?socket=$PWD/s.sock"
    bench_stop
}

fresh_qemu() {
    rm -f img.qed
    qemu-img create -q -f qed img.qed $SIZE
    bench_serve "$PWD/q.sock" qemu-nbd -t -f qed --cache=none --aio=native -k "$PWD/q.sock" img.qed
    bench_fio "nbd+unix:///?socket=$PWD/q.sock"
    bench_stop
}

# Allocated images, written whole once, reused by every round.
"$VDISK" image-create --format qed --size $SIZE full.qed
qemu-io -f qed -t none -c "write -P 0x5a 0 $SIZE" full.qed >/dev/null
"$VDISK" image-create --size $SIZE --preallocation full full.raw
alloc_qed() {
    bench_serve "$PWD/s.sock" "$SERVER" --image full.qed --socket "$PWD/s.sock" --format qed
    FIO_ARGS="$FIO_ARGS --io_size=128m" bench_fio "nbd+unix:///?socket=$PWD/s.sock"
    bench_stop
}
alloc_raw() {
    bench_serve "$PWD/s.sock" "$SERVER" --image full.raw --socket "$PWD/s.sock"
    FIO_ARGS="$FIO_ARGS --io_size=128m" bench_fio "nbd+unix:///?socket=$PWD/s.sock"
    bench_stop
}

q= r= m= aq= ar= rq= rr= ra=
for round in $(seq 1 "$ROUNDS"); do
    if [ $((round % 2)) = 1 ]; then
        a=$(fresh_qed); b=$(fresh_raw); c=$(fresh_qemu); d=$(alloc_qed); e=$(alloc_raw)
    else
        c=$(fresh_qemu); b=$(fresh_raw); a=$(fresh_qed); e=$(alloc_raw); d=$(alloc_qed)
    fi
    echo "round $round: fresh qed $a, raw $b, qemu qed $c; allocated qed $d, raw $e IOPS"
    q="$q $a"; r="$r $b"; m="$m $c"; aq="$aq $d"; ar="$ar $e"
    rq="$rq $(ratio "$a" "$c")"; rr="$rr $(ratio "$a" "$b")"; ra="$ra $(ratio "$d" "$e")"
done
mq=$(median $q); mr=$(median $r); mm=$(median $m); maq=$(median $aq); mar=$(median $ar)
echo
echo "medians of $ROUNDS rounds (IOPS, 4 KiB random writes, QD16, over NBD):"
echo "  fresh:     vdisk qed $mq   vdisk raw $mr   qemu-nbd qed $mm"
echo "  allocated: vdisk qed $maq   vdisk raw $mar"
echo "  ratios of the medians: fresh qed/qemu $(fmt_ratio "$mq" "$mm"), fresh qed/raw" \
     "$(fmt_ratio "$mq" "$mr"), allocated qed/raw $(fmt_ratio "$maq" "$mar")"
echo "medians of the per-round ratios:"
echo "  fresh qed vs QEMU's qed:     $(bar "$(median $rq)" 1000 5)"
echo "  fresh qed vs our raw:        $(bar "$(median $rr)" 1000 0.6)"
echo "  allocated qed vs our raw:    $(bar "$(median $ra)" 1000 0.9)"
