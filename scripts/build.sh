#!/bin/sh
# Configure (once) and build vdisk in the source tree. Extra arguments go
# to configure, e.g. --enable-sanitizers.
set -eu
cd "$(dirname "$0")/.."
[ -x configure ] || autoreconf -fi
if [ ! -f Makefile ] || [ "$#" -gt 0 ]; then
    ./configure -q "$@"
fi
make -s -j"$(nproc)"
