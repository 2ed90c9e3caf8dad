/*
 * WRITE_ZEROES and DISCARD.
 *
 * Mapped clusters are zeroed or discarded in place, in the file (a hole
 * punched, or a zeroed range with NO_HOLE): their mappings stay, as QEMU
 * keeps them, because QED cannot free a cluster: clearing the entry would
 * leak it. Unmapped and zero clusters already read as zeroes, except an
 * unmapped cluster over a backing file: whole ones become zero clusters
 * (entry 1, no space), partial ones are allocated with the backing data
 * around the zeroes. Discard of what is not mapped has nothing to free.
 */
#include "config.h"

#include <errno.h>

#include "storage/layers/qed-priv.h"

static uint64_t
in_place(QedState *s, VdRequest *req, uint64_t host, uint64_t len)
{
    VdRequest *c = vd_qed_child(s, req, req->type, host, len, NULL);

    c->flags = req->flags & vd_request_allowed_flags(req->type);
    vd_layer_submit(s->file, c);
    return len;
}

/* Set @n whole clusters from @l2 to zero clusters. */
static uint64_t
mark_zero(QedState *s, VdRequest *req, QedTable *t, uint32_t l1, uint32_t l2,
          uint32_t n)
{
    const VdQedGeom *g = &s->img->g;
    int ok = vd_qed_may_change(s, req);

    if (ok <= 0) {
        if (ok < 0)
            qed_req(req)->ret = ok;
        return ok < 0 ? (uint64_t)n << g->cluster_bits : 0;
    }
    for (uint32_t i = 0; t && i < n; i++) {
        if (t->busy[(l2 + i) / 8] & (1u << ((l2 + i) % 8))) {
            vd_request_queue_push(&s->busy_waiters, req);
            return 0;
        }
    }
    if (!t) {
        if (!vd_qed_room(s, req, g->table_bytes))
            return 0;
        t = vd_qed_table_new(s, l1, vd_qed_take(s, g->table_bytes), req);
    }
    /* No data to order against: the entry alone says "zeroes". */
    for (uint32_t i = 0; i < n; i++) {
        vd_qed_set_entry(t->entries, l2 + i, VD_QED_ZERO_CLUSTER);
        vd_qed_table_dirty(s, t, l2 + i);
    }
    qed_req(req)->changed_mapping = true;
    vd_qed_writeback_maybe(s, req);
    return (uint64_t)n << g->cluster_bits;
}

uint64_t
vd_qed_zero_run(QedState *s, VdRequest *req, QedTable *t, uint32_t l1,
                uint32_t l2, uint32_t n, uint64_t entry, uint64_t off,
                uint64_t len)
{
    const VdQedGeom *g = &s->img->g;
    uint64_t cs = g->cluster_size;
    uint64_t cstart = off & ~(cs - 1);
    uint64_t first_end = cstart + cs;

    if (entry > VD_QED_ZERO_CLUSTER)
        return in_place(s, req, entry + (off - cstart), len);
    if (req->type == VD_REQ_DISCARD || entry == VD_QED_ZERO_CLUSTER ||
        !s->backing || cstart >= vd_layer_size(s->backing))
        return len;
    /* Unmapped over a backing file: the backing data must be hidden. */
    if (off != cstart || len < cs)
        return vd_qed_alloc(s, req, t, l1, l2, 1, off,
                            MIN(len, first_end - off), NULL)
                   ? MIN(len, first_end - off) : 0;
    return mark_zero(s, req, t, l1, l2, (uint32_t)(len >> g->cluster_bits));
}
