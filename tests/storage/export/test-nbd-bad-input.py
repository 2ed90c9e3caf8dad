#!/usr/bin/python3
"""Malformed and hostile NBD traffic, byte by byte, against nbd-test-server.

Usage: test-nbd-bad-input.py SOCKET SERVER_PID

The export on SOCKET is "disk0", writable, 64 MiB. Every case uses its own
connection; after each one the server must still serve a fresh client.
Socket timeouts only turn a hang into a failure: no case waits for time
to pass in order to succeed.
"""
import os
import socket
import struct
import sys

NBDMAGIC = 0x4E42444D41474943
IHAVEOPT = 0x49484156454F5054
OPT_REPLY_MAGIC = 0x0003E889045565A9
REQUEST_MAGIC = 0x25609513
SIMPLE_MAGIC = 0x67446698
STRUCTURED_MAGIC = 0x668E33EF

OPT_GO, OPT_STRUCTURED_REPLY = 7, 8
REP_ACK, REP_INFO = 1, 3
REP_ERR_UNSUP, REP_ERR_INVALID = 0x80000001, 0x80000003
CMD_READ, CMD_WRITE, CMD_DISC, CMD_FLUSH, CMD_CACHE, CMD_BLOCK_STATUS = 0, 1, 2, 3, 5, 7
EPERM, EINVAL, ENOSPC = 1, 22, 28
MIB = 1024 * 1024
SIZE = 64 * MIB

SOCK = sys.argv[1]
PID = int(sys.argv[2])
failures = []


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
            raise EOFError("server closed after %d of %d bytes" % (len(buf), n))
        buf += chunk
    return buf


def closed_by_server(s):
    """True when the server closes: reads return EOF (or a reset)."""
    try:
        while True:
            if not s.recv(65536):
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True


def greet(s, client_flags=1):
    magic, opt, flags = struct.unpack(">QQH", recv_exact(s, 18))
    assert magic == NBDMAGIC and opt == IHAVEOPT, "bad greeting"
    assert flags == 3, "handshake flags %#x" % flags
    s.sendall(struct.pack(">I", client_flags))


def send_option(s, option, data=b""):
    s.sendall(struct.pack(">QII", IHAVEOPT, option, len(data)) + data)


def read_option_reply(s):
    magic, option, rtype, length = struct.unpack(">QIII", recv_exact(s, 20))
    assert magic == OPT_REPLY_MAGIC, "option reply magic %#x" % magic
    return option, rtype, recv_exact(s, length)


def go(s, structured=False):
    if structured:
        send_option(s, OPT_STRUCTURED_REPLY)
        assert read_option_reply(s)[1] == REP_ACK
    send_option(s, OPT_GO, struct.pack(">IH", 0, 0))
    while True:
        option, rtype, data = read_option_reply(s)
        assert option == OPT_GO
        if rtype == REP_ACK:
            return
        assert rtype == REP_INFO, "GO reply %#x" % rtype


def open_transmission(structured=False):
    s = connect()
    greet(s)
    go(s, structured)
    return s


def open_transmission_retry():
    """A connection, retried while the server is at its connection limit
    because connections we closed are not closed on its side yet."""
    import time
    for _ in range(400):
        try:
            return open_transmission()
        except (EOFError, ConnectionResetError, BrokenPipeError):
            time.sleep(0.05)
    raise AssertionError("no connection accepted")


def request(s, cmd, offset=0, length=0, flags=0, cookie=1, payload=b""):
    s.sendall(struct.pack(">IHHQQI", REQUEST_MAGIC, flags, cmd, cookie, offset, length)
              + payload)


def simple_reply(s):
    magic, error, cookie = struct.unpack(">IIQ", recv_exact(s, 16))
    assert magic == SIMPLE_MAGIC, "reply magic %#x" % magic
    return error, cookie


def still_serves(s):
    request(s, CMD_WRITE, 4096, 4, cookie=77, payload=b"live")
    assert simple_reply(s) == (0, 77)
    request(s, CMD_READ, 4096, 4, cookie=78)
    assert simple_reply(s) == (0, 78)
    assert recv_exact(s, 4) == b"live"


def case(fn):
    try:
        fn()
        print("ok   %s" % fn.__name__)
    except Exception as e:  # report every case, then fail
        print("FAIL %s: %r" % (fn.__name__, e))
        failures.append(fn.__name__)
    try:
        os.kill(PID, 0)
    except OSError:
        print("FAIL server died after %s" % fn.__name__)
        sys.exit(1)
    s = open_transmission_retry()
    still_serves(s)
    s.close()


# --- handshake ---------------------------------------------------------

def unknown_client_flags_close():
    s = connect()
    greet(s, client_flags=0x10)
    assert closed_by_server(s)


def no_zeroes_without_fixed_newstyle_is_fine():
    s = connect()
    greet(s, client_flags=2)
    go(s)
    still_serves(s)


def bad_option_magic_closes():
    s = connect()
    greet(s)
    s.sendall(struct.pack(">QII", NBDMAGIC, OPT_GO, 0))
    assert closed_by_server(s)


def unknown_options_then_go():
    s = connect()
    greet(s)
    for opt, data in ((0x1234, b"xyz"), (5, b""), (9, b"\0" * 8), (0xFFFFFFFF, b"\0" * 100)):
        send_option(s, opt, data)
        option, rtype, _ = read_option_reply(s)
        assert (option, rtype) == (opt, REP_ERR_UNSUP), (hex(option), hex(rtype))
    go(s)
    still_serves(s)


def malformed_go_then_go():
    s = connect()
    greet(s)
    send_option(s, OPT_GO, struct.pack(">I", 100) + b"ab" + struct.pack(">H", 0))
    assert read_option_reply(s)[1] == REP_ERR_INVALID
    go(s)
    still_serves(s)


def pipelined_options_all_answered():
    # Options sent without waiting for replies (a client MUST NOT, but may):
    # the server stops reading while its replies are unread, and answers
    # every one once they are.
    import threading
    s = connect()
    greet(s)
    n = 20000
    t = threading.Thread(target=s.sendall, args=(struct.pack(">QII", IHAVEOPT, 3, 0) * n,))
    t.start()
    for _ in range(n):
        assert read_option_reply(s)[1] == 2     # NBD_REP_SERVER
        assert read_option_reply(s)[1] == REP_ACK
    t.join()
    go(s)
    still_serves(s)


def huge_option_length_closes():
    s = connect()
    greet(s)
    s.sendall(struct.pack(">QII", IHAVEOPT, 0x1234, 0xFFFFFFFF))
    assert closed_by_server(s)


def truncated_handshake():
    s = connect()
    recv_exact(s, 18)
    s.sendall(b"\0\0")
    s.close()


def truncated_option():
    s = connect()
    greet(s)
    s.sendall(struct.pack(">QII", IHAVEOPT, OPT_GO, 50) + b"\0\0\0")
    s.close()


# --- transmission ------------------------------------------------------

def unknown_command_einval():
    s = open_transmission()
    for cmd in (CMD_CACHE, CMD_BLOCK_STATUS, 8, 0x42, 0xFFFF):
        request(s, cmd, 0, 512, cookie=cmd)
        assert simple_reply(s) == (EINVAL, cmd)
    still_serves(s)


def unknown_flags_einval():
    s = open_transmission()
    request(s, CMD_READ, 0, 512, flags=0x8000, cookie=5)
    assert simple_reply(s) == (EINVAL, 5)
    request(s, CMD_WRITE, 0, 512, flags=0x0002, cookie=6, payload=b"\x25" * 512)
    assert simple_reply(s) == (EINVAL, 6)
    still_serves(s)


def flush_with_range_einval():
    s = open_transmission()
    request(s, CMD_FLUSH, 512, 0, cookie=9)
    assert simple_reply(s) == (EINVAL, 9)
    request(s, CMD_FLUSH, 0, 0, cookie=10)
    assert simple_reply(s) == (0, 10)


def cookie_echoed_exactly():
    s = open_transmission()
    request(s, CMD_READ, 0, 1, cookie=0xFFFFFFFFFFFFFFFF)
    assert simple_reply(s) == (0, 0xFFFFFFFFFFFFFFFF)
    recv_exact(s, 1)


def zero_length_requests():
    s = open_transmission()
    request(s, CMD_READ, 0, 0, cookie=1)
    assert simple_reply(s) == (0, 1)
    request(s, CMD_WRITE, 0, 0, cookie=2)
    assert simple_reply(s) == (0, 2)
    s = open_transmission(structured=True)
    request(s, CMD_READ, 0, 0, cookie=3)
    magic, flags, ctype, cookie, length = struct.unpack(">IHHQI", recv_exact(s, 20))
    assert (magic, flags, ctype, cookie, length) == (STRUCTURED_MAGIC, 1, 0, 3, 0)


def structured_read_error_chunk():
    s = open_transmission(structured=True)
    request(s, CMD_READ, SIZE, 512, cookie=4)
    magic, flags, ctype, cookie, length = struct.unpack(">IHHQI", recv_exact(s, 20))
    assert (magic, flags, ctype, cookie, length) == (STRUCTURED_MAGIC, 1, 0x8001, 4, 6)
    error, msglen = struct.unpack(">IH", recv_exact(s, 6))
    assert (error, msglen) == (EINVAL, 0)
    request(s, CMD_READ, 0, 512, cookie=5)
    magic, flags, ctype, cookie, length = struct.unpack(">IHHQI", recv_exact(s, 20))
    assert (magic, flags, ctype, cookie, length) == (STRUCTURED_MAGIC, 1, 1, 5, 520)
    assert struct.unpack(">Q", recv_exact(s, 8))[0] == 0
    recv_exact(s, 512)


def oversized_write_payload_dropped():
    s = open_transmission()
    n = 40 * MIB
    request(s, CMD_WRITE, 0, n, cookie=11)
    # A payload that looks like requests must not be read as requests.
    fake = struct.pack(">IHHQQI", REQUEST_MAGIC, 0, CMD_DISC, 0, 0, 0)
    chunk = fake * (MIB // len(fake)) + b"\0" * (MIB % len(fake))
    for _ in range(n // MIB):
        s.sendall(chunk)
    assert simple_reply(s) == (EINVAL, 11)
    still_serves(s)


def write_past_end_payload_dropped():
    s = open_transmission()
    request(s, CMD_WRITE, SIZE - 512, 4096, cookie=12, payload=b"\x25" * 4096)
    assert simple_reply(s) == (ENOSPC, 12)
    still_serves(s)


def huge_write_closes():
    s = open_transmission()
    request(s, CMD_WRITE, 0, 0xFFFFFFFF, cookie=13)
    assert closed_by_server(s)


def bad_request_magic_closes():
    s = open_transmission()
    s.sendall(struct.pack(">IHHQQI", SIMPLE_MAGIC, 0, CMD_READ, 1, 0, 512))
    assert closed_by_server(s)


def drop_mid_payload():
    s = open_transmission()
    request(s, CMD_WRITE, 0, MIB, cookie=14, payload=b"x" * 1000)
    s.close()


def drop_mid_header():
    s = open_transmission()
    s.sendall(struct.pack(">IHH", REQUEST_MAGIC, 0, CMD_READ))
    s.close()


def drop_with_requests_in_flight():
    # The replies are never read: the requests complete into a closed
    # connection and must be freed (the sanitizer build checks the leak).
    # Fewer requests than the server takes in flight, so that it reads
    # them all without any reply being read.
    for _ in range(4):
        s = open_transmission()
        for i in range(16):
            request(s, CMD_READ, i * MIB, MIB, cookie=i)
        for i in range(8):
            request(s, CMD_WRITE, i * 65536, 65536, cookie=100 + i, payload=b"w" * 65536)
        s.close()


def many_requests_without_reading():
    # More requests than the server takes in flight, no reply read until
    # all are sent: the server stops reading, the socket buffers fill, and
    # everything is answered once we read.
    s = open_transmission()
    n = 300
    sender = b"".join(struct.pack(">IHHQQI", REQUEST_MAGIC, 0, CMD_READ, i, i * 4096, 4096)
                      for i in range(n))
    s.setblocking(True)
    import threading
    t = threading.Thread(target=s.sendall, args=(sender,))
    t.start()
    cookies = set()
    for _ in range(n):
        error, cookie = simple_reply(s)
        assert error == 0
        recv_exact(s, 4096)
        cookies.add(cookie)
    t.join()
    assert cookies == set(range(n))


def disc_finishes_requests():
    # Requests sent before DISC are answered, then the server closes.
    # (The write is answered before the read is sent: NBD does not order
    # requests in flight.)
    s = open_transmission()
    request(s, CMD_WRITE, 8192, 4, cookie=20, payload=b"disc")
    assert simple_reply(s) == (0, 20)
    for i in range(8):
        request(s, CMD_READ, 8192, 4, cookie=21 + i)
    request(s, CMD_DISC, cookie=99)
    seen = set()
    for _ in range(8):
        error, cookie = simple_reply(s)
        assert error == 0
        assert recv_exact(s, 4) == b"disc"
        seen.add(cookie)
    assert seen == set(range(21, 29))
    assert closed_by_server(s)


def connection_limit():
    # Connections of earlier cases may not be closed on the server side
    # yet, so a refused connection is retried (bounded) until 16 are open;
    # with 16 live ones the next must be refused, whatever the timing.
    conns = [open_transmission_retry() for _ in range(16)]
    extra = connect()
    assert closed_by_server(extra)
    for c in conns:
        c.close()


for c in (unknown_client_flags_close, no_zeroes_without_fixed_newstyle_is_fine,
          bad_option_magic_closes, unknown_options_then_go, malformed_go_then_go,
          pipelined_options_all_answered, huge_option_length_closes, truncated_handshake, truncated_option,
          unknown_command_einval, unknown_flags_einval, flush_with_range_einval,
          cookie_echoed_exactly, zero_length_requests, structured_read_error_chunk,
          oversized_write_payload_dropped, write_past_end_payload_dropped,
          huge_write_closes, bad_request_magic_closes, drop_mid_payload,
          drop_mid_header, drop_with_requests_in_flight, many_requests_without_reading,
          disc_finishes_requests, connection_limit):
    case(c)

if failures:
    print("failed: %s" % ", ".join(failures))
    sys.exit(1)
