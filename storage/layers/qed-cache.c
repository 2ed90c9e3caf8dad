/*
 * L2 tables in memory. A table is loaded on first use (the requests that
 * need it wait for the read), checked entry by entry before anything is
 * mapped through it, and kept until the cache is full; then the least
 * recently used table that nothing holds and that has no unwritten
 * change is dropped. Tables with changes stay until written back.
 *
 * The check on load is the runtime half of the hardening: a mapping that
 * points outside the file, into the header or into any table would give
 * the guest our metadata or another guest offset's data, so the table is
 * refused and every request through it fails with EIO, with the reason
 * logged, until `vdisk image-check --repair` has been run.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "storage/layers/qed-image-priv.h"
#include "storage/layers/qed-priv.h"

static void
lru_remove(QedState *s, QedTable *t)
{
    if (t->lru_prev)
        t->lru_prev->lru_next = t->lru_next;
    else
        s->lru_head = t->lru_next;
    if (t->lru_next)
        t->lru_next->lru_prev = t->lru_prev;
    else
        s->lru_tail = t->lru_prev;
    t->lru_prev = t->lru_next = NULL;
}

static void
lru_push_head(QedState *s, QedTable *t)
{
    t->lru_prev = NULL;
    t->lru_next = s->lru_head;
    if (s->lru_head)
        s->lru_head->lru_prev = t;
    else
        s->lru_tail = t;
    s->lru_head = t;
}

static void *
buf_get(QedState *s)
{
    if (s->n_free_bufs > 0)
        return s->free_bufs[--s->n_free_bufs];
    return vd_qed_table_alloc(s->img->g.table_bytes);
}

static void
buf_put(QedState *s, void *buf)
{
    if (s->n_free_bufs < s->max_tables)
        s->free_bufs[s->n_free_bufs++] = buf;
    else
        free(buf);
}

static void
table_free(QedState *s, QedTable *t)
{
    s->tables[t->l1_index] = NULL;
    lru_remove(s, t);
    s->n_tables--;
    if (t->entries)
        buf_put(s, t->entries);
    g_free(t->dirty);
    g_free(t->busy);
    g_free(t);
}

/* Make room for one more table if the cache is full and one can go. */
static void
evict(QedState *s, VdRequest *req)
{
    for (QedTable *t = s->lru_tail; t && s->n_tables >= s->max_tables;) {
        QedTable *prev = t->lru_prev;
        if (!t->loading && t->pins == 0 && t->n_dirty == 0 && t->n_busy == 0)
            table_free(s, t);
        t = prev;
    }
    /* None could go: the dirty ones will once written back. */
    if (s->n_tables >= s->max_tables)
        vd_qed_writeback_maybe(s, req);
}

static QedTable *
table_alloc(QedState *s, uint32_t l1, uint64_t off, VdRequest *req)
{
    const VdQedGeom *g = &s->img->g;
    QedTable *t = g_new0(QedTable, 1);

    evict(s, req);
    t->l1_index = l1;
    t->offset = off;
    t->entries = buf_get(s);
    t->dirty = g_malloc0(vd_qed_block_map_bytes(g));
    t->busy = g_malloc0(g->entries / 8 + 1);
    s->tables[l1] = t;
    s->n_tables++;
    lru_push_head(s, t);
    return t;
}

static bool
in_some_table(const QedState *s, uint64_t off)
{
    size_t lo = 0, hi = s->n_table_offsets;
    uint32_t tb = s->img->g.table_bytes;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s->table_offsets[mid] + tb <= off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->n_table_offsets && s->table_offsets[lo] <= off;
}

bool
vd_qed_data_ok(const QedState *s, uint64_t off)
{
    const VdQedGeom *g = &s->img->g;

    return !(off & (g->cluster_size - 1)) && off >= g->header_bytes &&
           off < s->cursor &&
           !(off >= g->l1_offset && off - g->l1_offset < g->table_bytes) &&
           !in_some_table(s, off);
}

/* The first entry of a table just read that must not be used, or -1. */
static int64_t
first_bad_entry(const QedState *s, const QedTable *t)
{
    for (uint32_t j = 0; j < s->img->g.entries; j++) {
        uint64_t e = vd_qed_entry(t->entries, j);
        if (e > VD_QED_ZERO_CLUSTER && !vd_qed_data_ok(s, e))
            return j;
    }
    return -1;
}

static void
load_done(VdRequest *c, int ret)
{
    QedOp *op = c->opaque;
    QedState *s = op->s;
    QedTable *t = op->table;
    int64_t bad;

    vd_request_put(c);
    vd_qed_op_put(s, op);
    t->loading = false;
    if (ret < 0) {
        t->error = ret;
    } else if ((bad = first_bad_entry(s, t)) >= 0) {
        uint64_t e = vd_qed_entry(t->entries, (uint32_t)bad);
        g_warning("QED image '%s': L2 table %u at %#" G_GINT64_MODIFIER "x: "
                  "entry %" G_GINT64_FORMAT " maps %#" G_GINT64_MODIFIER "x, "
                  "outside the file or into metadata: refusing I/O through "
                  "it; run 'vdisk image-check' on the image", s->path,
                  t->l1_index, t->offset, bad, e);
        t->error = -EIO;
    }
    vd_qed_wake(s, &t->waiters);
}

static void
load(QedState *s, QedTable *t, VdRequest *req)
{
    QedOp *op = vd_qed_op_get(s);
    VdRequest *c = vd_request_get(req->pool);
    char why_buf[96];
    const char *why = vd_qed_table_why(s->img, t->offset, why_buf,
                                       sizeof(why_buf));

    /* Checked at open, except in images opened read-only for rescue. */
    if (why) {
        g_warning("QED image '%s': L1 entry %u: L2 table offset %#"
                  G_GINT64_MODIFIER "x %s", s->path, t->l1_index, t->offset,
                  why);
        vd_request_put(c);
        vd_qed_op_put(s, op);
        t->error = -EIO;
        return;
    }
    op->table = t;
    t->loading = true;
    c->type = VD_REQ_READ;
    c->offset = t->offset;
    c->len = s->img->g.table_bytes;
    c->buf = t->entries;
    c->opaque = op;
    c->done = load_done;
    vd_layer_submit(s->file, c);
}

QedTable *
vd_qed_table_get(QedState *s, uint32_t l1, VdRequest *req)
{
    QedTable *t = s->tables[l1];

    if (!t) {
        t = table_alloc(s, l1, vd_qed_entry(s->img->l1, l1), req);
        load(s, t, req);
        if (!t->loading)
            return t;       /* failed at once: t->error says so */
    }
    if (t->loading) {
        vd_request_queue_push(&t->waiters, req);
        return NULL;
    }
    lru_remove(s, t);
    lru_push_head(s, t);
    return t;
}

QedTable *
vd_qed_table_new(QedState *s, uint32_t l1, uint64_t off, VdRequest *req)
{
    QedTable *t = table_alloc(s, l1, off, req);
    size_t k = s->n_table_offsets;

    memset(t->entries, 0, s->img->g.table_bytes);
    /* Keep the offsets sorted: new tables are appended, so they usually
     * go last. */
    s->table_offsets = g_renew(uint64_t, s->table_offsets, k + 1);
    while (k > 0 && s->table_offsets[k - 1] > off) {
        s->table_offsets[k] = s->table_offsets[k - 1];
        k--;
    }
    s->table_offsets[k] = off;
    s->n_table_offsets++;
    vd_qed_set_entry(s->img->l1, l1, off);
    vd_qed_l1_dirty(s, l1);
    /* Written back with its L1 entry even if no mapping lands in it, so
     * that the log names it: recovery then explains an L1 entry to it
     * that the growth of the file did not reach the disk for. */
    vd_qed_table_dirty(s, t, 0);
    return t;
}

void
vd_qed_table_dirty(QedState *s, QedTable *t, uint32_t i)
{
    uint32_t b = i / (VD_QED_BLOCK / 8);

    if (t->dirty[b / 8] & (1u << (b % 8)))
        return;
    t->dirty[b / 8] |= (uint8_t)(1u << (b % 8));
    t->n_dirty++;
    s->n_dirty_blocks++;
}

void
vd_qed_l1_dirty(QedState *s, uint32_t i)
{
    uint32_t b = i / (VD_QED_BLOCK / 8);

    if (s->l1_dirty[b / 8] & (1u << (b % 8)))
        return;
    s->l1_dirty[b / 8] |= (uint8_t)(1u << (b % 8));
    s->l1_n_dirty++;
    s->n_dirty_blocks++;
}

void
vd_qed_cache_free(QedState *s)
{
    if (s->tables) {
        while (s->lru_head)
            table_free(s, s->lru_head);
    }
    for (unsigned i = 0; i < s->n_free_bufs; i++)
        free(s->free_bufs[i]);
    s->n_free_bufs = 0;
    g_clear_pointer(&s->tables, g_free);
    g_clear_pointer(&s->free_bufs, g_free);
    g_clear_pointer(&s->l1_dirty, g_free);
    g_clear_pointer(&s->table_offsets, g_free);
    g_clear_pointer(&s->unsynced, g_free);
}
