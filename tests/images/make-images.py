#!/usr/bin/python3
"""Hand-made QED images, hostile or broken, and what vdisk must say.

Writes each image into DIR and a manifest, DIR/manifest, of lines

    NAME<TAB>WHEN<TAB>EXPECTED TEXT

WHEN is "open" (image-info and serving refuse the image), "open-l1"
(the same, and image-check finds it and --repair fixes it), "check"
(image-check finds it, exit 2, and --repair fixes it), "check-only"
(found, not repairable), "io" (opens, but reading the bad range fails and
the server logs the text) or "serve" (serving refuses it). The texts are
parts of vdisk's error messages, which say what is wrong.

With --seeds, writes only the valid images, as a fuzzing corpus.

usage: make-images.py DIR [--seeds]
"""
import os
import struct
import sys

MAGIC = 0x00444551
F_BACKING, F_NEED_CHECK, F_NO_PROBE = 1, 2, 4


class Image:
    """A QED image in memory: 4 KiB clusters and tables of two (QEMU 7.2
    cannot open images whose tables are one cluster) unless told
    otherwise."""

    def __init__(self, cluster=4096, table=2, header=3, size=1 << 20):
        self.cs, self.ts, self.hs, self.size = cluster, table, header, size
        self.features = self.compat = self.autoclear = 0
        self.l1_offset = header * cluster
        self.name_off = self.name_size = 0
        self.data = bytearray(self.l1_offset + self.table_bytes())
        self.name = b""
        self.magic = MAGIC
        self.cut = None

    def table_bytes(self):
        return self.cs * self.ts

    def append(self, clusters):
        """Grow the file by clusters; returns the offset of the first."""
        off = len(self.data)
        self.data += bytes(clusters * self.cs)
        return off

    def set64(self, off, value):
        struct.pack_into("<Q", self.data, off, value)

    def l1(self, index, value):
        self.set64(self.l1_offset + 8 * index, value)

    def new_table(self, index):
        off = self.append(self.ts)
        self.l1(index, off)
        return off

    def backing(self, name, no_probe=True):
        self.features |= F_BACKING | (F_NO_PROBE if no_probe else 0)
        self.name = name
        self.name_off, self.name_size = 64, len(name)

    def bytes(self):
        head = struct.pack("<IIIIQQQQQII", self.magic, self.cs, self.ts, self.hs,
                           self.features, self.compat, self.autoclear,
                           self.l1_offset, self.size, self.name_off,
                           self.name_size)
        out = bytearray(self.data)
        out[0:64] = head
        if self.name:
            out[64:64 + len(self.name)] = self.name
        return bytes(out[:self.cut])


def with_data(img, clusters=2):
    """An L2 table for L1 entry 0 mapping the first guest clusters; its
    offset, and that of the first data cluster."""
    t = img.new_table(0)
    first = None
    for i in range(clusters):
        d = img.append(1)
        first = first or d
        img.data[d:d + img.cs] = bytes([0x40 + i]) * img.cs
        img.set64(t + 8 * i, d)
    return t, first


def cases():
    """(name, when, expected text, image) for every case."""
    out = []

    def add(name, when, text, img):
        out.append((name, when, text, img))

    add("good", "good", "", Image())
    img = Image(); with_data(img); add("good-data", "good", "", img)
    img = Image(cluster=65536, table=4, header=1, size=1 << 30)
    with_data(img, 1)
    add("good-64k", "good", "", img)
    img = Image(); img.features |= F_NEED_CHECK; with_data(img)
    add("good-need-check", "good", "", img)
    img = Image(); img.backing(b"base.raw"); add("good-backing", "good", "", img)

    # --- header fields ---
    img = Image(); img.magic = 0xfb494651
    add("bad-magic", "open", "bad magic 0xfb494651", img)
    img = Image(); img.features = 0x100
    add("unknown-feature", "open", "unknown incompatible feature bits 0x100", img)
    img = Image(); img.cs = 65535
    add("cluster-not-pow2", "open", "cluster size 65535", img)
    img = Image(); img.cs = 128 << 20
    add("cluster-huge", "open", "cluster size 134217728", img)
    img = Image(); img.ts = 17
    add("table-size-17", "open", "table size 17", img)
    img = Image(cluster=65536, header=1); img.cs = 64 << 20; img.ts = 16
    add("tables-absurd", "open", "over vdisk's limit", img)
    img = Image(); img.hs = 0
    add("header-size-zero", "open", "header size of 0 clusters", img)
    img = Image(cluster=65536, header=1); img.hs = 0x10000
    add("header-size-overflow", "open", "header size of 65536 clusters", img)
    img = Image(); img.size = 1000
    add("size-not-sector", "open", "not a multiple of 512", img)
    img = Image(); img.size = 1 << 63
    add("size-absurd", "open", "over the 4294967296 bytes", img)
    img = Image(); img.l1_offset += 512
    add("l1-misaligned", "open", "L1 table offset 12800 is not aligned", img)
    img = Image(); img.l1_offset = 4096
    add("l1-in-header", "open", "lies inside the header", img)
    img = Image(); img.l1_offset = 1 << 40
    add("l1-past-end", "open", "extends past the end of the file", img)
    img = Image(); img.l1_offset = 0xfffffffffffff000
    add("l1-wraps", "open", "extends past the end of the file", img)
    img = Image(); img.backing(b"x" * 10); img.name_off = 12280
    add("name-outside-header", "open", "not inside the header clusters", img)
    img = Image(); img.backing(b"x"); img.name_off, img.name_size = 0xfffffff0, 0x20
    add("name-wraps", "open", "not inside the header clusters", img)
    img = Image(); img.backing(b"y" * 5000)
    add("name-too-long", "open", "longer than 4095", img)
    img = Image(); img.backing(b"base\0.raw")
    add("name-nul", "open", "NUL byte", img)
    img = Image(); img.backing(b""); img.name_size = 0
    add("name-empty", "open", "name is empty", img)
    img = Image(); img.cut = 40
    add("truncated", "open", "fewer than a header", img)

    # --- the L1 table ---
    img = Image(); img.l1(3, 1 << 30)
    add("l1-entry-past-end", "open-l1", "L1 entry 3: L2 table offset 0x40000000 is past the end", img)
    img = Image(); img.append(1); img.l1(2, 4096)
    add("l1-entry-in-header", "open-l1", "L1 entry 2: L2 table offset 0x1000 points into the header", img)
    img = Image(); img.l1(1, img.l1_offset)
    add("l1-entry-in-l1", "open-l1", "points into the L1 table", img)
    img = Image(); t = img.new_table(0); img.l1(5, t)
    add("l1-entries-share", "open-l1", "L1 entries 0 and 5: their L2 tables", img)
    img = Image(); img.l1(0, img.append(1) + 100)
    add("l1-entry-misaligned", "open-l1", "is not aligned to a cluster", img)

    # --- L2 tables: found by the check, refused on I/O ---
    img = Image(); (t, d0) = with_data(img); img.set64(t + 8 * 5, 1 << 32)
    add("l2-past-end", "check", "offset 0x100000000 is past the end of the file", img)
    img = Image(); (t, d0) = with_data(img); img.set64(t + 8 * 5, 4096)
    add("l2-in-header", "check", "points into the header", img)
    img = Image(); (t, d0) = with_data(img); img.set64(t + 8 * 5, img.l1_offset)
    add("l2-in-l1", "check", "points into the L1 table", img)
    img = Image(); (t, d0) = with_data(img); img.set64(t + 8 * 5, t)
    add("l2-in-l2", "check", "points into an L2 table", img)
    img = Image(); (t, d0) = with_data(img); img.set64(t + 8 * 5, img.l1_offset + 4096 + 8192 + 7)
    add("l2-misaligned", "check", "is not aligned to a cluster", img)
    img = Image(); (t, d0) = with_data(img); img.set64(t + 8 * 5, d0)
    add("l2-twice", "check", "is mapped twice", img)
    img = Image(); (t, d0) = with_data(img); img.set64(t + 8 * 5, 1 << 32)
    add("l2-past-end-io", "io", "outside the file or into metadata", img)
    img = Image(); (t, d0) = with_data(img); img.set64(t + 8 * 5, img.l1_offset)
    add("l2-in-l1-io", "io", "outside the file or into metadata", img)
    img = Image(); img.features |= F_NEED_CHECK
    (t, d0) = with_data(img); img.set64(t + 8 * 5, d0)
    add("need-check-twice", "serve", "mapped twice", img)

    # --- backing names: plain paths, never followed by metadata commands ---
    img = Image()
    img.backing(b'json:{"file":{"driver":"file","filename":"/etc/passwd"}}', no_probe=False)
    add("name-json", "serve", "cannot open backing file", img)
    img = Image(); img.backing(b"self.qed", no_probe=False)
    add("self", "serve", "the image itself", img)
    img = Image(); img.backing(b"loop-b.qed", no_probe=False)
    add("loop-a", "serve", "deeper than", img)
    img = Image(); img.backing(b"loop-a.qed", no_probe=False)
    add("loop-b", "skip", "", img)
    return out


def main():
    dest = sys.argv[1]
    seeds = "--seeds" in sys.argv[2:]
    os.makedirs(dest, exist_ok=True)
    with open(os.path.join(dest, "manifest"), "w") as manifest:
        for name, when, text, img in cases():
            # Seeds stay small: libFuzzer mutates them byte by byte.
            if seeds and (when != "good" or len(img.bytes()) > 65536):
                continue
            fname = name + ".qed"
            if name == "self":
                fname = "self.qed"
            with open(os.path.join(dest, fname), "wb") as f:
                f.write(img.bytes())
            manifest.write(f"{name}\t{when}\t{text}\n")


if __name__ == "__main__":
    main()
