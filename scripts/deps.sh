#!/bin/sh
# Install the Debian packages vdisk needs to build and test, those missing
# only. Runs apt-get through sudo when not root.
set -eu

BUILD="autoconf automake pkg-config make gcc libglib2.0-dev libxml2-dev
libaio-dev liburing-dev libtirpc-dev check"
# Peers the tests drive vdiskd with: virsh and the libvirt C and Python
# APIs, libvirt's schemas (virt-xml-validate), NBD clients, QEMU's tools.
TEST="libvirt-clients libvirt-dev python3-libvirt libxml2-utils
libnbd-dev libnbd-bin python3-libnbd qemu-utils fio strace"

want="$BUILD"
[ "${1:-}" = "--test" ] && want="$BUILD $TEST"

missing=
for p in $want; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "installing:$missing" >&2
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
    --no-install-recommends $missing >&2
