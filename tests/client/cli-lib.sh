# Helpers of the vdisk CLI's integration tests, on top of
# tests/daemon/lib.sh: call after vd_test_init and vd_start.
#
# Output of the last command: $VD_TMP/out (stdout), $VD_TMP/err (stderr).
: "${VDISK:?run through make check}"

PY=/usr/bin/python3

# Always the test daemon: the default socket would be the user's own.
vdisk() { "$VDISK" -c "$VD_URI" "$@"; }
vdisk_ro() { "$VDISK" -r -c "$VD_URI_RO" "$@"; }

# Run a command that must succeed and write nothing on stderr.
ok() {
    "$@" >"$VD_TMP/out" 2>"$VD_TMP/err" ||
        vd_fail "'$*' failed: $(cat "$VD_TMP/err")"
    [ ! -s "$VD_TMP/err" ] || vd_fail "'$*' wrote to stderr: $(cat "$VD_TMP/err")"
}

# Run a command that must succeed and print a warning containing a text;
# every line on stderr must be a warning.
warns() {
    text=$1
    shift
    "$@" >"$VD_TMP/out" 2>"$VD_TMP/err" ||
        vd_fail "'$*' failed: $(cat "$VD_TMP/err")"
    grep -qv '^warning: ' "$VD_TMP/err" &&
        vd_fail "'$*': stderr has more than warnings: $(cat "$VD_TMP/err")"
    grep '^warning: ' "$VD_TMP/err" | grep -qF -- "$text" ||
        vd_fail "'$*': no warning with '$text': $(cat "$VD_TMP/err")"
}

# $VD_TMP/out must be JSON for which the Python expression on d holds.
json_expect() {
    "$PY" -c 'import json, sys
d = json.load(open(sys.argv[1]))
assert eval(sys.argv[2]), d' "$VD_TMP/out" "$1" ||
        vd_fail "JSON output does not satisfy '$1': $(cat "$VD_TMP/out")"
}

# An error: status 1, "error: " and the text on stderr, nothing on stdout.
fails() {
    text=$1
    shift
    status=0
    "$@" >"$VD_TMP/out" 2>"$VD_TMP/err" || status=$?
    [ "$status" -eq 1 ] || vd_fail "'$*' exited with $status, not 1"
    grep -q '^error: ' "$VD_TMP/err" || vd_fail "'$*': no 'error: ' on stderr"
    vd_expect_contains "$text" "$VD_TMP/err"
    [ ! -s "$VD_TMP/out" ] || vd_fail "'$*' wrote to stdout: $(cat "$VD_TMP/out")"
}
