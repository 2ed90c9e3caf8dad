# Shared helpers of the integration tests: a vdiskd on a temporary state
# directory, stopped by pid whatever happens to the test.
#
# Use: . "$top_srcdir/tests/daemon/lib.sh"; vd_test_init; vd_start; ...
# Exported: VD_TMP (scratch directory), VD_STATE (state directory),
# VD_SOCK / VD_SOCK_RO (sockets), VD_PID (the daemon), VD_URI / VD_URI_RO
# (virsh-style URIs).

set -eu

: "${VDISKD:?run through make check}"
: "${top_srcdir:?run through make check}"

vd_fail() {
    echo "FAIL: $*" >&2
    [ -f "${VD_TMP:-/nonexistent}/vdiskd.log" ] && sed 's/^/  daemon: /' "$VD_TMP/vdiskd.log" >&2
    exit 1
}

vd_cleanup() {
    if [ -n "${VD_PID:-}" ] && kill -0 "$VD_PID" 2>/dev/null; then
        kill -KILL "$VD_PID" 2>/dev/null || true
        wait "$VD_PID" 2>/dev/null || true
    fi
    [ -n "${VD_TMP:-}" ] && rm -rf "$VD_TMP"
}

vd_test_init() {
    VD_TMP=$(mktemp -d "${TMPDIR:-/tmp}/vdisk-test.XXXXXX")
    VD_STATE="$VD_TMP/state"
    VD_SOCK="$VD_STATE/run/vdiskd-sock"
    VD_SOCK_RO="$VD_STATE/run/vdiskd-sock-ro"
    VD_URI="vdisk+unix:///system?socket=$VD_SOCK"
    VD_URI_RO="vdisk+unix:///system?socket=$VD_SOCK_RO"
    VD_PID=
    trap vd_cleanup EXIT
    trap 'exit 1' INT TERM
}

# Start vdiskd with extra arguments; return once it accepts connections,
# which it says in its log ("serving ...") after it listens on both
# sockets. (A socket file alone proves nothing: a killed daemon leaves
# its files behind.)
vd_serving_count() {
    n=$(grep -c ': serving ' "$VD_TMP/vdiskd.log" 2>/dev/null || true)
    echo "${n:-0}"
}

vd_start() {
    ready=$(vd_serving_count)
    "$VDISKD" --state-dir "$VD_STATE" "$@" >>"$VD_TMP/vdiskd.log" 2>&1 &
    VD_PID=$!
    # Bounded wait: passing never depends on how long this takes, only a
    # daemon that never comes up fails.
    i=0
    while [ "$(vd_serving_count)" -le "$ready" ]; do
        kill -0 "$VD_PID" 2>/dev/null || vd_fail "vdiskd exited at startup"
        i=$((i + 1))
        [ "$i" -lt 1200 ] || vd_fail "vdiskd did not listen within 60 s"
        sleep 0.05
    done
}

# Stop with a signal (TERM by default) and wait for the exit status.
vd_stop() {
    sig=${1:-TERM}
    kill -"$sig" "$VD_PID"
    status=0
    wait "$VD_PID" || status=$?
    VD_PID=
    return "$status"
}

# Assert that a command fails and that its stderr contains a text.
vd_expect_fail() {
    text=$1
    shift
    if "$@" >"$VD_TMP/out" 2>"$VD_TMP/err"; then
        vd_fail "expected failure of: $*"
    fi
    grep -qF -- "$text" "$VD_TMP/err" ||
        vd_fail "'$*' failed without '$text': $(cat "$VD_TMP/err")"
}

vd_expect_contains() {
    text=$1
    file=$2
    grep -qF -- "$text" "$file" || vd_fail "no '$text' in: $(cat "$file")"
}
