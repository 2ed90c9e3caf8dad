/*
 * A test filter above the format: passes requests through, or holds them
 * until released (to keep requests in flight for as long as a test
 * needs), or fails chosen ones (to drive the error policy).
 */
#include "config.h"

#include <check.h>

#include "tests/storage/storage-test.h"

typedef struct {
    bool hold;
    VdRequestQueue held;
    unsigned seen;
    VdReqType fail_type;
    int fail_err;
    unsigned fail_count;
} Filter;

static void
filter_submit(VdLayer *l, VdRequest *req)
{
    Filter *f = l->priv;

    f->seen++;
    if (f->fail_count > 0 && req->type == f->fail_type) {
        f->fail_count--;
        vd_request_complete(req, f->fail_err);
        return;
    }
    if (f->hold) {
        vd_request_queue_push(&f->held, req);
        return;
    }
    vd_layer_submit(l->next, req);
}

static void
filter_free(VdLayer *l)
{
    g_free(l->priv);
}

static const VdLayerOps filter_ops = {
    .name = "test-filter",
    .submit = filter_submit,
    .free = filter_free,
};

VdLayer *
vd_test_filter_new(void)
{
    VdLayer *l = vd_layer_new(&filter_ops, NULL, g_new0(Filter, 1));

    l->checks_range = true;
    return l;
}

typedef struct {
    VdLayer *layer;
    bool hold;
    unsigned value;
    VdReqType type;
    int err;
} Call;

static void
hold_step(void *data)
{
    Call *c = data;
    Filter *f = c->layer->priv;
    VdRequest *req;

    f->hold = c->hold;
    if (!f->hold) {
        while ((req = vd_request_queue_pop(&f->held)))
            vd_layer_submit(c->layer->next, req);
    }
}

void
vd_test_filter_hold(VdIothread *t, VdLayer *l, bool hold)
{
    Call c = { .layer = l, .hold = hold };

    vd_iothread_run_sync(t, hold_step, &c);
}

static void
held_step(void *data)
{
    Call *c = data;

    c->value = ((Filter *)c->layer->priv)->held.len;
}

unsigned
vd_test_filter_held(VdIothread *t, VdLayer *l)
{
    Call c = { .layer = l };

    vd_iothread_run_sync(t, held_step, &c);
    return c.value;
}

static void
seen_step(void *data)
{
    Call *c = data;

    c->value = ((Filter *)c->layer->priv)->seen;
}

unsigned
vd_test_filter_seen(VdIothread *t, VdLayer *l)
{
    Call c = { .layer = l };

    vd_iothread_run_sync(t, seen_step, &c);
    return c.value;
}

static void
fail_step(void *data)
{
    Call *c = data;
    Filter *f = c->layer->priv;

    f->fail_type = c->type;
    f->fail_err = c->err;
    f->fail_count = c->value;
}

void
vd_test_filter_fail(VdIothread *t, VdLayer *l, VdReqType type, int err,
                    unsigned count)
{
    Call c = { .layer = l, .type = type, .err = err, .value = count };

    vd_iothread_run_sync(t, fail_step, &c);
}
