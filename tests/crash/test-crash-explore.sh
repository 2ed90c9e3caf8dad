#!/bin/sh
# The durability contract under crashes, for all five cache modes and
# for raw images, QED images and QED images over a backing file: vdiskd
# records the writes reaching a 64 MiB image while the crash guest drives
# it over NBD, and the explorer checks every crash state the log allows
# against what the guest was told. No violation may be found, and a CI
# run covers at least 10,000 states.
#
# CRASH_FORMAT=F explores format F alone (raw, qed, qed-backing).
# CRASH_LONG=1 (make crash-long) runs a longer workload and explores more
# states per prefix: without a cap on raw images, with higher ones on the
# others.
formats=${CRASH_FORMAT:-raw qed qed-backing}
CRASH_FORMAT_ONE=${CRASH_FORMAT:-}
. "$top_srcdir/tests/crash/lib.sh"
vd_test_init
mkdir "$VD_TMP/rec"
vd_start --test-recorder-dir "$VD_TMP/rec"

if [ -n "${CRASH_LONG:-}" ]; then
    ops=20000 states=64
else
    ops=2000 states=16
fi
seed=${CRASH_SEED:-$(( $(date +%s) % 100000 ))}
echo "seed $seed (CRASH_SEED=$seed: the same workload and state choices)"
total=0
for CRASH_FORMAT in $formats; do
    # A format with metadata has every written block read in most
    # states (explore.h): fewer of them fit in CI's time, spread over
    # more of the log.
    case $CRASH_FORMAT${CRASH_LONG:+-long} in
    raw) max=5000 per_prefix=$states ;;
    raw-long) max=0 per_prefix=$states ;;
    qed) max=600 per_prefix=2 ;;
    qed-long) max=20000 per_prefix=4 ;;
    *-long) max=5000 per_prefix=4 ;;
    *) max=300 per_prefix=2 ;;      # reads fall through to the backing
    esac
    # Each cache mode with one io mode, so that every engine is recorded.
    for mode in none:native writeback:threads writethrough:io_uring \
                directsync:threads unsafe:; do
        cache=${mode%%:*}
        io=${mode#*:}
        # unsafe has no flush instants: one prefix, many states in it.
        n_states=$per_prefix
        [ "$cache" = unsafe ] && n_states=$((per_prefix * 8))
        crash_define "$cache" "$io"
        crash_start
        crash_guest --record "$VD_TMP/rec/$cache.rec" --seed "$seed" \
            --ops "$ops" --qd 8 >"$VD_TMP/guest.out" 2>&1 ||
            vd_fail "guest ($cache): $(cat "$VD_TMP/guest.out")"
        crash_shutdown
        # shellcheck disable=SC2046
        "$CRASH_EXPLORE" $(crash_explore_args) \
            --log "$VD_TMP/rec/crash-vda.log" \
            --record "$VD_TMP/rec/$cache.rec" --cache "$cache" \
            --seed "$seed" --states "$n_states" --max-states "$max" \
            >"$VD_TMP/$cache.out" 2>&1 ||
            { crash_keep "$cache.rec --cache $cache --seed $seed"
              vd_fail "explorer ($CRASH_FORMAT, $cache, seed $seed): $(cat "$VD_TMP/$cache.out")"; }
        n=$(crash_states "$VD_TMP/$cache.out")
        echo "$CRASH_FORMAT $cache (io ${io:-default}): $(tail -1 "$VD_TMP/$cache.out")"
        total=$((total + n))
    done
done
[ -n "${CRASH_FORMAT_ONE:-}" ] || [ "$total" -ge 10000 ] ||
    vd_fail "only $total crash states explored"
vd_stop TERM || vd_fail "vdiskd exited with an error"
echo "crash-explore: $total crash states, no violation"
