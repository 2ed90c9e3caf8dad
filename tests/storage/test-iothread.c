/*
 * The I/O thread: posted steps run in order in the thread, results come
 * back to the main loop, fd watches fire and can be removed from their
 * own handler, deferred calls run once before the loop sleeps.
 */
#include "config.h"

#include <unistd.h>
#include <sys/eventfd.h>

#include <check.h>

#include "storage/iothread.h"
#include "tests/common/check-run.h"

static VdIothread *
new_thread_ns(uint64_t poll_ns)
{
    g_autoptr(GError) err = NULL;
    VdIothread *t = vd_iothread_new("vd-test", NULL, poll_ns, &err);

    ck_assert_msg(t != NULL, "%s", err ? err->message : "");
    return t;
}

/* Each test runs twice (_i): with a thread that never polls, and with
 * one that may. */
static VdIothread *
new_thread(int polling)
{
    return new_thread_ns(polling ? VD_IOTHREAD_POLL_NS : 0);
}

/* Block the test's thread until the I/O thread sets *@flag under @lock. */
static void
wait_flag(GMutex *lock, GCond *cond, const bool *flag)
{
    g_mutex_lock(lock);
    while (!*flag)
        g_cond_wait(cond, lock);
    g_mutex_unlock(lock);
}

typedef struct {
    VdIothread *t;
    GArray *order;     /* touched only in the I/O thread until joined */
    bool in_thread;
} Ctx;

typedef struct {
    Ctx *ctx;
    int n;
} Step;

static void
record(void *data)
{
    Step *s = data;

    if (!vd_iothread_is_current(s->ctx->t))
        s->ctx->in_thread = false;
    g_array_append_val(s->ctx->order, s->n);
}

START_TEST(test_post_order)
{
    Ctx ctx = { .in_thread = true };
    Step steps[100];

    ctx.t = new_thread(_i);
    ctx.order = g_array_new(FALSE, FALSE, sizeof(int));
    ck_assert(!vd_iothread_is_current(ctx.t));
    for (int i = 0; i < 100; i++) {
        steps[i] = (Step){ .ctx = &ctx, .n = i };
        vd_iothread_post(ctx.t, record, &steps[i]);
    }
    /* free runs every step posted before it, then joins. */
    vd_iothread_free(ctx.t);
    ck_assert(ctx.in_thread);
    ck_assert_uint_eq(ctx.order->len, 100);
    for (int i = 0; i < 100; i++)
        ck_assert_int_eq(g_array_index(ctx.order, int, i), i);
    g_array_free(ctx.order, TRUE);
}
END_TEST

static bool main_ran;
static bool main_ran_in_main;
static GThread *main_thread;

static void
in_main(void *data)
{
    main_ran = true;
    main_ran_in_main = g_thread_self() == main_thread;
}

static void
post_back(void *data)
{
    VdIothread *t = data;

    vd_iothread_post_main(t, in_main, NULL);
}

START_TEST(test_post_main)
{
    VdIothread *t = new_thread(_i);

    main_thread = g_thread_self();
    main_ran = false;
    vd_iothread_run_sync(t, post_back, t);
    /* Never run directly, even when posting from... anywhere. */
    ck_assert(!main_ran);
    while (!main_ran)
        g_main_context_iteration(NULL, TRUE);
    ck_assert(main_ran_in_main);
    vd_iothread_free(t);
}
END_TEST

typedef struct {
    int fd_a, fd_b;
    VdFdWatch *wa, *wb;
    unsigned calls_a, calls_b;
    GMutex lock;
    GCond cond;
    bool called;
} Watches;

/* A handler ran: tell the test thread, which waits for it. */
static void
signal_called(Watches *ws)
{
    g_mutex_lock(&ws->lock);
    ws->called = true;
    g_cond_signal(&ws->cond);
    g_mutex_unlock(&ws->lock);
}

static void
on_a(VdFdWatch *w, int fd, uint32_t events, void *opaque)
{
    Watches *ws = opaque;
    uint64_t v;

    ws->calls_a++;
    ck_assert(read(fd, &v, sizeof(v)) == sizeof(v));
    /* Remove b, whose event was collected in the same epoll_wait. */
    if (ws->wb) {
        vd_iothread_watch_remove(ws->wb);
        ws->wb = NULL;
    }
    vd_iothread_watch_remove(ws->wa);
    ws->wa = NULL;
    signal_called(ws);
}

static void
on_b(VdFdWatch *w, int fd, uint32_t events, void *opaque)
{
    Watches *ws = opaque;
    uint64_t v;

    ws->calls_b++;
    ck_assert(read(fd, &v, sizeof(v)) == sizeof(v));
    if (ws->wa) {
        vd_iothread_watch_remove(ws->wa);
        ws->wa = NULL;
    }
    vd_iothread_watch_remove(ws->wb);
    ws->wb = NULL;
    signal_called(ws);
}

static VdIothread *cur;

static void
add_and_fire(void *data)
{
    Watches *ws = data;
    uint64_t one = 1;

    ws->wa = vd_iothread_watch_add(cur, ws->fd_a, EPOLLIN, on_a, ws);
    ws->wb = vd_iothread_watch_add(cur, ws->fd_b, EPOLLIN, on_b, ws);
    /* Both ready before the loop waits again: one batch of events. */
    ck_assert(write(ws->fd_a, &one, sizeof(one)) == sizeof(one));
    ck_assert(write(ws->fd_b, &one, sizeof(one)) == sizeof(one));
}

static void
nothing(void *data)
{
}

START_TEST(test_watch_removed_in_batch)
{
    Watches ws = { 0 };

    cur = new_thread(_i);
    ws.fd_a = eventfd(0, EFD_NONBLOCK);
    ws.fd_b = eventfd(0, EFD_NONBLOCK);
    g_mutex_init(&ws.lock);
    g_cond_init(&ws.cond);
    vd_iothread_run_sync(cur, add_and_fire, &ws);
    wait_flag(&ws.lock, &ws.cond, &ws.called);
    /* Posted after the first handler ran, so it runs after the rest of
     * that handler's batch: had the removed watch still been called,
     * that would have happened by now. */
    vd_iothread_run_sync(cur, nothing, NULL);
    /* Exactly one handler ran; the other watch was removed first. */
    ck_assert_uint_eq(ws.calls_a + ws.calls_b, 1);
    ck_assert_ptr_null(ws.wa);
    ck_assert_ptr_null(ws.wb);
    vd_iothread_free(cur);
    close(ws.fd_a);
    close(ws.fd_b);
}
END_TEST

typedef struct {
    VdIothreadDefer defer;
    unsigned runs;
} Deferred;

static void
deferred_run(void *data)
{
    Deferred *d = data;

    d->runs++;
}

static void
schedule_thrice(void *data)
{
    Deferred *d = data;

    vd_iothread_defer_init(&d->defer, deferred_run, d);
    vd_iothread_defer(cur, &d->defer);
    vd_iothread_defer(cur, &d->defer);
    vd_iothread_defer(cur, &d->defer);
    ck_assert_uint_eq(d->runs, 0);
}

static void
schedule_and_cancel(void *data)
{
    Deferred *d = data;

    vd_iothread_defer(cur, &d->defer);
    vd_iothread_defer_cancel(cur, &d->defer);
}

START_TEST(test_defer)
{
    Deferred d = { 0 };

    cur = new_thread(_i);
    vd_iothread_run_sync(cur, schedule_thrice, &d);
    vd_iothread_run_sync(cur, nothing, NULL);
    ck_assert_uint_eq(d.runs, 1);
    vd_iothread_run_sync(cur, schedule_and_cancel, &d);
    vd_iothread_run_sync(cur, nothing, NULL);
    ck_assert_uint_eq(d.runs, 1);
    vd_iothread_free(cur);
}
END_TEST

/*
 * Polling: a check that is WAITING keeps the thread spinning, not
 * sleeping; when it turns READY its fd's event is handled. The window is
 * long so that the spin, not the window's end, decides: had the thread
 * slept instead, nothing would ever write the eventfd and the test would
 * hang (check's timeout fails it).
 */
typedef struct {
    int fd;
    VdFdWatch *watch;
    VdIothreadPollFn check;   /* poller_check unless set */
    unsigned checks;
    bool handled;
    GMutex lock;
    GCond cond;
} Poller;

static VdPollState
poller_check(void *opaque)
{
    Poller *p = opaque;
    uint64_t one = 1;

    if (p->handled)
        return VD_POLL_IDLE;
    if (++p->checks < 3)
        return VD_POLL_WAITING;
    if (p->checks == 3)
        ck_assert(write(p->fd, &one, sizeof(one)) == sizeof(one));
    return VD_POLL_READY;
}

static void
poller_event(VdFdWatch *w, int fd, uint32_t events, void *opaque)
{
    Poller *p = opaque;
    uint64_t v;

    ck_assert(read(fd, &v, sizeof(v)) == sizeof(v));
    g_mutex_lock(&p->lock);
    p->handled = true;
    g_cond_signal(&p->cond);
    g_mutex_unlock(&p->lock);
}

static void
poller_start(void *data)
{
    Poller *p = data;

    p->watch = vd_iothread_watch_add(cur, p->fd, EPOLLIN, poller_event, p);
    vd_iothread_poll_add(cur, p->check ? p->check : poller_check, p);
}

static void
poller_stop(void *data)
{
    Poller *p = data;

    vd_iothread_poll_remove(cur, p);
    vd_iothread_watch_remove(p->watch);
}

/* A thread whose window is an hour, so that only the spin's end, never
 * the window's, lets the test go on; @check (NULL: poller_check) added. */
static void
poller_begin(Poller *p, VdIothreadPollFn check)
{
    *p = (Poller){ .fd = eventfd(0, EFD_NONBLOCK), .check = check };
    g_mutex_init(&p->lock);
    g_cond_init(&p->cond);
    cur = new_thread_ns(3600ull * 1000000000u);
    vd_iothread_run_sync(cur, poller_start, p);
}

static void
poller_end(Poller *p)
{
    vd_iothread_run_sync(cur, poller_stop, p);
    vd_iothread_free(cur);
    close(p->fd);
    g_mutex_clear(&p->lock);
    g_cond_clear(&p->cond);
}

START_TEST(test_poll)
{
    Poller p;

    poller_begin(&p, NULL);
    wait_flag(&p.lock, &p.cond, &p.handled);
    /* Now IDLE: the thread sleeps and still serves posted steps. */
    vd_iothread_run_sync(cur, nothing, NULL);
    poller_end(&p);
    ck_assert_uint_ge(p.checks, 3);
}
END_TEST

/*
 * A spinning thread also looks at its fds: with a check that stays
 * WAITING and an hour-long window, an fd that becomes ready must still
 * be handled. A spin that watched only its checks would hang here.
 */
static VdPollState
looker_check(void *opaque)
{
    Poller *p = opaque;

    return p->handled ? VD_POLL_IDLE : VD_POLL_WAITING;
}

START_TEST(test_poll_looks_at_fds)
{
    Poller p;
    uint64_t one = 1;

    poller_begin(&p, looker_check);
    ck_assert(write(p.fd, &one, sizeof(one)) == sizeof(one));
    wait_flag(&p.lock, &p.cond, &p.handled);
    poller_end(&p);
}
END_TEST

/* vd_iothread_completions_ready follows the checks: READY only. */
static VdPollState ready_state;
static bool ready_seen[3];

static VdPollState
state_check(void *opaque)
{
    return ready_state;
}

static void
ask_ready(void *data)
{
    static const VdPollState states[3] = {
        VD_POLL_IDLE, VD_POLL_WAITING, VD_POLL_READY,
    };

    vd_iothread_poll_add(cur, state_check, &ready_state);
    for (int i = 0; i < 3; i++) {
        ready_state = states[i];
        ready_seen[i] = vd_iothread_completions_ready(cur);
    }
    ready_state = VD_POLL_IDLE;
    vd_iothread_poll_remove(cur, &ready_state);
}

START_TEST(test_completions_ready)
{
    cur = new_thread_ns(VD_IOTHREAD_POLL_NS);
    vd_iothread_run_sync(cur, ask_ready, NULL);
    vd_iothread_free(cur);
    ck_assert(!ready_seen[0]);
    ck_assert(!ready_seen[1]);
    ck_assert(ready_seen[2]);
}
END_TEST

static Suite *
iothread_suite(void)
{
    Suite *s = suite_create("iothread");
    TCase *tc = tcase_create("iothread");

    tcase_add_loop_test(tc, test_post_order, 0, 2);
    tcase_add_loop_test(tc, test_post_main, 0, 2);
    tcase_add_loop_test(tc, test_watch_removed_in_batch, 0, 2);
    tcase_add_loop_test(tc, test_defer, 0, 2);
    tcase_add_test(tc, test_poll);
    tcase_add_test(tc, test_poll_looks_at_fds);
    tcase_add_test(tc, test_completions_ready);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return vd_test_run(iothread_suite());
}
