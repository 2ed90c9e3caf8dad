#!/bin/bash
# vdiskd's memory with 0, 1 and 32 running disks (32 = 8 domains x 4
# disks; small sparse raw images, cache='none' io='native'). For each
# count a fresh daemon is started, the domains defined and started, and
# /proc/PID/status read three times:
#   idle       after the domains started, no NBD client connected;
#   loaded-4k  while one fio client per disk is connected and busy
#              (4 KiB random reads and writes, queue depth 32);
#   loaded-1m  the same with 1 MiB requests;
#   after      once those clients have disconnected.
# VmHWM is the daemon's peak resident set since it started; VmRSS the
# current one.
#
# Usage: bench/memory-32-disks.sh [--disks "0 1 32"] [--per-domain 4]
#            [--image-size 64M] [--io-seconds 3] [--dir DIR] [--no-deps] [--no-build]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

COUNTS="0 1 32"
PER_DOMAIN=4
IMAGE_SIZE=64M
IO_SECONDS=3
DIR=${TMPDIR:-/tmp}
DEPS=1
BUILD=1

usage() { sed -n '/^# Usage:/,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit "${1:-0}"; }
while [ "$#" -gt 0 ]; do
    case $1 in
    --disks) COUNTS=$2; shift 2 ;;
    --per-domain) PER_DOMAIN=$2; shift 2 ;;
    --image-size) IMAGE_SIZE=$2; shift 2 ;;
    --io-seconds) IO_SECONDS=$2; shift 2 ;;
    --dir) DIR=$2; shift 2 ;;
    --no-deps) DEPS=0; shift ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) usage ;;
    *) echo "unknown argument: $1" >&2; usage 2 ;;
    esac
done

[ "$DEPS" = 1 ] && bench_deps fio libnbd-bin
[ "$BUILD" = 1 ] && bench_build
bench_init "$DIR"

# "VmRSS VmHWM Threads" of a process, sizes in KiB.
mem_of() {
    awk '/^VmRSS:/ { r = $2 } /^VmHWM:/ { h = $2 } /^Threads:/ { t = $2 }
         END { print r, h, t }' "/proc/$1/status"
}

RES="$W/memory.tsv"

# One fio client per disk, all at once: load_phase DIR NAME "fio options".
# Samples the daemon while they run; reports the highest RSS seen and the
# VmHWM at the end.
load_phase() {
    local sub=$1 name=$2 opts=$3 i fio_pid peak_rss=0 peak_thr=0 rss hwm thr
    {
        echo "[global]"
        echo "ioengine=nbd"
        echo "rw=randrw"
        echo "$opts"
        echo "iodepth=32"
        echo "runtime=$IO_SECONDS"
        echo "time_based=1"
        for ((i = 0; i < n; i++)); do
            printf '[disk%d]\nuri=%s\n' "$i" "${uris[i]}"
        done
    } >"$sub/load-$name.fio"
    fio --output="$sub/load-$name.out" "$sub/load-$name.fio" &
    fio_pid=$!
    bench_own "$fio_pid"
    while kill -0 "$fio_pid" 2>/dev/null; do
        read -r rss hwm thr <<<"$(mem_of "$BD_PID")"
        if [ "$rss" -gt "$peak_rss" ]; then peak_rss=$rss; peak_thr=$thr; fi
        sleep 0.2
    done
    wait "$fio_pid" || { cat "$sub/load-$name.out" >&2; bench_die "fio failed on $n disks"; }
    bench_stop_pid "$fio_pid"
    read -r rss hwm thr <<<"$(mem_of "$BD_PID")"
    printf '%s\t%s\tloaded-%s\t%s\t%s\t%s\n' "$n" "$ndom" "$name" "$peak_rss" "$hwm" "$peak_thr" >>"$RES"
}
targets=(vda vdb vdc vdd vde vdf vdg vdh vdi vdj vdk vdl vdm vdn vdo vdp)
[ "$PER_DOMAIN" -le "${#targets[@]}" ] || bench_die "at most ${#targets[@]} disks per domain"

for n in $COUNTS; do
    sub="$W/n$n"
    mkdir -p "$sub"
    bd_start "$sub/state"
    uris=()
    ndom=0
    left=$n
    while [ "$left" -gt 0 ]; do
        ndom=$((ndom + 1))
        k=$((left < PER_DOMAIN ? left : PER_DOMAIN))
        left=$((left - k))
        uuid=$(printf 'a0b1c2d3-0000-4000-8000-%012d' "$ndom")
        args=()
        for ((i = 0; i < k; i++)); do
            img="$sub/d$ndom-${targets[i]}.img"
            truncate -s "$IMAGE_SIZE" "$img"
            args+=("$img" "${targets[i]}")
            uris+=("nbd+unix:///${targets[i]}?socket=$(bd_nbd_socket "$uuid" "${targets[i]}")")
        done
        bd_domain_xml "mem$ndom" "$uuid" none native "${args[@]}" >"$sub/mem$ndom.xml"
        bd_virsh define "$sub/mem$ndom.xml" >/dev/null
        bd_virsh start "mem$ndom" >/dev/null
    done
    sleep 1
    read -r rss hwm thr <<<"$(mem_of "$BD_PID")"
    printf '%s\t%s\tidle\t%s\t%s\t%s\n' "$n" "$ndom" "$rss" "$hwm" "$thr" >>"$RES"

    if [ "$n" -gt 0 ]; then
        load_phase "$sub" 4k "bs=4k"
        load_phase "$sub" 1m "bs=1M"
        sleep 1
        read -r rss hwm thr <<<"$(mem_of "$BD_PID")"
        printf '%s\t%s\tafter\t%s\t%s\t%s\n' "$n" "$ndom" "$rss" "$hwm" "$thr" >>"$RES"
    fi
    bd_stop
    rm -rf "$sub"
done

echo "# memory-32-disks: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, kernel $(uname -r)"
echo "# raw images of $IMAGE_SIZE (sparse), cache='none' io='native', up to $PER_DOMAIN disks per domain"
echo "# loaded-BS = one fio nbd client per disk at once, randrw BS, QD32, ${IO_SECONDS}s; VmRSS = highest sample (every 0.2 s) while loaded"
"$PY" - "$RES" <<'EOF'
import sys
rows = [l.split() for l in open(sys.argv[1])]
base = {r[2]: int(r[3]) for r in rows if r[0] == "0"}
mib = lambda k: f"{int(k) / 1024:.1f}"
print()
print("| running disks | domains | phase | VmRSS MiB | VmHWM MiB | threads | RSS above 0 disks, per disk (KiB) |")
print("|---|---|---|---|---|---|---|")
for n, nd, phase, rss, hwm, thr in rows:
    per = "-"
    if int(n) > 0 and "idle" in base:
        per = f"{(int(rss) - base['idle']) / int(n):.0f}"
    print(f"| {n} | {nd} | {phase} | {mib(rss)} | {mib(hwm)} | {thr} | {per} |")
EOF
