#!/usr/bin/python3
"""qemu-io commands for a random mix of writes on an image of SIZE bytes:
patterns of many lengths (aligned and not, across clusters), zero
writes, flushes. The same list is run on vdisk's image and on a raw
reference, so that the two must compare identical.

With "discard" after COUNT, some requests are discards too (for disks
whose discards read back as zeroes, on both sides).

usage: gen-writes.py SEED SIZE COUNT [discard]
"""
import random
import sys

seed, size, count = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
discard = len(sys.argv) > 4 and sys.argv[4] == "discard"
rng = random.Random(seed)
lengths = [512, 1024, 4096, 8192, 65536, 65536 + 512, 200704, 1 << 20]
for _ in range(count):
    length = rng.choice(lengths)
    off = rng.randrange(0, size - length) // 512 * 512
    kind = rng.random()
    if kind < 0.75:
        print(f"write -P {rng.randrange(1, 255)} {off} {length}")
    elif kind < 0.85:
        print(f"write -z {off} {length}")
    elif kind < 0.9:
        print(f"discard {off} {length}" if discard else f"write -z {off} {length}")
    else:
        print("flush")
print("flush")
