/*
 * Block requests and their per-disk pool.
 *
 * A VdRequest is one guest operation on its way through the layers of a
 * disk (storage/layer.h): read, write, flush, discard, write-zeroes. It
 * carries its range, flags, buffer and completion callback. Requests come
 * from a VdRequestPool that belongs to one disk and is used only from that
 * disk's I/O thread: it needs no lock, and once warm the hot path does not
 * allocate (the pool grows in chunks when it runs dry, and never shrinks
 * until it is freed).
 *
 * Ownership. Whoever holds a request (has submitted nothing with it, or
 * has had it completed back) owns it. Submitting a request to a layer
 * hands it over until the layer calls its `done`; `done` may run before
 * submit returns, so the submitter must not touch the request after
 * submitting it except from `done`. `done` is called exactly once.
 *
 * Scratch space. `scratch` belongs to the layer that holds the request and
 * will complete it itself: a layer that passes a request down unchanged
 * gives its scratch away with it. A layer that must see the completion of
 * what it sends down takes a child (vd_request_child), keeps its own state
 * in the parent's scratch and completes the parent from the child's done.
 * `link` is for the queue the request currently sits in (pool free list,
 * a held queue, an engine queue): one queue at a time.
 */
#ifndef VD_STORAGE_REQUEST_H
#define VD_STORAGE_REQUEST_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    VD_REQ_READ,
    VD_REQ_WRITE,
    VD_REQ_FLUSH,          /* make every write completed before it durable */
    VD_REQ_DISCARD,        /* the range may read back as anything afterwards */
    VD_REQ_WRITE_ZEROES,   /* the range reads back as zeroes afterwards */
    VD_REQ_N_TYPES
} VdReqType;

/* Request flags. */
enum {
    /* WRITE, WRITE_ZEROES, DISCARD: durable before completion. */
    VD_REQ_FUA = 1u << 0,
    /* WRITE_ZEROES: keep the range allocated (no hole may be punched). */
    VD_REQ_NO_HOLE = 1u << 1,
};

/* Buffers handed to the data path are aligned to this (O_DIRECT-safe). */
#define VD_REQUEST_BUF_ALIGN 4096u

/* Bytes of scratch space a layer may use in a request it holds. */
#define VD_REQUEST_SCRATCH_SIZE 64u

typedef struct VdRequest VdRequest;
typedef struct VdRequestPool VdRequestPool;

/* Completion: ret is 0 on success or a negative errno. */
typedef void (*VdRequestDone)(VdRequest *req, int ret);

struct VdRequest {
    VdReqType type;
    uint32_t flags;        /* VD_REQ_FUA, VD_REQ_NO_HOLE */
    uint64_t offset;       /* bytes */
    uint64_t len;          /* bytes; FLUSH ignores the range */
    void *buf;             /* READ and WRITE: len bytes; NULL otherwise */

    VdRequestDone done;
    void *opaque;          /* the submitter's */
    VdRequest *parent;     /* set by vd_request_child, else NULL */

    /* Queue linkage for the current holder (see above). */
    VdRequest *link_next;
    VdRequest *link_prev;

    /* The engine's while it holds the request: result and progress. */
    int engine_ret;
    uint64_t engine_done;

    /* Private to request.c: the pool, and the buffer given by
     * vd_request_alloc_buf (from a pool size class, or one-off). */
    VdRequestPool *pool;
    void *own_buf;
    int own_buf_class;     /* -1: one-off, freed on put */

    _Alignas(16) unsigned char scratch[VD_REQUEST_SCRATCH_SIZE];
};

/*
 * The scratch space of @req seen as a @type (a struct of the layer's own);
 * fails to compile if the type does not fit.
 */
#define VD_REQUEST_SCRATCH(req, type) \
    ((void)sizeof(struct { \
        _Static_assert(sizeof(type) <= VD_REQUEST_SCRATCH_SIZE, \
                       #type " does not fit in a request's scratch"); \
        int unused; }), \
     (type *)(void *)(req)->scratch)

/*
 * A new pool, allocating @chunk requests at a time. Buffers given by
 * vd_request_alloc_buf of up to @buf_size bytes come back to the pool on
 * put and are reused (one free list per power-of-two size from 4 KiB), so
 * they are allocated only while the pool warms up; larger ones are
 * one-off. Control plane; aborts on out-of-memory like g_malloc.
 */
VdRequestPool *vd_request_pool_new(size_t buf_size, unsigned chunk);

/* Free the pool; every request must have been put back. */
void vd_request_pool_free(VdRequestPool *pool);

/* Requests taken and not yet put back. */
unsigned vd_request_pool_in_use(const VdRequestPool *pool);

/*
 * Allocations the pool has made so far (chunks and one-off buffers):
 * steady for a warm pool, which is what the tests check.
 */
uint64_t vd_request_pool_allocations(const VdRequestPool *pool);

/* Bytes of free buffers the pool keeps for reuse (bounded). */
size_t vd_request_pool_kept_bytes(const VdRequestPool *pool);

/*
 * A zeroed request from @pool (buf NULL, no flags, no callback). Never
 * fails: grows the pool by a chunk when it is empty (aborts on OOM).
 */
VdRequest *vd_request_get(VdRequestPool *pool);

/* Give @req back to its pool (frees a one-off buffer). */
void vd_request_put(VdRequest *req);

/*
 * Point req->buf at an aligned buffer of at least @size bytes that the
 * request owns until it is put: from the pool's free buffers (allocated
 * only when there is none of that size yet), or above the pool's
 * buf_size a one-off allocation. Returns 0 or -ENOMEM. The contents are
 * undefined.
 */
int vd_request_alloc_buf(VdRequest *req, size_t size);

/*
 * A child of @parent from the parent's pool: same type, flags, offset,
 * len and buf, parent set, completion @done. The parent stays with the
 * caller, who completes it from @done.
 */
VdRequest *vd_request_child(VdRequest *parent, VdRequestDone done);

/* Complete @req: calls its done exactly once. */
static inline void
vd_request_complete(VdRequest *req, int ret)
{
    assert(ret <= 0);
    assert(req->done);
    req->done(req, ret);
}

/* Whether a request of this type changes the data. */
static inline bool
vd_request_is_write(VdReqType type)
{
    return type == VD_REQ_WRITE || type == VD_REQ_DISCARD ||
           type == VD_REQ_WRITE_ZEROES;
}

/* Flags a request of @type may carry. */
uint32_t vd_request_allowed_flags(VdReqType type);

/* "read", "write", "flush", "discard", "write-zeroes". */
const char *vd_request_type_name(VdReqType type);

/*
 * An intrusive FIFO of requests through their link fields; O(1) push,
 * pop and removal. Single-threaded like everything here.
 */
typedef struct {
    VdRequest *head;
    VdRequest *tail;
    unsigned len;
} VdRequestQueue;

void vd_request_queue_push(VdRequestQueue *q, VdRequest *req);
VdRequest *vd_request_queue_pop(VdRequestQueue *q);
void vd_request_queue_remove(VdRequestQueue *q, VdRequest *req);

static inline bool
vd_request_queue_empty(const VdRequestQueue *q)
{
    return q->head == NULL;
}

#endif /* VD_STORAGE_REQUEST_H */
