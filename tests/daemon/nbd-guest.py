"""A guest that does an exact number of NBD requests, for statistics tests.

argv: URI WRITES READS FLUSHES PATTERN-BYTE. Writes 4 KiB blocks of the
pattern at offsets 0, 4096, ..., reads them back and checks them, flushes
(when the export offers flush), then disconnects without any other request.
"""

import sys

import nbd

uri, writes, reads, flushes, pattern = sys.argv[1], *map(int, sys.argv[2:6])
h = nbd.NBD()
h.connect_uri(uri)
block = bytes([pattern]) * 4096
for i in range(writes):
    h.pwrite(block, i * 4096)
for i in range(reads):
    assert h.pread(4096, (i % max(writes, 1)) * 4096) == block, "read back differs"
for _ in range(flushes):
    h.flush()
h.shutdown()
