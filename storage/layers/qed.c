/*
 * The QED format layer: open and close, and the mapping loop every guest
 * request goes through. A request is cut into runs of clusters whose
 * entries are of one kind (mapped to consecutive clusters of the file,
 * unallocated, or zero) inside one L2 table; each run becomes I/O on the
 * file, on the backing file, or an allocation. A run that must wait (for
 * a table to load, for NEED_CHECK to be durable, for the file to grow, for
 * another allocation of the same cluster) parks the request, which is
 * continued from where it stopped; a guard count keeps it from completing
 * while runs are still being issued.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "common/util/error.h"
#include "storage/layers/file.h"
#include "storage/layers/qed-image-priv.h"
#include "storage/layers/qed-priv.h"

/* Table memory kept per disk; at least a few tables whatever their size. */
#define CACHE_BYTES (64u << 20)
#define CACHE_MIN_TABLES 4u

QedOp *
vd_qed_op_get(QedState *s)
{
    QedOp *op = s->free_ops;

    if (op)
        s->free_ops = op->next;
    else
        op = g_new(QedOp, 1);   /* only while the layer warms up */
    memset(op, 0, sizeof(*op));
    op->s = s;
    return op;
}

void
vd_qed_op_put(QedState *s, QedOp *op)
{
    op->next = s->free_ops;
    s->free_ops = op;
}

VdRequest *
vd_qed_child(QedState *s, VdRequest *req, VdReqType type, uint64_t off,
             uint64_t len, void *buf)
{
    VdRequest *c = vd_request_get(req->pool);

    c->type = type;
    c->offset = off;
    c->len = len;
    c->buf = buf;
    c->parent = req;
    c->opaque = s;
    c->done = vd_qed_child_done;
    qed_req(req)->pending++;
    return c;
}

void
vd_qed_file_flush(QedState *s, VdRequestDone done, void *opaque)
{
    VdRequest *c = vd_request_get(s->pool);

    c->type = VD_REQ_FLUSH;
    c->opaque = opaque;
    c->done = done;
    vd_layer_submit(s->file, c);
}

void
vd_qed_child_done(VdRequest *c, int ret)
{
    QedState *s = c->opaque;
    VdRequest *req = c->parent;

    vd_request_put(c);
    vd_qed_req_settle(s, req, ret);
}

/*
 * Whether some mapping may not be durable yet: changed in memory, being
 * written back, or written back with no flush since. Over the whole
 * image, not the request's table: a durable write then waits for one
 * round more than it must, never for one less.
 */
static bool
mappings_in_doubt(const QedState *s)
{
    /* unsynced_any spares every durable write a scan of the bitmap. */
    return s->n_dirty_blocks > 0 || s->wb_running || s->unsynced_any;
}

void
vd_qed_req_settle(QedState *s, VdRequest *req, int ret)
{
    QedReq *q = qed_req(req);

    if (ret < 0 && q->ret == 0)
        q->ret = ret;
    assert(q->pending > 0);
    if (--q->pending > 0)
        return;
    /* A write that changed mappings is durable only once they are: it
     * completes after a write back round that ends with a flush. So is a
     * durable write into a cluster that an earlier write allocated, as
     * long as that mapping may not be durable yet: otherwise a crash
     * loses the cluster, and the FUA write with it. */
    if (q->ret == 0 &&
        ((q->durable && (q->changed_mapping || mappings_in_doubt(s))) ||
         q->wb_carrier)) {
        vd_qed_flush(s, req);
        return;
    }
    vd_request_complete(req, q->ret);
}

void
vd_qed_wake(QedState *s, VdRequestQueue *q)
{
    VdRequestQueue now = *q;
    VdRequest *req;

    /* Taken whole first: a request continued here may park again. */
    *q = (VdRequestQueue){ 0 };
    while ((req = vd_request_queue_pop(&now)))
        vd_qed_continue(s, req);
}

/* A run: entries of one kind, inside one table and the request. */
typedef struct {
    uint32_t l1, l2, n;
    uint64_t entry;             /* of the first: 0, 1 or a file offset */
    uint64_t pos, len;          /* guest bytes */
} Run;

static void
find_run(QedState *s, QedTable *t, uint64_t pos, uint64_t end, Run *r)
{
    const VdQedGeom *g = &s->img->g;
    uint64_t span = vd_qed_l2_span(g);
    uint64_t base = pos & ~(span - 1);
    uint64_t table_end = base > UINT64_MAX - span ? UINT64_MAX : base + span;
    uint64_t cstart = pos & ~(uint64_t)(g->cluster_size - 1);
    uint64_t lim = MIN(end, table_end);
    uint64_t max_n = (lim - cstart + g->cluster_size - 1) >> g->cluster_bits;
    uint64_t first;
    uint32_t n = 1;

    r->l1 = vd_qed_l1_index(g, pos);
    r->l2 = vd_qed_l2_index(g, pos);
    first = t ? vd_qed_entry(t->entries, r->l2) : VD_QED_UNALLOCATED;
    while (n < max_n) {
        uint64_t e = t ? vd_qed_entry(t->entries, r->l2 + n)
                       : VD_QED_UNALLOCATED;
        if (first > VD_QED_ZERO_CLUSTER
                ? e != first + ((uint64_t)n << g->cluster_bits)
                : e != first)
            break;
        n++;
    }
    r->n = n;
    r->entry = first;
    r->pos = pos;
    r->len = MIN(lim, cstart + ((uint64_t)n << g->cluster_bits)) - pos;
}

static uint64_t
read_run(QedState *s, VdRequest *req, const Run *r)
{
    void *buf = (char *)req->buf + (r->pos - req->offset);
    uint64_t host = r->entry + vd_qed_in_cluster(&s->img->g, r->pos);

    if (r->entry == VD_QED_UNALLOCATED)
        vd_qed_backing_read(s, req, r->pos, r->len, buf);
    else if (r->entry == VD_QED_ZERO_CLUSTER)
        memset(buf, 0, r->len);
    else
        vd_layer_submit(s->file, vd_qed_child(s, req, VD_REQ_READ, host,
                                              r->len, buf));
    return r->len;
}

static uint64_t
write_run(QedState *s, VdRequest *req, QedTable *t, const Run *r)
{
    uint64_t host = r->entry + vd_qed_in_cluster(&s->img->g, r->pos);
    VdRequest *c;

    if (r->entry > VD_QED_ZERO_CLUSTER) {
        /* In place: the mapping exists and never changes again (QED
         * frees no cluster), so nothing orders this write. */
        c = vd_qed_child(s, req, VD_REQ_WRITE, host, r->len,
                         (char *)req->buf + (r->pos - req->offset));
        c->flags = req->flags & VD_REQ_FUA;
        vd_layer_submit(s->file, c);
        return r->len;
    }
    return vd_qed_alloc(s, req, t, r->l1, r->l2, r->n, r->pos, r->len,
                        (char *)req->buf + (r->pos - req->offset))
               ? r->len : 0;
}

void
vd_qed_continue(QedState *s, VdRequest *req)
{
    QedReq *q = qed_req(req);
    uint64_t end = req->offset + req->len;

    while (q->pos < end && q->ret == 0) {
        const VdQedGeom *g = &s->img->g;
        uint32_t l1 = vd_qed_l1_index(g, q->pos);
        QedTable *t = NULL;
        uint64_t done;
        Run r;

        if (vd_qed_entry(s->img->l1, l1) != 0) {
            t = vd_qed_table_get(s, l1, req);
            if (!t)
                return;             /* parked until the table is in */
            if (t->error) {
                q->ret = t->error;
                break;
            }
        }
        find_run(s, t, q->pos, end, &r);
        switch (req->type) {
        case VD_REQ_READ:
            done = read_run(s, req, &r);
            break;
        case VD_REQ_WRITE:
            done = write_run(s, req, t, &r);
            break;
        default:
            done = vd_qed_zero_run(s, req, t, r.l1, r.l2, r.n, r.entry,
                                   r.pos, r.len);
            break;
        }
        if (done == 0)
            return;                 /* parked; continued from q->pos */
        q->pos += done;
    }
    vd_qed_req_settle(s, req, 0);   /* the issuing guard */
}

static void
qed_submit(VdLayer *l, VdRequest *req)
{
    QedState *s = l->priv;
    QedReq *q = qed_req(req);

    if (!s->pool)
        s->pool = req->pool;
    memset(q, 0, sizeof(*q));
    if (req->type == VD_REQ_FLUSH) {
        q->durable = true;
        vd_qed_flush(s, req);
        return;
    }
    if (req->offset > l->size || req->len > l->size - req->offset) {
        vd_request_complete(req, vd_request_is_write(req->type) ? -ENOSPC
                                                                : -EINVAL);
        return;
    }
    q->pos = req->offset;
    q->pending = 1;
    q->durable = vd_request_is_write(req->type) &&
                 ((req->flags & VD_REQ_FUA) || s->durable_writes);
    vd_qed_continue(s, req);
}

static void
load_table_offsets(QedState *s)
{
    size_t n;
    g_autofree VdQedTableRef *refs = vd_qed_l1_sorted(s->img, &n);

    s->table_offsets = g_new(uint64_t, MAX(n, 1));
    for (size_t k = 0; k < n; k++)
        s->table_offsets[k] = refs[k].offset;
    s->n_table_offsets = n;
}

static void
init_state(QedState *s)
{
    const VdQedGeom *g = &s->img->g;

    s->tables = g_new0(QedTable *, MAX(g->l1_used, 1));
    s->max_tables = s->opts.cache_tables
                        ? s->opts.cache_tables
                        : MAX(CACHE_MIN_TABLES, CACHE_BYTES / g->table_bytes);
    s->l1_dirty = g_malloc0(vd_qed_block_map_bytes(g));
    load_table_offsets(s);
    /* A partial cluster at the end is skipped, not reused: whatever it
     * holds must not show through a new cluster's unwritten parts. */
    s->size_done = s->img->file_size;
    s->cursor = (s->img->file_size + g->cluster_size - 1) &
                ~(uint64_t)(g->cluster_size - 1);
    s->size_target = s->size_done;
    s->dirty_state = QED_CLEAN;
    s->log_enabled = !s->layer->read_only && s->img->log_offset != 0;
    s->log.gran = vd_qed_log_gran(g);
    s->log.seq = s->img->log_seq;
    s->unsynced = g_malloc0(VD_QED_LOG_BITMAP);
}

static int
qed_open(VdLayer *l, GError **err)
{
    QedState *s = l->priv;
    unsigned flags = s->opts.open_flags;

    s->layer = l;
    s->file = l->next;
    g_assert(s->file && strcmp(s->file->ops->name, "file") == 0);
    l->read_only = l->read_only || s->opts.read_only;
    if (l->read_only)
        flags |= VD_QED_OPEN_READ_ONLY;
    s->io = vd_qed_io_fd_new_aligned(vd_file_layer_fd(s->file),
                                     vd_file_layer_align(s->file));
    s->img = vd_qed_image_open(s->io, flags, err);
    if (!s->img) {
        g_prefix_error(err, "'%s': ", s->path);
        g_clear_pointer(&s->io, g_free);
        return -1;
    }
    l->size = s->img->g.image_size;
    l->checks_range = true;
    s->durable_writes = vd_file_layer_writes_durable(s->file);
    init_state(s);
    if (!vd_qed_backing_open(s, err)) {
        g_prefix_error(err, "'%s': ", s->path);
        vd_qed_cache_free(s);
        g_clear_pointer(&s->img, vd_qed_image_free);
        g_clear_pointer(&s->io, g_free);
        return -1;
    }
    return 0;
}

static int
qed_close(VdLayer *l)
{
    QedState *s = l->priv;
    int ret = 0;

    if (!l->read_only)
        ret = vd_qed_close_metadata(s);
    vd_qed_backing_close(s);
    vd_qed_cache_free(s);
    g_clear_pointer(&s->img, vd_qed_image_free);
    g_clear_pointer(&s->io, g_free);
    return ret;
}

static int
qed_attach(VdLayer *l, VdIothread *t, GError **err)
{
    QedState *s = l->priv;

    s->thread = t;
    return s->backing ? vd_layer_attach_chain(s->backing, t, err) : 0;
}

static void
qed_detach(VdLayer *l)
{
    QedState *s = l->priv;

    if (s->backing)
        vd_layer_detach_chain(s->backing);
    s->thread = NULL;
}

static void
qed_free(VdLayer *l)
{
    QedState *s = l->priv;

    while (s->free_ops) {
        QedOp *op = s->free_ops;
        s->free_ops = op->next;
        g_free(op);
    }
    g_free(s->path);
    g_free((char *)s->opts.backing_format);
    g_free(s);
}

static const VdLayerOps qed_ops = {
    .name = "qed",
    .open = qed_open,
    .close = qed_close,
    .submit = qed_submit,
    .attach = qed_attach,
    .detach = qed_detach,
    .free = qed_free,
};

VdLayer *
vd_qed_layer_new(VdLayer *file, const VdQedOptions *opts)
{
    QedState *s = g_new0(QedState, 1);

    s->opts = *opts;
    s->path = g_strdup(opts->path);
    s->opts.path = s->path;
    s->opts.backing_format = g_strdup(opts->backing_format);
    return vd_layer_new(&qed_ops, file, s);
}
