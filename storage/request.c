/*
 * The request pool: a free list of request slots, grown a chunk at a
 * time. Slots never move (chunks are never reallocated), so pointers to
 * requests stay valid while they are out.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "storage/request.h"

typedef struct Chunk Chunk;
struct Chunk {
    Chunk *next;
    VdRequest *reqs;
};

/* Buffer size classes: 4 KiB << k, up to 32 MiB. */
#define N_CLASSES 14

/*
 * Bytes of free buffers a pool keeps for reuse, all classes together.
 * Enough for a queue of 32 requests of 128 KiB, or 4 of 1 MiB, without
 * allocating; past it buffers are freed on release, so that one burst of
 * large requests does not pin their memory in every disk for good.
 */
#define POOL_KEEP_BYTES (4u << 20)

/* A free buffer holds the link to the next one of its class. */
typedef struct FreeBuf FreeBuf;
struct FreeBuf {
    FreeBuf *next;
};

struct VdRequestPool {
    size_t buf_size;        /* largest buffer kept for reuse */
    unsigned chunk;
    Chunk *chunks;
    VdRequest *free_list;   /* through link_next */
    FreeBuf *free_bufs[N_CLASSES];
    size_t kept_bytes;      /* in free_bufs */
    unsigned in_use;
    uint64_t allocations;
};

VdRequestPool *
vd_request_pool_new(size_t buf_size, unsigned chunk)
{
    VdRequestPool *pool = g_new0(VdRequestPool, 1);

    g_assert(chunk > 0);
    pool->buf_size = MIN(buf_size, (size_t)VD_REQUEST_BUF_ALIGN << (N_CLASSES - 1));
    pool->chunk = chunk;
    return pool;
}

void
vd_request_pool_free(VdRequestPool *pool)
{
    if (!pool)
        return;
    g_assert(pool->in_use == 0);
    while (pool->chunks) {
        Chunk *c = pool->chunks;
        pool->chunks = c->next;
        g_free(c->reqs);
        g_free(c);
    }
    for (unsigned k = 0; k < N_CLASSES; k++) {
        while (pool->free_bufs[k]) {
            FreeBuf *b = pool->free_bufs[k];
            pool->free_bufs[k] = b->next;
            free(b);
        }
    }
    g_free(pool);
}

unsigned
vd_request_pool_in_use(const VdRequestPool *pool)
{
    return pool->in_use;
}

uint64_t
vd_request_pool_allocations(const VdRequestPool *pool)
{
    return pool->allocations;
}

size_t
vd_request_pool_kept_bytes(const VdRequestPool *pool)
{
    return pool->kept_bytes;
}

static void
pool_grow(VdRequestPool *pool)
{
    Chunk *c = g_new0(Chunk, 1);

    c->reqs = g_new0(VdRequest, pool->chunk);
    for (unsigned i = 0; i < pool->chunk; i++) {
        VdRequest *r = &c->reqs[i];
        r->pool = pool;
        r->link_next = pool->free_list;
        pool->free_list = r;
    }
    c->next = pool->chunks;
    pool->chunks = c;
    pool->allocations++;
}

VdRequest *
vd_request_get(VdRequestPool *pool)
{
    VdRequest *r;

    if (!pool->free_list)
        pool_grow(pool);
    r = pool->free_list;
    pool->free_list = r->link_next;
    pool->in_use++;

    /* Only the public part and the links are reset; scratch is the
     * next holder's to initialise. */
    memset(r, 0, offsetof(VdRequest, scratch));
    r->pool = pool;
    r->own_buf_class = -1;
    return r;
}

static size_t
class_bytes(int k)
{
    return (size_t)VD_REQUEST_BUF_ALIGN << k;
}

static void
release_buf(VdRequest *req)
{
    VdRequestPool *pool = req->pool;

    if (!req->own_buf)
        return;
    if (req->own_buf_class < 0 ||
        pool->kept_bytes + class_bytes(req->own_buf_class) > POOL_KEEP_BYTES) {
        free(req->own_buf);
    } else {
        FreeBuf *b = req->own_buf;
        b->next = pool->free_bufs[req->own_buf_class];
        pool->free_bufs[req->own_buf_class] = b;
        pool->kept_bytes += class_bytes(req->own_buf_class);
    }
    req->own_buf = NULL;
    req->own_buf_class = -1;
}

void
vd_request_put(VdRequest *req)
{
    VdRequestPool *pool = req->pool;

    assert(pool->in_use > 0);
    release_buf(req);
    req->link_next = pool->free_list;
    pool->free_list = req;
    pool->in_use--;
}

int
vd_request_alloc_buf(VdRequest *req, size_t size)
{
    VdRequestPool *pool = req->pool;
    size_t class_size = VD_REQUEST_BUF_ALIGN;
    int k = 0;
    void *p;

    release_buf(req);
    if (size <= pool->buf_size) {
        while (class_size < size) {
            class_size *= 2;
            k++;
        }
        if (pool->free_bufs[k]) {
            FreeBuf *b = pool->free_bufs[k];
            pool->free_bufs[k] = b->next;
            pool->kept_bytes -= class_size;
            p = b;
        } else {
            if (posix_memalign(&p, VD_REQUEST_BUF_ALIGN, class_size) != 0)
                return -ENOMEM;
            pool->allocations++;
        }
        req->own_buf_class = k;
    } else {
        /* Larger than the pool keeps: one-off, freed on put. */
        size = (size + VD_REQUEST_BUF_ALIGN - 1) &
               ~(size_t)(VD_REQUEST_BUF_ALIGN - 1);
        if (posix_memalign(&p, VD_REQUEST_BUF_ALIGN, size) != 0)
            return -ENOMEM;
        pool->allocations++;
        req->own_buf_class = -1;
    }
    req->own_buf = p;
    req->buf = p;
    return 0;
}

VdRequest *
vd_request_child(VdRequest *parent, VdRequestDone done)
{
    VdRequest *c = vd_request_get(parent->pool);

    c->type = parent->type;
    c->flags = parent->flags;
    c->offset = parent->offset;
    c->len = parent->len;
    c->buf = parent->buf;
    c->parent = parent;
    c->done = done;
    return c;
}

uint32_t
vd_request_allowed_flags(VdReqType type)
{
    switch (type) {
    case VD_REQ_WRITE:
    case VD_REQ_DISCARD:
        return VD_REQ_FUA;
    case VD_REQ_WRITE_ZEROES:
        return VD_REQ_FUA | VD_REQ_NO_HOLE;
    case VD_REQ_READ:
    case VD_REQ_FLUSH:
    case VD_REQ_N_TYPES:
        break;
    }
    return 0;
}

const char *
vd_request_type_name(VdReqType type)
{
    static const char *const names[VD_REQ_N_TYPES] = {
        [VD_REQ_READ] = "read",
        [VD_REQ_WRITE] = "write",
        [VD_REQ_FLUSH] = "flush",
        [VD_REQ_DISCARD] = "discard",
        [VD_REQ_WRITE_ZEROES] = "write-zeroes",
    };
    return (unsigned)type < VD_REQ_N_TYPES ? names[type] : "invalid";
}

void
vd_request_queue_push(VdRequestQueue *q, VdRequest *req)
{
    req->link_next = NULL;
    req->link_prev = q->tail;
    if (q->tail)
        q->tail->link_next = req;
    else
        q->head = req;
    q->tail = req;
    q->len++;
}

VdRequest *
vd_request_queue_pop(VdRequestQueue *q)
{
    VdRequest *r = q->head;

    if (r)
        vd_request_queue_remove(q, r);
    return r;
}

void
vd_request_queue_remove(VdRequestQueue *q, VdRequest *req)
{
    if (req->link_prev)
        req->link_prev->link_next = req->link_next;
    else
        q->head = req->link_next;
    if (req->link_next)
        req->link_next->link_prev = req->link_prev;
    else
        q->tail = req->link_prev;
    req->link_next = req->link_prev = NULL;
    assert(q->len > 0);
    q->len--;
}
