/*
 * The full consistency check of a QED image, and its repair.
 *
 * Every cluster of the file gets a bit: the header and the L1 table are
 * marked first, then every L2 table the L1 table points at, then the data
 * clusters the L2 tables map. A mapping that is invalid (misaligned, in
 * the header, past the end of the file), that points at metadata, or at
 * a cluster already marked, is a corruption; clusters left unmarked are
 * leaks. This is what qemu-img check counts, so the two can be compared,
 * except that our cluster numbers are right on files of 4 GiB and more
 * (QEMU divides by cluster_size - 1 there, see the reference notes).
 *
 * The L2 tables are read in file order, with the next ones announced to
 * the kernel (advise) and holes skipped: on a full L1 table that is 8 GiB
 * of mostly sequential reads instead of 32768 seeks.
 *
 * Repair modes: a crash (ours or QEMU's) can only leave mappings past the
 * end of the file and unmapped clusters; those are what open repairs on
 * its own. Everything else needs `vdisk image-check --repair`: pointers
 * into metadata or into the header are cleared (the guest would read our
 * tables otherwise), and a cluster mapped twice gets a copy for the
 * second mapping, so both guest ranges keep reading what they read.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "storage/layers/qed-image-priv.h"

typedef enum { FIX_NONE, FIX_CRASH, FIX_ALL } FixMode;

/* Tables announced ahead of the one being read. */
#define READ_AHEAD 8

typedef struct {
    VdQedImage *img;
    VdQedCheckResult *res;
    FixMode fix;
    uint64_t nclusters;         /* whole clusters in the file */
    uint8_t *used;              /* a bit per cluster: referenced */
    uint8_t *meta;              /* a bit per cluster: header or table */
    uint64_t append_at;         /* where copies of shared clusters go */
    bool copied;
    int last_error;
} Check;

static bool
test_bit(const uint8_t *map, uint64_t i)
{
    return map[i / 8] & (1u << (i % 8));
}

static void
set_bit(uint8_t *map, uint64_t i)
{
    map[i / 8] |= (uint8_t)(1u << (i % 8));
}

static void
mark(Check *c, uint64_t off, uint64_t n, bool is_meta)
{
    uint64_t first = off >> c->img->g.cluster_bits;

    for (uint64_t i = first; i < first + n && i < c->nclusters; i++) {
        set_bit(c->used, i);
        if (is_meta)
            set_bit(c->meta, i);
    }
}

/* Whether any of the @n clusters at @off is marked already. */
static bool
any_marked(const Check *c, uint64_t off, uint64_t n)
{
    uint64_t first = off >> c->img->g.cluster_bits;

    for (uint64_t i = first; i < first + n && i < c->nclusters; i++) {
        if (test_bit(c->used, i))
            return true;
    }
    return false;
}

static void
corruption(Check *c, bool fixable)
{
    c->res->corruptions++;
    if (fixable)
        c->res->corruptions_fixed++;
}

/*
 * Whether @bytes at @off are well formed but run past the end of the
 * file: what a crash leaves (the mapping reached the disk, the growth of
 * the file did not). Any other bad offset is not a crash's doing.
 */
static bool
past_end(const Check *c, uint64_t off, uint64_t bytes)
{
    const VdQedGeom *g = &c->img->g;
    uint64_t end = c->nclusters << g->cluster_bits;

    return !(off & (g->cluster_size - 1)) && off >= g->header_bytes &&
           (off >= end || bytes > end - off);
}

static bool
may_fix(const Check *c, bool after_crash)
{
    return c->fix == FIX_ALL || (c->fix == FIX_CRASH && after_crash);
}

/* L1 pass: mark the L2 tables; clear entries that cannot be used. */
static bool
check_l1(Check *c)
{
    VdQedImage *img = c->img;
    const VdQedGeom *g = &img->g;
    bool changed = false;
    char buf[96];

    for (uint32_t i = 0; i < g->entries; i++) {
        uint64_t off = vd_qed_entry(img->l1, i);
        const char *why;
        bool fix;

        if (!off)
            continue;
        why = vd_qed_table_why(img, off, buf, sizeof(buf));
        if (!why && any_marked(c, off, g->table_size))
            why = "overlaps the header, the L1 table or another L2 table";
        if (!why) {
            mark(c, off, g->table_size, true);
            continue;
        }
        fix = may_fix(c, past_end(c, off, g->table_bytes));
        vd_qed_problem(c->res, "L1 entry %u: L2 table offset %#" G_GINT64_MODIFIER
                       "x %s%s", i, off, why, fix ? " (cleared)" : "");
        corruption(c, fix);
        if (fix) {
            vd_qed_set_entry(img->l1, i, 0);
            changed = true;
        }
    }
    return changed;
}

/* Give the entry a copy of the cluster it shares; 0 or -errno. */
static int
copy_shared(Check *c, uint64_t *table, uint32_t j, uint64_t off)
{
    VdQedImage *img = c->img;
    uint32_t cs = img->g.cluster_size;
    void *buf = vd_qed_table_alloc(cs);
    int ret = img->io->pread(img->io, buf, cs, off);

    if (ret == 0)
        ret = img->io->pwrite(img->io, buf, cs, c->append_at);
    free(buf);
    if (ret < 0)
        return ret;
    vd_qed_set_entry(table, j, c->append_at);
    c->append_at += cs;
    img->file_size = c->append_at;
    c->copied = true;
    return 0;
}

/* One data mapping; returns whether the table changed. */
static bool
check_entry(Check *c, const VdQedTableRef *t, uint64_t *table, uint32_t j,
            uint64_t off)
{
    VdQedImage *img = c->img;
    uint64_t guest = vd_qed_guest_offset(&img->g, t->l1_index, j);
    char buf[96];
    const char *why = vd_qed_cluster_why(img, off, buf, sizeof(buf));
    uint64_t idx = off >> img->g.cluster_bits;
    bool fix;

    if (!why && !test_bit(c->used, idx)) {
        set_bit(c->used, idx);
        return false;
    }
    if (!why && !test_bit(c->meta, idx)) {
        /* Mapped twice: the first mapping (in file order) keeps it. */
        fix = c->fix == FIX_ALL && copy_shared(c, table, j, off) == 0;
        vd_qed_problem(c->res, "guest offset %#" G_GINT64_MODIFIER "x (L2 "
                       "table %u entry %u): cluster %#" G_GINT64_MODIFIER
                       "x is mapped twice%s", guest, t->l1_index, j, off,
                       fix ? " (copied)" : "");
        corruption(c, fix);
        return fix;
    }
    if (!why)
        why = "points into an L2 table or the L1 table";
    fix = may_fix(c, past_end(c, off, img->g.cluster_size));
    vd_qed_problem(c->res, "guest offset %#" G_GINT64_MODIFIER "x (L2 table "
                   "%u entry %u): offset %#" G_GINT64_MODIFIER "x %s%s",
                   guest, t->l1_index, j, off, why, fix ? " (cleared)" : "");
    corruption(c, fix);
    if (fix)
        vd_qed_set_entry(table, j, 0);
    return fix;
}

static void
check_l2(Check *c, const VdQedTableRef *t, uint64_t *table, uint8_t *dirty)
{
    const VdQedGeom *g = &c->img->g;
    uint64_t last = 0;

    for (uint32_t j = 0; j < g->entries; j++) {
        uint64_t off = vd_qed_entry(table, j);

        if (off == VD_QED_UNALLOCATED || off == VD_QED_ZERO_CLUSTER)
            continue;
        if (check_entry(c, t, table, j, off))
            vd_qed_block_mark(dirty, j);
        off = vd_qed_entry(table, j);
        if (!off)
            continue;
        c->res->allocated_clusters++;
        if (last && last + g->cluster_size != off)
            c->res->fragmented_clusters++;
        last = off;
    }
}

static void
check_tables(Check *c)
{
    VdQedImage *img = c->img;
    const VdQedGeom *g = &img->g;
    size_t n;
    g_autofree VdQedTableRef *refs = vd_qed_l1_sorted(img, &n);
    uint64_t *table = vd_qed_table_alloc(g->table_bytes);
    g_autofree uint8_t *dirty = g_malloc0(vd_qed_block_map_bytes(g));

    for (size_t k = 0; k < n; k++) {
        int ret;

        if (img->io->advise && k + READ_AHEAD < n)
            img->io->advise(img->io, refs[k + READ_AHEAD].offset,
                            g->table_bytes);
        ret = vd_qed_table_read(img, refs[k].offset, table);
        if (ret < 0) {
            vd_qed_problem(c->res, "L2 table %u at %#" G_GINT64_MODIFIER
                           "x: cannot read it: %s", refs[k].l1_index,
                           refs[k].offset, g_strerror(-ret));
            c->res->check_errors++;
            c->last_error = ret;
            continue;
        }
        check_l2(c, &refs[k], table, dirty);
        ret = vd_qed_table_write_blocks(img, refs[k].offset, table, dirty);
        if (ret < 0) {
            c->res->check_errors++;
            c->last_error = ret;
        }
    }
    free(table);
}

/* Clusters nothing maps; with a fix, give back those at the end. */
static int
count_leaks(Check *c)
{
    VdQedImage *img = c->img;
    uint64_t last_used = 0;
    uint64_t tail;

    for (uint64_t i = img->hdr.header_size; i < c->nclusters; i++) {
        if (test_bit(c->used, i))
            last_used = i;
        else
            c->res->leaks++;
    }
    c->res->leaks_counted = true;
    if (c->fix == FIX_NONE || c->copied)
        return 0;
    /* Unmapped clusters at the end can go: nothing refers to them, and
     * new clusters are appended at the new end, fresh. */
    tail = c->nclusters - (last_used + 1);
    if (tail == 0 && img->file_size == c->nclusters << img->g.cluster_bits)
        return 0;
    {
        uint64_t end = (last_used + 1) << img->g.cluster_bits;
        int ret = img->io->truncate(img->io, end);
        if (ret < 0)
            return ret;
        img->file_size = end;
        c->res->leaks_fixed = tail;
    }
    return 0;
}

static int
finish(Check *c, bool l1_changed)
{
    VdQedImage *img = c->img;
    int ret = 0;

    if (l1_changed) {
        ret = img->io->pwrite(img->io, img->l1, img->g.table_bytes,
                              img->g.l1_offset);
        if (ret < 0) {
            c->res->check_errors++;
            return ret;
        }
    }
    if (c->res->check_errors == 0)
        ret = count_leaks(c);
    if (ret < 0 || c->fix == FIX_NONE)
        return ret;
    /* The repaired tables are durable before the image says it is
     * consistent; only a fully repaired image loses NEED_CHECK. */
    if (c->res->corruptions == c->res->corruptions_fixed &&
        c->res->check_errors == 0)
        return vd_qed_image_mark_clean(img, 0);
    return img->io->flush(img->io);
}

static int
run_check(VdQedImage *img, FixMode fix, VdQedCheckResult *res)
{
    const VdQedGeom *g = &img->g;
    Check c = { .img = img, .res = res, .fix = fix };
    size_t map_bytes;
    bool l1_changed;
    int ret;

    g_assert(fix == FIX_NONE || !img->read_only);
    memset(res, 0, sizeof(*res));
    res->total_clusters = (g->image_size + g->cluster_size - 1) >> g->cluster_bits;
    c.nclusters = img->file_size >> g->cluster_bits;
    c.append_at = c.nclusters << g->cluster_bits;
    if (c.append_at < img->file_size)
        c.append_at += g->cluster_size;
    map_bytes = (size_t)(c.nclusters / 8 + 1);
    c.used = g_malloc0(map_bytes);
    c.meta = g_malloc0(map_bytes);

    mark(&c, 0, img->hdr.header_size, true);
    mark(&c, g->l1_offset, g->table_size, true);
    l1_changed = check_l1(&c);
    check_tables(&c);
    ret = finish(&c, l1_changed);
    res->image_end = img->file_size;
    g_free(c.used);
    g_free(c.meta);
    if (ret == 0 && c.last_error)
        ret = c.last_error;
    return ret;
}

int
vd_qed_check(VdQedImage *img, bool repair, VdQedCheckResult *res)
{
    return run_check(img, repair ? FIX_ALL : FIX_NONE, res);
}

int
vd_qed_check_after_crash(VdQedImage *img, VdQedCheckResult *res)
{
    return run_check(img, FIX_CRASH, res);
}
