#!/usr/bin/python3
"""Stopping the server while clients are in every state.

Usage: test-nbd-shutdown.py SOCKET SERVER_PID

Opens a connection mid-handshake, one idle in transmission, one with
requests in flight whose replies it never reads (so the server's output
is blocked), and one that sent half a write; then sends SIGTERM. The
server must close every connection (each socket reaches EOF); the calling
script checks that it exits 0.
"""
import os
import signal
import socket
import struct
import sys

SOCK, PID = sys.argv[1], int(sys.argv[2])

IHAVEOPT = 0x49484156454F5054
REQUEST_MAGIC = 0x25609513
MIB = 1024 * 1024


def connect():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(60)
    s.connect(SOCK)
    return s


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return buf


def transmission():
    s = connect()
    recv_exact(s, 18)
    s.sendall(struct.pack(">I", 1))
    s.sendall(struct.pack(">QII", IHAVEOPT, 7, 6) + struct.pack(">IH", 0, 0))
    while True:
        _, _, rtype, length = struct.unpack(">QIII", recv_exact(s, 20))
        recv_exact(s, length)
        if rtype == 1:
            return s


def request(s, cmd, offset, length, cookie):
    s.sendall(struct.pack(">IHHQQI", REQUEST_MAGIC, 0, cmd, cookie, offset, length))


def drained(s):
    """Read until EOF; True if the server closed."""
    try:
        while s.recv(MIB):
            pass
        return True
    except ConnectionResetError:
        return True


handshake = connect()
recv_exact(handshake, 18)

idle = transmission()

blocked = transmission()
blocked.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
for i in range(32):
    request(blocked, 0, i * MIB, MIB, i)   # 32 MiB of replies nobody reads

half = transmission()
request(half, 1, 0, 65536, 1)
half.sendall(b"h" * 1000)

os.kill(PID, signal.SIGTERM)
for name, s in (("handshake", handshake), ("idle", idle), ("blocked", blocked),
                ("half", half)):
    if not drained(s):
        print("FAIL: %s connection not closed" % name)
        sys.exit(1)
    print("ok   %s closed" % name)
