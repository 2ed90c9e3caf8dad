/*
 * Misaligned requests on O_DIRECT, and the ordering that keeps them safe.
 *
 * O_DIRECT takes only offsets, lengths and buffers aligned to the fd's
 * block (fs->align, fs->mem_align). A misaligned read goes through a
 * bounce buffer covering the range rounded out to whole blocks. A
 * misaligned write is a read-modify-write: read the partial first and
 * last blocks into the bounce buffer, copy the guest's bytes over them,
 * write the whole blocks back.
 *
 * Between the read and the write, another write to the same blocks would
 * be overwritten with the stale bytes read before it: a neighbour's
 * write lost, though it was acknowledged. So every write-type request in
 * flight is tracked in arrival order with its range rounded out to
 * blocks, and a request does not start while an earlier overlapping one
 * is in flight if either of the two is an RMW ("serialising"). Plain
 * aligned writes among themselves are not ordered (the guest gets no
 * ordering between writes in flight anyway), so without RMW the cost is
 * one list insertion and removal.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "storage/layers/file-priv.h"

static inline uint64_t
round_down(uint64_t x, uint32_t a)
{
    return x & ~(uint64_t)(a - 1);
}

static inline uint64_t
round_up(uint64_t x, uint32_t a)
{
    return (x + a - 1) & ~(uint64_t)(a - 1);
}

bool
vd_file_misaligned(const FileState *fs, const VdRequest *req)
{
    if ((req->offset | req->len) & (fs->align - 1))
        return true;
    if (req->type == VD_REQ_READ || req->type == VD_REQ_WRITE)
        return ((uintptr_t)req->buf & (fs->mem_align - 1)) != 0;
    return false;
}

/* A bounce child of @req covering its range rounded out to blocks. */
static VdRequest *
bounce_new(FileState *fs, VdRequest *req)
{
    FileReq *fr = file_req(req);
    VdRequest *b = vd_request_get(req->pool);

    memset(file_req(b), 0, sizeof(FileReq));
    if (vd_request_alloc_buf(b, fr->hi - fr->lo) < 0) {
        vd_request_put(b);
        return NULL;
    }
    b->type = req->type;
    b->offset = fr->lo;
    b->len = fr->hi - fr->lo;
    b->parent = req;
    return b;
}

static void
bounce_read_done(FileState *fs, VdRequest *b, int ret)
{
    VdRequest *req = b->parent;

    if (ret == 0)
        memcpy(req->buf, (char *)b->buf + (req->offset - b->offset), req->len);
    vd_request_put(b);
    vd_request_complete(req, ret);
}

void
vd_file_read_bounce(FileState *fs, VdRequest *req)
{
    FileReq *fr = file_req(req);
    VdRequest *b;

    fr->lo = round_down(req->offset, fs->align);
    fr->hi = round_up(req->offset + req->len, fs->align);
    b = bounce_new(fs, req);
    if (!b) {
        vd_request_complete(req, -ENOMEM);
        return;
    }
    vd_file_to_engine(fs, b, bounce_read_done);
}

static void
rmw_write(FileState *fs, VdRequest *req)
{
    FileReq *fr = file_req(req);
    VdRequest *b = fr->aux;

    memcpy((char *)b->buf + (req->offset - fr->lo), req->buf, req->len);
    fr->aux = NULL;
    vd_file_write_bounce(fs, b, req);
}

/* One read of the RMW (or the guard of rmw_start) is over. */
static void
rmw_read_settle(FileState *fs, VdRequest *req)
{
    FileReq *fr = file_req(req);

    if (--fr->pending > 0)
        return;
    if (fr->ret < 0) {
        vd_request_put(fr->aux);
        fr->aux = NULL;
        vd_file_complete(fs, req, fr->ret);
        return;
    }
    rmw_write(fs, req);
}

static void
rmw_read_done(FileState *fs, VdRequest *r, int ret)
{
    VdRequest *req = r->parent;
    FileReq *fr = file_req(req);

    vd_request_put(r);
    if (ret < 0 && fr->ret == 0)
        fr->ret = ret;
    rmw_read_settle(fs, req);
}

/* Read block [off, off + align) of the bounce buffer from the file. */
static void
rmw_read_block(FileState *fs, VdRequest *req, uint64_t off)
{
    FileReq *fr = file_req(req);
    VdRequest *b = fr->aux;
    VdRequest *r = vd_request_get(req->pool);

    memset(file_req(r), 0, sizeof(FileReq));
    r->type = VD_REQ_READ;
    r->offset = off;
    r->len = fs->align;
    r->buf = (char *)b->buf + (off - fr->lo);
    r->parent = req;
    fr->pending++;
    vd_file_to_engine(fs, r, rmw_read_done);
}

static void
rmw_start(FileState *fs, VdRequest *req)
{
    FileReq *fr = file_req(req);
    bool head = req->offset != fr->lo;
    bool tail = req->offset + req->len != fr->hi;

    fr->aux = bounce_new(fs, req);
    if (!fr->aux) {
        vd_file_complete(fs, req, -ENOMEM);
        return;
    }
    fr->ret = 0;
    /* A guard count while the reads go out, so that no completion can
     * see pending reach zero before both are sent. With neither (only
     * the buffer was misaligned) the guard alone goes to the write. */
    fr->pending = 1;
    if (head)
        rmw_read_block(fs, req, fr->lo);
    if (tail && (!head || fr->hi - fr->lo > fs->align))
        rmw_read_block(fs, req, fr->hi - fs->align);
    rmw_read_settle(fs, req);
}

static void
start(FileState *fs, VdRequest *req)
{
    if (req->type == VD_REQ_WRITE && vd_file_misaligned(fs, req))
        rmw_start(fs, req);
    else
        vd_file_start_write(fs, req);
}

static bool
overlaps(const FileReq *a, const FileReq *b)
{
    return a->lo < b->hi && b->lo < a->hi;
}

/* Whether an earlier tracked request keeps @req from starting. */
static bool
must_wait(VdRequest *req)
{
    FileReq *fr = file_req(req);

    for (VdRequest *p = fr->track_prev; p; p = file_req(p)->track_prev) {
        FileReq *pr = file_req(p);
        if ((fr->serialising || pr->serialising) && overlaps(fr, pr))
            return true;
    }
    return false;
}

void
vd_file_track(FileState *fs, VdRequest *req)
{
    FileReq *fr = file_req(req);

    fr->lo = round_down(req->offset, fs->align);
    fr->hi = round_up(req->offset + req->len, fs->align);
    /* Only a write of partial blocks reads before it writes; one whose
     * buffer alone is misaligned bounces whole blocks and needs no order. */
    fr->serialising = req->type == VD_REQ_WRITE &&
                      ((req->offset | req->len) & (fs->align - 1)) != 0;
    fr->tracked = true;
    fr->track_next = NULL;
    fr->track_prev = fs->tracked_tail;
    if (fs->tracked_tail)
        file_req(fs->tracked_tail)->track_next = req;
    else
        fs->tracked_head = req;
    fs->tracked_tail = req;
    if (fr->serialising)
        fs->n_serialising++;

    if (fs->n_serialising > 0 && must_wait(req)) {
        fr->waiting = true;
        fs->n_waiting++;
        return;
    }
    start(fs, req);
}

/* Start the first waiting request that may run; false if none. */
static bool
start_one_waiter(FileState *fs)
{
    for (VdRequest *p = fs->tracked_head; p; p = file_req(p)->track_next) {
        FileReq *pr = file_req(p);
        if (pr->waiting && !must_wait(p)) {
            pr->waiting = false;
            fs->n_waiting--;
            start(fs, p);
            return true;
        }
    }
    return false;
}

void
vd_file_untrack(FileState *fs, VdRequest *req)
{
    FileReq *fr = file_req(req);

    assert(fr->tracked && !fr->waiting);
    if (fr->track_prev)
        file_req(fr->track_prev)->track_next = fr->track_next;
    else
        fs->tracked_head = fr->track_next;
    if (fr->track_next)
        file_req(fr->track_next)->track_prev = fr->track_prev;
    else
        fs->tracked_tail = fr->track_prev;
    fr->track_prev = fr->track_next = NULL;
    fr->tracked = false;
    if (fr->serialising) {
        fs->n_serialising--;
        fr->serialising = false;
    }
    /* Rescan from the head after each start: starting one may complete
     * others and change the list under us. */
    while (fs->n_waiting > 0 && start_one_waiter(fs))
        ;
}
