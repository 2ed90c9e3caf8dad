/*
 * NEED_CHECK, set before the first change of a mapping after open (see
 * qed.h): the header with the bit, and an empty dirty table log, written
 * and flushed while the first write that needs them waits, with any
 * other that comes meanwhile.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "storage/layers/qed-image-priv.h"
#include "storage/layers/qed-priv.h"

/* A block write of @len bytes at @off from a copy of @src, for op. */
static void
write_copy(QedState *s, QedOp *op, const void *src, uint64_t off,
           VdRequestDone done)
{
    VdRequest *c = vd_request_get(s->pool);

    /* Out of memory is fatal here as in g_malloc: failing the marking
     * at once would complete the waiting requests inside their submit. */
    if (vd_request_alloc_buf(c, VD_QED_BLOCK) < 0)
        g_error("out of memory for a QED metadata block");
    memcpy(c->buf, src, VD_QED_BLOCK);
    c->type = VD_REQ_WRITE;
    c->offset = off;
    c->len = VD_QED_BLOCK;
    c->opaque = op;
    c->done = done;
    op->pending++;
    vd_layer_submit(s->file, c);
}

static void
mark_finish(QedState *s, QedOp *op, int ret)
{
    VdRequest *carrier = op->req;
    VdRequestQueue waiting = s->dirty_waiters;
    VdRequest *w;

    vd_qed_op_put(s, op);
    /* On failure nothing may change a mapping: the waiting writes fail,
     * and the next one tries again (the failure may have been passing). */
    s->dirty_state = ret < 0 ? QED_CLEAN : QED_DIRTY;
    s->dirty_waiters = (VdRequestQueue){ 0 };
    while ((w = vd_request_queue_pop(&waiting))) {
        if (ret < 0)
            qed_req(w)->ret = ret;
        vd_qed_continue(s, w);
    }
    vd_qed_req_settle(s, carrier, ret);
}

static void
mark_flush_done(VdRequest *c, int ret)
{
    QedOp *op = c->opaque;

    vd_request_put(c);
    mark_finish(op->s, op, ret);
}

static void
mark_settle(QedOp *op, int ret)
{
    QedState *s = op->s;

    if (ret < 0 && op->ret == 0)
        op->ret = ret;
    if (--op->pending > 0)
        return;
    if (op->ret < 0) {
        mark_finish(s, op, op->ret);
        return;
    }
    /* The bit is durable before the first mapping changes: a crash after
     * any change then finds it set, and the image is checked. */
    vd_qed_file_flush(s, mark_flush_done, op);
}

static void
mark_write_done(VdRequest *c, int ret)
{
    QedOp *op = c->opaque;

    vd_request_put(c);
    mark_settle(op, ret);
}

static void
start_marking(QedState *s, VdRequest *carrier)
{
    VdQedImage *img = s->img;
    QedOp *op = vd_qed_op_get(s);
    uint8_t slot[VD_QED_LOG_SLOT];

    s->dirty_state = QED_MARKING;
    op->req = carrier;
    qed_req(carrier)->pending++;
    op->pending = 1;                /* guard */
    img->hdr.features |= VD_QED_F_NEED_CHECK;
    if (s->log_enabled) {
        /* An empty log with the bit: nothing is dirty yet. The log and
         * the header share one flush: if only the header lands, the
         * slot it finds is an older one, which names no table that can
         * have changed since either. */
        img->hdr.autoclear_features |= VD_QED_AC_DIRTY_LOG;
        s->log.seq++;
        s->log.cursor = s->cursor;
        memset(s->log.bits, 0, sizeof(s->log.bits));
        memset(s->unsynced, 0, VD_QED_LOG_BITMAP);
        s->unsynced_any = false;
        vd_qed_log_encode(&s->log, slot);
        write_copy(s, op, slot,
                   vd_qed_log_slot_offset(img->log_offset, s->log.seq),
                   mark_write_done);
    }
    vd_qed_header_encode(&img->hdr, img->head);
    write_copy(s, op, img->head, 0, mark_write_done);
    mark_settle(op, 0);             /* drop the guard */
}

int
vd_qed_may_change(QedState *s, VdRequest *req)
{
    if (s->dirty_state == QED_DIRTY)
        return 1;
    /* Parked first: marking can finish before start_marking returns. */
    vd_request_queue_push(&s->dirty_waiters, req);
    if (s->dirty_state == QED_CLEAN)
        start_marking(s, req);
    return 0;
}

