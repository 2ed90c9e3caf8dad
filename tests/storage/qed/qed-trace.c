/* The tracing engine; see qed-trace.h. */
#include "config.h"

#include <string.h>

#include <check.h>

#include "tests/storage/qed/qed-trace.h"

struct VdTestTrace {
    VdEngine base;
    VdEngine *inner;
    GMutex lock;
    GArray *events;             /* VdTestTraceEvent */
    GHashTable *index;          /* VdRequest * -> event index + 1 */
    uint64_t clock;
    bool engine_gone;
};

static void
trace_done(VdEngine *inner, VdRequest *req, int ret, void *opaque)
{
    VdTestTrace *t = opaque;
    guint i;

    g_mutex_lock(&t->lock);
    i = GPOINTER_TO_UINT(g_hash_table_lookup(t->index, req));
    ck_assert_uint_gt(i, 0);
    g_hash_table_remove(t->index, req);
    g_array_index(t->events, VdTestTraceEvent, i - 1).completed = ++t->clock;
    g_array_index(t->events, VdTestTraceEvent, i - 1).ret = ret;
    g_mutex_unlock(&t->lock);
    vd_engine_done(&t->base, req, ret);
}

static void
trace_submit(VdEngine *e, VdRequest *req)
{
    VdTestTrace *t = (VdTestTrace *)e;
    VdTestTraceEvent ev = {
        .type = req->type, .flags = req->flags, .off = req->offset,
        .len = req->len,
    };

    if (req->type == VD_REQ_WRITE && req->len <= 4096) {
        ev.data = g_malloc(req->len);
        memcpy(ev.data, req->buf, req->len);
    }
    g_mutex_lock(&t->lock);
    ev.submitted = ++t->clock;
    g_array_append_val(t->events, ev);
    g_hash_table_insert(t->index, req, GUINT_TO_POINTER(t->events->len));
    g_mutex_unlock(&t->lock);
    vd_engine_submit(t->inner, req);
}

static void
trace_free_engine(VdEngine *e)
{
    VdTestTrace *t = (VdTestTrace *)e;

    vd_engine_free(t->inner);
    g_mutex_lock(&t->lock);
    t->engine_gone = true;
    g_mutex_unlock(&t->lock);
}

static const VdEngineOps trace_ops = {
    .name = "trace",
    .submit = trace_submit,
    .free = trace_free_engine,
};

VdEngine *
vd_test_trace_wrap(VdEngine *inner, void *data)
{
    VdTestTrace **out = data;
    VdTestTrace *t = *out;

    /* A disk reopened with the same trace keeps recording into it. */
    if (!t) {
        t = g_new0(VdTestTrace, 1);
        g_mutex_init(&t->lock);
        t->events = g_array_new(FALSE, TRUE, sizeof(VdTestTraceEvent));
        t->index = g_hash_table_new(NULL, NULL);
        *out = t;
    }
    t->base.ops = &trace_ops;
    t->base.thread = inner->thread;
    t->base.fd = inner->fd;
    t->inner = inner;
    t->engine_gone = false;
    vd_engine_set_complete(inner, trace_done, t);
    return &t->base;
}

void
vd_test_trace_mark(VdTestTrace *t, int tag)
{
    VdTestTraceEvent ev = { .type = VD_REQ_N_TYPES, .tag = tag };

    g_mutex_lock(&t->lock);
    ev.submitted = ev.completed = ++t->clock;
    g_array_append_val(t->events, ev);
    g_mutex_unlock(&t->lock);
}

const VdTestTraceEvent *
vd_test_trace_events(VdTestTrace *t, unsigned *n)
{
    *n = t->events->len;
    return (const VdTestTraceEvent *)(void *)t->events->data;
}

bool
vd_test_trace_durable_before(VdTestTrace *t, const VdTestTraceEvent *w,
                             uint64_t at)
{
    unsigned n;
    const VdTestTraceEvent *ev = vd_test_trace_events(t, &n);

    if (!w->completed || w->completed >= at || w->ret != 0)
        return false;
    if (w->flags & VD_REQ_FUA)
        return true;
    for (unsigned i = 0; i < n; i++) {
        if (ev[i].type == VD_REQ_FLUSH && ev[i].ret == 0 &&
            ev[i].submitted > w->completed && ev[i].completed &&
            ev[i].completed < at)
            return true;
    }
    return false;
}

void
vd_test_trace_free(VdTestTrace *t)
{
    if (!t)
        return;
    for (guint i = 0; i < t->events->len; i++)
        g_free(g_array_index(t->events, VdTestTraceEvent, i).data);
    g_array_unref(t->events);
    g_hash_table_unref(t->index);
    g_mutex_clear(&t->lock);
    g_free(t);
}
