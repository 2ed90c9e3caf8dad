/*
 * The thread-pool engine: blocking system calls in worker threads, for
 * buffered I/O (which libaio would do synchronously) and for what libaio
 * cannot do at all (fallocate).
 *
 * Submission: the I/O thread queues the request under the pool's lock and
 * wakes an idle worker (or starts one, up to MAX_WORKERS). The lock is
 * held to link or unlink a request, never across the system call.
 * Completion: the worker pushes the request on a lock-free stack and, if
 * the stack was empty, writes an eventfd the I/O thread watches; the I/O
 * thread takes the whole stack at once, so one wake-up completes a batch.
 */
#include "config.h"

#include <errno.h>
#include <stdatomic.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include "common/util/error.h"
#include "storage/engine/engine.h"
#include "storage/engine/sync-io.h"

/* Enough to keep a queue depth of 32 busy on buffered random reads that
 * miss the page cache; workers start only when needed. */
#define MAX_WORKERS 16

typedef struct {
    VdEngine base;

    GMutex lock;
    GCond cond;
    VdRequestQueue queue;     /* under lock */
    unsigned n_workers;       /* under lock */
    unsigned n_idle;          /* under lock */
    bool stopping;            /* under lock */
    GThread *workers[MAX_WORKERS];

    _Atomic(VdRequest *) done_stack;   /* through link_next */
    int evfd;
    VdFdWatch *watch;
} ThreadPool;

/* Hand a finished request to the I/O thread. Any thread. */
static void
push_done(ThreadPool *p, VdRequest *req)
{
    VdRequest *head = atomic_load_explicit(&p->done_stack,
                                           memory_order_relaxed);

    do {
        req->link_next = head;
    } while (!atomic_compare_exchange_weak_explicit(
                 &p->done_stack, &head, req,
                 memory_order_release, memory_order_relaxed));
    /* Only the push onto an empty stack wakes the I/O thread: it reads
     * the eventfd before taking the stack, so a push onto a non-empty
     * stack is always taken by a wake-up still to come. */
    if (head == NULL) {
        uint64_t one = 1;
        while (write(p->evfd, &one, sizeof(one)) < 0 && errno == EINTR)
            ;
    }
}

static gpointer
worker_main(gpointer data)
{
    ThreadPool *p = data;

    for (;;) {
        VdRequest *req;

        g_mutex_lock(&p->lock);
        while (vd_request_queue_empty(&p->queue) && !p->stopping) {
            p->n_idle++;
            g_cond_wait(&p->cond, &p->lock);
            p->n_idle--;
        }
        if (p->stopping && vd_request_queue_empty(&p->queue)) {
            g_mutex_unlock(&p->lock);
            return NULL;
        }
        req = vd_request_queue_pop(&p->queue);
        g_mutex_unlock(&p->lock);

        req->engine_ret = vd_sync_io(p->base.fd, req);
        push_done(p, req);
    }
}

static void
on_done(VdFdWatch *w, int fd, uint32_t events, void *opaque)
{
    ThreadPool *p = opaque;
    VdRequest *req, *fifo = NULL;
    uint64_t n;

    if (read(fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
        g_error("thread pool: reading its eventfd: %s", g_strerror(errno));
    req = atomic_exchange_explicit(&p->done_stack, NULL,
                                   memory_order_acquire);
    /* The stack is newest first: reverse it to complete in the order the
     * workers finished. */
    while (req) {
        VdRequest *next = req->link_next;
        req->link_next = fifo;
        fifo = req;
        req = next;
    }
    while (fifo) {
        VdRequest *next = fifo->link_next;
        fifo->link_next = NULL;
        vd_engine_done(&p->base, fifo, fifo->engine_ret);
        fifo = next;
    }
}

static void
tp_submit(VdEngine *e, VdRequest *req)
{
    ThreadPool *p = (ThreadPool *)e;

    g_mutex_lock(&p->lock);
    if (p->n_idle > 0) {
        vd_request_queue_push(&p->queue, req);
        g_cond_signal(&p->cond);
    } else if (p->n_workers < MAX_WORKERS) {
        /* Warm-up only: the pool keeps its workers until it is freed. */
        GThread *th = g_thread_try_new("vd-pool", worker_main, p, NULL);
        if (th)
            p->workers[p->n_workers++] = th;
        if (p->n_workers == 0) {
            /* No thread at all: fail the request, later, as a worker
             * would, rather than leave it queued for nobody. */
            g_mutex_unlock(&p->lock);
            req->engine_ret = -EAGAIN;
            push_done(p, req);
            return;
        }
        /* Without a new worker the request waits for a busy one. */
        vd_request_queue_push(&p->queue, req);
    } else {
        vd_request_queue_push(&p->queue, req);
    }
    g_mutex_unlock(&p->lock);
}

static void
tp_free(VdEngine *e)
{
    ThreadPool *p = (ThreadPool *)e;

    g_mutex_lock(&p->lock);
    g_assert(vd_request_queue_empty(&p->queue));
    p->stopping = true;
    g_cond_broadcast(&p->cond);
    g_mutex_unlock(&p->lock);
    for (unsigned i = 0; i < p->n_workers; i++)
        g_thread_join(p->workers[i]);
    g_assert(atomic_load(&p->done_stack) == NULL);
    vd_iothread_watch_remove(p->watch);
    close(p->evfd);
    g_mutex_clear(&p->lock);
    g_cond_clear(&p->cond);
    g_free(p);
}

static const VdEngineOps threadpool_ops = {
    .name = "threads",
    .submit = tp_submit,
    .free = tp_free,
};

VdEngine *
vd_threadpool_engine_new(VdIothread *t, int fd, GError **err)
{
    ThreadPool *p = g_new0(ThreadPool, 1);

    p->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (p->evfd < 0) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_SYSTEM_ERROR,
                    "thread pool eventfd: %s", g_strerror(errno));
        g_free(p);
        return NULL;
    }
    p->base.ops = &threadpool_ops;
    p->base.thread = t;
    p->base.fd = fd;
    g_mutex_init(&p->lock);
    g_cond_init(&p->cond);
    atomic_init(&p->done_stack, NULL);
    p->watch = vd_iothread_watch_add(t, p->evfd, EPOLLIN, on_done, p);
    return &p->base;
}
