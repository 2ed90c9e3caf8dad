#!/bin/sh
# Set everything up and run the main job: vdiskd on its default state
# directory, an example domain defined and started in it, its disk
# written and read over NBD by qemu-io, then its block statistics shown
# (through vdisk and the unmodified virsh). The daemon is stopped at the
# end unless --keep is given.
set -eu
cd "$(dirname "$0")/.."
keep=no
[ "${1:-}" = "--keep" ] && keep=yes

sh scripts/deps.sh --test
sh scripts/build.sh

state="${XDG_STATE_HOME:-$HOME/.local/state}/vdisk"
sock="$state/run/vdiskd-sock"
uri="vdisk+unix:///system?socket=$sock"
mkdir -p "$state/images"
image="$state/images/demo.img"
[ -f "$image" ] || truncate -s 64M "$image"

pid=
if ./vdisk version >/dev/null 2>&1; then
    echo "== vdiskd already running on $state"
else
    echo "== starting vdiskd on $state"
    ./vdiskd >"$state/vdiskd.log" 2>&1 &
    pid=$!
    i=0
    until ./vdisk version >/dev/null 2>&1; do
        kill -0 "$pid" 2>/dev/null || { cat "$state/vdiskd.log"; exit 1; }
        i=$((i + 1)); [ "$i" -lt 600 ] || { echo "vdiskd did not start" >&2; exit 1; }
        sleep 0.1
    done
fi
stop() {
    if [ -n "$pid" ] && [ "$keep" = no ]; then
        kill -TERM "$pid" && wait "$pid" || true
        echo "== vdiskd stopped (run with --keep to leave it running)"
    fi
}
trap stop EXIT

sed "s|@IMAGE@|$image|" examples/demo-domain.xml.in >"$state/demo-domain.xml"
./vdisk dominfo demo >/dev/null 2>&1 || ./vdisk define "$state/demo-domain.xml"

echo "== vdisk explain demo"
./vdisk explain demo
if ! ./vdisk list | grep -q ' demo '; then
    echo "== vdisk start demo"
    ./vdisk start demo
fi
./vdisk list --all

disk_uri=$(./vdisk nbd-uri demo vda)
echo "== the guest: qemu-io on $disk_uri"
qemu-io -f raw -c 'write -P 0xa5 0 1M' -c 'flush' -c 'read -P 0xa5 0 1M' \
    -c 'write -P 0x5a 4M 64k' -c 'read -P 0x5a 4M 64k' "$disk_uri"

echo "== vdisk domblkstat demo vda"
./vdisk domblkstat demo vda
echo "== virsh -c '$uri' domblkstat demo vda --human"
virsh -c "$uri" domblkstat demo vda --human

echo "== vdisk shutdown demo"
./vdisk shutdown demo
