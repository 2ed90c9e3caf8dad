/*
 * The QED format layer's internals, shared by its files:
 *   qed.c          the layer: open, close, attach, submit, the read path
 *   qed-cache.c    L2 tables in memory: lookup, loading, eviction
 *   qed-alloc.c    allocating writes, and growing the file ahead of them
 *   qed-zero.c     write-zeroes and discard
 *   qed-dirty.c    NEED_CHECK, set before the first mapping changes
 *   qed-writeback.c  the dirty table log and writing tables back
 *   qed-backing.c  opening and reading the backing file
 * Everything here runs in the disk's I/O thread, except open, close and
 * free (control plane, while the layer is detached).
 */
#ifndef VD_STORAGE_LAYERS_QED_PRIV_H
#define VD_STORAGE_LAYERS_QED_PRIV_H

#include "storage/layers/qed.h"
#include "storage/layers/qed-image.h"
#include "storage/layers/qed-log.h"

typedef struct QedState QedState;
typedef struct QedTable QedTable;
typedef struct QedOp QedOp;

/* One L2 table in memory. */
struct QedTable {
    uint32_t l1_index;
    uint64_t offset;            /* in the file */
    uint64_t *entries;          /* g.table_bytes, on-disk byte order */
    uint8_t *dirty;             /* a bit per 4 KiB block changed in memory */
    unsigned n_dirty;           /* blocks set in dirty */
    uint8_t *busy;              /* a bit per entry being allocated */
    unsigned n_busy;
    unsigned pins;              /* ops that hold it (not evictable) */
    bool loading;
    int error;                  /* load failed or entries invalid: -EIO */
    VdRequestQueue waiters;     /* requests waiting for the load */
    QedTable *lru_prev, *lru_next;
};

/* An allocation, a zero marking, or a write back round's write. */
struct QedOp {
    QedState *s;
    VdRequest *req;             /* the guest request, if any */
    QedTable *table;
    uint32_t l2_index;          /* first entry */
    uint32_t n;                 /* entries (clusters) */
    uint64_t host;              /* first new cluster in the file */
    uint64_t guest;             /* guest offset of the first cluster */
    uint64_t data_off;          /* the guest bytes of this run */
    uint64_t data_len;
    bool cow;                   /* fill the clusters from the backing file */
    VdRequest *buf;             /* child holding the cluster buffer */
    const void *src;            /* the guest's bytes; NULL: zeroes */
    uint32_t pending;           /* sub-requests in flight */
    int ret;                    /* the first of their errors */
    QedOp *next;                /* free list, waiting lists */
};

typedef enum {
    QED_CLEAN,                  /* NEED_CHECK not known durable */
    QED_MARKING,                /* setting it (header write, flush) */
    QED_DIRTY,                  /* set and durable */
} QedDirtyState;

struct QedState {
    VdQedOptions opts;
    char *path;
    VdQedImage *img;            /* header, geometry, L1 (on-disk order) */
    VdQedIo *io;                /* control plane only (qed-sync.c) */
    VdLayer *layer;
    VdLayer *file;              /* l->next */
    VdLayer *backing;           /* top of the backing chain, or NULL */
    VdIothread *thread;
    bool durable_writes;        /* the file layer's writethrough */

    /* Tables: by L1 index (l1_used slots), and the LRU of those loaded. */
    QedTable **tables;
    QedTable *lru_head, *lru_tail;  /* head: most recently used */
    unsigned n_tables;
    unsigned max_tables;
    uint64_t *table_offsets;    /* sorted offsets of all L2 tables */
    size_t n_table_offsets;
    QedTable *free_tables;      /* to reuse, through lru_next */

    /* The L1 table: blocks changed in memory, not yet written. */
    uint8_t *l1_dirty;
    unsigned l1_n_dirty;

    /* Allocation at the end of the file (qed-alloc.c). */
    uint64_t cursor;            /* the next free cluster */
    uint64_t size_done;         /* the file is at least this long */
    uint64_t size_target;       /* growing to this (> size_done: in flight) */
    VdRequestQueue space_waiters;   /* waiting for the file to grow */
    VdRequestQueue busy_waiters;    /* waiting for an entry's allocation */

    /* NEED_CHECK and the log (qed-dirty.c, qed-writeback.c). */
    QedDirtyState dirty_state;
    VdRequestQueue dirty_waiters;
    bool log_enabled;
    VdQedLog log;               /* as last written (or being written) */
    uint8_t *unsynced;          /* log-shaped: tables written, not flushed */
    bool unsynced_any;          /* some bit of unsynced is set */

    /* Writing tables back (qed-writeback.c). */
    bool wb_running;
    VdRequestQueue flush_waiters;   /* FLUSH and durable writes */
    VdRequestQueue wb_waiters;      /* those the running round serves */
    VdRequestQueue wb_writes;       /* the running round's prepared writes */
    unsigned wb_pending;
    int wb_ret;
    bool wb_sync;               /* the running round ends with a flush */
    bool wb_need_log;
    bool wb_presync;
    unsigned n_dirty_blocks;    /* over all tables and L1 */

    bool wb_carrier_pending;    /* a request carries the next round */

    /*
     * The disk's request pool (from the first request): internal I/O
     * takes its requests there. Every internal I/O is carried by a guest
     * request that waits for it, so that the disk's drain also drains
     * this layer.
     */
    VdRequestPool *pool;
    QedOp *free_ops;
};

/* The layer's scratch in a guest request it holds. */
typedef struct {
    uint64_t pos;               /* next guest byte to map */
    uint32_t pending;           /* children and ops in flight, +1 issuing */
    int ret;                    /* first error */
    bool changed_mapping;       /* allocated or zeroed clusters */
    bool durable;               /* must be durable on completion */
    bool wb_carrier;            /* waits for a write back round */
} QedReq;

static inline QedReq *
qed_req(VdRequest *req)
{
    return VD_REQUEST_SCRATCH(req, QedReq);
}

/* ---- qed.c ---- */

/* Go on mapping @req from qed_req(req)->pos (after a wait). */
void vd_qed_continue(QedState *s, VdRequest *req);

/* One child or op of @req finished with @ret. */
void vd_qed_req_settle(QedState *s, VdRequest *req, int ret);

/* Continue every request of @q (they wait no more). */
void vd_qed_wake(QedState *s, VdRequestQueue *q);

/* A child of @req for @type on [off, off + len) with @buf. */
VdRequest *vd_qed_child(QedState *s, VdRequest *req, VdReqType type,
                        uint64_t off, uint64_t len, void *buf);

/* Flush the image file: @done(c, ret) with c->opaque = @opaque; it puts c. */
void vd_qed_file_flush(QedState *s, VdRequestDone done, void *opaque);

/* Settle @req from its child @c (its done callback); puts @c. */
void vd_qed_child_done(VdRequest *c, int ret);

QedOp *vd_qed_op_get(QedState *s);
void vd_qed_op_put(QedState *s, QedOp *op);

/* ---- qed-cache.c ---- */

/*
 * The table for L1 entry @l1 (non-zero): NULL when @req had to wait for
 * it to load (it is continued then); the table otherwise (check
 * ->error). Marks it most recently used.
 */
QedTable *vd_qed_table_get(QedState *s, uint32_t l1, VdRequest *req);

/* A new zeroed table at file offset @off for L1 entry @l1 (set in the
 * L1 table in memory), for @req. */
QedTable *vd_qed_table_new(QedState *s, uint32_t l1, uint64_t off,
                           VdRequest *req);

/* Mark entry @i of @t changed in memory. */
void vd_qed_table_dirty(QedState *s, QedTable *t, uint32_t i);

/* Mark L1 entry @i changed in memory. */
void vd_qed_l1_dirty(QedState *s, uint32_t i);

/* Whether @off may be a data cluster now (not in metadata, in file). */
bool vd_qed_data_ok(const QedState *s, uint64_t off);

void vd_qed_cache_free(QedState *s);

/* ---- qed-alloc.c ---- */

/*
 * Map the unallocated (or zero) run of @n entries of table @t (NULL: the
 * L1 entry is 0, a new table is needed) at guest @pos for @req, writing
 * [off, off + len) of the request's data. Returns false when @req had to
 * wait (it is continued later).
 */
bool vd_qed_alloc(QedState *s, VdRequest *req, QedTable *t, uint32_t l1,
                  uint32_t l2, uint32_t n, uint64_t off, uint64_t len,
                  const void *src);

/*
 * Room for @need more bytes at the cursor, below what the file is known
 * to hold: 1; 0 with @req parked until the file has grown; -errno.
 */
int vd_qed_room(QedState *s, VdRequest *req, uint64_t need);

/* Hand out @bytes at the cursor (after vd_qed_room). */
uint64_t vd_qed_take(QedState *s, uint64_t bytes);

/* ---- qed-zero.c ---- */

/*
 * A WRITE_ZEROES or DISCARD run over entries of one kind: the bytes it
 * took care of, or 0 when @req had to wait.
 */
uint64_t vd_qed_zero_run(QedState *s, VdRequest *req, QedTable *t, uint32_t l1,
                     uint32_t l2, uint32_t n, uint64_t entry, uint64_t off,
                     uint64_t len);

/* ---- qed-dirty.c, qed-writeback.c ---- */

/* Dirty table blocks past which a request carries a write back round. */
#define QED_WB_THRESHOLD 256u

/*
 * Whether mappings may change now: 1 when NEED_CHECK is durable; 0 when
 * @req was parked while it is being set (continued after, with an error
 * if it could not be).
 */
int vd_qed_may_change(QedState *s, VdRequest *req);

/* Queue @req (FLUSH, or a write to make durable) behind a write back
 * round that ends with a flush; it completes when that is done. */
void vd_qed_flush(QedState *s, VdRequest *req);

/* If enough is dirty, make @req carry a write back round (no flush). */
void vd_qed_writeback_maybe(QedState *s, VdRequest *req);

/*
 * Control plane, detached: write everything back, make it durable, cut
 * the file to the cursor and clear NEED_CHECK. 0 or -errno.
 */
int vd_qed_close_metadata(QedState *s);

/* ---- qed-backing.c ---- */

/* Open the backing chain of the image (s->backing); false with @err. */
bool vd_qed_backing_open(QedState *s, GError **err);
void vd_qed_backing_close(QedState *s);

/* Read guest [off, off + len) of the backing file into @buf for @req
 * (zeroes past its end, or all zeroes without one). */
void vd_qed_backing_read(QedState *s, VdRequest *req, uint64_t off,
                         uint64_t len, void *buf);

/*
 * The same for internal use: zero-fills what the backing file does not
 * cover and returns a READ request (from @pool) for the rest, for the
 * caller to complete and submit to s->backing; NULL if nothing is left.
 */
VdRequest *vd_qed_backing_child(QedState *s, VdRequestPool *pool,
                                uint64_t off, uint64_t len, void *buf);

#endif /* VD_STORAGE_LAYERS_QED_PRIV_H */
