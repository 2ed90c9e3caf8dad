# Shared steps of the crash tests, on top of tests/daemon/lib.sh: a
# domain "crash" with one disk, and a recorded workload against it.
#
# Use: . "$top_srcdir/tests/crash/lib.sh"; vd_test_init; vd_start ...;
# crash_define CACHE [IO [POLICY]]; crash_start; crash_guest ARGS...
#
# CRASH_FORMAT (default raw) is the image format: another one is created
# empty with qemu-img, and crash_explore_args gives the explorer that
# format and that empty image to start from. qed-backing is a QED image
# over a raw backing file of workload blocks (vdisk-crash-fill), which
# the guest's writes then come above.

. "$top_srcdir/tests/daemon/lib.sh"

CRASH_GUEST="$top_builddir/tools/crash/vdisk-crash-guest"
CRASH_EXPLORE="$top_builddir/tools/crash/vdisk-crash-explore"
CRASH_FILL="$top_builddir/tools/crash/vdisk-crash-fill"
CRASH_UUID=c4a5e000-0000-4000-8000-00000000c4a5
: "${CRASH_SIZE:=64M}"
: "${CRASH_FORMAT:=raw}"

crash_virsh() { virsh -q -c "$VD_URI" "$@"; }

# The NBD socket of the crash domain's disk.
crash_socket() { echo "$VD_STATE/run/nbd/$CRASH_UUID/vda"; }

# (Re)define the domain on a fresh zeroed image, with a cache mode, an io
# mode ("" for the default) and an error policy (default report).
crash_define() {
    _io=
    [ -n "${2:-}" ] && _io="io='$2'"
    _meta=
    [ "$1" = unsafe ] && _meta='<metadata><vdisk:policy xmlns:vdisk="https://vdisk.dev/xmlns/policy/1"><vdisk:override disk="vda" rule="qemu-unsafe-cache" reason="crash tests"/></vdisk:policy></metadata>'
    rm -f "$VD_TMP/disk.img" "$VD_TMP/disk.init" "$VD_TMP/backing.raw"
    case $CRASH_FORMAT in
    raw)
        truncate -s "$CRASH_SIZE" "$VD_TMP/disk.img" ;;
    qed-backing)
        "$CRASH_FILL" --size "$(numfmt --from=iec "$CRASH_SIZE")" \
            "$VD_TMP/backing.raw" || vd_fail "vdisk-crash-fill"
        # An absolute name: the explorer opens copies from elsewhere.
        qemu-img create -q -f qed -b "$VD_TMP/backing.raw" -F raw \
            "$VD_TMP/disk.img" "$CRASH_SIZE" || vd_fail "qemu-img create -b"
        cp "$VD_TMP/disk.img" "$VD_TMP/disk.init" ;;
    *)
        qemu-img create -q -f "$CRASH_FORMAT" "$VD_TMP/disk.img" \
            "$CRASH_SIZE" || vd_fail "qemu-img create -f $CRASH_FORMAT"
        cp "$VD_TMP/disk.img" "$VD_TMP/disk.init" ;;
    esac
    sed -e "s|@IMAGE@|$VD_TMP/disk.img|" -e "s|@CACHE@|$1|" \
        -e "s|@FORMAT@|$(crash_image_format)|" \
        -e "s|@IO@|$_io|" -e "s|@POLICY@|${3:-report}|" \
        -e "s|@METADATA@|$_meta|" \
        "$top_srcdir/tests/crash/domain-crash.xml.in" >"$VD_TMP/crash.xml"
    crash_virsh define "$VD_TMP/crash.xml" >/dev/null || vd_fail "define ($1)"
}

# The image format vdisk sees.
crash_image_format() { echo "${CRASH_FORMAT%-backing}"; }

# The explorer's arguments for the image format (nothing for raw).
crash_explore_args() {
    [ "$CRASH_FORMAT" = raw ] ||
        echo "--format $(crash_image_format) --init $VD_TMP/disk.init"
}

crash_start() {
    crash_virsh start crash >/dev/null || vd_fail "start crash"
}

crash_shutdown() {
    crash_virsh shutdown crash >/dev/null || vd_fail "shutdown crash"
}

# Run the guest on the crash domain's disk; extra arguments go to it.
# Over a backing file its generations start above the file's (1).
crash_guest() {
    _first=1
    [ "$CRASH_FORMAT" = qed-backing ] && _first=2
    "$CRASH_GUEST" --socket "$(crash_socket)" --export vda \
        --first-gen "$_first" "$@"
}

# The states and violations an explorer's summary line reports.
crash_states() { sed -n 's/^explored \([0-9]*\) crash states.*/\1/p' "$1"; }
crash_rate() { sed -n 's/.* \([0-9]*\) states\/s.*/\1/p' "$1"; }
crash_violations() { sed -n 's/.*; \([0-9]*\) violations$/\1/p' "$1"; }

# Keep a failing run's log, record (and a format's empty image) where make
# check leaves its logs, and say how to explore them again.
crash_keep() {
    _keep="$top_builddir/crash-failed.$$"
    cp -r "$VD_TMP/rec" "$_keep"
    _fmt=
    if [ "$CRASH_FORMAT" != raw ]; then
        cp "$VD_TMP/disk.init" "$_keep/"
        _fmt="--format $(crash_image_format) --init $_keep/disk.init "
    fi
    echo "kept the write log and the guest's record in $_keep; rerun:" \
         "$CRASH_EXPLORE $_fmt--log $_keep/crash-vda.log --record $_keep/$1" >&2
}
