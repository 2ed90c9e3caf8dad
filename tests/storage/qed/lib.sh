# Helpers of the QED script tests: a scratch directory, images served by
# nbd-test-server processes (stopped by pid whatever happens to the test),
# and QEMU's tools as the oracle.
#
# Use: . "$top_srcdir/tests/storage/qed/lib.sh"; qed_test_init; ...
# The servers are those of tests/storage/export/lib.sh (nbd_uri, nbd_stop,
# nbd_fail, $NBD_TMP); qed_serve NAME IMAGE [ARGS...] serves IMAGE as QED
# on $NBD_TMP/NAME.sock.

set -eu

. "$top_srcdir/tests/storage/export/lib.sh"
VDISK="${VDISK:-$top_builddir/vdisk}"

qed_test_init() {
    command -v qemu-img >/dev/null || nbd_fail "qemu-img is required (qemu-utils)"
    command -v qemu-io >/dev/null || nbd_fail "qemu-io is required (qemu-utils)"
    nbd_test_init
}

# Serve IMAGE (a QED file) as NAME; return once it listens.
qed_serve() {
    name=$1
    image=$2
    shift 2
    nbd_serve "$name" "$image" --format qed "$@"
}

# qemu-img check must find IMAGE consistent with no leak (exit 0).
qed_qemu_clean() {
    qemu-img check -f qed "$1" >"$NBD_TMP/check.out" 2>&1 ||
        nbd_fail "qemu-img check $1: $(cat "$NBD_TMP/check.out")"
}

# qemu-img compare must find the two images identical.
qed_same() {
    qemu-img compare -f "$1" -F "$3" "$2" "$4" >"$NBD_TMP/compare.out" 2>&1 ||
        nbd_fail "qemu-img compare $2 $4: $(cat "$NBD_TMP/compare.out")"
}

# A JSON field of a one-level object on stdin.
qed_json() {
    python3 -c 'import json,sys; v=json.load(sys.stdin)[sys.argv[1]]; print(str(v).lower() if isinstance(v,bool) else v)' "$1"
}
