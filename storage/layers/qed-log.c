/*
 * The dirty table log (qed-log.h): its slots, and recovery from it.
 *
 * Recovery trusts the log only as far as a crash can go: tables it names
 * may hold mappings past the end of the file (their writes reached the
 * disk, the growth of the file did not), which it clears. Anything else
 * wrong (a misaligned mapping, one into metadata, a cluster mapped twice
 * among the named tables, an L1 entry it cannot explain) means the image
 * was damaged otherwise, and the full check takes over.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "storage/layers/qed-image-priv.h"
#include "storage/layers/qed-log.h"

static const char log_magic[8] = { 'V', 'D', 'Q', 'E', 'D', 'L', 'O', 'G' };
#define LOG_VERSION 1u

/* CRC-32 (IEEE 802.3), bit by bit: a 4 KiB slot now and then. */
static uint32_t
crc32_ieee(const uint8_t *p, size_t len)
{
    uint32_t crc = 0xffffffffu;

    while (len--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1u));
    }
    return ~crc;
}

void
vd_qed_log_encode(const VdQedLog *log, void *slot)
{
    uint8_t *p = slot;
    uint32_t v32;
    uint64_t v64;

    memset(p, 0, VD_QED_LOG_HEAD);
    memcpy(p, log_magic, 8);
    v32 = htole32(LOG_VERSION);
    memcpy(p + 8, &v32, 4);
    v64 = htole64(log->seq);
    memcpy(p + 16, &v64, 8);
    v64 = htole64(log->cursor);
    memcpy(p + 24, &v64, 8);
    v32 = htole32(log->gran);
    memcpy(p + 32, &v32, 4);
    memcpy(p + VD_QED_LOG_HEAD, log->bits, VD_QED_LOG_BITMAP);
    v32 = htole32(crc32_ieee(p, VD_QED_LOG_SLOT));
    memcpy(p + 12, &v32, 4);
}

bool
vd_qed_log_decode(const void *slot, const VdQedGeom *g, VdQedLog *log)
{
    uint8_t copy[VD_QED_LOG_SLOT];
    uint32_t crc, v32;
    uint64_t v64;

    memcpy(copy, slot, sizeof(copy));
    memcpy(&v32, copy + 12, 4);
    crc = le32toh(v32);
    memset(copy + 12, 0, 4);
    if (memcmp(copy, log_magic, 8) != 0 || crc32_ieee(copy, sizeof(copy)) != crc)
        return false;
    memcpy(&v32, copy + 8, 4);
    if (le32toh(v32) != LOG_VERSION)
        return false;
    memcpy(&v64, copy + 16, 8);
    log->seq = le64toh(v64);
    memcpy(&v64, copy + 24, 8);
    log->cursor = le64toh(v64);
    memcpy(&v32, copy + 32, 4);
    log->gran = le32toh(v32);
    memcpy(log->bits, copy + VD_QED_LOG_HEAD, VD_QED_LOG_BITMAP);
    return log->gran == vd_qed_log_gran(g) &&
           !(log->cursor & (g->cluster_size - 1));
}

uint64_t
vd_qed_log_place(const VdQedImage *img)
{
    const VdQedGeom *g = &img->g;
    uint64_t off;
    uint64_t name_end = img->hdr.backing_name_offset +
                        (uint64_t)img->hdr.backing_name_size;

    /* The first 4 KiB hold the header (rewritten as a block); data of
     * compat features we do not know may live anywhere after it. */
    if (g->header_bytes < VD_QED_BLOCK + 2 * VD_QED_LOG_SLOT ||
        img->hdr.compat_features != 0)
        return 0;
    off = g->header_bytes - 2 * VD_QED_LOG_SLOT;
    if ((img->hdr.features & VD_QED_F_BACKING_FILE) && name_end > off)
        return 0;
    return off;
}

/* The valid slot with the highest sequence number (1), or none (0). */
static int
read_log(VdQedImage *img, VdQedLog *log)
{
    uint8_t *slot = vd_qed_table_alloc(VD_QED_LOG_SLOT);
    VdQedLog other;
    bool have = false;
    int ret = 0;

    for (int i = 0; i < 2 && ret == 0; i++) {
        ret = img->io->pread(img->io, slot, VD_QED_LOG_SLOT,
                             img->log_offset + (uint64_t)i * VD_QED_LOG_SLOT);
        if (ret == 0 && vd_qed_log_decode(slot, &img->g, &other)) {
            img->log_seq = MAX(img->log_seq, other.seq);
            if (!have || other.seq > log->seq)
                *log = other;
            have = true;
        }
    }
    free(slot);
    return ret < 0 ? ret : have;
}

int
vd_qed_log_scan(VdQedImage *img)
{
    VdQedLog log;
    int ret = img->log_offset ? read_log(img, &log) : 0;

    return ret < 0 ? ret : 0;
}

typedef struct {
    VdQedImage *img;
    VdQedLog log;
    VdQedTableRef *refs;        /* L2 tables by offset */
    size_t nrefs;
    GArray *mapped;             /* uint64_t: data clusters of named tables */
    uint64_t keep_end;          /* the file must keep this much */
    char *why;                  /* set: give up, with this reason */
} Recover;

static bool
in_table(const Recover *r, uint64_t off)
{
    size_t lo = 0, hi = r->nrefs;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (r->refs[mid].offset + r->img->g.table_bytes <= off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < r->nrefs && r->refs[lo].offset <= off;
}

static void
give_up(Recover *r, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void
give_up(Recover *r, const char *fmt, ...)
{
    va_list ap;

    if (r->why)
        return;
    va_start(ap, fmt);
    r->why = g_strdup_vprintf(fmt, ap);
    va_end(ap);
}

/* L1: clear entries to tables past the end that the log names. */
static bool
recover_l1(Recover *r, VdQedCheckResult *res)
{
    VdQedImage *img = r->img;
    const VdQedGeom *g = &img->g;
    uint64_t end = img->file_size & ~(uint64_t)(g->cluster_size - 1);
    bool changed = false;
    char buf[96];

    for (uint32_t i = 0; i < g->entries; i++) {
        uint64_t off = vd_qed_entry(img->l1, i);
        const char *why = off ? vd_qed_table_why(img, off, buf, sizeof(buf))
                              : NULL;
        if (!why) {
            if (off)
                r->keep_end = MAX(r->keep_end, off + g->table_bytes);
            continue;
        }
        if (vd_qed_log_test(&r->log, i) && !(off & (g->cluster_size - 1)) &&
            off >= g->header_bytes && off + g->table_bytes > end) {
            vd_qed_set_entry(img->l1, i, 0);
            vd_qed_problem(res, "L1 entry %u: L2 table %#" G_GINT64_MODIFIER
                           "x %s (cleared)", i, off, why);
            res->corruptions++;
            res->corruptions_fixed++;
            changed = true;
            continue;
        }
        give_up(r, "L1 entry %u: L2 table offset %#" G_GINT64_MODIFIER "x %s",
                i, off, why);
        return false;
    }
    return changed;
}

static void
recover_entry(Recover *r, uint32_t l1, uint64_t *table, uint32_t j,
              uint8_t *dirty, VdQedCheckResult *res)
{
    VdQedImage *img = r->img;
    const VdQedGeom *g = &img->g;
    uint64_t off = vd_qed_entry(table, j);
    char buf[96];
    const char *why;

    if (off == VD_QED_UNALLOCATED || off == VD_QED_ZERO_CLUSTER)
        return;
    why = vd_qed_cluster_why(img, off, buf, sizeof(buf));
    if (!why && in_table(r, off))
        why = "points into an L2 table";
    if (!why) {
        g_array_append_val(r->mapped, off);
        r->keep_end = MAX(r->keep_end, off + g->cluster_size);
        return;
    }
    if (!(off & (g->cluster_size - 1)) && off >= g->header_bytes &&
        off >= (img->file_size & ~(uint64_t)(g->cluster_size - 1))) {
        vd_qed_set_entry(table, j, 0);
        vd_qed_block_mark(dirty, j);
        vd_qed_problem(res, "guest offset %#" G_GINT64_MODIFIER "x: offset %#"
                       G_GINT64_MODIFIER "x %s (cleared)",
                       vd_qed_guest_offset(g, l1, j), off, why);
        res->corruptions++;
        res->corruptions_fixed++;
        return;
    }
    give_up(r, "guest offset %#" G_GINT64_MODIFIER "x: offset %#"
            G_GINT64_MODIFIER "x %s", vd_qed_guest_offset(g, l1, j), off, why);
}

static int
recover_tables(Recover *r, VdQedCheckResult *res)
{
    VdQedImage *img = r->img;
    const VdQedGeom *g = &img->g;
    uint64_t *table = vd_qed_table_alloc(g->table_bytes);
    g_autofree uint8_t *dirty = g_malloc0(vd_qed_block_map_bytes(g));
    int ret = 0;

    for (uint32_t i = 0; i < g->entries && ret == 0 && !r->why; i++) {
        uint64_t off = vd_qed_entry(img->l1, i);

        if (!off || !vd_qed_log_test(&r->log, i))
            continue;
        img->recovery.tables_checked++;
        ret = vd_qed_table_read(img, off, table);
        for (uint32_t j = 0; ret == 0 && j < g->entries && !r->why; j++)
            recover_entry(r, i, table, j, dirty, res);
        if (ret == 0)
            ret = vd_qed_table_write_blocks(img, off, table, dirty);
    }
    free(table);
    return ret;
}

static int
u64_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

static void
check_unique(Recover *r)
{
    uint64_t *v = (uint64_t *)(void *)r->mapped->data;

    /* An empty GArray may have no data: qsort must not get NULL. */
    if (r->mapped->len < 2)
        return;
    qsort(v, r->mapped->len, sizeof(*v), u64_cmp);
    for (guint k = 1; k < r->mapped->len; k++) {
        if (v[k] == v[k - 1]) {
            give_up(r, "cluster %#" G_GINT64_MODIFIER "x is mapped twice", v[k]);
            return;
        }
    }
}

static int
recover(Recover *r, VdQedCheckResult *res)
{
    VdQedImage *img = r->img;
    int ret;

    r->keep_end = MAX(r->log.cursor, img->g.l1_offset + img->g.table_bytes);
    if (recover_l1(r, res)) {
        ret = img->io->pwrite(img->io, img->l1, img->g.table_bytes,
                              img->g.l1_offset);
        if (ret < 0)
            return ret;
    }
    if (r->why)
        return 0;
    r->refs = vd_qed_l1_sorted(img, &r->nrefs);
    for (size_t k = 1; k < r->nrefs; k++) {
        if (r->refs[k].offset - r->refs[k - 1].offset < img->g.table_bytes)
            give_up(r, "L2 tables of L1 entries %u and %u overlap",
                    r->refs[k - 1].l1_index, r->refs[k].l1_index);
    }
    ret = r->why ? 0 : recover_tables(r, res);
    if (ret < 0 || r->why)
        return ret;
    check_unique(r);
    if (r->why)
        return 0;
    /* The fixed tables are durable before the header says "clean"; the
     * clusters past keep_end are mapped by nothing: the end of the file
     * can go, and new clusters will be appended there, fresh. */
    ret = vd_qed_image_mark_clean(img, r->keep_end);
    return ret < 0 ? ret : 1;
}

int
vd_qed_log_recover(VdQedImage *img, char **why_not)
{
    Recover r = { .img = img };
    VdQedCheckResult *res = &img->recovery.result;
    int ret;

    if (!(img->hdr.autoclear_features & VD_QED_AC_DIRTY_LOG)) {
        *why_not = g_strdup("the image has no dirty table log (its bit is "
                            "clear: last written by another program, or "
                            "before the log was started)");
        return 0;
    }
    if (!img->log_offset) {
        *why_not = g_strdup("the header has no room for the dirty table log");
        return 0;
    }
    ret = read_log(img, &r.log);
    if (ret <= 0) {
        if (ret == 0)
            *why_not = g_strdup("no valid dirty table log slot");
        return ret;
    }
    memset(res, 0, sizeof(*res));
    res->total_clusters = (img->g.image_size + img->g.cluster_size - 1) >>
                          img->g.cluster_bits;
    r.mapped = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    ret = recover(&r, res);
    g_array_unref(r.mapped);
    g_free(r.refs);
    res->image_end = img->file_size;
    if (r.why) {
        *why_not = g_strdup_printf("the dirty table log cannot explain what "
                                   "is on disk: %s", r.why);
        g_free(r.why);
        img->recovery.tables_checked = 0;
        return ret < 0 ? ret : 0;
    }
    if (ret == 1)
        img->recovery.kind = VD_QED_RECOVERY_LOG;
    return ret;
}
