# Helpers of the QED script tests: a scratch directory, images served by
# nbd-test-server processes (stopped by pid whatever happens to the test),
# and QEMU's tools as the oracle.
#
# Use: . "$top_srcdir/tests/storage/qed/lib.sh"; qed_test_init; ...
# qed_serve NAME IMAGE [ARGS...] serves IMAGE as QED on $QED_TMP/NAME.sock.

set -eu

: "${top_builddir:?run through make check}"
QED_SERVER="$top_builddir/tests/storage/export/nbd-test-server"
VDISK="${VDISK:-$top_builddir/vdisk}"

qed_fail() {
    echo "FAIL: $*" >&2
    for log in "${QED_TMP:-/nonexistent}"/*.log; do
        [ -f "$log" ] && sed "s|^|  $(basename "$log" .log): |" "$log" >&2
    done
    exit 1
}

qed_cleanup() {
    for pidfile in "${QED_TMP:-/nonexistent}"/*.pid; do
        [ -f "$pidfile" ] || continue
        pid=$(cat "$pidfile")
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    [ -n "${QED_TMP:-}" ] && rm -rf "$QED_TMP"
}

qed_test_init() {
    command -v qemu-img >/dev/null || qed_fail "qemu-img is required (qemu-utils)"
    command -v qemu-io >/dev/null || qed_fail "qemu-io is required (qemu-utils)"
    QED_TMP=$(mktemp -d "${TMPDIR:-/tmp}/vdisk-qed.XXXXXX")
    trap qed_cleanup EXIT
    trap 'exit 1' INT TERM
}

# Serve IMAGE (a QED file) as NAME; return once it listens.
qed_serve() {
    name=$1
    image=$2
    shift 2
    rm -f "$QED_TMP/$name.sock"
    "$QED_SERVER" --image "$image" --socket "$QED_TMP/$name.sock" \
        --format qed "$@" >>"$QED_TMP/$name.log" 2>&1 &
    echo $! >"$QED_TMP/$name.pid"
    i=0
    while [ ! -S "$QED_TMP/$name.sock" ]; do
        kill -0 "$(cat "$QED_TMP/$name.pid")" 2>/dev/null ||
            qed_fail "$name exited at startup"
        i=$((i + 1))
        [ "$i" -lt 1200 ] || qed_fail "$name did not listen within 60 s"
        sleep 0.05
    done
}

qed_uri() {
    echo "nbd+unix:///?socket=$QED_TMP/$1.sock"
}

# Stop NAME cleanly (SIGTERM); fails unless it exits 0.
qed_stop() {
    pid=$(cat "$QED_TMP/$1.pid")
    kill -TERM "$pid"
    status=0
    wait "$pid" || status=$?
    rm -f "$QED_TMP/$1.pid"
    [ "$status" -eq 0 ] || qed_fail "$1 exited with status $status"
}

# Kill NAME as a crash would (SIGKILL).
qed_kill() {
    pid=$(cat "$QED_TMP/$1.pid")
    kill -KILL "$pid"
    wait "$pid" 2>/dev/null || true
    rm -f "$QED_TMP/$1.pid"
}

# qemu-img check must find IMAGE consistent with no leak (exit 0).
qed_qemu_clean() {
    qemu-img check -f qed "$1" >"$QED_TMP/check.out" 2>&1 ||
        qed_fail "qemu-img check $1: $(cat "$QED_TMP/check.out")"
}

# qemu-img compare must find the two images identical.
qed_same() {
    qemu-img compare -f "$1" -F "$3" "$2" "$4" >"$QED_TMP/compare.out" 2>&1 ||
        qed_fail "qemu-img compare $2 $4: $(cat "$QED_TMP/compare.out")"
}

# A JSON field of a one-level object on stdin.
qed_json() {
    python3 -c 'import json,sys; v=json.load(sys.stdin)[sys.argv[1]]; print(str(v).lower() if isinstance(v,bool) else v)' "$1"
}
