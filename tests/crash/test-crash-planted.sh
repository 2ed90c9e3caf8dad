#!/bin/sh
# The checker can fail: vdiskd built with planted bugs (storage/planted.h)
# loses data in known ways, and the explorer must find each one. The test
# passes only when every bug is caught, and when the same daemon with no
# bug turned on gives no violation (what is caught is the bug). The QED
# bug (tables written back before what they map is durable) shows only
# over a backing file, where a cluster that never landed reads zeroes
# instead of the backing file's data.
. "$top_srcdir/tests/crash/lib.sh"
VDISKD="$top_builddir/tests/crash/vdiskd-planted"
vd_test_init
mkdir "$VD_TMP/rec"
CRASH_SIZE=16M

# Record a short workload with the planted bugs $1 ("" for none) on a
# disk with cache mode $2, and explore it; the explorer's output goes to
# $VD_TMP/out, its status is returned.
run_planted() {
    if [ -n "$1" ]; then
        vd_start --test-recorder-dir "$VD_TMP/rec" --test-planted-bugs "$1"
        vd_expect_contains "PLANTED BUGS ON: $1" "$VD_TMP/vdiskd.log"
    else
        vd_start --test-recorder-dir "$VD_TMP/rec"
    fi
    crash_define "$2"
    crash_start
    crash_guest --record "$VD_TMP/rec/guest.rec" --ops 300 --qd 8 \
        >"$VD_TMP/guest.out" 2>&1 || vd_fail "guest: $(cat "$VD_TMP/guest.out")"
    crash_shutdown
    vd_stop TERM || vd_fail "vdiskd exited with an error"
    status=0
    # shellcheck disable=SC2046
    "$CRASH_EXPLORE" $(crash_explore_args) --log "$VD_TMP/rec/crash-vda.log" \
        --record "$VD_TMP/rec/guest.rec" --cache "$2" >"$VD_TMP/out" 2>&1 ||
        status=$?
    return "$status"
}

for CRASH_FORMAT in raw qed-backing; do
    run_planted "" none ||
        vd_fail "no bug on ($CRASH_FORMAT), yet: $(cat "$VD_TMP/out")"
    echo "no bug ($CRASH_FORMAT): $(tail -1 "$VD_TMP/out")"
done

for case in fua-early:raw drop-flush:raw qed-l2-early:qed-backing; do
    bug=${case%%:*}
    CRASH_FORMAT=${case#*:}
    for cache in none writeback; do
        status=0
        run_planted "$bug" "$cache" || status=$?
        [ "$status" = 1 ] ||
            vd_fail "$bug ($cache) not caught (status $status): $(cat "$VD_TMP/out")"
        grep -q "^VIOLATION .*a durable write was lost" "$VD_TMP/out" ||
            vd_fail "$bug ($cache): no lost write reported: $(cat "$VD_TMP/out")"
        echo "$bug ($CRASH_FORMAT, $cache): caught: $(tail -1 "$VD_TMP/out")"
    done
done
echo "crash-planted: every planted bug caught"
