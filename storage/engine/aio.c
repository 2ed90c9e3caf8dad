/*
 * The libaio engine: Linux native AIO on O_DIRECT files.
 *
 * Each request is submitted as it comes, one io_submit each. Gathering
 * the requests of a wake-up into one io_submit saves system calls but
 * holds the first ones back, and the device then completes them in
 * bursts that the client works through one by one: at queue depth 32,
 * 4 KiB random reads through the NBD export ran 1.2x faster with
 * immediate submission (bench/nbd-peers.sh, see bench/RESULTS.md).
 * Only requests that found the kernel's queue full wait for a deferred
 * call.
 *
 * Completions raise an eventfd (IOCB_FLAG_RESFD) that the I/O thread
 * watches, and land in a ring that it polls before it sleeps (see
 * ring_poll); they are reaped from that ring in place.
 *
 * What AIO cannot do goes to a helper thread pool: fallocate always, and
 * fdatasync if the kernel refuses IOCB_CMD_FDSYNC for this file.
 *
 * On a buffered fd io_submit would block in the I/O thread: the engine
 * selection (engine.c) uses libaio only for O_DIRECT.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <libaio.h>
#include <sys/eventfd.h>
#include <linux/fs.h>

#include "common/util/error.h"
#include "storage/engine/engine.h"

/* Requests in the kernel at once; more wait in `waiting`. */
#define AIO_DEPTH 128

typedef struct {
    VdEngine base;
    io_context_t ctx;
    int evfd;
    VdFdWatch *watch;

    struct iocb iocbs[AIO_DEPTH];
    unsigned free_slots[AIO_DEPTH];
    unsigned n_free;
    struct iocb *pending[AIO_DEPTH];   /* prepared, not yet submitted */
    unsigned n_pending;
    VdRequestQueue waiting;            /* no slot free */
    unsigned in_kernel;
    VdIothreadDefer submit_defer;

    VdEngine *helper;                  /* thread pool, started on demand */
    bool no_fdsync;                    /* the kernel refused IOCB_CMD_FDSYNC */
} AioEngine;

static void
prepare(AioEngine *a, VdRequest *req)
{
    unsigned slot = a->free_slots[--a->n_free];
    struct iocb *cb = &a->iocbs[slot];

    switch (req->type) {
    case VD_REQ_READ:
        io_prep_pread(cb, a->base.fd, req->buf, req->len, (long long)req->offset);
        break;
    case VD_REQ_WRITE:
        io_prep_pwrite(cb, a->base.fd, req->buf, req->len, (long long)req->offset);
        /* FUA: the write is durable when the iocb completes. */
        if (req->flags & VD_REQ_FUA)
            cb->aio_rw_flags = RWF_DSYNC;
        break;
    case VD_REQ_FLUSH:
        io_prep_fdsync(cb, a->base.fd);
        break;
    default:
        g_assert_not_reached();
    }
    cb->data = req;
    io_set_eventfd(cb, a->evfd);
    a->pending[a->n_pending++] = cb;
}

static void release_slot(AioEngine *a, struct iocb *cb);

static void
retry_submit(void *data)
{
    AioEngine *a = data;

    vd_iothread_defer(a->base.thread, &a->submit_defer);
}

static void
submit_pending(void *data)
{
    AioEngine *a = data;
    unsigned done = 0;

    while (done < a->n_pending) {
        int n = io_submit(a->ctx, a->n_pending - done, a->pending + done);
        if (n == -EAGAIN || n == -EINTR) {
            /* The kernel is short of resources: completions schedule us
             * again, or with none in flight, the next turn of the loop
             * (the pending iocbs keep the engine from being freed). */
            if (a->in_kernel == 0)
                vd_iothread_post(a->base.thread, retry_submit, a);
            break;
        }
        if (n < 0) {
            /* The first iocb was refused (io_submit reports the error of
             * the first one it could not take); the rest may be fine. */
            struct iocb *cb = a->pending[done++];
            VdRequest *req = cb->data;
            release_slot(a, cb);
            if (n == -EINVAL && req->type == VD_REQ_FLUSH) {
                /* No IOCB_CMD_FDSYNC here: the pool does fdatasync. */
                a->no_fdsync = true;
                vd_engine_to_helper(&a->base, &a->helper, req);
            } else {
                vd_engine_done(&a->base, req, n);
            }
            continue;
        }
        done += (unsigned)n;
        a->in_kernel += (unsigned)n;
    }
    memmove(a->pending, a->pending + done,
            (a->n_pending - done) * sizeof(a->pending[0]));
    a->n_pending -= done;
}

static void
aio_submit(VdEngine *e, VdRequest *req)
{
    AioEngine *a = (AioEngine *)e;

    if (req->type == VD_REQ_DISCARD || req->type == VD_REQ_WRITE_ZEROES ||
        (req->type == VD_REQ_FLUSH && a->no_fdsync)) {
        vd_engine_to_helper(&a->base, &a->helper, req);
        return;
    }
    if (a->n_free == 0) {
        vd_request_queue_push(&a->waiting, req);
        return;
    }
    prepare(a, req);
    submit_pending(a);
}

static void
release_slot(AioEngine *a, struct iocb *cb)
{
    a->free_slots[a->n_free++] = (unsigned)(cb - a->iocbs);
}

static int
result_of(const VdRequest *req, long res)
{
    if (res < 0)
        return (int)res;
    if (req->type == VD_REQ_READ && (uint64_t)res < req->len) {
        /* A short O_DIRECT read ends at the end of the file: the rest
         * reads as zeroes. */
        memset((char *)req->buf + res, 0, req->len - (uint64_t)res);
    } else if (req->type == VD_REQ_WRITE && (uint64_t)res < req->len) {
        /* A short direct write means the file system is full. */
        return -ENOSPC;
    }
    return 0;
}

/*
 * The completion ring the kernel shares with us at the address of the
 * io_context (fs/aio.c, struct aio_ring). Reading it directly, as QEMU
 * and SPDK do, saves an io_getevents system call per batch; the magic
 * number says whether this kernel lays it out that way.
 */
struct aio_ring {
    unsigned id;
    unsigned nr;
    unsigned head;
    unsigned tail;
    unsigned magic;
    unsigned compat_features;
    unsigned incompat_features;
    unsigned header_length;
    struct io_event io_events[];
};
#define AIO_RING_MAGIC 0xa10a10a1

/* Completed events from the ring: up to its end, @*events set. */
static unsigned
ring_peek(io_context_t ctx, struct io_event **events)
{
    struct aio_ring *ring = (struct aio_ring *)ctx;
    unsigned head = ring->head;
    unsigned tail = __atomic_load_n(&ring->tail, __ATOMIC_ACQUIRE);

    /* The acquire pairs with the kernel's write barrier between filling
     * an event and moving tail: no event is read before it is written. */
    *events = ring->io_events + head;
    return tail >= head ? tail - head : ring->nr - head;
}

static void
ring_commit(io_context_t ctx, unsigned n)
{
    struct aio_ring *ring = (struct aio_ring *)ctx;

    /* Release: the events are consumed before the kernel may reuse
     * their slots. */
    __atomic_store_n(&ring->head, (ring->head + n) % ring->nr,
                     __ATOMIC_RELEASE);
}

static void
complete_event(AioEngine *a, const struct io_event *ev)
{
    struct iocb *cb = ev->obj;
    VdRequest *req = cb->data;
    int ret = result_of(req, (long)ev->res);

    a->in_kernel--;
    release_slot(a, cb);
    if (ret == -EINVAL && req->type == VD_REQ_FLUSH) {
        /* No IOCB_CMD_FDSYNC for this file: the pool does fdatasync. */
        a->no_fdsync = true;
        vd_engine_to_helper(&a->base, &a->helper, req);
        return;
    }
    vd_engine_done(&a->base, req, ret);
}

static void
on_events(VdFdWatch *w, int fd, uint32_t events, void *opaque)
{
    AioEngine *a = opaque;

    /*
     * The eventfd is watched edge-triggered and never read: every
     * completion writes it, which raises a new edge, so a completion
     * that lands after the ring was emptied below still wakes the loop.
     * (Its counter would take 2^64 completions to saturate.)
     */
    for (;;) {
        struct io_event *evs;
        unsigned n = ring_peek(a->ctx, &evs);

        if (n == 0)
            break;
        for (unsigned i = 0; i < n; i++) {
            /* Copy out: completing may submit, and the slot's event
             * must be consumed before the ring head moves past it. */
            struct io_event ev = evs[i];
            complete_event(a, &ev);
        }
        ring_commit(a->ctx, n);
    }
    /* Freed slots go to the requests that waited for one. */
    while (a->n_free > 0 && !vd_request_queue_empty(&a->waiting))
        prepare(a, vd_request_queue_pop(&a->waiting));
    if (a->n_pending > 0)
        vd_iothread_defer(a->base.thread, &a->submit_defer);
}

/* The I/O thread's poll check (iothread.h): the ring, read in place. */
static VdPollState
ring_poll(void *opaque)
{
    AioEngine *a = opaque;
    struct io_event *evs;

    if (a->in_kernel == 0)
        return VD_POLL_IDLE;
    return ring_peek(a->ctx, &evs) > 0 ? VD_POLL_READY : VD_POLL_WAITING;
}

/* Kernels whose ring is not the known layout: reap by system call. */
static void
on_events_syscall(VdFdWatch *w, int fd, uint32_t events, void *opaque)
{
    AioEngine *a = opaque;
    struct io_event evs[AIO_DEPTH];
    struct timespec zero = { 0, 0 };
    int n;

    do {
        n = io_getevents(a->ctx, 0, AIO_DEPTH, evs, &zero);
        if (n == -EINTR)
            continue;
        if (n < 0)
            g_error("libaio engine: io_getevents: %s", g_strerror(-n));
        for (int i = 0; i < n; i++)
            complete_event(a, &evs[i]);
    } while (n == AIO_DEPTH || n == -EINTR);
    while (a->n_free > 0 && !vd_request_queue_empty(&a->waiting))
        prepare(a, vd_request_queue_pop(&a->waiting));
    if (a->n_pending > 0)
        vd_iothread_defer(a->base.thread, &a->submit_defer);
}

static void
aio_free(VdEngine *e)
{
    AioEngine *a = (AioEngine *)e;

    g_assert(a->in_kernel == 0 && a->n_pending == 0);
    g_assert(vd_request_queue_empty(&a->waiting));
    vd_iothread_defer_cancel(e->thread, &a->submit_defer);
    vd_iothread_poll_remove(e->thread, a);
    vd_engine_free(a->helper);
    vd_iothread_watch_remove(a->watch);
    io_destroy(a->ctx);
    close(a->evfd);
    g_free(a);
}

static const VdEngineOps aio_ops = {
    .name = "libaio",
    .submit = aio_submit,
    .free = aio_free,
};

VdEngine *
vd_aio_engine_new(VdIothread *t, int fd, GError **err)
{
    AioEngine *a = g_new0(AioEngine, 1);
    bool ring;
    int ret;

    ret = io_setup(AIO_DEPTH, &a->ctx);
    if (ret < 0) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_SYSTEM_ERROR,
                    "io_setup: %s", g_strerror(-ret));
        g_free(a);
        return NULL;
    }
    a->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (a->evfd < 0) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_SYSTEM_ERROR,
                    "libaio eventfd: %s", g_strerror(errno));
        io_destroy(a->ctx);
        g_free(a);
        return NULL;
    }
    a->base.ops = &aio_ops;
    a->base.thread = t;
    a->base.fd = fd;
    for (unsigned i = 0; i < AIO_DEPTH; i++)
        a->free_slots[i] = AIO_DEPTH - 1 - i;
    a->n_free = AIO_DEPTH;
    vd_iothread_defer_init(&a->submit_defer, submit_pending, a);
    ring = ((struct aio_ring *)a->ctx)->magic == AIO_RING_MAGIC;
    a->watch = vd_iothread_watch_add(t, a->evfd, EPOLLIN | EPOLLET,
                                     ring ? on_events : on_events_syscall, a);
    if (ring)
        vd_iothread_poll_add(t, ring_poll, a);
    return &a->base;
}
