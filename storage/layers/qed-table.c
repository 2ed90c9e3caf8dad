/*
 * L1 and L2 tables on the control plane: reading and writing them on a
 * VdQedIo, and saying what is wrong with an offset found in one. The rules
 * are QEMU's (cluster aligned, past the header, inside the file) plus one
 * it only has for qcow2: no mapping may point into the L1 table.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/util/error.h"
#include "storage/layers/qed-image-priv.h"

void *
vd_qed_table_alloc(size_t bytes)
{
    void *p;

    if (posix_memalign(&p, VD_QED_BLOCK, bytes) != 0)
        g_error("out of memory for a QED table of %zu bytes", bytes);
    return p;
}

int
vd_qed_table_read(VdQedImage *img, uint64_t off, uint64_t *buf)
{
    VdQedIo *io = img->io;
    uint64_t end = off + img->g.table_bytes;
    uint64_t pos = off;
    char *p = (char *)buf;

    /* Holes read as zeroes without a read: tables vdisk wrote are mostly
     * holes, which is much of why its check is fast. */
    while (pos < end) {
        int64_t d = io->seek_data ? io->seek_data(io, pos) : (int64_t)pos;
        int64_t h;
        int ret;

        if (d < 0 || (uint64_t)d >= end) {
            if (d < 0 && d != -ENXIO)
                return (int)d;
            memset(p + (pos - off), 0, end - pos);
            return 0;
        }
        memset(p + (pos - off), 0, (uint64_t)d - pos);
        h = io->seek_hole ? io->seek_hole(io, (uint64_t)d) : (int64_t)end;
        if (h < 0)
            return (int)h;
        if ((uint64_t)h > end || (uint64_t)h <= (uint64_t)d)
            h = (int64_t)end;
        ret = io->pread(io, p + ((uint64_t)d - off), (uint64_t)h - (uint64_t)d,
                        (uint64_t)d);
        if (ret < 0)
            return ret;
        pos = (uint64_t)h;
    }
    return 0;
}

int
vd_qed_table_write_blocks(VdQedImage *img, uint64_t off,
                          const uint64_t *table, uint8_t *dirty)
{
    uint32_t nblocks = img->g.table_bytes / VD_QED_BLOCK;

    for (uint32_t b = 0; b < nblocks; b++) {
        int ret;

        if (!(dirty[b / 8] & (1u << (b % 8))))
            continue;
        ret = img->io->pwrite(img->io, (const char *)table + (size_t)b * VD_QED_BLOCK,
                              VD_QED_BLOCK, off + (uint64_t)b * VD_QED_BLOCK);
        if (ret < 0)
            return ret;
        dirty[b / 8] &= (uint8_t)~(1u << (b % 8));
    }
    return 0;
}

static int
ref_cmp(const void *a, const void *b)
{
    const VdQedTableRef *x = a, *y = b;

    if (x->offset != y->offset)
        return x->offset < y->offset ? -1 : 1;
    return x->l1_index < y->l1_index ? -1 : x->l1_index > y->l1_index;
}

VdQedTableRef *
vd_qed_l1_sorted(const VdQedImage *img, size_t *n)
{
    VdQedTableRef *refs = g_new(VdQedTableRef, img->g.entries);
    size_t k = 0;

    for (uint32_t i = 0; i < img->g.entries; i++) {
        uint64_t off = vd_qed_entry(img->l1, i);
        if (off) {
            refs[k].offset = off;
            refs[k].l1_index = i;
            k++;
        }
    }
    qsort(refs, k, sizeof(*refs), ref_cmp);
    *n = k;
    return refs;
}

void
vd_qed_problem(VdQedCheckResult *r, const char *fmt, ...)
{
    va_list ap;

    if (!r->problems)
        r->problems = g_ptr_array_new_with_free_func(g_free);
    if (r->problems->len >= VD_QED_MAX_PROBLEMS)
        return;
    va_start(ap, fmt);
    g_ptr_array_add(r->problems, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}

static bool
in_l1(const VdQedImage *img, uint64_t off)
{
    return off >= img->g.l1_offset &&
           off - img->g.l1_offset < img->g.table_bytes;
}

const char *
vd_qed_cluster_why(const VdQedImage *img, uint64_t off, char *buf, size_t len)
{
    const VdQedGeom *g = &img->g;

    if (off & (g->cluster_size - 1))
        return "is not aligned to a cluster";
    if (off < g->header_bytes)
        return "points into the header";
    if (!vd_qed_cluster_ok(g, off, img->file_size)) {
        g_snprintf(buf, len, "is past the end of the file (%" G_GUINT64_FORMAT
                   " bytes)", img->file_size);
        return buf;
    }
    if (in_l1(img, off))
        return "points into the L1 table";
    return NULL;
}

const char *
vd_qed_table_why(const VdQedImage *img, uint64_t off, char *buf, size_t len)
{
    const VdQedGeom *g = &img->g;
    uint64_t last = off + g->table_bytes - g->cluster_size;
    const char *why = vd_qed_cluster_why(img, off, buf, len);

    if (why)
        return why;
    if (last < off || !vd_qed_cluster_ok(g, last, img->file_size)) {
        g_snprintf(buf, len, "runs past the end of the file (%" G_GUINT64_FORMAT
                   " bytes)", img->file_size);
        return buf;
    }
    if (off < g->l1_offset + g->table_bytes && g->l1_offset < off + g->table_bytes)
        return "overlaps the L1 table";
    return NULL;
}

bool
vd_qed_l1_validate(const VdQedImage *img, GError **err)
{
    g_autofree VdQedTableRef *refs = NULL;
    char buf[96];
    size_t n;

    for (uint32_t i = 0; i < img->g.entries; i++) {
        uint64_t off = vd_qed_entry(img->l1, i);
        const char *why = off ? vd_qed_table_why(img, off, buf, sizeof(buf))
                              : NULL;
        if (why) {
            g_set_error(err, VD_ERROR_STORAGE, VD_ERR_OPERATION_FAILED,
                        "QED L1 entry %u: L2 table offset %#" G_GINT64_MODIFIER
                        "x %s", i, off, why);
            return false;
        }
    }
    /* Sorted, two tables overlap exactly when neighbours do. */
    refs = vd_qed_l1_sorted(img, &n);
    for (size_t k = 1; k < n; k++) {
        if (refs[k].offset - refs[k - 1].offset < img->g.table_bytes) {
            g_set_error(err, VD_ERROR_STORAGE, VD_ERR_OPERATION_FAILED,
                        "QED L1 entries %u and %u: their L2 tables at %#"
                        G_GINT64_MODIFIER "x and %#" G_GINT64_MODIFIER
                        "x overlap", refs[k - 1].l1_index, refs[k].l1_index,
                        refs[k - 1].offset, refs[k].offset);
            return false;
        }
    }
    return true;
}
