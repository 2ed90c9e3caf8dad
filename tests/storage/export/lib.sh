# Helpers of the NBD export tests: nbd-test-server processes on temporary
# sockets, stopped by pid whatever happens to the test.
#
# Use: . "$top_srcdir/tests/storage/export/lib.sh"; nbd_test_init;
#      nbd_start NAME ARGS...; ...; nbd_stop NAME
# nbd_start creates $NBD_TMP/NAME.img (64 MiB unless it exists) and serves
# it on $NBD_TMP/NAME.sock; the pid is in $NBD_TMP/NAME.pid.
# nbd_serve NAME IMAGE ARGS... serves a given image the same way.

set -eu

: "${top_builddir:?run through make check}"
NBD_SERVER="$top_builddir/tests/storage/export/nbd-test-server"

nbd_fail() {
    echo "FAIL: $*" >&2
    for log in "${NBD_TMP:-/nonexistent}"/*.log; do
        [ -f "$log" ] && sed "s|^|  $(basename "$log" .log): |" "$log" >&2
    done
    exit 1
}

nbd_cleanup() {
    for pidfile in "${NBD_TMP:-/nonexistent}"/*.pid; do
        [ -f "$pidfile" ] || continue
        pid=$(cat "$pidfile")
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    [ -n "${NBD_TMP:-}" ] && rm -rf "$NBD_TMP"
}

nbd_test_init() {
    NBD_TMP=$(mktemp -d "${TMPDIR:-/tmp}/vdisk-nbd.XXXXXX")
    trap nbd_cleanup EXIT
    trap 'exit 1' INT TERM
}

# Start a server called NAME with extra arguments; return once it listens.
nbd_start() {
    name=$1
    shift
    [ -f "$NBD_TMP/$name.img" ] || truncate -s 64M "$NBD_TMP/$name.img"
    nbd_serve "$name" "$NBD_TMP/$name.img" "$@"
}

# Serve IMAGE as NAME with extra arguments; return once it listens.
nbd_serve() {
    name=$1
    image=$2
    shift 2
    rm -f "$NBD_TMP/$name.sock"
    "$NBD_SERVER" --image "$image" --socket "$NBD_TMP/$name.sock" "$@" \
        >>"$NBD_TMP/$name.log" 2>&1 &
    echo $! >"$NBD_TMP/$name.pid"
    # Bounded wait for the socket: only a server that never listens fails.
    i=0
    while [ ! -S "$NBD_TMP/$name.sock" ]; do
        kill -0 "$(cat "$NBD_TMP/$name.pid")" 2>/dev/null || nbd_fail "$name exited at startup"
        i=$((i + 1))
        [ "$i" -lt 1200 ] || nbd_fail "$name did not listen within 60 s"
        sleep 0.05
    done
}

nbd_sock() {
    echo "$NBD_TMP/$1.sock"
}

nbd_uri() {
    echo "nbd+unix:///${2:-}?socket=$NBD_TMP/$1.sock"
}

# Stop NAME with SIGTERM; fails unless it exits 0 (clean shutdown).
nbd_stop() {
    pid=$(cat "$NBD_TMP/$1.pid")
    kill -TERM "$pid"
    status=0
    wait "$pid" || status=$?
    rm -f "$NBD_TMP/$1.pid"
    [ "$status" -eq 0 ] || nbd_fail "$1 exited with status $status"
    [ ! -e "$NBD_TMP/$1.sock" ] || nbd_fail "$1 left its socket behind"
}

nbd_alive() {
    kill -0 "$(cat "$NBD_TMP/$1.pid")" 2>/dev/null || nbd_fail "$1 died"
}
