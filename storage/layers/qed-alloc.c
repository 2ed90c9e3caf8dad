/*
 * Allocating writes: new clusters at the end of the file.
 *
 * The file is grown ahead of the cursor, a chunk at a time, by writing a
 * block of zeroes at the end of the chunk; clusters are handed out only
 * below the end of a growth that has completed. So a new cluster always
 * lies in a part of the file that nothing ever wrote (a hole), and reads
 * as zeroes where the guest does not write it: no zero fill is written,
 * unlike QEMU's 60 KiB per 4 KiB write. It also keeps the file's size
 * ahead of every mapping that goes to the disk: a mapping past the end of
 * the file would be cleared by the next check, losing data that a flush
 * had made durable. A close cuts the file back to the cursor.
 *
 * Clusters that held backing data for the guest (an unallocated cluster
 * written in part, with a backing file) are filled from the backing file
 * first: the cluster is read, the guest's bytes copied over, and written
 * whole.
 *
 * Allocations run in parallel. An entry being allocated is marked busy in
 * its table: another write to it waits (it then writes in place), reads
 * go on seeing the old mapping, which is what a read beside a write may
 * return.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "storage/layers/qed-image-priv.h"
#include "storage/layers/qed-priv.h"

/* The file grows by at least this much at a time. */
#define GROW_CHUNK (64ull << 20)

static uint64_t
grow_chunk(const QedState *s)
{
    const VdQedGeom *g = &s->img->g;

    return MAX(GROW_CHUNK, 2 * ((uint64_t)g->table_bytes + g->cluster_size));
}

static void
grow_done(VdRequest *c, int ret)
{
    QedOp *op = c->opaque;
    QedState *s = op->s;
    VdRequest *req = op->req;
    VdRequestQueue waiting = s->space_waiters;
    VdRequest *w;

    vd_request_put(c);
    vd_qed_op_put(s, op);
    if (ret == 0)
        s->size_done = s->size_target;
    else
        s->size_target = s->size_done;
    /* On failure the waiting writes fail: they could not get space. */
    s->space_waiters = (VdRequestQueue){ 0 };
    while ((w = vd_request_queue_pop(&waiting))) {
        if (ret < 0)
            qed_req(w)->ret = ret;
        vd_qed_continue(s, w);
    }
    vd_qed_req_settle(s, req, ret);     /* the carrier */
}

/* Grow the file to hold @need bytes past the cursor and a chunk more. */
static void
grow(QedState *s, VdRequest *req, uint64_t need)
{
    uint64_t cs = s->img->g.cluster_size;
    uint64_t target = s->cursor + need + grow_chunk(s);
    QedOp *op;
    VdRequest *c;

    if (s->size_target > s->size_done)
        return;                         /* one at a time */
    target = (target + cs - 1) & ~(cs - 1);
    c = vd_request_get(req->pool);
    if (vd_request_alloc_buf(c, VD_QED_BLOCK) < 0) {
        vd_request_put(c);
        qed_req(req)->ret = -ENOMEM;
        return;
    }
    memset(c->buf, 0, VD_QED_BLOCK);
    op = vd_qed_op_get(s);
    op->req = req;
    qed_req(req)->pending++;
    s->size_target = target;
    /* Zeroes at the very end, past the cursor: the clusters before stay
     * holes, and the one holding this block is handed out only once the
     * write is done, so no guest data can be overwritten by it. */
    c->type = VD_REQ_WRITE;
    c->offset = target - VD_QED_BLOCK;
    c->len = VD_QED_BLOCK;
    c->opaque = op;
    c->done = grow_done;
    vd_layer_submit(s->file, c);
}

bool
vd_qed_room(QedState *s, VdRequest *req, uint64_t need)
{
    if (s->cursor + need <= s->size_done) {
        /* Start the next growth early, so that writes rarely wait. */
        if (s->size_done - s->cursor - need < grow_chunk(s) / 2)
            grow(s, req, need);
        return true;
    }
    grow(s, req, need);
    vd_request_queue_push(&s->space_waiters, req);
    return false;
}

uint64_t
vd_qed_take(QedState *s, uint64_t bytes)
{
    uint64_t off = s->cursor;

    assert(s->cursor + bytes <= s->size_done);
    s->cursor += bytes;
    return off;
}

static bool
any_busy(const QedTable *t, uint32_t l2, uint32_t n)
{
    if (t->n_busy == 0)
        return false;
    for (uint32_t i = l2; i < l2 + n; i++) {
        if (t->busy[i / 8] & (1u << (i % 8)))
            return true;
    }
    return false;
}

static void
set_busy(QedTable *t, uint32_t l2, uint32_t n, bool busy)
{
    for (uint32_t i = l2; i < l2 + n; i++) {
        if (busy)
            t->busy[i / 8] |= (uint8_t)(1u << (i % 8));
        else
            t->busy[i / 8] &= (uint8_t)~(1u << (i % 8));
    }
    if (busy)
        t->n_busy += n;
    else
        t->n_busy -= n;
}

static void
alloc_finish(QedOp *op, int ret)
{
    QedState *s = op->s;
    QedTable *t = op->table;
    VdRequest *req = op->req;
    uint64_t cs = s->img->g.cluster_size;

    if (ret == 0) {
        /* The data is written before the mapping changes, so that a
         * reader who finds the new entry finds the data too. The entry
         * reaches the disk later, in a write back round (qed-meta.c). */
        for (uint32_t i = 0; i < op->n; i++) {
            vd_qed_set_entry(t->entries, op->l2_index + i, op->host + i * cs);
            vd_qed_table_dirty(s, t, op->l2_index + i);
        }
        qed_req(req)->changed_mapping = true;
    }
    /* On failure the clusters stay unused: a leak, never a mapping to
     * data that was not written. */
    set_busy(t, op->l2_index, op->n, false);
    t->pins--;
    if (op->buf)
        vd_request_put(op->buf);
    vd_qed_op_put(s, op);
    vd_qed_wake(s, &s->busy_waiters);
    vd_qed_writeback_maybe(s, req);
    vd_qed_req_settle(s, req, ret);
}

static void
alloc_write_done(VdRequest *c, int ret)
{
    QedOp *op = c->opaque;

    vd_request_put(c);
    alloc_finish(op, ret);
}

static void
write_clusters(QedOp *op, const void *buf, uint64_t off, uint64_t len)
{
    QedState *s = op->s;
    VdRequest *c = vd_request_get(op->req->pool);

    c->type = VD_REQ_WRITE;
    c->offset = off;
    c->len = len;
    c->buf = (void *)buf;
    c->opaque = op;
    c->done = alloc_write_done;
    vd_layer_submit(s->file, c);
}

/* The backing data is in op->buf: lay the guest's bytes over it. */
static void
cow_write(QedOp *op)
{
    const VdQedGeom *g = &op->s->img->g;
    char *buf = op->buf->buf;
    uint64_t at = op->data_off - op->guest;

    if (op->src)
        memcpy(buf + at, op->src, op->data_len);
    else
        memset(buf + at, 0, op->data_len);
    write_clusters(op, buf, op->host, (uint64_t)op->n << g->cluster_bits);
}

static void
cow_read_settle(QedOp *op, int ret)
{
    if (ret < 0 && op->ret == 0)
        op->ret = ret;
    if (--op->pending > 0)
        return;
    if (op->ret < 0)
        alloc_finish(op, op->ret);
    else
        cow_write(op);
}

static void
cow_read_done(VdRequest *c, int ret)
{
    QedOp *op = c->opaque;

    vd_request_put(c);
    cow_read_settle(op, ret);
}

/* Read guest cluster @index of the op from the backing file. */
static void
cow_read(QedOp *op, uint32_t index)
{
    QedState *s = op->s;
    uint64_t cs = s->img->g.cluster_size;
    char *buf = (char *)op->buf->buf + (uint64_t)index * cs;
    VdRequest *c = vd_qed_backing_child(s, op->req->pool,
                                        op->guest + (uint64_t)index * cs, cs,
                                        buf);

    if (!c)
        return;
    c->opaque = op;
    c->done = cow_read_done;
    op->pending++;
    vd_layer_submit(s->backing, c);
}

/*
 * Fill the first and last clusters from the backing file where the guest
 * does not cover them, then write all of them at once. The clusters in
 * between are covered whole.
 */
static void
start_cow(QedOp *op)
{
    const VdQedGeom *g = &op->s->img->g;
    uint64_t span = (uint64_t)op->n << g->cluster_bits;
    VdRequest *b = vd_request_get(op->req->pool);

    op->buf = b;
    if (vd_request_alloc_buf(b, span) < 0) {
        alloc_finish(op, -ENOMEM);
        return;
    }
    op->pending = 1;                /* guard while the reads go out */
    if (op->data_off != op->guest)
        cow_read(op, 0);
    if (op->data_off + op->data_len != op->guest + span &&
        (op->n > 1 || op->data_off == op->guest))
        cow_read(op, op->n - 1);
    cow_read_settle(op, 0);
}

/* Whether the clusters must first be filled from the backing file. */
static bool
needs_cow(const QedState *s, uint64_t old, uint64_t guest, uint64_t span,
          uint64_t off, uint64_t len)
{
    /* A zero cluster reads zeroes, like the hole a new cluster is. */
    if (!s->backing || old != VD_QED_UNALLOCATED)
        return false;
    if (off == guest && len == span)
        return false;
    return guest < vd_layer_size(s->backing);
}

bool
vd_qed_alloc(QedState *s, VdRequest *req, QedTable *t, uint32_t l1,
             uint32_t l2, uint32_t n, uint64_t off, uint64_t len,
             const void *src)
{
    const VdQedGeom *g = &s->img->g;
    uint64_t span = (uint64_t)n << g->cluster_bits;
    uint64_t need = span + (t ? 0 : g->table_bytes);
    uint64_t old = t ? vd_qed_entry(t->entries, l2) : VD_QED_UNALLOCATED;
    int ok = vd_qed_may_change(s, req);
    QedOp *op;

    if (ok <= 0) {
        if (ok < 0)
            qed_req(req)->ret = ok;
        return ok < 0;
    }
    if (t && any_busy(t, l2, n)) {
        vd_request_queue_push(&s->busy_waiters, req);
        return false;
    }
    if (!vd_qed_room(s, req, need))
        return false;
    if (!t)
        t = vd_qed_table_new(s, l1, vd_qed_take(s, g->table_bytes), req);

    op = vd_qed_op_get(s);
    op->req = req;
    op->table = t;
    op->l2_index = l2;
    op->n = n;
    op->host = vd_qed_take(s, span);
    op->guest = off & ~(uint64_t)(g->cluster_size - 1);
    op->data_off = off;
    op->data_len = len;
    op->src = src;
    op->cow = needs_cow(s, old, op->guest, span, off, len);
    set_busy(t, l2, n, true);
    t->pins++;
    qed_req(req)->pending++;

    if (op->cow)
        start_cow(op);
    else if (src)
        /* The rest of the clusters is a hole: zeroes, as they must read. */
        write_clusters(op, src, op->host + (off - op->guest), len);
    else
        alloc_finish(op, 0);
    return true;
}
