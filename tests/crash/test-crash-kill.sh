#!/bin/sh
# kill -9: vdiskd is killed with SIGKILL while the crash guest writes, at
# seeded random instants, in every cache mode in turn; then restarted.
# Each time the image must open and check clean (QED images also by
# qemu-img check, as the crash left them), every write the cache
# mode had made durable by the guest's last answer must read back (FUA
# writes, writes answered before a flush that was answered, every write
# in writethrough and directsync), and no sector may hold bytes no write
# put there.
#
# Images are raw, QED and QED over a backing file in turn (CRASH_FORMAT=F:
# F only). The kill
# instants are random, the checks are not: whenever the kill lands, the
# same things must hold. CRASH_KILLS sets the count (default 50),
# CRASH_SEED the seed.
formats=${CRASH_FORMAT:-raw qed qed-backing}
. "$top_srcdir/tests/crash/lib.sh"
vd_test_init
CRASH_SIZE=16M
kills=${CRASH_KILLS:-50}
seed=${CRASH_SEED:-$(( $(date +%s) % 100000 ))}
echo "seed $seed, $kills kills"

# A number from (seed, i) in [0, n): the instants are reproducible.
pick() { echo $(( (($seed * 1103515245 + $1 * 12345 + 40503) / 7 % 1000003) % $2 )); }

set -- none writeback writethrough directsync unsafe
modes="$*"
vd_start
# (lib.sh's functions use i and n: this loop counts in k.)
k=0
checked=0
qchecked=0
while [ "$k" -lt "$kills" ]; do
    k=$((k + 1))
    cache=$(echo "$modes" | cut -d' ' -f$(( k % 5 + 1 )))
    # shellcheck disable=SC2086
    set -- $formats
    CRASH_FORMAT=$(echo "$formats" | cut -d' ' -f$(( k / 5 % $# + 1 )))
    crash_define "$cache"
    crash_start
    rm -f "$VD_TMP/guest.out"
    crash_guest --record "$VD_TMP/guest.rec" --ops 0 --qd 8 \
        --seed "$((seed + k))" >"$VD_TMP/guest.out" 2>&1 &
    gpid=$!
    # Kill once the guest is writing, after a random 0-199 ms.
    w=0
    until grep -q '^connected' "$VD_TMP/guest.out" 2>/dev/null; do
        kill -0 "$gpid" 2>/dev/null || vd_fail "guest: $(cat "$VD_TMP/guest.out")"
        w=$((w + 1)); [ "$w" -lt 1200 ] || vd_fail "guest did not connect"
        sleep 0.05
    done
    sleep "$(printf '0.%03d' "$(pick "$k" 200)")"
    vd_stop KILL || true
    wait "$gpid" || vd_fail "guest after the kill: $(cat "$VD_TMP/guest.out")"
    # QEMU's own check must accept the image as the crash left it (before
    # our recovery touches it): 0, or 3 for leaked clusters only, which a
    # crash may leave (the file grows ahead of allocation); 2 is
    # corruption.
    if [ "$CRASH_FORMAT" != raw ]; then
        qstatus=0
        qemu-img check -f qed "$VD_TMP/disk.img" >"$VD_TMP/qcheck.out" 2>&1 ||
            qstatus=$?
        [ "$qstatus" -eq 0 ] || [ "$qstatus" -eq 3 ] ||
            vd_fail "kill $k ($CRASH_FORMAT, $cache): qemu-img check: $(cat "$VD_TMP/qcheck.out")"
        qchecked=$((qchecked + 1))
    fi
    # shellcheck disable=SC2046
    "$CRASH_EXPLORE" $(crash_explore_args) --image "$VD_TMP/disk.img" --record "$VD_TMP/guest.rec" \
        --cache "$cache" >"$VD_TMP/check.out" 2>&1 ||
        { cp "$VD_TMP/disk.img" "$VD_TMP/guest.rec" "$top_builddir/" 2>/dev/null
          vd_fail "kill $k ($CRASH_FORMAT, $cache): $(cat "$VD_TMP/check.out")"; }
    writes=$(awk '$1 == "W" && $7 != 0 && $9 == 0' "$VD_TMP/guest.rec" | wc -l)
    checked=$((checked + writes))
    vd_start
done
vd_stop TERM || vd_fail "vdiskd exited with an error"
case $formats in
*qed*) [ "$qchecked" -gt 0 ] || vd_fail "no QED image went through qemu-img check" ;;
esac
echo "crash-kill: $kills kills, $checked acknowledged writes checked," \
    "$qchecked QED images accepted by qemu-img check, no violation"
