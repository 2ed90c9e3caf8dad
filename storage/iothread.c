/*
 * The I/O thread's loop: epoll over the watched fds and an eventfd that
 * wakes it for posted steps, then the deferred calls, then sleep.
 */
#include "config.h"

#include <assert.h>
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

#include "common/util/clock.h"
#include "common/util/error.h"
#include "storage/iothread.h"

#define MAX_EVENTS 64

/*
 * While it spins, how often the thread also asks epoll about the fds no
 * check sees (clients' sockets) and yields its CPU. A request that
 * arrives mid-spin waits at most this long, not until the window ends
 * (which held reads and writes back by up to the window). The yield lets
 * a task sharing the CPU run: a client woken by our reply, or the
 * kernel's completion workers; without it a spinning thread kept a client
 * it had just answered off the CPU for 45 µs in a trace.
 */
#define LOOK_NS 4000u

typedef struct Msg Msg;
struct Msg {
    VdIothreadFn fn;
    void *data;
    Msg *next;
};

struct VdFdWatch {
    VdIothread *thread;
    int fd;
    VdFdHandler handler;
    void *opaque;
    bool removed;
    VdFdWatch *next_removed;
};

struct VdIothread {
    char *name;
    GThread *thread;
    GMainContext *main_ctx;
    int epfd;
    int wakefd;

    /* Posted steps: the only state shared with other threads. The lock
     * is held to link or unlink a message, never while a step runs. */
    GMutex lock;
    Msg *msgs_head;
    Msg *msgs_tail;

    /* I/O thread only. */
    bool stop;
    VdIothreadDefer *defers;
    VdFdWatch *removed;       /* freed after each batch of events */
    unsigned n_watches;
    uint64_t poll_ns;
    GArray *polls;            /* PollCheck */
};

typedef struct {
    VdIothreadPollFn fn;
    void *opaque;
} PollCheck;

static __thread VdIothread *current_thread;

bool
vd_iothread_is_current(const VdIothread *t)
{
    return current_thread == t;
}

static void
wake(VdIothread *t)
{
    uint64_t one = 1;

    /* The counter can only saturate after 2^64 - 1 wake-ups without a
     * read; EAGAIN would still leave the eventfd readable. */
    while (write(t->wakefd, &one, sizeof(one)) < 0 && errno == EINTR)
        ;
}

static void
post_msg(VdIothread *t, Msg *m)
{
    bool was_empty;

    m->next = NULL;
    g_mutex_lock(&t->lock);
    was_empty = t->msgs_head == NULL;
    if (t->msgs_tail)
        t->msgs_tail->next = m;
    else
        t->msgs_head = m;
    t->msgs_tail = m;
    g_mutex_unlock(&t->lock);
    /* Only the first message of a batch needs to wake the thread: it
     * takes the whole list at once. */
    if (was_empty)
        wake(t);
}

void
vd_iothread_post(VdIothread *t, VdIothreadFn fn, void *data)
{
    Msg *m = g_new(Msg, 1);

    m->fn = fn;
    m->data = data;
    post_msg(t, m);
}

typedef struct {
    VdIothreadFn fn;
    void *data;
    GMutex lock;
    GCond cond;
    bool done;
} SyncCall;

static void
sync_call_run(void *data)
{
    SyncCall *c = data;

    c->fn(c->data);
    g_mutex_lock(&c->lock);
    c->done = true;
    g_cond_signal(&c->cond);
    g_mutex_unlock(&c->lock);
}

void
vd_iothread_run_sync(VdIothread *t, VdIothreadFn fn, void *data)
{
    SyncCall c = { .fn = fn, .data = data };

    g_assert(!vd_iothread_is_current(t));
    g_mutex_init(&c.lock);
    g_cond_init(&c.cond);
    vd_iothread_post(t, sync_call_run, &c);
    g_mutex_lock(&c.lock);
    while (!c.done)
        g_cond_wait(&c.cond, &c.lock);
    g_mutex_unlock(&c.lock);
    g_mutex_clear(&c.lock);
    g_cond_clear(&c.cond);
}

static gboolean
main_msg_run(gpointer data)
{
    Msg *m = data;

    m->fn(m->data);
    return G_SOURCE_REMOVE;
}

void
vd_iothread_post_main(VdIothread *t, VdIothreadFn fn, void *data)
{
    /* An idle source rather than g_main_context_invoke: invoke runs the
     * function at once when the caller can acquire the context, which
     * from the I/O thread would run control-plane code in the data
     * plane. */
    GSource *src = g_idle_source_new();
    Msg *m = g_new(Msg, 1);

    m->fn = fn;
    m->data = data;
    g_source_set_priority(src, G_PRIORITY_DEFAULT);
    g_source_set_callback(src, main_msg_run, m, g_free);
    g_source_attach(src, t->main_ctx);
    g_source_unref(src);
}

static void
run_msgs(VdIothread *t)
{
    uint64_t n;
    Msg *m;

    if (read(t->wakefd, &n, sizeof(n)) < 0 && errno != EAGAIN)
        g_error("iothread %s: reading its eventfd: %s", t->name,
                g_strerror(errno));
    g_mutex_lock(&t->lock);
    m = t->msgs_head;
    t->msgs_head = t->msgs_tail = NULL;
    g_mutex_unlock(&t->lock);
    while (m) {
        Msg *next = m->next;
        m->fn(m->data);
        g_free(m);
        m = next;
    }
}

VdFdWatch *
vd_iothread_watch_add(VdIothread *t, int fd, uint32_t events,
                      VdFdHandler handler, void *opaque)
{
    VdFdWatch *w = g_new0(VdFdWatch, 1);
    struct epoll_event ev = { .events = events, .data.ptr = w };

    g_assert(vd_iothread_is_current(t));
    w->thread = t;
    w->fd = fd;
    w->handler = handler;
    w->opaque = opaque;
    if (epoll_ctl(t->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
        g_error("iothread %s: watching fd %d: %s", t->name, fd,
                g_strerror(errno));
    t->n_watches++;
    return w;
}

int
vd_iothread_watch_modify(VdFdWatch *w, uint32_t events)
{
    struct epoll_event ev = { .events = events, .data.ptr = w };

    g_assert(vd_iothread_is_current(w->thread));
    g_assert(!w->removed);
    if (epoll_ctl(w->thread->epfd, EPOLL_CTL_MOD, w->fd, &ev) < 0)
        return -errno;
    return 0;
}

void
vd_iothread_watch_remove(VdFdWatch *w)
{
    VdIothread *t;

    if (!w)
        return;
    t = w->thread;
    g_assert(vd_iothread_is_current(t));
    g_assert(!w->removed);
    /* The fd may already be closed by a careless owner; EBADF then is
     * harmless since closing removed it from the epoll set. */
    epoll_ctl(t->epfd, EPOLL_CTL_DEL, w->fd, NULL);
    /* Freed after the current batch: an event for it may still be in
     * the array being dispatched. */
    w->removed = true;
    w->next_removed = t->removed;
    t->removed = w;
    t->n_watches--;
}


void
vd_iothread_defer(VdIothread *t, VdIothreadDefer *d)
{
    assert(vd_iothread_is_current(t));
    if (d->scheduled)
        return;
    d->scheduled = true;
    d->next = t->defers;
    t->defers = d;
}

void
vd_iothread_defer_cancel(VdIothread *t, VdIothreadDefer *d)
{
    VdIothreadDefer **p;

    assert(vd_iothread_is_current(t));
    if (!d->scheduled)
        return;
    for (p = &t->defers; *p; p = &(*p)->next) {
        if (*p == d) {
            *p = d->next;
            break;
        }
    }
    d->scheduled = false;
    d->next = NULL;
}

static void
run_defers(VdIothread *t)
{
    /* A deferred call may schedule others (or itself again): keep going
     * until none is left, so nothing waits for an unrelated wake-up. */
    while (t->defers) {
        VdIothreadDefer *d = t->defers;
        t->defers = d->next;
        d->next = NULL;
        d->scheduled = false;
        d->fn(d->data);
    }
}

static void
free_removed(VdIothread *t)
{
    while (t->removed) {
        VdFdWatch *w = t->removed;
        t->removed = w->next_removed;
        g_free(w);
    }
}

static void
stop_step(void *data)
{
    VdIothread *t = data;

    t->stop = true;
}

void
vd_iothread_poll_add(VdIothread *t, VdIothreadPollFn fn, void *opaque)
{
    PollCheck c = { fn, opaque };

    g_assert(vd_iothread_is_current(t));
    g_array_append_val(t->polls, c);
}

void
vd_iothread_poll_remove(VdIothread *t, void *opaque)
{
    g_assert(vd_iothread_is_current(t));
    for (guint i = 0; i < t->polls->len; i++) {
        if (g_array_index(t->polls, PollCheck, i).opaque == opaque) {
            g_array_remove_index_fast(t->polls, i);
            return;
        }
    }
}

/* READY if any check is, else WAITING if any is, else IDLE. */
static VdPollState
check_polls(VdIothread *t)
{
    VdPollState all = VD_POLL_IDLE;

    for (guint i = 0; i < t->polls->len; i++) {
        PollCheck *c = &g_array_index(t->polls, PollCheck, i);
        VdPollState st = c->fn(c->opaque);

        if (st == VD_POLL_READY)
            return st;
        if (st == VD_POLL_WAITING)
            all = st;
    }
    return all;
}

bool
vd_iothread_completions_ready(VdIothread *t)
{
    return check_polls(t) == VD_POLL_READY;
}

/*
 * epoll_wait, after polling while completions are due (iothread.h): the
 * spin ends at the first completion the checks see or the first fd epoll
 * reports, whichever comes first.
 */
static int
wait_events(VdIothread *t, struct epoll_event *evs)
{
    VdPollState st;
    uint64_t start, now, next_look;
    int n;

    if (t->poll_ns == 0 || check_polls(t) != VD_POLL_WAITING)
        return epoll_wait(t->epfd, evs, MAX_EVENTS, -1);
    start = next_look = vd_monotonic_ns();
    do {
        now = vd_monotonic_ns();
        if (now >= next_look) {
            n = epoll_wait(t->epfd, evs, MAX_EVENTS, 0);
            if (n != 0)
                return n;
            next_look = now + LOOK_NS;
            sched_yield();
        }
        st = check_polls(t);
    } while (st == VD_POLL_WAITING && now - start < t->poll_ns);
    /* READY: the completion's fd is signalled at once, or a moment after
     * the ring shows it; either way the blocking wait below ends soon. */
    if (st == VD_POLL_READY) {
        n = epoll_wait(t->epfd, evs, MAX_EVENTS, 0);
        if (n != 0)
            return n;
    }
    return epoll_wait(t->epfd, evs, MAX_EVENTS, -1);
}

static gpointer
thread_main(gpointer data)
{
    VdIothread *t = data;
    struct epoll_event evs[MAX_EVENTS];

    current_thread = t;
    while (!t->stop) {
        int n;

        run_defers(t);
        n = wait_events(t, evs);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            g_error("iothread %s: epoll_wait: %s", t->name,
                    g_strerror(errno));
        }
        for (int i = 0; i < n; i++) {
            VdFdWatch *w = evs[i].data.ptr;
            if (w == NULL) {
                run_msgs(t);
                continue;
            }
            if (!w->removed)
                w->handler(w, w->fd, evs[i].events, w->opaque);
        }
        free_removed(t);
    }
    run_defers(t);
    current_thread = NULL;
    return NULL;
}

VdIothread *
vd_iothread_new(const char *name, GMainContext *main_ctx, uint64_t poll_ns,
                GError **err)
{
    VdIothread *t = g_new0(VdIothread, 1);
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };

    t->name = g_strdup(name);
    t->poll_ns = poll_ns;
    t->polls = g_array_new(FALSE, FALSE, sizeof(PollCheck));
    t->main_ctx = main_ctx ? g_main_context_ref(main_ctx)
                           : g_main_context_ref(g_main_context_default());
    g_mutex_init(&t->lock);
    t->epfd = epoll_create1(EPOLL_CLOEXEC);
    t->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (t->epfd < 0 || t->wakefd < 0 ||
        epoll_ctl(t->epfd, EPOLL_CTL_ADD, t->wakefd, &ev) < 0) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_SYSTEM_ERROR,
                    "I/O thread %s: %s", name, g_strerror(errno));
        goto fail;
    }
    t->thread = g_thread_try_new(name, thread_main, t, err);
    if (!t->thread)
        goto fail;
    return t;

fail:
    g_array_free(t->polls, TRUE);
    if (t->epfd >= 0)
        close(t->epfd);
    if (t->wakefd >= 0)
        close(t->wakefd);
    g_mutex_clear(&t->lock);
    g_main_context_unref(t->main_ctx);
    g_free(t->name);
    g_free(t);
    return NULL;
}

void
vd_iothread_free(VdIothread *t)
{
    if (!t)
        return;
    g_assert(!vd_iothread_is_current(t));
    vd_iothread_post(t, stop_step, t);
    g_thread_join(t->thread);
    /* Steps posted after the stop never ran: that is a caller bug. */
    g_assert(t->msgs_head == NULL);
    g_assert(t->n_watches == 0);
    free_removed(t);
    g_assert(t->polls->len == 0);
    g_array_free(t->polls, TRUE);
    close(t->epfd);
    close(t->wakefd);
    g_mutex_clear(&t->lock);
    g_main_context_unref(t->main_ctx);
    g_free(t->name);
    g_free(t);
}
