"""A raw libvirt-RPC client for tests that must send what virsh never would."""

import socket
import struct

REMOTE = 0x20008086
KEEPALIVE = 0x6B656570
CALL, REPLY, MESSAGE = 0, 1, 2
OK, ERROR = 0, 1


def xdr_string(s):
    b = s.encode()
    return struct.pack(">I", len(b)) + b + b"\0" * (-len(b) % 4)


def xdr_opt_string(s):
    return struct.pack(">I", 0) if s is None else struct.pack(">I", 1) + xdr_string(s)


def message(prog, vers, proc, mtype, serial, status=OK, payload=b""):
    body = struct.pack(">IIiiIi", prog, vers, proc, mtype, serial, status) + payload
    return struct.pack(">I", len(body) + 4) + body


class Conn:
    def __init__(self, path, timeout=60):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        # Only a bound on a broken daemon: replies come at once.
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.serial = 0

    def close(self):
        self.sock.close()

    def send(self, data):
        self.sock.sendall(data)

    def recv_exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                return None
            buf += chunk
        return buf

    def recv_message(self):
        """(header tuple, payload) or None at EOF."""
        word = self.recv_exact(4)
        if word is None:
            return None
        (length,) = struct.unpack(">I", word)
        body = self.recv_exact(length - 4)
        if body is None:
            return None
        return struct.unpack(">IIiiIi", body[:24]), body[24:]

    def call(self, proc, payload=b"", prog=REMOTE, vers=1):
        serial = self.serial
        self.serial += 1
        self.send(message(prog, vers, proc, CALL, serial, OK, payload))
        reply = self.recv_message()
        assert reply is not None, "connection closed instead of a reply"
        hdr, body = reply
        assert hdr[4] == serial, "reply serial %d for call %d" % (hdr[4], serial)
        return hdr, body

    def handshake(self, flags=0):
        for proc, payload in ((66, b""), (60, struct.pack(">i", 10)),
                              (1, xdr_opt_string("vdisk:///system") + struct.pack(">I", flags))):
            hdr, body = self.call(proc, payload)
            assert hdr[5] == OK, "handshake procedure %d failed" % proc

    def at_eof(self):
        """True when the daemon closed the connection."""
        try:
            return self.sock.recv(1) == b""
        except ConnectionResetError:
            return True


def parse_error(body):
    """(code, domain, message) of a remote_error payload."""
    code, domain, present = struct.unpack(">iiI", body[:12])
    msg = None
    if present:
        (n,) = struct.unpack(">I", body[12:16])
        msg = body[16:16 + n].decode()
    return code, domain, msg
