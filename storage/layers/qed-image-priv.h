/*
 * What qed-image.c, qed-check.c and qed-log.c share: table I/O on a
 * VdQedIo, the list of L2 tables an L1 table points at, and the wording
 * of problems. Not for other modules.
 */
#ifndef VD_STORAGE_LAYERS_QED_IMAGE_PRIV_H
#define VD_STORAGE_LAYERS_QED_IMAGE_PRIV_H

#include "storage/layers/qed-image.h"

/* Tables are written back in blocks of this size (O_DIRECT-safe). */
#define VD_QED_BLOCK 4096u

/* An aligned buffer for one table (or @bytes); free with free(). */
void *vd_qed_table_alloc(size_t bytes);

/*
 * Read the table at @off into @buf (g.table_bytes). Parts of the file
 * that are holes are not read: they are zeroes. 0 or -errno.
 */
int vd_qed_table_read(VdQedImage *img, uint64_t off, uint64_t *buf);

/*
 * Write the 4 KiB blocks of @table (at file offset @off) whose bit is set
 * in @dirty (one bit per block); clears them. 0 or -errno.
 */
int vd_qed_table_write_blocks(VdQedImage *img, uint64_t off,
                              const uint64_t *table, uint8_t *dirty);

/* Bytes of the per-block dirty map of one table. */
static inline size_t
vd_qed_block_map_bytes(const VdQedGeom *g)
{
    return (g->table_bytes / VD_QED_BLOCK + 7) / 8;
}

/* Mark the block that holds entry @i dirty. */
static inline void
vd_qed_block_mark(uint8_t *dirty, uint32_t i)
{
    uint32_t b = i / (VD_QED_BLOCK / 8);

    dirty[b / 8] |= (uint8_t)(1u << (b % 8));
}

/* One L2 table as the L1 table points at it. */
typedef struct {
    uint64_t offset;
    uint32_t l1_index;
} VdQedTableRef;

/* The non-zero L1 entries, sorted by offset (ties by index). g_free. */
VdQedTableRef *vd_qed_l1_sorted(const VdQedImage *img, size_t *n);

/* Add a problem's description to @r (only the first few are kept). */
void vd_qed_problem(VdQedCheckResult *r, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

/* Why @off is no valid table or cluster offset ("is past the end of the
 * file (N bytes)"); NULL when it is valid. */
const char *vd_qed_cluster_why(const VdQedImage *img, uint64_t off,
                               char *buf, size_t len);
const char *vd_qed_table_why(const VdQedImage *img, uint64_t off,
                             char *buf, size_t len);

/* Guest offset of entry @l2 of the table of L1 entry @l1. */
static inline uint64_t
vd_qed_guest_offset(const VdQedGeom *g, uint32_t l1, uint32_t l2)
{
    return (((uint64_t)l1 << g->entry_bits) | l2) << g->cluster_bits;
}

/* Where the dirty log lives in this image; 0 when it has no room. */
uint64_t vd_qed_log_place(const VdQedImage *img);

/* Read the log slots only to learn the highest sequence number in use
 * (img->log_seq), so that a new slot is never taken for an older one. */
int vd_qed_log_scan(VdQedImage *img);

#endif /* VD_STORAGE_LAYERS_QED_IMAGE_PRIV_H */
