/*
 * The QED header: decoding, encoding, and the checks every field gets
 * before anything is computed from it. The lesson of QEMU's 2014 image
 * CVEs is that each size and offset in a header is hostile until bounded:
 * products and sums here are done in 64 bits from 32-bit fields, or with
 * overflow checks, and a field that fails says so in the error.
 */
#include "config.h"

#include <string.h>

#include "common/util/error.h"
#include "storage/layers/qed-format.h"

static uint32_t
get32(const uint8_t *p)
{
    uint32_t v;

    memcpy(&v, p, sizeof(v));
    return le32toh(v);
}

static uint64_t
get64(const uint8_t *p)
{
    uint64_t v;

    memcpy(&v, p, sizeof(v));
    return le64toh(v);
}

static void
put32(uint8_t *p, uint32_t v)
{
    v = htole32(v);
    memcpy(p, &v, sizeof(v));
}

static void
put64(uint8_t *p, uint64_t v)
{
    v = htole64(v);
    memcpy(p, &v, sizeof(v));
}

void
vd_qed_header_decode(const void *buf, VdQedHeader *h)
{
    const uint8_t *p = buf;

    h->magic = get32(p + 0);
    h->cluster_size = get32(p + 4);
    h->table_size = get32(p + 8);
    h->header_size = get32(p + 12);
    h->features = get64(p + 16);
    h->compat_features = get64(p + 24);
    h->autoclear_features = get64(p + 32);
    h->l1_table_offset = get64(p + 40);
    h->image_size = get64(p + 48);
    h->backing_name_offset = get32(p + 56);
    h->backing_name_size = get32(p + 60);
}

void
vd_qed_header_encode(const VdQedHeader *h, void *buf)
{
    uint8_t *p = buf;

    put32(p + 0, h->magic);
    put32(p + 4, h->cluster_size);
    put32(p + 8, h->table_size);
    put32(p + 12, h->header_size);
    put64(p + 16, h->features);
    put64(p + 24, h->compat_features);
    put64(p + 32, h->autoclear_features);
    put64(p + 40, h->l1_table_offset);
    put64(p + 48, h->image_size);
    put32(p + 56, h->backing_name_offset);
    put32(p + 60, h->backing_name_size);
}

uint64_t
vd_qed_max_image_size(uint32_t cluster_size, uint32_t table_size)
{
    uint64_t entries = (uint64_t)cluster_size * table_size / 8;
    uint64_t span, max;

    if (__builtin_mul_overflow(entries, (uint64_t)cluster_size, &span) ||
        __builtin_mul_overflow(span, entries, &max))
        return UINT64_MAX;
    return max;
}

static bool
bad(GError **err, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static bool
bad(GError **err, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(err, VD_ERROR_STORAGE, VD_ERR_CONFIG_UNSUPPORTED,
                "QED header: %s", msg);
    return false;
}

static bool
parse_geometry(const VdQedHeader *h, VdQedGeom *g, GError **err)
{
    uint64_t table_bytes;

    if (!vd_qed_pow2_in(h->cluster_size, VD_QED_MIN_CLUSTER,
                        VD_QED_MAX_CLUSTER))
        return bad(err, "cluster size %u is not a power of two from %u to %u",
                   h->cluster_size, VD_QED_MIN_CLUSTER, VD_QED_MAX_CLUSTER);
    if (!vd_qed_pow2_in(h->table_size, 1, VD_QED_MAX_TABLE_SIZE))
        return bad(err, "table size %u is not a power of two from 1 to %u",
                   h->table_size, VD_QED_MAX_TABLE_SIZE);
    table_bytes = (uint64_t)h->cluster_size * h->table_size;
    if (table_bytes > VD_QED_MAX_TABLE_BYTES)
        return bad(err, "tables of %" G_GUINT64_FORMAT " bytes (cluster size "
                   "%u times table size %u) are over vdisk's limit of %u",
                   table_bytes, h->cluster_size, h->table_size,
                   VD_QED_MAX_TABLE_BYTES);
    g->cluster_size = h->cluster_size;
    g->cluster_bits = (uint32_t)__builtin_ctz(h->cluster_size);
    g->table_size = h->table_size;
    g->table_bytes = (uint32_t)table_bytes;
    g->entries = g->table_bytes / 8;
    g->entry_bits = (uint32_t)__builtin_ctz(g->entries);
    return true;
}

static bool
parse_layout(const VdQedHeader *h, uint64_t file_size, VdQedGeom *g,
             GError **err)
{
    uint64_t max;

    /* QEMU keeps header_size * cluster_size in 32 bits: so do we. */
    if (h->header_size == 0 ||
        (uint64_t)h->header_size * h->cluster_size > UINT32_MAX)
        return bad(err, "header size of %u clusters of %u bytes is out of "
                   "range (1 cluster to 4 GiB)", h->header_size,
                   h->cluster_size);
    g->header_bytes = (uint64_t)h->header_size * h->cluster_size;

    if (h->image_size % 512 != 0)
        return bad(err, "image size %" G_GUINT64_FORMAT " is not a multiple "
                   "of 512", h->image_size);
    max = vd_qed_max_image_size(h->cluster_size, h->table_size);
    if (h->image_size > max)
        return bad(err, "image size %" G_GUINT64_FORMAT " is over the "
                   "%" G_GUINT64_FORMAT " bytes that its tables can map",
                   h->image_size, max);
    g->image_size = h->image_size;
    g->l1_used = (uint32_t)((h->image_size + vd_qed_l2_span(g) - 1) /
                            vd_qed_l2_span(g));

    g->l1_offset = h->l1_table_offset;
    if (h->l1_table_offset & (h->cluster_size - 1))
        return bad(err, "L1 table offset %" G_GUINT64_FORMAT " is not "
                   "aligned to the cluster size %u", h->l1_table_offset,
                   h->cluster_size);
    if (h->l1_table_offset < g->header_bytes)
        return bad(err, "L1 table offset %" G_GUINT64_FORMAT " lies inside "
                   "the header, which ends at %" G_GUINT64_FORMAT,
                   h->l1_table_offset, g->header_bytes);
    if (!vd_qed_table_ok(g, h->l1_table_offset, file_size))
        return bad(err, "L1 table at %" G_GUINT64_FORMAT " (%u bytes) "
                   "extends past the end of the file (%" G_GUINT64_FORMAT
                   " bytes)", h->l1_table_offset, g->table_bytes, file_size);
    return true;
}

static bool
parse_backing(const VdQedHeader *h, const VdQedGeom *g, GError **err)
{
    uint64_t end = (uint64_t)h->backing_name_offset + h->backing_name_size;

    if (!(h->features & VD_QED_F_BACKING_FILE))
        return true;
    if (h->backing_name_size == 0)
        return bad(err, "the backing file feature is set but its name is "
                   "empty");
    if (h->backing_name_size > VD_QED_MAX_BACKING_NAME)
        return bad(err, "backing file name of %u bytes is longer than %u",
                   h->backing_name_size, VD_QED_MAX_BACKING_NAME);
    if (h->backing_name_offset < VD_QED_HEADER_LEN || end > g->header_bytes)
        return bad(err, "backing file name at %u (%u bytes) is not inside "
                   "the header clusters [%u, %" G_GUINT64_FORMAT ")",
                   h->backing_name_offset, h->backing_name_size,
                   VD_QED_HEADER_LEN, g->header_bytes);
    return true;
}

bool
vd_qed_header_parse(const VdQedHeader *h, uint64_t file_size, VdQedGeom *g,
                    GError **err)
{
    memset(g, 0, sizeof(*g));
    if (h->magic != VD_QED_MAGIC)
        return bad(err, "bad magic 0x%08x: not a QED image", h->magic);
    if (h->features & ~VD_QED_F_KNOWN)
        return bad(err, "unknown incompatible feature bits 0x%" G_GINT64_MODIFIER
                   "x: the image needs a newer program",
                   (uint64_t)(h->features & ~VD_QED_F_KNOWN));
    return parse_geometry(h, g, err) && parse_layout(h, file_size, g, err) &&
           parse_backing(h, g, err);
}
