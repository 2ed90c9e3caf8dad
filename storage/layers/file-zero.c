/*
 * Discard and write-zeroes in the file layer: fallocate (PUNCH_HOLE for a
 * discard, and for zeroes where a hole is allowed; ZERO_RANGE where the
 * range must stay allocated), made durable by fdatasync when the request
 * must be, and when the file system refuses fallocate, zeroes written as
 * ordinary writes. What the file system refused once is remembered.
 */
#include "config.h"

#include <errno.h>

#include "storage/layers/file-priv.h"


/*
 * ZERO_BUF_SIZE zeroes, aligned for O_DIRECT, shared by every file layer
 * and only read: made the first time a disk needs it, so that opening a
 * disk costs no megabyte of memset (the crash explorer opens thousands).
 */
static void *
zero_buf(void)
{
    static void *buf;

    if (g_once_init_enter(&buf)) {
        void *p;

        if (posix_memalign(&p, VD_REQUEST_BUF_ALIGN, ZERO_BUF_SIZE))
            g_error("out of memory for the zero buffer");
        memset(p, 0, ZERO_BUF_SIZE);
        g_once_init_leave(&buf, p);
    }
    return buf;
}

static void start_zero_writes(FileState *fs, VdRequest *req);

static void
fallocate_done(FileState *fs, VdRequest *req, int ret)
{
    FileReq *fr = file_req(req);

    if (ret == -EOPNOTSUPP) {
        if (req->type == VD_REQ_DISCARD)
            fs->no_punch = true;
        else
            fs->no_zero_range = true;
        if (fr->orig_type == VD_REQ_DISCARD) {
            /* Discard is advisory: not doing it is a correct answer. */
            vd_file_complete(fs, req, 0);
        } else {
            req->type = fr->orig_type;
            vd_file_start_fallocate(fs, req);
        }
        return;
    }
    if (ret == 0 && vd_file_wants_durable(fs, req)) {
        /* fallocate has no RWF_DSYNC: the hole or the zeroed extents
         * are durable only after fdatasync. */
        vd_file_flush_then_complete(fs, req);
        return;
    }
    vd_file_complete(fs, req, ret);
}

/* Whether fallocate on a block device would refuse @req's range. */
static bool
blk_misaligned(const FileState *fs, const VdRequest *req)
{
    return fs->is_blkdev &&
           ((req->offset | req->len) & (fs->dev_align - 1)) != 0;
}

void
vd_file_start_fallocate(FileState *fs, VdRequest *req)
{
    bool misaligned = blk_misaligned(fs, req);

    switch (req->type) {
    case VD_REQ_DISCARD:
        /* Block devices only discard whole blocks; a partial one is
         * left alone, which discard allows. */
        if (fs->no_punch || misaligned) {
            vd_file_complete(fs, req, 0);
            return;
        }
        vd_file_to_engine(fs, req, fallocate_done);
        return;
    case VD_REQ_WRITE_ZEROES:
        if (misaligned) {
            start_zero_writes(fs, req);
        } else if (!(req->flags & VD_REQ_NO_HOLE) && !fs->no_punch) {
            /* A hole reads as zeroes and frees the space. */
            req->type = VD_REQ_DISCARD;
            vd_file_to_engine(fs, req, fallocate_done);
        } else if (!fs->no_zero_range) {
            /* NO_HOLE: zeroed but allocated (unwritten extents). */
            vd_file_to_engine(fs, req, fallocate_done);
        } else {
            start_zero_writes(fs, req);
        }
        return;
    default:
        g_assert_not_reached();
    }
}

/*
 * Zeroes by writing them, when fallocate cannot: chunks of the shared zero
 * buffer, each an ordinary write through this layer (so aligned, bounced
 * or RMW as needed, and durable in the modes that make writes durable).
 * Chunks after the first start aligned, so only the ends need RMW.
 */
static void zero_chunk_done(VdRequest *child, int ret);

static void
zero_chunk_submit(FileState *fs, VdRequest *child, uint64_t offset,
                  uint64_t end)
{
    uint64_t room = ZERO_BUF_SIZE - (offset & (fs->align - 1));

    child->type = VD_REQ_WRITE;
    child->offset = offset;
    child->len = MIN(room, end - offset);
    child->buf = zero_buf();
    vd_file_submit_own(fs, child);
}

static void
start_zero_writes(FileState *fs, VdRequest *req)
{
    FileReq *fr = file_req(req);
    VdRequest *child;

    /* The children are tracked in its place: were it still tracked, a
     * child RMW would wait for it, and it for the child. */
    if (fr->tracked)
        vd_file_untrack(fs, req);
    if (req->len == 0) {
        vd_file_complete(fs, req, 0);
        return;
    }
    child = vd_request_get(req->pool);
    child->flags = fr->orig_flags & VD_REQ_FUA;
    child->parent = req;
    child->opaque = fs;
    child->done = zero_chunk_done;
    zero_chunk_submit(fs, child, req->offset, req->offset + req->len);
}

static void
zero_chunk_done(VdRequest *child, int ret)
{
    FileState *fs = child->opaque;
    VdRequest *parent = child->parent;
    uint64_t next = child->offset + child->len;
    uint64_t end = parent->offset + parent->len;

    if (ret < 0 || next == end) {
        vd_request_put(child);
        vd_file_complete(fs, parent, ret);
        return;
    }
    zero_chunk_submit(fs, child, next, end);
}
