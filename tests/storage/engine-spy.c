/*
 * The engine spy: wraps the real engine under the file layer. Each engine
 * request is one system call (engine.h), so counting them counts writes,
 * RWF_DSYNC writes, fdatasyncs and fallocates exactly.
 *
 * It also models durability the way the kernel gives it: a change that
 * completed without RWF_DSYNC is unsynced until an fdatasync that was
 * submitted after it completed has completed. (An fdatasync submitted
 * before the change completed does not cover it.) Tests ask, at the
 * moment the disk completes a request, whether its range is durable.
 *
 * Injected errors and refusals complete from a deferred call, never
 * inside submit, as the engine contract requires.
 */
#include "config.h"

#include <errno.h>

#include <check.h>

#include "tests/storage/storage-test.h"

#define MAX_UNSYNCED 4096
#define MAX_FLUSHES 256

typedef struct {
    uint64_t off, len;
    uint64_t seq;           /* when it completed */
} Change;

typedef struct {
    VdRequest *req;
    uint64_t seq;           /* changes with seq <= this are covered */
} PendingFlush;

struct VdTestSpy {
    VdEngine base;
    VdEngine *inner;
    VdTestSpyCounts counts;

    uint64_t seq;
    Change unsynced[MAX_UNSYNCED];
    unsigned n_unsynced;
    PendingFlush flushes[MAX_FLUSHES];
    unsigned n_flushes;

    int fail_err[VD_REQ_N_TYPES];       /* per engine request type */
    unsigned fail_count[VD_REQ_N_TYPES];
    bool refuse_fua;
    VdRequestQueue rejected;    /* completed by `reject_defer` */
    VdIothreadDefer reject_defer;
};

static void
record_change(VdTestSpy *s, const VdRequest *req)
{
    ck_assert_uint_lt(s->n_unsynced, MAX_UNSYNCED);
    s->unsynced[s->n_unsynced++] = (Change){
        .off = req->offset, .len = req->len, .seq = ++s->seq,
    };
}

static void
flush_covered(VdTestSpy *s, VdRequest *req)
{
    uint64_t upto = 0;
    bool found = false;
    unsigned i, j;

    for (i = 0; i < s->n_flushes; i++) {
        if (s->flushes[i].req == req) {
            upto = s->flushes[i].seq;
            s->flushes[i] = s->flushes[--s->n_flushes];
            found = true;
            break;
        }
    }
    ck_assert_msg(found, "unknown flush completed");
    for (i = j = 0; i < s->n_unsynced; i++) {
        if (s->unsynced[i].seq > upto)
            s->unsynced[j++] = s->unsynced[i];
    }
    s->n_unsynced = j;
}

static void
spy_inner_done(VdEngine *inner, VdRequest *req, int ret, void *opaque)
{
    VdTestSpy *s = opaque;

    if (req->type == VD_REQ_FLUSH) {
        if (ret == 0)
            flush_covered(s, req);
        else
            for (unsigned i = 0; i < s->n_flushes; i++)
                if (s->flushes[i].req == req)
                    s->flushes[i] = s->flushes[--s->n_flushes];
    } else if (ret == 0 && req->type != VD_REQ_READ &&
               !(req->type == VD_REQ_WRITE && (req->flags & VD_REQ_FUA))) {
        record_change(s, req);
    }
    s->counts.unsynced = s->n_unsynced;
    vd_engine_done(&s->base, req, ret);
}

static void
reject_run(void *data)
{
    VdTestSpy *s = data;
    VdRequest *req;

    while ((req = vd_request_queue_pop(&s->rejected)))
        vd_engine_done(&s->base, req, req->engine_ret);
}

static void
reject(VdTestSpy *s, VdRequest *req, int err)
{
    req->engine_ret = err;
    vd_request_queue_push(&s->rejected, req);
    vd_iothread_defer(s->base.thread, &s->reject_defer);
}

static void
spy_submit(VdEngine *e, VdRequest *req)
{
    VdTestSpy *s = (VdTestSpy *)e;

    switch (req->type) {
    case VD_REQ_READ:
        s->counts.reads++;
        break;
    case VD_REQ_WRITE:
        if (req->flags & VD_REQ_FUA) {
            if (s->refuse_fua) {
                reject(s, req, -EOPNOTSUPP);
                return;
            }
            s->counts.fua_writes++;
        } else {
            s->counts.plain_writes++;
        }
        break;
    case VD_REQ_FLUSH:
        s->counts.fdatasyncs++;
        break;
    case VD_REQ_DISCARD:
        s->counts.punches++;
        break;
    case VD_REQ_WRITE_ZEROES:
        s->counts.zero_ranges++;
        break;
    default:
        ck_abort_msg("bad engine request type %d", req->type);
    }
    if (s->fail_count[req->type] > 0) {
        s->fail_count[req->type]--;
        reject(s, req, s->fail_err[req->type]);
        return;
    }
    if (req->type == VD_REQ_FLUSH) {
        ck_assert_uint_lt(s->n_flushes, MAX_FLUSHES);
        s->flushes[s->n_flushes++] = (PendingFlush){ .req = req, .seq = s->seq };
    }
    vd_engine_submit(s->inner, req);
}

static void
spy_free(VdEngine *e)
{
    VdTestSpy *s = (VdTestSpy *)e;

    vd_iothread_defer_cancel(e->thread, &s->reject_defer);
    vd_engine_free(s->inner);
    g_free(s);
}

static const VdEngineOps spy_ops = {
    .name = "spy",
    .submit = spy_submit,
    .free = spy_free,
};

VdEngine *
vd_test_spy_wrap(VdEngine *inner, void *data)
{
    VdTestSpy **out = data;
    VdTestSpy *s = g_new0(VdTestSpy, 1);

    s->base.ops = &spy_ops;
    s->base.thread = inner->thread;
    s->base.fd = inner->fd;
    s->inner = inner;
    s->counts.fd = inner->fd;
    vd_iothread_defer_init(&s->reject_defer, reject_run, s);
    vd_engine_set_complete(inner, spy_inner_done, s);
    *out = s;
    return &s->base;
}

typedef struct {
    VdTestSpy *spy;
    VdTestSpyCounts *out;
    VdReqType type;
    int err;
    unsigned count;
    bool flag;
} Call;

static void
counts_step(void *data)
{
    Call *c = data;

    *c->out = c->spy->counts;
    c->out->unsynced = c->spy->n_unsynced;
}

void
vd_test_spy_counts(VdIothread *t, VdTestSpy *spy, VdTestSpyCounts *out)
{
    Call c = { .spy = spy, .out = out };

    vd_iothread_run_sync(t, counts_step, &c);
}

static void
fail_step(void *data)
{
    Call *c = data;

    c->spy->fail_err[c->type] = c->err;
    c->spy->fail_count[c->type] = c->count;
}

void
vd_test_spy_fail(VdIothread *t, VdTestSpy *spy, VdReqType type, int err,
                 unsigned count)
{
    Call c = { .spy = spy, .type = type, .err = err, .count = count };

    vd_iothread_run_sync(t, fail_step, &c);
}

static void
refuse_step(void *data)
{
    Call *c = data;

    c->spy->refuse_fua = c->flag;
}

void
vd_test_spy_refuse_fua(VdIothread *t, VdTestSpy *spy, bool refuse)
{
    Call c = { .spy = spy, .flag = refuse };

    vd_iothread_run_sync(t, refuse_step, &c);
}

bool
vd_test_spy_durable(VdTestSpy *spy, uint64_t off, uint64_t len)
{
    uint64_t end = len > UINT64_MAX - off ? UINT64_MAX : off + len;

    for (unsigned i = 0; i < spy->n_unsynced; i++) {
        const Change *c = &spy->unsynced[i];
        if (c->off < end && off < c->off + c->len)
            return false;
    }
    return true;
}
