/*
 * Changed table blocks on their way to the disk, with the dirty table log
 * that names them first; and the same at a clean close. Every write that
 * orders something is here or in qed-dirty.c, with the reason beside it.
 *
 * Changed mappings stay in memory (their table blocks marked dirty) until
 * a round writes them back. A round is started by a guest FLUSH, by a
 * write that must be durable and changed mappings (FUA, or a write
 * through cache), or by a request that finds much dirty; it serves every
 * request queued before it started, so concurrent flushes share one
 * round and one fdatasync. A round:
 *   1. copies every dirty block (tables and L1), as it is now;
 *   2. if a table among them is not named by the log on disk, writes a
 *      new log naming it, and flushes; with a backing file it flushes in
 *      any case (the clusters filled from it must be durable before a
 *      mapping exposes them);
 *   3. writes the copies, all at once;
 *   4. flushes, if a request it serves wants durability.
 * Copies are taken before the flush of step 2 is sent, so that every
 * mapping they hold points at data whose write had completed before it.
 * Rounds run one at a time.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "storage/layers/qed-image-priv.h"
#include "storage/layers/qed-priv.h"
#include "storage/planted.h"

static void round_start(QedState *s);

static void
mark_unsynced(QedState *s, uint32_t l1)
{
    uint32_t b = l1 / s->log.gran;

    s->unsynced[b / 8] |= (uint8_t)(1u << (b % 8));
    s->unsynced_any = true;
}

static void
round_end(QedState *s)
{
    VdRequest *req;

    while ((req = vd_request_queue_pop(&s->wb_waiters)))
        vd_request_complete(req, s->wb_ret);
    s->wb_running = false;
    if (!vd_request_queue_empty(&s->flush_waiters))
        round_start(s);
}

static void
final_flush_done(VdRequest *c, int ret)
{
    QedState *s = c->opaque;

    vd_request_put(c);
    /* Everything written before this flush is durable: no table has to
     * stay named by the log for its sake any more. */
    if (ret == 0) {
        memset(s->unsynced, 0, VD_QED_LOG_BITMAP);
        s->unsynced_any = false;
    }
    if (ret < 0 && s->wb_ret == 0)
        s->wb_ret = ret;
    round_end(s);
}

static void
step_final(QedState *s)
{
    if (!s->wb_sync || s->wb_ret < 0) {
        round_end(s);
        return;
    }
    vd_qed_file_flush(s, final_flush_done, s);
}

/* A block write of the round is over: on failure its block is dirty
 * again (memory is still ahead of the disk). */
static void
block_done(VdRequest *c, int ret)
{
    QedOp *op = c->opaque;
    QedState *s = op->s;

    vd_request_put(c);
    if (ret < 0) {
        uint32_t entry = op->l2_index * (VD_QED_BLOCK / 8);
        if (op->table)
            vd_qed_table_dirty(s, op->table, entry);
        else
            vd_qed_l1_dirty(s, entry);
        if (s->wb_ret == 0)
            s->wb_ret = ret;
    }
    if (op->table)
        op->table->pins--;
    vd_qed_op_put(s, op);
    if (--s->wb_pending == 0)
        step_final(s);
}

static void
step_writes(QedState *s)
{
    VdRequest *c;

    s->wb_pending = 1;              /* guard */
    while ((c = vd_request_queue_pop(&s->wb_writes))) {
        s->wb_pending++;
        if (s->wb_ret < 0)          /* the log or the flush failed */
            block_done(c, s->wb_ret);
        else
            vd_layer_submit(s->file, c);
    }
    if (--s->wb_pending == 0)
        step_final(s);
}

/*
 * The log or the flush after it failed: the log on disk may not be the
 * one in memory, so name nothing as named any more; the next round then
 * writes a log for every table it writes.
 */
static void
forget_log(QedState *s)
{
    memset(s->log.bits, 0, sizeof(s->log.bits));
}

static void
presync_done(VdRequest *c, int ret)
{
    QedState *s = c->opaque;

    vd_request_put(c);
    if (ret < 0 && s->wb_ret == 0)
        s->wb_ret = ret;
    if (ret < 0)
        forget_log(s);
    step_writes(s);
}

static void
step_presync(QedState *s)
{
    if (!s->wb_presync || vd_planted(VD_BUG_QED_L2_EARLY)) {
        step_writes(s);
        return;
    }
    vd_qed_file_flush(s, presync_done, s);
}

static void
log_done(VdRequest *c, int ret)
{
    QedState *s = c->opaque;

    vd_request_put(c);
    if (ret < 0 && s->wb_ret == 0)
        s->wb_ret = ret;
    if (ret < 0)
        forget_log(s);
    step_presync(s);
}

static void
step_log(QedState *s)
{
    VdRequest *c;

    if (!s->wb_need_log) {
        step_presync(s);
        return;
    }
    /* The tables about to be written, and those written since the last
     * flush, are named: a crash can leave only them inconsistent. The
     * cursor bounds every mapping in the tables left out. */
    s->log.seq++;
    s->log.cursor = s->cursor;
    memcpy(s->log.bits, s->unsynced, VD_QED_LOG_BITMAP);
    c = vd_request_get(s->pool);
    if (vd_request_alloc_buf(c, VD_QED_LOG_SLOT) < 0)
        g_error("out of memory for a QED log slot");
    vd_qed_log_encode(&s->log, c->buf);
    c->type = VD_REQ_WRITE;
    c->offset = vd_qed_log_slot_offset(s->img->log_offset, s->log.seq);
    c->len = VD_QED_LOG_SLOT;
    c->opaque = s;
    c->done = log_done;
    vd_layer_submit(s->file, c);
}

/* Copy block @b of @table (NULL: the L1 table) into a prepared write. */
static void
prepare_block(QedState *s, QedTable *t, uint32_t b)
{
    const uint64_t *entries = t ? t->entries : s->img->l1;
    uint64_t base = t ? t->offset : s->img->g.l1_offset;
    VdRequest *c = vd_request_get(s->pool);
    QedOp *op = vd_qed_op_get(s);

    if (vd_request_alloc_buf(c, VD_QED_BLOCK) < 0)
        g_error("out of memory for a QED table block");
    memcpy(c->buf, (const char *)entries + (size_t)b * VD_QED_BLOCK,
           VD_QED_BLOCK);
    c->type = VD_REQ_WRITE;
    c->offset = base + (uint64_t)b * VD_QED_BLOCK;
    c->len = VD_QED_BLOCK;
    c->opaque = op;
    c->done = block_done;
    op->table = t;
    op->l2_index = b;
    if (t)
        t->pins++;
    vd_request_queue_push(&s->wb_writes, c);
}

/* Take every dirty block of @map (@nblocks) into prepared writes. */
static void
prepare_map(QedState *s, QedTable *t, uint8_t *map, uint32_t nblocks)
{
    for (uint32_t b = 0; b < nblocks; b++) {
        if (!(map[b / 8] & (1u << (b % 8))))
            continue;
        map[b / 8] &= (uint8_t)~(1u << (b % 8));
        prepare_block(s, t, b);
    }
}

static void
snapshot(QedState *s)
{
    uint32_t nblocks = s->img->g.table_bytes / VD_QED_BLOCK;

    for (QedTable *t = s->lru_head; t; t = t->lru_next) {
        if (t->n_dirty == 0)
            continue;
        if (s->log_enabled && !vd_qed_log_test(&s->log, t->l1_index))
            s->wb_need_log = true;
        mark_unsynced(s, t->l1_index);
        prepare_map(s, t, t->dirty, nblocks);
        s->n_dirty_blocks -= t->n_dirty;
        t->n_dirty = 0;
    }
    if (s->l1_n_dirty) {
        prepare_map(s, NULL, s->l1_dirty, nblocks);
        s->n_dirty_blocks -= s->l1_n_dirty;
        s->l1_n_dirty = 0;
    }
    /* Clusters filled from the backing file are durable before the
     * mappings that make the guest read them: otherwise a crash could
     * leave a mapping to a cluster whose backing part never landed, and
     * the guest would read zeroes where its old data was. */
    s->wb_presync = s->wb_need_log || (s->backing != NULL &&
                                       !vd_request_queue_empty(&s->wb_writes));
}

static void
round_start(QedState *s)
{
    VdRequest *req;

    s->wb_running = true;
    s->wb_carrier_pending = false;
    s->wb_ret = 0;
    s->wb_sync = false;
    s->wb_need_log = false;
    while ((req = vd_request_queue_pop(&s->flush_waiters))) {
        if (qed_req(req)->durable)
            s->wb_sync = true;
        vd_request_queue_push(&s->wb_waiters, req);
    }
    snapshot(s);
    step_log(s);
}

void
vd_qed_flush(QedState *s, VdRequest *req)
{
    if (!s->pool)
        s->pool = req->pool;
    vd_request_queue_push(&s->flush_waiters, req);
    if (!s->wb_running)
        round_start(s);
}

void
vd_qed_writeback_maybe(QedState *s, VdRequest *req)
{
    if (s->wb_carrier_pending || !req)
        return;
    if (s->n_dirty_blocks < QED_WB_THRESHOLD && s->n_tables < s->max_tables)
        return;
    qed_req(req)->wb_carrier = true;
    s->wb_carrier_pending = true;
}

/* ---- close ---- */

int
vd_qed_close_metadata(QedState *s)
{
    VdQedImage *img = s->img;
    int ret = 0;

    if (s->dirty_state != QED_DIRTY)
        return 0;                   /* nothing was changed */
    /* As a round does: the log names the tables first, durably. */
    if (s->n_dirty_blocks > 0 && (s->log_enabled || s->backing)) {
        if (s->log_enabled) {
            uint8_t *slot = vd_qed_table_alloc(VD_QED_LOG_SLOT);
            for (QedTable *t = s->lru_head; t; t = t->lru_next) {
                if (t->n_dirty)
                    mark_unsynced(s, t->l1_index);
            }
            s->log.seq++;
            s->log.cursor = s->cursor;
            memcpy(s->log.bits, s->unsynced, VD_QED_LOG_BITMAP);
            vd_qed_log_encode(&s->log, slot);
            ret = img->io->pwrite(img->io, slot, VD_QED_LOG_SLOT,
                                  vd_qed_log_slot_offset(img->log_offset,
                                                         s->log.seq));
            free(slot);
        }
        if (ret == 0)
            ret = img->io->flush(img->io);
    }
    for (QedTable *t = s->lru_head; t && ret == 0; t = t->lru_next) {
        if (t->n_dirty == 0)
            continue;
        ret = vd_qed_table_write_blocks(img, t->offset, t->entries, t->dirty);
        s->n_dirty_blocks -= t->n_dirty;
        t->n_dirty = 0;
    }
    if (ret == 0 && s->l1_n_dirty) {
        ret = vd_qed_table_write_blocks(img, img->g.l1_offset, img->l1,
                                        s->l1_dirty);
        s->l1_n_dirty = 0;
    }
    if (ret < 0)
        return ret;
    /* The file grew ahead of the cursor; what lies past it is unused. */
    img->file_size = MAX(img->file_size, s->size_done);
    return vd_qed_image_mark_clean(img, s->cursor);
}
