"""The guest side of test-crash-fault.sh: NBD requests against the crash
domain's disk while vdiskd injects faults, checking what the guest is
told, and virsh between them.

argv: SCENARIO SOCKET IMAGE VIRSH-URI. Exits non-zero with a message on
the first thing that is not as the contract says.
"""

import errno
import subprocess
import sys

import nbd

scenario, sock, image, uri = sys.argv[1:5]
BLOCK = 4096


def virsh(*args):
    out = subprocess.run(["virsh", "-q", "-c", uri, *args], check=True,
                         capture_output=True, text=True)
    return out.stdout.strip()


def data(i):
    return bytes([0x40 + i]) * BLOCK


def image_block(i):
    with open(image, "rb") as f:
        f.seek(i * BLOCK)
        return f.read(BLOCK)


def fails_with(want, fn, *args, **kw):
    try:
        fn(*args, **kw)
    except nbd.Error as e:
        # python3-libnbd gives the errno's name ("EIO").
        got = e.errno if isinstance(e.errno, int) else getattr(errno, e.errno)
        assert got == want, f"{fn.__name__}: {e.errno}, want {want}"
        return
    raise AssertionError(f"{fn.__name__} succeeded; want errno {want}")


h = nbd.NBD()
h.set_export_name("vda")
h.connect_unix(sock)

if scenario == "report":
    # The third write fails with EIO, the others go through.
    for i in range(5):
        if i == 2:
            fails_with(errno.EIO, h.pwrite, data(i), i * BLOCK)
        else:
            h.pwrite(data(i), i * BLOCK)
    assert h.pread(BLOCK, 3 * BLOCK) == data(3)
    assert virsh("domstate", "crash") == "running"

elif scenario == "stop":
    h.pwrite(data(0), 0)
    cookie = h.aio_pwrite(nbd.Buffer.from_bytearray(bytearray(data(1))), BLOCK)
    # The write failed at the storage: the domain pauses, the guest hears
    # nothing. Bounded wait for the pause; passing never depends on time.
    for _ in range(600):
        h.poll(50)
        if virsh("domstate", "crash", "--reason") == "paused (I/O error)":
            break
    else:
        raise AssertionError("the domain did not pause on the I/O error")
    h.poll(100)
    assert not h.aio_command_completed(cookie), "answered while paused"
    assert image_block(1) == bytes(BLOCK), "in the image while paused"
    # resume retries it: now it succeeds and is answered.
    virsh("resume", "crash")
    while not h.aio_command_completed(cookie):
        h.poll(-1)
    assert h.pread(BLOCK, BLOCK) == data(1)
    h.flush()
    assert image_block(1) == data(1), "not in the image after resume"
    assert virsh("domstate", "crash") == "running"

elif scenario == "flush":
    # One fdatasync fails; every later flush and FUA write must too.
    h.pwrite(data(0), 0)
    fails_with(errno.EIO, h.flush)
    fails_with(errno.EIO, h.flush)
    fails_with(errno.EIO, h.pwrite, data(1), BLOCK, nbd.CMD_FLAG_FUA)
    h.pwrite(data(2), 2 * BLOCK)

elif scenario == "reopened":
    # The disk was reopened: flushes work again.
    h.pwrite(data(3), 3 * BLOCK)
    h.flush()

else:
    raise SystemExit(f"unknown scenario {scenario}")

h.shutdown()
