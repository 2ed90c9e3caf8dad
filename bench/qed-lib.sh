# Helpers of the QED benchmarks: a scratch directory on the disk under test,
# NBD servers started and stopped by pid, fio over NBD, medians.
#
# Benchmarks are not tests: they print numbers and whether the bars are
# met, and never run from make check. The machine may be shared: run
# several rounds, alternate the contenders, and read ratios rather than
# absolute figures.

set -eu

BENCH_TOP=$(cd "$(dirname "$0")/.." && pwd)
SERVER="$BENCH_TOP/tests/storage/export/nbd-test-server"
VDISK="$BENCH_TOP/vdisk"

bench_init() {
    [ -x "$SERVER" ] || make -C "$BENCH_TOP" -s tests/storage/export/nbd-test-server
    [ -x "$VDISK" ] || make -C "$BENCH_TOP" -s vdisk
    for tool in fio qemu-img qemu-io qemu-nbd python3; do
        command -v $tool >/dev/null || { echo "$tool is required" >&2; exit 2; }
    done
    BENCH_TMP=$(mktemp -d "${BENCH_DIR:-/var/tmp}/vdisk-bench.XXXXXX")
    BENCH_PIDS=
    trap bench_cleanup EXIT
    trap 'exit 1' INT TERM
}

bench_cleanup() {
    for pid in $BENCH_PIDS; do
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$BENCH_TMP"
}

# Start a server (its command line after the socket path); sets SRV_PID.
bench_serve() {
    sock=$1
    shift
    rm -f "$sock"
    "$@" >>"$BENCH_TMP/server.log" 2>&1 &
    SRV_PID=$!
    BENCH_PIDS="$BENCH_PIDS $SRV_PID"
    while [ ! -S "$sock" ]; do
        kill -0 "$SRV_PID" 2>/dev/null || { cat "$BENCH_TMP/server.log" >&2; exit 1; }
        sleep 0.05
    done
}

bench_stop() {
    kill -TERM "$SRV_PID"
    wait "$SRV_PID" || true
    BENCH_PIDS=$(echo "$BENCH_PIDS" | sed "s/ $SRV_PID\b//")
}

# IOPS of fio over NBD at URI: FIO_ARGS in the environment.
bench_fio() {
    fio --name=bench --ioengine=nbd --uri="$1" $FIO_ARGS \
        --output-format=json --output="$BENCH_TMP/fio.json" >/dev/null
    python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["jobs"][0]["write"]["iops"]))' \
        "$BENCH_TMP/fio.json"
}

# The median of the numbers given.
median() {
    printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END {
        if (NR % 2) print a[(NR + 1) / 2]; else print int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'
}

# A / B in thousandths (integers keep median() simple).
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%d\n", b ? 1000 * a / b : 0 }'
}

# A / B as "1.23x".
fmt_ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx\n", b ? a / b : 0 }'
}

# "pass" or "FAIL": whether A / B >= BAR.
bar() {
    awk -v a="$1" -v b="$2" -v want="$3" 'BEGIN {
        r = b ? a / b : 0; ok = (r >= want) ? "pass" : "FAIL"
        printf "%.2fx (bar %.1fx): %s\n", r, want, ok }'
}
