#!/bin/bash
# vdiskd's NBD export against its peers on one image file, with fio:
# vdiskd (cache='none' io='native' raw disk), qemu-storage-daemon
# (cache.direct=on, aio=native), nbdkit's file plugin (cache=none when the
# plugin has it) and fio's libaio engine with O_DIRECT on the file itself
# ("raw"). NBD peers are all driven by fio's nbd engine: one connection
# over a unix socket. Peers alternate within each round (the order rotates
# from round to round); the table gives medians over the rounds and the
# ratios vdiskd/qsd and vdiskd/raw, both as ratio of medians and as the
# median of the per-round (paired) ratios.
#
# Usage: bench/nbd-peers.sh [--rounds N] [--runtime SEC] [--size SIZE]
#            [--dir DIR] [--workloads "randread4k ..."] [--peers "vdiskd ..."]
#            [--out DIR] [--no-deps] [--no-build]
#            [--alt VDISKD_BINARY] [--alt-env "VAR=VALUE ..."]
# --alt adds the peer "vdiskd-alt": a second daemon (another build, or the
# same with --alt-env), alternated with the others like any peer, for A/B
# comparisons; the ratio table then has vdiskd-alt/vdiskd.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ROUNDS=5
RUNTIME=3
SIZE=1G
DIR=${TMPDIR:-/tmp}
WORKLOADS="randread4k randwrite4k seqread1m seqwrite1m"
PEERS="vdiskd qsd nbdkit raw"
OUT=
ALT=
ALT_ENV=
DEPS=1
BUILD=1

usage() { sed -n '/^# Usage:/,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit "${1:-0}"; }
while [ "$#" -gt 0 ]; do
    case $1 in
    --rounds) ROUNDS=$2; shift 2 ;;
    --runtime) RUNTIME=$2; shift 2 ;;
    --size) SIZE=$2; shift 2 ;;
    --dir) DIR=$2; shift 2 ;;
    --workloads) WORKLOADS=$2; shift 2 ;;
    --peers) PEERS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --alt) ALT=$2; shift 2 ;;
    --alt-env) ALT_ENV=$2; shift 2 ;;
    --no-deps) DEPS=0; shift ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) usage ;;
    *) echo "unknown argument: $1" >&2; usage 2 ;;
    esac
done

if [ -n "$ALT" ]; then
    [ -x "$ALT" ] || { echo "--alt: no executable $ALT" >&2; exit 2; }
    ALT=$(cd "$(dirname "$ALT")" && pwd)/$(basename "$ALT")
    case " $PEERS " in *" vdiskd-alt "*) ;; *) PEERS="vdiskd vdiskd-alt ${PEERS/vdiskd/}" ;; esac
    PEERS=$(echo $PEERS)
fi
[ "$DEPS" = 1 ] && bench_deps qemu-system-common nbdkit fio libnbd-bin
[ "$BUILD" = 1 ] && bench_build
bench_init "$DIR"

fstype=$(findmnt -no FSTYPE -T "$W" 2>/dev/null || stat -f -c %T "$W")
case $fstype in
tmpfs|ramfs) bench_die "$DIR is $fstype (no O_DIRECT): pick a disk with --dir" ;;
esac

IMG="$W/image.raw"
SOCK="$W/peer.sock"
RES="$W/results.tsv"
UUID=6e0c1a52-7d3b-4c8e-9f10-2b3c4d5e6f70
TARGET=vda

# Workload -> fio arguments.
wl_args() {
    case $1 in
    randread4k) echo "--rw=randread --bs=4k --iodepth=32" ;;
    randwrite4k) echo "--rw=randwrite --bs=4k --iodepth=32" ;;
    seqread1m) echo "--rw=read --bs=1M --iodepth=4" ;;
    seqwrite1m) echo "--rw=write --bs=1M --iodepth=4" ;;
    randread4k-qd1) echo "--rw=randread --bs=4k --iodepth=1" ;;
    *) bench_die "unknown workload $1" ;;
    esac
}

NBDKIT_CACHE=
if nbdkit file --help 2>&1 | grep -q 'cache=<MODE>'; then
    NBDKIT_CACHE="cache=none"
fi

# --- the peers: start one (SRV_PID, SRV_URI set), stop it ---------------

peer_start() {
    SRV_PID=
    SRV_URI=
    rm -f "$SOCK"
    case $1 in
    vdiskd)
        bd_virsh start bench >/dev/null
        SRV_PID=$BD_PID
        SRV_URI="nbd+unix:///$TARGET?socket=$(bd_nbd_socket "$UUID" "$TARGET")"
        ;;
    vdiskd-alt)
        virsh -q -c "$ALT_URI" start bench >/dev/null
        SRV_PID=$ALT_PID
        SRV_URI="nbd+unix:///$TARGET?socket=$ALT_STATE/run/nbd/$UUID/$TARGET"
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
    nbdkit)
        # shellcheck disable=SC2086
        nbdkit -f -U "$SOCK" file "file=$IMG" $NBDKIT_CACHE >>"$W/nbdkit.log" 2>&1 &
        SRV_PID=$!
        bench_own "$SRV_PID"
        SRV_URI="nbd+unix:///?socket=$SOCK"
        ;;
    raw) return 0 ;;
    esac
    local i=0
    until nbdinfo --size "$SRV_URI" >/dev/null 2>&1; do
        i=$((i + 1))
        [ "$i" -lt 400 ] || bench_die "$1 does not answer on $SRV_URI"
        kill -0 "$SRV_PID" 2>/dev/null || bench_die "$1 exited"
        sleep 0.05
    done
}

peer_stop() {
    case $1 in
    vdiskd) bd_virsh shutdown bench >/dev/null ;;
    vdiskd-alt) virsh -q -c "$ALT_URI" shutdown bench >/dev/null ;;
    qsd|nbdkit) bench_stop_pid "$SRV_PID" TERM ;;
    esac
}

# Drop the image from the page cache (nbdkit's file plugin goes through it).
evict() {
    "$PY" -c 'import os,sys
fd = os.open(sys.argv[1], os.O_RDONLY)
os.fdatasync(fd); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)' "$IMG"
}

# One fio run of a peer: appends a line to $RES.
run_one() {
    local peer=$1 wl=$2 round=$3 json="$W/$1.$2.$3.json" target c0 c1 load
    evict
    peer_start "$peer"
    if [ "$peer" = raw ]; then
        target="--ioengine=libaio --direct=1 --filename=$IMG --size=$SIZE"
    else
        target="--ioengine=nbd --uri=$SRV_URI"
    fi
    load=$(bench_loadavg)
    c0=0; [ -n "$SRV_PID" ] && c0=$(bench_cpu_ticks "$SRV_PID")
    # shellcheck disable=SC2046,SC2086
    fio --name="$peer-$wl" $(wl_args "$wl") $target --runtime="$RUNTIME" \
        --time_based --output-format=json --output="$json" >/dev/null
    c1=0; [ -n "$SRV_PID" ] && c1=$(bench_cpu_ticks "$SRV_PID")
    peer_stop "$peer"
    "$PY" - "$json" "$peer" "$wl" "$round" "$((c1 - c0))" "$load" >>"$RES" <<'EOF'
import json, sys
path, peer, wl, rnd, ticks, load = sys.argv[1:]
j = json.load(open(path))["jobs"][0]
d = j["read"] if j["read"]["io_bytes"] else j["write"]
secs = d["runtime"] / 1000.0
ios = d["total_ios"] or 1
srv = int(ticks) * 10000.0 / ios if peer != "raw" else float("nan")
cli = (j["usr_cpu"] + j["sys_cpu"]) / 100.0 * secs * 1e6 / ios
p50 = d["clat_ns"]["percentile"].get("50.000000", 0) / 1000.0
print("\t".join(map(str, [peer, wl, rnd, round(d["iops"], 1),
      round(d["bw_bytes"] / 1e6, 1), round(srv, 2), round(cli, 2),
      round(p50, 1), load, j["error"]])))
EOF
}

# --- set up ---------------------------------------------------------------

bench_log "image: $SIZE on $fstype under $DIR, writing it in full"
fio --name=prep --filename="$IMG" --rw=write --bs=1M --size="$SIZE" --direct=1 \
    --ioengine=libaio --iodepth=8 --output=/dev/null
sync

bd_domain_xml bench "$UUID" none native "$IMG" "$TARGET" >"$W/bench.xml"
if [ -n "$ALT" ]; then
    VDISKD=$ALT BD_ENV=$ALT_ENV bd_start "$W/state-alt"
    ALT_PID=$BD_PID ALT_STATE=$BD_STATE ALT_URI=$BD_URI
    virsh -q -c "$ALT_URI" define "$W/bench.xml" >/dev/null
fi
case " $PEERS " in *" vdiskd "*)
    bd_start "$W/state"
    bd_virsh define "$W/bench.xml" >/dev/null
    ;;
esac

read -r -a peers <<<"$PEERS"
n=${#peers[@]}
started=$(date +%s)
bench_log "$ROUNDS rounds x ($WORKLOADS) x ($PEERS), ${RUNTIME}s each"
for ((r = 1; r <= ROUNDS; r++)); do
    for wl in $WORKLOADS; do
        for ((k = 0; k < n; k++)); do
            run_one "${peers[(k + r - 1) % n]}" "$wl" "$r"
        done
    done
    bench_log "round $r done ($(($(date +%s) - started)) s)"
done

# --- report -----------------------------------------------------------------

[ -n "$OUT" ] && { mkdir -p "$OUT"; cp "$RES" "$W"/*.json "$OUT"/; }

echo "# nbd-peers: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, kernel $(uname -r), $fstype"
echo "# $(fio --version), $(qemu-storage-daemon --version | head -1), $(nbdkit --version)"
echo "# image $SIZE fully written; $ROUNDS rounds, ${RUNTIME}s per run, peers alternated"
echo "# vdiskd: cache='none' io='native' raw disk; qsd: cache.direct=on,aio=native;"
echo "# nbdkit file plugin: ${NBDKIT_CACHE:-default (no cache= parameter in this version)}; raw: fio libaio O_DIRECT"
echo "# NBD peers: fio --ioengine=nbd, one connection over a unix socket"
[ -n "$ALT" ] && echo "# vdiskd-alt: ${ALT_ENV:+$ALT_ENV }$ALT (vdiskd: $VDISKD)"
"$PY" - "$RES" "$PEERS" "$WORKLOADS" <<'EOF'
import sys, statistics as st, math
path, peers, wls = sys.argv[1], sys.argv[2].split(), sys.argv[3].split()
rows = [l.rstrip("\n").split("\t") for l in open(path)]
data = {}
for peer, wl, rnd, iops, mbs, srv, cli, p50, load, err in rows:
    data.setdefault((wl, peer), {})[int(rnd)] = dict(
        iops=float(iops), mbs=float(mbs), srv=float(srv), cli=float(cli),
        p50=float(p50), load=float(load), err=int(err))
med = lambda xs: st.median(xs) if xs else float("nan")
def fmt(x, p=0):
    return "-" if x != x else f"{x:,.{p}f}"
errs = sum(r["err"] != 0 for d in data.values() for r in d.values())
loads = [r["load"] for d in data.values() for r in d.values()]
print(f"# load average during the runs: median {med(loads):.1f} (min {min(loads):.1f}, max {max(loads):.1f}); fio errors: {errs}")
print()
print("| workload | peer | IOPS median (min..max) | MB/s median | p50 clat µs | server CPU µs/IO | fio CPU µs/IO |")
print("|---|---|---|---|---|---|---|")
for wl in wls:
    for peer in peers:
        d = data.get((wl, peer))
        if not d: continue
        v = list(d.values())
        io = [r["iops"] for r in v]
        print(f"| {wl} | {peer} | {fmt(med(io))} ({fmt(min(io))}..{fmt(max(io))}) "
              f"| {fmt(med([r['mbs'] for r in v]), 1)} | {fmt(med([r['p50'] for r in v]))} "
              f"| {fmt(med([r['srv'] for r in v]), 1)} | {fmt(med([r['cli'] for r in v]), 1)} |")
print()
print("Ratios (IOPS): ratio of the medians, and median of the per-round paired ratios (min..max).")
print()
def ratios(me, others, bar):
  hdr = "".join(f" {me}/{o} | paired |" for o in others)
  print(f"| workload |{hdr}" + (" bar |" if bar else ""))
  print("|---|" + "---|---|" * len(others) + ("---|" if bar else ""))
  for wl in wls:
    v = data.get((wl, me))
    if not v: continue
    cells = []
    paired = {}
    for other in others:
        o = data.get((wl, other))
        if not o:
            cells += ["-", "-"]; continue
        rm = med([r["iops"] for r in v.values()]) / med([r["iops"] for r in o.values()])
        pr = [v[k]["iops"] / o[k]["iops"] for k in v if k in o and o[k]["iops"]]
        paired[other] = med(pr)
        cells += [f"{rm:.2f}", f"{med(pr):.2f} ({min(pr):.2f}..{max(pr):.2f})"]
    verdict = "-"
    if wl in ("randread4k", "randwrite4k") and "qsd" in paired and "raw" in paired:
        ok = paired["qsd"] >= 1.2 and paired["raw"] >= 0.8
        verdict = ("met" if ok else "MISSED") + " (>=1.2x qsd, >=0.8x raw)"
    print(f"| {wl} | " + " | ".join(cells) + (f" | {verdict} |" if bar else " |"))
others = [o for o in ("qsd", "nbdkit", "raw") if o in peers]
if "vdiskd" in peers and others:
    ratios("vdiskd", others, True)
if "vdiskd-alt" in peers:
    print()
    ratios("vdiskd-alt", [o for o in ["vdiskd"] + others if o in peers], True)
EOF
