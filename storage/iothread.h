/*
 * I/O threads: the data plane's event loops.
 *
 * A VdIothread is one thread running its own epoll loop. It owns the
 * layers, engines and exports of the disks attached to it: their code runs
 * only there, so none of it takes locks. The main loop (GLib, control
 * plane) talks to it by messages: vd_iothread_post runs a step in the I/O
 * thread (an eventfd wakes it), vd_iothread_post_main runs a step back in
 * the main loop. No lock is held across I/O.
 *
 * Threads. new/free and the post functions may be called from any thread
 * except that free must not be called from the I/O thread itself. The
 * watch and defer functions may be called only from the I/O thread (in a
 * callback or a posted step). Callbacks run in the I/O thread, one at a
 * time, never re-entered.
 */
#ifndef VD_STORAGE_IOTHREAD_H
#define VD_STORAGE_IOTHREAD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <glib.h>

typedef struct VdIothread VdIothread;
typedef struct VdFdWatch VdFdWatch;

/* A step posted to a thread. */
typedef void (*VdIothreadFn)(void *data);

/*
 * An fd is ready. @events are epoll's (EPOLLIN, EPOLLOUT, EPOLLERR,
 * EPOLLHUP, EPOLLRDHUP). Watches are level-triggered.
 */
typedef void (*VdFdHandler)(VdFdWatch *watch, int fd, uint32_t events,
                            void *opaque);

/*
 * Start an I/O thread named @name (for debuggers and logs), which posts
 * its results to @main_ctx (NULL: the global default main context).
 * @poll_ns: its polling window (below); 0: it never polls.
 * Control plane.
 */
VdIothread *vd_iothread_new(const char *name, GMainContext *main_ctx,
                            uint64_t poll_ns,
                            GError **err);

/*
 * Stop the thread and join it, after it has run every step posted before.
 * Every watch must have been removed (the owners' teardown steps do that).
 * Not from the I/O thread itself.
 */
void vd_iothread_free(VdIothread *t);

/* Whether the calling thread is @t. */
bool vd_iothread_is_current(const VdIothread *t);

/*
 * Run fn(data) in the I/O thread, after the steps posted before it
 * (FIFO). Any thread. Allocates a little: for control steps, not for
 * each request.
 */
void vd_iothread_post(VdIothread *t, VdIothreadFn fn, void *data);

/*
 * Run fn(data) in the I/O thread and wait for it to return. For setup,
 * teardown and tests; never from the I/O thread, and never while holding
 * anything the I/O thread may wait for.
 */
void vd_iothread_run_sync(VdIothread *t, VdIothreadFn fn, void *data);

/*
 * Run fn(data) in the main context given at vd_iothread_new, from an idle
 * source. Any thread. Never runs fn directly, even when the caller owns
 * the context, so that completions never nest inside the caller.
 */
void vd_iothread_post_main(VdIothread *t, VdIothreadFn fn, void *data);

/* Watch @fd for @events (EPOLLIN, EPOLLOUT...). I/O thread only. */
VdFdWatch *vd_iothread_watch_add(VdIothread *t, int fd, uint32_t events,
                                 VdFdHandler handler, void *opaque);

/* Change the events of @w. Returns 0 or -errno. I/O thread only. */
int vd_iothread_watch_modify(VdFdWatch *w, uint32_t events);

/*
 * Stop watching (the fd stays open: the caller closes it). Safe from the
 * watch's own handler: a removed watch gets no further call, even for
 * events already collected in the same loop iteration. I/O thread only.
 */
void vd_iothread_watch_remove(VdFdWatch *w);

/*
 * A deferred call: run once after the current batch of ready events,
 * before the loop sleeps again. Engines use it to submit, in one system
 * call, every request queued while the loop handled one batch. Embed it
 * in the owner's struct and initialise it with vd_iothread_defer_init.
 */
typedef struct VdIothreadDefer VdIothreadDefer;
struct VdIothreadDefer {
    VdIothreadFn fn;
    void *data;
    bool scheduled;
    VdIothreadDefer *next;
};

static inline void
vd_iothread_defer_init(VdIothreadDefer *d, VdIothreadFn fn, void *data)
{
    d->fn = fn;
    d->data = data;
    d->scheduled = false;
    d->next = NULL;
}

/*
 * Schedule @d (no-op if already scheduled). I/O thread only. A deferred
 * call whose owner goes away must be cancelled first.
 */
void vd_iothread_defer(VdIothread *t, VdIothreadDefer *d);

/* Unschedule @d if scheduled. I/O thread only. */
void vd_iothread_defer_cancel(VdIothread *t, VdIothreadDefer *d);

/*
 * Polling. Before it sleeps, a thread with requests in the kernel looks
 * for their completions without a system call, for up to its polling
 * window: a sleeping thread has to be woken, which on a virtual machine
 * costs tens of microseconds per completion. Every few microseconds of
 * the spin it also asks epoll about its other fds, so that a new request
 * ends the spin too, and yields its CPU to any task waiting for it.
 *
 * A poll check reports whether its completions are there (READY; the
 * thread then takes them through their fd's watch), may come (WAITING),
 * or none is expected (IDLE). The thread spins only while some check is
 * WAITING, so an idle thread never does. Checks run in the I/O thread;
 * add and remove them there.
 */
typedef enum {
    VD_POLL_IDLE,
    VD_POLL_WAITING,
    VD_POLL_READY,
} VdPollState;

typedef VdPollState (*VdIothreadPollFn)(void *opaque);

/*
 * The daemon's default window. It covers the 200-400 µs a virtual disk
 * takes to answer a queue of 32 requests, so that a busy thread does not
 * sleep between them; 30 µs did not (bench/RESULTS.md, "Polling that
 * also looks at the sockets").
 */
#define VD_IOTHREAD_POLL_NS 200000u

void vd_iothread_poll_add(VdIothread *t, VdIothreadPollFn fn, void *opaque);
void vd_iothread_poll_remove(VdIothread *t, void *opaque);

/*
 * Whether some check sees completions waiting (READY), without a system
 * call. A handler that could go on reading new requests for a long time
 * asks this between reads and, if so, returns to the loop, so that
 * replies do not wait behind the whole stream of new requests.
 */
bool vd_iothread_completions_ready(VdIothread *t);

#endif /* VD_STORAGE_IOTHREAD_H */
