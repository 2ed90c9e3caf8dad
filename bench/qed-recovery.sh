#!/bin/sh
# Open after a crash: a 1 TiB QED image with about 100,000 allocated
# clusters (random 4 KiB writes all over it, then flushed), then ROUNDS
# times: random writes with a flush every 32, the server killed (SIGKILL)
# in the middle, and the image opened for writing as the daemon opens it
# (bench/qed-open). Bar: the open, recovery included, under 50 ms. For
# comparison: the same open with the full check (a last crash, opened
# ignoring the log), vdisk image-check, and qemu-img check.
#
#   bench/qed-recovery.sh [ROUNDS]    (BENCH_DIR: where the image goes)
. "$(dirname "$0")/qed-lib.sh"
ROUNDS=${1:-5}
bench_init
[ -x "$BENCH_TOP/bench/qed-open" ] || make -C "$BENCH_TOP" -s bench/qed-open
OPEN="$BENCH_TOP/bench/qed-open"
cd "$BENCH_TMP"
URI="nbd+unix:///?socket=$PWD/s.sock"

"$VDISK" image-create --format qed --size 1T img.qed
bench_serve "$PWD/s.sock" "$SERVER" --image img.qed --socket "$PWD/s.sock" --format qed
echo "filling: 102400 random 4 KiB writes over 1 TiB..."
fio --name=fill --ioengine=nbd --uri="$URI" --rw=randwrite --bs=4k \
    --iodepth=16 --size=1t --io_size=400m --randrepeat=1 --end_fsync=1 \
    --output="$BENCH_TMP/fill.out" >/dev/null
bench_stop
"$VDISK" image-check --json img.qed >check.json || true
echo "allocated clusters: $(python3 -c 'import json; print(json.load(open("check.json"))["allocated-clusters"])')"

crash() {
    bench_serve "$PWD/s.sock" "$SERVER" --image img.qed --socket "$PWD/s.sock" --format qed
    # Ends after a write that no flush covered: the kill comes with
    # mappings in memory and tables on their way to the disk.
    fio --name=work --ioengine=nbd --uri="$URI" --rw=randwrite --bs=4k \
        --iodepth=16 --size=1t --io_size=8m --fsync=32 --randrepeat=0 \
        --output="$BENCH_TMP/work.out" >/dev/null
    fio --name=tail --ioengine=nbd --uri="$URI" --rw=randwrite --bs=4k \
        --iodepth=16 --size=1t --io_size=80k --randrepeat=0 \
        --output="$BENCH_TMP/work.out" >/dev/null
    kill -KILL "$SRV_PID"
    wait "$SRV_PID" 2>/dev/null || true
    [ "$(od -An -t x1 -j 16 -N 1 img.qed | tr -d ' ')" = 02 ] ||
        { echo "the image was not left needing a check" >&2; exit 1; }
}

opens=
for round in $(seq 1 "$ROUNDS"); do
    crash "$round"
    line=$("$OPEN" img.qed)
    echo "round $round: $line"
    opens="$opens $(echo "$line" | awk '{ print int($2 * 100) }')"
done
crash 99
full=$("$OPEN" --no-log img.qed)
echo "full check instead of the log: $full"
start=$(date +%s%N); "$VDISK" image-check img.qed >/dev/null || true; end=$(date +%s%N)
echo "vdisk image-check: $(( (end - start) / 1000000 )) ms"
start=$(date +%s%N); qemu-img check img.qed >/dev/null 2>&1 || true; end=$(date +%s%N)
echo "qemu-img check:    $(( (end - start) / 1000000 )) ms"
med=$(median $opens)
echo
echo "median open after a crash: $(awk -v t="$med" 'BEGIN { printf "%.2f", t / 100 }') ms" \
     "(bar 50 ms): $(awk -v t="$med" 'BEGIN { print (t <= 5000) ? "pass" : "FAIL" }')"
