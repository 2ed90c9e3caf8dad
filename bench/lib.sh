# Shared helpers of the benchmarks (bash): packages, build, a scratch
# directory, processes stopped by pid on exit, a vdiskd to drive.
#
# Use: . "$(dirname "$0")/lib.sh"; bench_init; ...
# Exported: TOP (source tree), W (scratch directory), VDISKD, PY (Debian's
# python3), and after bd_start: BD_PID, BD_STATE, BD_URI.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VDISKD=${VDISKD:-$TOP/vdiskd}
PY=/usr/bin/python3
W=
BENCH_PIDS=()

bench_log() { echo "bench: $*" >&2; }
bench_die() { bench_log "error: $*"; exit 1; }

# Packages vdisk's tests need (scripts/deps.sh) plus the given extra ones,
# installed only when missing.
bench_deps() {
    sh "$TOP/scripts/deps.sh" --test
    local missing= p sudo=
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
            missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    bench_log "installing:$missing"
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
        --no-install-recommends $missing >&2
}

bench_build() {
    sh "$TOP/scripts/build.sh" >&2
    [ -x "$VDISKD" ] || bench_die "no vdiskd after the build"
}

# Remember a process to stop at exit.
bench_own() { BENCH_PIDS+=("$1"); }

# Stop one of our processes: TERM, then KILL after 10 s; reap it.
bench_stop_pid() {
    local pid=$1 sig=${2:-TERM} i=0
    kill -"$sig" "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do
        i=$((i + 1))
        if [ "$i" -eq 200 ]; then kill -KILL "$pid" 2>/dev/null || true; fi
        sleep 0.05
    done
    wait "$pid" 2>/dev/null || true
    local keep=() p
    for p in "${BENCH_PIDS[@]}"; do [ "$p" = "$pid" ] || keep+=("$p"); done
    BENCH_PIDS=("${keep[@]+"${keep[@]}"}")
}

bench_cleanup() {
    local p
    for p in "${BENCH_PIDS[@]+"${BENCH_PIDS[@]}"}"; do
        kill -TERM "$p" 2>/dev/null || true
    done
    for p in "${BENCH_PIDS[@]+"${BENCH_PIDS[@]}"}"; do
        local i=0
        while kill -0 "$p" 2>/dev/null && [ "$i" -lt 100 ]; do
            i=$((i + 1)); sleep 0.05
        done
        kill -KILL "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    BENCH_PIDS=()
    if [ -n "$W" ] && [ -d "$W" ]; then rm -rf "$W"; fi
}

# Scratch directory under $1 (default $TMPDIR or /tmp), removed at exit.
bench_init() {
    local parent=${1:-${TMPDIR:-/tmp}}
    mkdir -p "$parent"
    W=$(mktemp -d "$parent/vdisk-bench.XXXXXX")
    trap bench_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

# utime+stime of a process, in clock ticks.
bench_cpu_ticks() {
    awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}

bench_loadavg() { cut -d' ' -f1 /proc/loadavg; }

# Start a vdiskd on its own state directory $1; returns once it serves.
# BD_ENV may hold VAR=VALUE words for its environment.
bd_start() {
    BD_STATE=$1
    BD_URI="vdisk+unix:///system?socket=$BD_STATE/run/vdiskd-sock"
    mkdir -p "$BD_STATE"
    local log="$BD_STATE.log" i=0
    # shellcheck disable=SC2086
    env ${BD_ENV:-} "$VDISKD" --state-dir "$BD_STATE" >>"$log" 2>&1 &
    BD_PID=$!
    bench_own "$BD_PID"
    until grep -q ': serving ' "$log" 2>/dev/null; do
        kill -0 "$BD_PID" 2>/dev/null || { cat "$log" >&2; bench_die "vdiskd exited"; }
        i=$((i + 1))
        [ "$i" -lt 1200 ] || bench_die "vdiskd did not start within 60 s"
        sleep 0.05
    done
}

bd_stop() { bench_stop_pid "$BD_PID" TERM; BD_PID=; }

bd_virsh() { virsh -q -c "$BD_URI" "$@"; }

# A domain definition: bd_domain_xml NAME UUID CACHE IO IMAGE TARGET [IMAGE TARGET]...
bd_domain_xml() {
    local name=$1 uuid=$2 cache=$3 io=$4
    shift 4
    printf '<domain type="kvm">\n  <name>%s</name>\n  <uuid>%s</uuid>\n' "$name" "$uuid"
    printf '  <memory unit="MiB">256</memory>\n  <os><type arch="x86_64">hvm</type></os>\n'
    printf '  <devices>\n'
    while [ "$#" -ge 2 ]; do
        printf '    <disk type="file" device="disk">\n'
        printf '      <driver name="qemu" type="raw" cache="%s" io="%s"/>\n' "$cache" "$io"
        printf '      <source file="%s"/>\n      <target dev="%s" bus="virtio"/>\n' "$1" "$2"
        printf '    </disk>\n'
        shift 2
    done
    printf '  </devices>\n</domain>\n'
}

# NBD socket of a running domain's disk.
bd_nbd_socket() { echo "$BD_STATE/run/nbd/$1/$2"; }
