#!/bin/bash
# Where an NBD server's time goes during one fio workload (4 KiB random
# read at QD32 by default), for vdiskd and, to compare, qemu-storage-daemon
# and fio's libaio engine on the file ("raw", no server), on the same
# fully written image as nbd-peers.sh.
#
# For each server, alternating, ROUNDS times:
#   1. fio under `perf stat` (the client) while `perf stat -p SERVER` counts
#      the server's CPU time, context switches and system calls: all of them
#      and the ones of the data path, divided by the I/Os fio completed;
#      the server's threads' time runnable but waiting for a CPU
#      (/proc/PID/task/*/schedstat) per I/O and per wake-up; how busy the
#      machine's CPUs were (/proc/stat);
#      plus the average queue length at the block device under the image
#      (from /sys/block/DEV/stat; the disk is shared, so it is rough).
#   --split-cpus pins the server to the last CPU and fio to CPU 0 (the
#   default leaves both to the scheduler); a peer named PEER:split in
#   --peers does so for that peer only, so that both placements can be
#   alternated in one run (e.g. --peers "vdiskd vdiskd:split raw raw:split").
#   2. (at the end, --record) `perf record -g -p SERVER` over a second
#      run of the same workload: the top of `perf report --no-children`.
#
# Usage: bench/profile-nbd.sh [--rounds N] [--runtime SEC] [--workload randread4k]
#            [--peers "vdiskd qsd raw"] [--dir DIR] [--record] [--split-cpus] [--no-deps] [--no-build]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ROUNDS=3
RUNTIME=5
WORKLOAD=randread4k
PEERS="vdiskd qsd raw"
DIR=${TMPDIR:-/tmp}
RECORD=0
SPLIT=0
DEPS=1
BUILD=1

usage() { sed -n '/^# Usage:/,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit "${1:-0}"; }
while [ "$#" -gt 0 ]; do
    case $1 in
    --rounds) ROUNDS=$2; shift 2 ;;
    --runtime) RUNTIME=$2; shift 2 ;;
    --workload) WORKLOAD=$2; shift 2 ;;
    --peers) PEERS=$2; shift 2 ;;
    --dir) DIR=$2; shift 2 ;;
    --record) RECORD=1; shift ;;
    --split-cpus) SPLIT=1; shift ;;
    --no-deps) DEPS=0; shift ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) usage ;;
    *) echo "unknown argument: $1" >&2; usage 2 ;;
    esac
done

[ "$DEPS" = 1 ] && bench_deps qemu-system-common fio libnbd-bin linux-perf
[ "$BUILD" = 1 ] && bench_build
bench_init "$DIR"

IMG="$W/image.raw"
SOCK="$W/peer.sock"
RES="$W/profile.tsv"
UUID=6e0c1a52-7d3b-4c8e-9f10-2b3c4d5e6f70
TARGET=vda

case $WORKLOAD in
randread4k) WL="--rw=randread --bs=4k --iodepth=32" ;;
randwrite4k) WL="--rw=randwrite --bs=4k --iodepth=32" ;;
randread4k-qd1) WL="--rw=randread --bs=4k --iodepth=1" ;;
*) bench_die "unknown workload $WORKLOAD" ;;
esac

# The block device under the image, for its queue statistics.
dev=$(basename "$(findmnt -no SOURCE -T "$W")")
devstat=/sys/block/$dev/stat
[ -r "$devstat" ] || devstat=/sys/class/block/$dev/stat
[ -r "$devstat" ] || devstat=

SYSCALLS="io_submit io_getevents io_uring_enter epoll_wait epoll_pwait ppoll poll
recvfrom recvmsg sendmsg sendto read write readv writev epoll_ctl futex
sched_yield"
events="task-clock,context-switches,cpu-migrations,raw_syscalls:sys_enter"
tracepoints=$(perf list tracepoint 2>/dev/null || true)
for s in $SYSCALLS; do
    if grep -q "syscalls:sys_enter_$s " <<<"$tracepoints"; then
        events="$events,syscalls:sys_enter_$s"
    fi
done

peer_start() {
    rm -f "$SOCK"
    case $1 in
    vdiskd)
        bd_virsh start bench >/dev/null
        SRV_PID=$BD_PID
        SRV_URI="nbd+unix:///$TARGET?socket=$(bd_nbd_socket "$UUID" "$TARGET")"
        ;;
    qsd)
        qemu-storage-daemon \
            --blockdev "driver=file,node-name=file0,filename=$IMG,cache.direct=on,aio=native" \
            --nbd-server "addr.type=unix,addr.path=$SOCK" \
            --export type=nbd,id=exp0,node-name=file0,name=disk0,writable=on \
            >>"$W/qsd.log" 2>&1 &
        SRV_PID=$!
        bench_own "$SRV_PID"
        SRV_URI="nbd+unix:///disk0?socket=$SOCK"
        ;;
    raw) SRV_PID=; return 0 ;;
    *) bench_die "unknown peer $1" ;;
    esac
    local i=0
    until nbdinfo --size "$SRV_URI" >/dev/null 2>&1; do
        i=$((i + 1))
        [ "$i" -lt 400 ] || bench_die "$1 does not answer"
        sleep 0.05
    done
}

peer_stop() {
    case $1 in
    vdiskd) bd_virsh shutdown bench >/dev/null ;;
    qsd) bench_stop_pid "$SRV_PID" TERM ;;
    esac
}

# "run-ns runqueue-wait-ns timeslices" summed over a process's threads.
sched_sample() {
    [ -n "$1" ] || { echo "0 0 0"; return; }
    cat /proc/"$1"/task/*/schedstat 2>/dev/null |
        awk '{ a += $1; b += $2; c += $3 } END { printf "%.0f %.0f %.0f\n", a, b, c }'
}

# "busy total" jiffies of all CPUs (busy = not idle nor iowait).
cpu_sample() { awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t }' /proc/stat; }

# "ios weighted-ms" of the device; empty when unknown.
dev_sample() { [ -n "$devstat" ] && awk '{ print $1 + $5, $11 }' "$devstat"; }

# One measured run of a peer; "PEER:split" is PEER with --split-cpus.
stat_run() {
    local name=$1 r=$2 peer=${1%%:*} split=$SPLIT pstat= d0 d1 t0 t1 s0 s1 u0 u1 target
    case $name in
    *:split) split=1 ;;
    *:*) bench_die "unknown variant $name" ;;
    esac
    peer_start "$peer"
    if [ -n "$SRV_PID" ]; then
        perf stat -x, -e "$events" -p "$SRV_PID" -o "$W/$name.$r.srv" &
        pstat=$!
        bench_own "$pstat"
        sleep 0.2
        target="--ioengine=nbd --uri=$SRV_URI"
    else
        : >"$W/$name.$r.srv"
        target="--ioengine=libaio --direct=1 --filename=$IMG --size=1G"
    fi
    local pin=
    if [ "$split" = 1 ]; then
        [ -n "$SRV_PID" ] && taskset -apc "$(($(nproc) - 1))" "$SRV_PID" >/dev/null
        pin="taskset -c 0"
    elif [ -n "$SRV_PID" ]; then
        # vdiskd outlives the run: undo an earlier run's pinning.
        taskset -apc "0-$(($(nproc) - 1))" "$SRV_PID" >/dev/null
    fi
    d0=$(dev_sample); t0=$(date +%s%N); s0=$(sched_sample "$SRV_PID"); u0=$(cpu_sample)
    # shellcheck disable=SC2086
    $pin perf stat -x, -e "$events" -o "$W/$name.$r.cli" \
        fio --name="$peer" $target $WL --runtime="$RUNTIME" \
        --time_based --output-format=json --output="$W/$name.$r.json" >/dev/null
    d1=$(dev_sample); t1=$(date +%s%N); s1=$(sched_sample "$SRV_PID"); u1=$(cpu_sample)
    [ -n "$pstat" ] && bench_stop_pid "$pstat" INT
    peer_stop "$peer"
    echo "$name $r $d0 $d1 $(((t1 - t0) / 1000000))" >>"$W/dev.txt"
    echo "$name $r $s0 $s1" >>"$W/sched.txt"
    echo "$name $r $u0 $u1" >>"$W/cpu.txt"
}

bench_log "image: 1G, writing it in full"
fio --name=prep --filename="$IMG" --rw=write --bs=1M --size=1G --direct=1 \
    --ioengine=libaio --iodepth=8 --output=/dev/null
sync
bd_start "$W/state"
bd_domain_xml bench "$UUID" none native "$IMG" "$TARGET" >"$W/bench.xml"
bd_virsh define "$W/bench.xml" >/dev/null

for ((r = 1; r <= ROUNDS; r++)); do
    for peer in $PEERS; do stat_run "$peer" "$r"; done
    bench_log "round $r done"
done

echo "# profile-nbd: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, kernel $(uname -r), $(perf --version)"
echo "# workload $WORKLOAD ($WL), fio nbd engine, one connection; ${RUNTIME}s runs, $ROUNDS rounds alternated; medians"
[ "$SPLIT" = 1 ] && echo "# --split-cpus: server threads on CPU $(($(nproc) - 1)), fio on CPU 0"
"$PY" - "$W" "$PEERS" "$ROUNDS" <<'EOF'
import sys, json, statistics as st
w, peers, rounds = sys.argv[1], sys.argv[2].split(), int(sys.argv[3])
def perfstat(path):
    out = {}
    for line in open(path):
        f = line.strip().split(",")
        if len(f) < 3 or line.startswith("#") or not f[0] or f[0].startswith("<not"):
            continue
        try:
            out[f[2]] = float(f[0])
        except ValueError:
            pass
    return out
dev = {}
for line in open(f"{w}/dev.txt"):
    p = line.split()
    if len(p) == 7:
        peer, r, i0, q0, i1, q1, ms = p
        dev[(peer, int(r))] = ((int(q1) - int(q0)) / max(int(ms), 1),
                               (int(i1) - int(i0)) * 1000 / max(int(ms), 1))
sched = {}
for line in open(f"{w}/sched.txt"):
    p = line.split()
    sched[(p[0], int(p[1]))] = [int(float(b)) - int(float(a)) for a, b in zip(p[2:5], p[5:8])]
busy = {}
for line in open(f"{w}/cpu.txt"):
    p = line.split()
    b0, t0, b1, t1 = map(int, p[2:6])
    busy[(p[0], int(p[1]))] = 100.0 * (b1 - b0) / max(t1 - t0, 1)
rows = {}
for peer in peers:
    for r in range(1, rounds + 1):
        j = json.load(open(f"{w}/{peer}.{r}.json"))["jobs"][0]
        d = j["read"] if j["read"]["io_bytes"] else j["write"]
        ios = d["total_ios"]
        s, c = perfstat(f"{w}/{peer}.{r}.srv"), perfstat(f"{w}/{peer}.{r}.cli")
        rec = {"IOPS": d["iops"], "p50 clat µs": d["clat_ns"]["percentile"]["50.000000"] / 1000}
        if (peer, r) in dev:
            rec["device queue length"], rec["device IOPS (all tenants)"] = dev[(peer, r)]
        if (peer, r) in busy:
            rec["all CPUs busy % (not idle/iowait)"] = busy[(peer, r)]
        rec["server CPU µs/IO"] = s.get("task-clock", 0) * 1000 / ios
        rec["server context switches/IO"] = s.get("context-switches", 0) / ios
        run, wait, slices = sched.get((peer, r), (0, 0, 0))
        if slices:
            rec["server runqueue wait µs/IO"] = wait / 1000 / ios
            rec["server runqueue wait µs per wake-up"] = wait / 1000 / slices
            rec["server I/Os per wake-up"] = ios / slices
        rec["server syscalls/IO"] = s.get("raw_syscalls:sys_enter", 0) / ios
        for k, v in sorted(s.items()):
            if k.startswith("syscalls:sys_enter_") and v > 0:
                rec["  server " + k[19:] + "/IO"] = v / ios
        rec["client (fio) CPU µs/IO"] = c.get("task-clock", 0) * 1000 / ios
        rec["client context switches/IO"] = c.get("context-switches", 0) / ios
        rec["client syscalls/IO"] = c.get("raw_syscalls:sys_enter", 0) / ios
        for k, v in sorted(c.items()):
            if k.startswith("syscalls:sys_enter_") and v / ios >= 0.01:
                rec["  client " + k[19:] + "/IO"] = v / ios
        for k, v in rec.items():
            rows.setdefault(k, {}).setdefault(peer, []).append(v)
print()
print("| per I/O (median of rounds) | " + " | ".join(peers) + " |")
print("|---|" + "---|" * len(peers))
order = []
for k in rows:
    if k.startswith("  "):
        continue
    order.append(k)
    for side in ("server", "client"):
        if k == f"{side} syscalls/IO":
            order += sorted(x for x in rows if x.startswith(f"  {side} "))
for k in order:
    byp = rows[k]
    cells = []
    for p in peers:
        v = byp.get(p)
        cells.append("-" if not v else (f"{st.median(v):,.0f}" if st.median(v) >= 100 else f"{st.median(v):.2f}"))
    print(f"| {k} | " + " | ".join(cells) + " |")
iops = rows["IOPS"]
pairs = []
for p in peers:
    base, _, var = p.partition(":")
    raw = "raw" + (":" + var if var else "")
    if base != "raw" and raw in iops:
        pairs.append((p, raw))
    if var and base in iops:
        pairs.append((p, base))
if pairs:
    print()
    print("| paired IOPS ratio | median of rounds (min..max) |")
    print("|---|---|")
    for a, b in pairs:
        r = [x / y for x, y in zip(iops[a], iops[b]) if y]
        print(f"| {a} / {b} | {st.median(r):.2f} ({min(r):.2f}..{max(r):.2f}) |")
EOF

if [ "$RECORD" = 1 ]; then
    for peer in $PEERS; do
        case $peer in raw|*:*) continue ;; esac
        peer_start "$peer"
        perf record -g -o "$W/$peer.perf.data" -p "$SRV_PID" 2>/dev/null &
        prec=$!
        bench_own "$prec"
        # shellcheck disable=SC2086
        fio --name="$peer" --ioengine=nbd --uri="$SRV_URI" $WL --runtime="$RUNTIME" \
            --time_based --output=/dev/null
        bench_stop_pid "$prec" INT
        peer_stop "$peer"
        echo
        echo "## perf record -g -p \$($peer) during $WORKLOAD: perf report --no-children --sort dso,sym (top 30, above 0.8 %)"
        echo
        echo '```'
        perf report -i "$W/$peer.perf.data" --stdio --no-children --sort dso,sym \
            -g none --percent-limit 0.8 2>/dev/null | grep -v '^#' | grep -v '^$' | head -30 || true
        echo '```'
        echo
        echo "By object (perf report --no-children --sort dso):"
        echo
        echo '```'
        perf report -i "$W/$peer.perf.data" --stdio --no-children --sort dso \
            -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -8 || true
        echo '```'
    done
fi
