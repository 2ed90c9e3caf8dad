/*
 * The io_uring engine (io='io_uring'), on O_DIRECT or buffered fds.
 *
 * Requests become SQEs; a deferred call submits the batch with one
 * io_uring_submit after the I/O thread has handled its ready events.
 * Completions raise an eventfd registered with the ring, which the I/O
 * thread watches; it also polls the completion queue before it sleeps.
 * Buffered reads may come back short without being at the end of the
 * file (part of the range was cached): the rest is submitted again; a
 * read of 0 bytes is the end of the file.
 *
 * Operations the kernel's io_uring lacks (probed once) go to a helper
 * thread pool, as do requests that find the submission queue full.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <liburing.h>
#include <sys/eventfd.h>
#include <linux/fs.h>

#include "common/util/error.h"
#include "storage/engine/engine.h"

#define URING_DEPTH 128

typedef struct {
    VdEngine base;
    struct io_uring ring;
    int evfd;
    VdFdWatch *watch;
    VdRequestQueue waiting;     /* no SQE free */
    unsigned in_kernel;
    unsigned unsubmitted;
    VdIothreadDefer submit_defer;
    bool has_fallocate;
    VdEngine *helper;
} UringEngine;

/* Queue the (rest of the) request as an SQE; false if the SQ is full. */
static bool
prepare(UringEngine *u, VdRequest *req)
{
    struct io_uring_sqe *sqe;
    uint64_t done = req->engine_done;
    int fd = u->base.fd;

    /* Never more in the ring than the CQ can hold: an overflowing CQ
     * makes the kernel refuse submissions (-EBUSY). */
    if (u->in_kernel + u->unsubmitted >= URING_DEPTH)
        return false;
    sqe = io_uring_get_sqe(&u->ring);
    if (!sqe)
        return false;
    switch (req->type) {
    case VD_REQ_READ:
        io_uring_prep_read(sqe, fd, (char *)req->buf + done,
                           (unsigned)(req->len - done), req->offset + done);
        break;
    case VD_REQ_WRITE:
        io_uring_prep_write(sqe, fd, (char *)req->buf + done,
                            (unsigned)(req->len - done), req->offset + done);
        /* FUA: durable when the CQE arrives. */
        if (req->flags & VD_REQ_FUA)
            sqe->rw_flags = RWF_DSYNC;
        break;
    case VD_REQ_FLUSH:
        io_uring_prep_fsync(sqe, fd, IORING_FSYNC_DATASYNC);
        break;
    case VD_REQ_DISCARD:
        io_uring_prep_fallocate(sqe, fd,
                                FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                                (off_t)req->offset, (off_t)req->len);
        break;
    case VD_REQ_WRITE_ZEROES:
        io_uring_prep_fallocate(sqe, fd,
                                FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE,
                                (off_t)req->offset, (off_t)req->len);
        break;
    default:
        g_assert_not_reached();
    }
    io_uring_sqe_set_data(sqe, req);
    u->unsubmitted++;
    vd_iothread_defer(u->base.thread, &u->submit_defer);
    return true;
}

/* A later turn of the loop: the SQEs stay queued, so the engine (which
 * is not freed with unsubmitted SQEs) is still there. */
static void
retry_submit(void *data)
{
    UringEngine *u = data;

    vd_iothread_defer(u->base.thread, &u->submit_defer);
}

static void
submit_pending(void *data)
{
    UringEngine *u = data;
    int n;

    if (u->unsubmitted == 0)
        return;
    n = io_uring_submit(&u->ring);
    if (n < 0) {
        if (n == -EAGAIN || n == -EBUSY || n == -EINTR) {
            /* The kernel is short of resources: our completion handler
             * tries again, or with nothing in flight to complete, the
             * next turn of the loop. */
            if (u->in_kernel == 0)
                vd_iothread_post(u->base.thread, retry_submit, u);
            return;
        }
        g_error("io_uring engine: io_uring_submit: %s", g_strerror(-n));
    }
    u->in_kernel += (unsigned)n;
    u->unsubmitted -= (unsigned)n;
}

static void
uring_submit(VdEngine *e, VdRequest *req)
{
    UringEngine *u = (UringEngine *)e;

    req->engine_done = 0;
    if ((req->type == VD_REQ_DISCARD || req->type == VD_REQ_WRITE_ZEROES) &&
        !u->has_fallocate) {
        vd_engine_to_helper(&u->base, &u->helper, req);
        return;
    }
    if (!vd_request_queue_empty(&u->waiting) || !prepare(u, req))
        vd_request_queue_push(&u->waiting, req);
}

/* The request's result from a CQE; 1 when it must go on. */
static int
result_of(VdRequest *req, int res)
{
    if (res < 0)
        return res;
    if (req->type == VD_REQ_READ) {
        if (res == 0) {
            memset((char *)req->buf + req->engine_done, 0,
                   req->len - req->engine_done);
            return 0;
        }
        req->engine_done += (unsigned)res;
        return req->engine_done < req->len ? 1 : 0;
    }
    if (req->type == VD_REQ_WRITE) {
        if (res == 0)
            return -ENOSPC;
        req->engine_done += (unsigned)res;
        return req->engine_done < req->len ? 1 : 0;
    }
    return 0;
}

static void
on_events(VdFdWatch *w, int fd, uint32_t events, void *opaque)
{
    UringEngine *u = opaque;
    struct io_uring_cqe *cqe;

    /* Edge-triggered and never read, as in aio.c: each CQE posted after
     * the loop below emptied the ring raises a new edge. */
    while (io_uring_peek_cqe(&u->ring, &cqe) == 0) {
        VdRequest *req = io_uring_cqe_get_data(cqe);
        int ret = result_of(req, cqe->res);

        io_uring_cqe_seen(&u->ring, cqe);
        u->in_kernel--;
        if (ret == 1) {
            /* Short transfer: the rest goes in again. */
            if (!prepare(u, req))
                vd_request_queue_push(&u->waiting, req);
            continue;
        }
        vd_engine_done(&u->base, req, ret);
    }
    while (!vd_request_queue_empty(&u->waiting) &&
           prepare(u, u->waiting.head))
        vd_request_queue_pop(&u->waiting);
    if (u->unsubmitted > 0)
        vd_iothread_defer(u->base.thread, &u->submit_defer);
}

/* The I/O thread's poll check (iothread.h): the completion queue. */
static VdPollState
cq_poll(void *opaque)
{
    UringEngine *u = opaque;

    if (u->in_kernel == 0)
        return VD_POLL_IDLE;
    return io_uring_cq_ready(&u->ring) > 0 ? VD_POLL_READY : VD_POLL_WAITING;
}

static void
uring_free(VdEngine *e)
{
    UringEngine *u = (UringEngine *)e;

    g_assert(u->in_kernel == 0 && u->unsubmitted == 0);
    g_assert(vd_request_queue_empty(&u->waiting));
    vd_iothread_defer_cancel(e->thread, &u->submit_defer);
    vd_iothread_poll_remove(e->thread, u);
    vd_engine_free(u->helper);
    vd_iothread_watch_remove(u->watch);
    io_uring_queue_exit(&u->ring);
    close(u->evfd);
    g_free(u);
}

static const VdEngineOps uring_ops = {
    .name = "io_uring",
    .submit = uring_submit,
    .free = uring_free,
};

VdEngine *
vd_uring_engine_new(VdIothread *t, int fd, GError **err)
{
    UringEngine *u = g_new0(UringEngine, 1);
    struct io_uring_probe *probe;
    int ret;

    ret = io_uring_queue_init(URING_DEPTH, &u->ring, 0);
    if (ret < 0) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_SYSTEM_ERROR,
                    "io_uring_queue_init: %s", g_strerror(-ret));
        g_free(u);
        return NULL;
    }
    probe = io_uring_get_probe_ring(&u->ring);
    if (!probe || !io_uring_opcode_supported(probe, IORING_OP_READ) ||
        !io_uring_opcode_supported(probe, IORING_OP_WRITE) ||
        !io_uring_opcode_supported(probe, IORING_OP_FSYNC)) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_SYSTEM_ERROR,
                    "io_uring lacks read, write or fsync (kernel too old)");
        io_uring_free_probe(probe);
        io_uring_queue_exit(&u->ring);
        g_free(u);
        return NULL;
    }
    u->has_fallocate = io_uring_opcode_supported(probe, IORING_OP_FALLOCATE);
    io_uring_free_probe(probe);

    u->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (u->evfd < 0 || io_uring_register_eventfd(&u->ring, u->evfd) < 0) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_SYSTEM_ERROR,
                    "io_uring eventfd: %s", g_strerror(errno));
        if (u->evfd >= 0)
            close(u->evfd);
        io_uring_queue_exit(&u->ring);
        g_free(u);
        return NULL;
    }
    u->base.ops = &uring_ops;
    u->base.thread = t;
    u->base.fd = fd;
    vd_iothread_defer_init(&u->submit_defer, submit_pending, u);
    u->watch = vd_iothread_watch_add(t, u->evfd, EPOLLIN | EPOLLET,
                                     on_events, u);
    vd_iothread_poll_add(t, cq_poll, u);
    return &u->base;
}
