/*
 * QED on disk: the header, its geometry and the table entries, as
 * docs/formats/qed.md describes them. Pure functions on bytes and numbers:
 * no I/O, no allocation, any thread. Everything that reads a field from a
 * file checks it here first (vd_qed_header_parse), so that the rest of the
 * code can do its arithmetic without overflow checks of its own.
 */
#ifndef VD_STORAGE_LAYERS_QED_FORMAT_H
#define VD_STORAGE_LAYERS_QED_FORMAT_H

#include <endian.h>
#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

#define VD_QED_MAGIC 0x00444551u            /* "QED\0" as a little-endian u32 */
#define VD_QED_HEADER_LEN 64u               /* the fields below, packed */

/* features: an unknown bit set means the image must not be opened. */
#define VD_QED_F_BACKING_FILE 0x01ull
#define VD_QED_F_NEED_CHECK 0x02ull
#define VD_QED_F_BACKING_NO_PROBE 0x04ull
#define VD_QED_F_KNOWN (VD_QED_F_BACKING_FILE | VD_QED_F_NEED_CHECK | \
                        VD_QED_F_BACKING_NO_PROBE)

/*
 * autoclear_features: a writer that does not know a bit clears it when it
 * opens the image read-write (QEMU does). vdisk's bit says that the dirty
 * table log in the header clusters is valid (qed-log.c): QEMU knocks it
 * out on its first read-write open, so a log that QEMU's writes may have
 * made stale is never trusted. A high bit, away from any QEMU may define.
 */
#define VD_QED_AC_DIRTY_LOG (1ull << 40)
#define VD_QED_AC_KNOWN VD_QED_AC_DIRTY_LOG

#define VD_QED_MIN_CLUSTER (4u << 10)
#define VD_QED_MAX_CLUSTER (64u << 20)
#define VD_QED_DEFAULT_CLUSTER (64u << 10)
#define VD_QED_MAX_TABLE_SIZE 16u           /* clusters per table */
#define VD_QED_DEFAULT_TABLE_SIZE 4u

/*
 * vdisk's own limit on the bytes of one table (L1 or L2), which it keeps
 * in memory: larger ones are legal QED but absurd (QEMU's own maths wraps
 * for them), and a hostile header must not make us allocate a GiB.
 */
#define VD_QED_MAX_TABLE_BYTES (32u << 20)

/* A backing file name longer than this is refused (QEMU: PATH_MAX). */
#define VD_QED_MAX_BACKING_NAME 4095u

/* L2 entry values with a meaning of their own; others are file offsets. */
#define VD_QED_UNALLOCATED 0ull
#define VD_QED_ZERO_CLUSTER 1ull

/* The header as read, in host byte order. */
typedef struct {
    uint32_t magic;
    uint32_t cluster_size;          /* bytes */
    uint32_t table_size;            /* clusters per L1 or L2 table */
    uint32_t header_size;           /* clusters of header and extra data */
    uint64_t features;
    uint64_t compat_features;
    uint64_t autoclear_features;
    uint64_t l1_table_offset;       /* bytes */
    uint64_t image_size;            /* guest-visible bytes */
    uint32_t backing_name_offset;   /* bytes from the start of the file */
    uint32_t backing_name_size;     /* bytes, no NUL */
} VdQedHeader;

/* What follows from a valid header; computed once by vd_qed_header_parse. */
typedef struct {
    uint32_t cluster_size;
    uint32_t cluster_bits;
    uint32_t table_size;            /* clusters */
    uint32_t table_bytes;           /* <= VD_QED_MAX_TABLE_BYTES */
    uint32_t entries;               /* per table: table_bytes / 8 */
    uint32_t entry_bits;            /* log2(entries) */
    uint64_t header_bytes;          /* header_size * cluster_size */
    uint64_t l1_offset;
    uint64_t image_size;
    uint32_t l1_used;               /* L1 entries that cover image_size */
} VdQedGeom;

/* Decode and encode the 64 header bytes (no checks). */
void vd_qed_header_decode(const void *buf, VdQedHeader *h);
void vd_qed_header_encode(const VdQedHeader *h, void *buf);

/*
 * Check every field of @h against the format's rules and vdisk's limits,
 * for a file of @file_size bytes, and fill @g. On failure returns false
 * with @err (VD_ERROR_STORAGE) saying which field is wrong and why.
 * Unknown feature bits are refused here; unknown compat and autoclear
 * bits are not (the caller decides).
 */
bool vd_qed_header_parse(const VdQedHeader *h, uint64_t file_size,
                         VdQedGeom *g, GError **err);

/*
 * The largest image size for a geometry, computed without the
 * wrap-around QEMU's formula has (saturates at UINT64_MAX).
 */
uint64_t vd_qed_max_image_size(uint32_t cluster_size, uint32_t table_size);

/* Whether @v is a power of two in [lo, hi]. */
static inline bool
vd_qed_pow2_in(uint64_t v, uint64_t lo, uint64_t hi)
{
    return v >= lo && v <= hi && (v & (v - 1)) == 0;
}

/* Entry @i of a table kept in its on-disk byte order. */
static inline uint64_t
vd_qed_entry(const uint64_t *table, uint32_t i)
{
    return le64toh(table[i]);
}

static inline void
vd_qed_set_entry(uint64_t *table, uint32_t i, uint64_t v)
{
    table[i] = htole64(v);
}

/* Guest offset -> L1 index, L2 index, offset in the cluster. */
static inline uint32_t
vd_qed_l1_index(const VdQedGeom *g, uint64_t pos)
{
    return (uint32_t)(pos >> (g->cluster_bits + g->entry_bits));
}

static inline uint32_t
vd_qed_l2_index(const VdQedGeom *g, uint64_t pos)
{
    return (uint32_t)((pos >> g->cluster_bits) & (g->entries - 1));
}

static inline uint64_t
vd_qed_in_cluster(const VdQedGeom *g, uint64_t pos)
{
    return pos & (g->cluster_size - 1);
}

/* Bytes of guest space one L2 table maps. */
static inline uint64_t
vd_qed_l2_span(const VdQedGeom *g)
{
    return (uint64_t)g->entries << g->cluster_bits;
}

/*
 * Whether @off may be a data cluster of a file of @file_size bytes:
 * cluster aligned, past the header, inside the file (QEMU's rule: a
 * cluster starting before the end of the file, rounded down to clusters).
 */
static inline bool
vd_qed_cluster_ok(const VdQedGeom *g, uint64_t off, uint64_t file_size)
{
    uint64_t end = file_size & ~(uint64_t)(g->cluster_size - 1);

    return (off & (g->cluster_size - 1)) == 0 && off >= g->header_bytes &&
           off < end;
}

/* The same for a whole table at @off: its first and last clusters. */
static inline bool
vd_qed_table_ok(const VdQedGeom *g, uint64_t off, uint64_t file_size)
{
    uint64_t last = off + (uint64_t)g->table_bytes - g->cluster_size;

    return last >= off && vd_qed_cluster_ok(g, off, file_size) &&
           vd_qed_cluster_ok(g, last, file_size);
}

#endif /* VD_STORAGE_LAYERS_QED_FORMAT_H */
