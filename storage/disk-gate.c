/*
 * The disk's data path and gate: requests from the export pass the gate
 * (or wait behind it), get a child that goes down the chain, and come
 * back through the error policy. The gate and policy state live in the
 * I/O thread; the control plane changes them only by posting steps
 * there, and hears back through steps posted to the main loop.
 */
#include "config.h"

#include <errno.h>

#include "storage/disk-priv.h"
#include "storage/layers/file.h"

/* ---- events to the main loop ---- */

typedef struct {
    VdDisk *disk;
    VdDiskEvent ev;
} EventMsg;

static void
event_run(void *data)
{
    EventMsg *m = data;

    if (m->disk->event_fn)
        m->disk->event_fn(m->disk, &m->ev, m->disk->event_data);
    g_free(m);
}

static void
post_event(VdDisk *d, VdDiskEventType type, int error, VdReqType req_type)
{
    /* Allocates: errors are rare and off the hot path. */
    EventMsg *m = g_new0(EventMsg, 1);

    m->disk = d;
    m->ev.type = type;
    m->ev.error = error;
    m->ev.req_type = req_type;
    vd_iothread_post_main(d->thread, event_run, m);
}

void
vd_disk_set_event_handler(VdDisk *d, VdDiskEventFn fn, void *data)
{
    d->event_fn = fn;
    d->event_data = data;
}

/* ---- the data path ---- */

static bool
gate_closed(const VdDisk *d)
{
    return d->quiesce_count > 0 || atomic_load(&d->stopped);
}

typedef struct {
    VdDisk *disk;
    Waiter w;
} WaiterMsg;

static void
waiter_run(void *data)
{
    WaiterMsg *m = data;

    m->w.fn(m->disk, m->w.data);
    g_free(m);
}

/* Tell quiesce's waiters once nothing is in flight behind a closed gate. */
static void
maybe_drained(VdDisk *d)
{
    Waiter *w;

    if (d->in_flight > 0 || !gate_closed(d))
        return;
    while ((w = g_queue_pop_head(&d->drain_waiters))) {
        WaiterMsg *m = g_new(WaiterMsg, 1);
        m->disk = d;
        m->w = *w;
        g_free(w);
        vd_iothread_post_main(d->thread, waiter_run, m);
    }
}

static bool
policy_stops(const VdDisk *d, int ret)
{
    return d->policy == VD_ERROR_POLICY_STOP ||
           (d->policy == VD_ERROR_POLICY_ENOSPACE && ret == -ENOSPC);
}

static void
child_done(VdRequest *child, int ret)
{
    VdDisk *d = child->opaque;
    VdRequest *req = child->parent;

    vd_request_put(child);
    d->in_flight--;
    if (ret < 0) {
        int lost = vd_file_layer_failed(d->file);
        if (lost && !d->failed_reported) {
            d->failed_reported = true;
            post_event(d, VD_DISK_EVENT_FAILED, lost, req->type);
        }
        if (!disk_req(req)->internal && policy_stops(d, ret)) {
            /* Held, not answered: the guest sees nothing until retry. */
            vd_request_queue_push(&d->failed, req);
            if (!atomic_load(&d->stopped)) {
                atomic_store(&d->stopped, true);
                post_event(d, VD_DISK_EVENT_STOPPED, ret, req->type);
            }
            maybe_drained(d);
            return;
        }
    }
    vd_request_complete(req, ret);
    maybe_drained(d);
}

static void
dispatch(VdDisk *d, VdRequest *req)
{
    VdRequest *child = vd_request_child(req, child_done);

    child->opaque = d;
    /* discard='ignore' also means write-zeroes must not punch holes,
     * as in QEMU (no BDRV_REQ_MAY_UNMAP). */
    if (req->type == VD_REQ_WRITE_ZEROES && d->discard_ignore)
        child->flags |= VD_REQ_NO_HOLE;
    d->in_flight++;
    vd_layer_submit(d->top, child);
}

/*
 * What the guest may get wrong, answered here rather than asserted below:
 * the layers trust their input, and a guest must not be able to stop the
 * daemon.
 */
static int
check_request(const VdDisk *d, const VdRequest *req)
{
    if ((unsigned)req->type >= VD_REQ_N_TYPES ||
        (req->flags & ~vd_request_allowed_flags(req->type)))
        return -EINVAL;
    if ((req->type == VD_REQ_READ || req->type == VD_REQ_WRITE) &&
        req->len > MAX_REQUEST)
        return -EINVAL;
    if (vd_request_is_write(req->type) && d->read_only)
        return -EPERM;
    return 0;
}

void
vd_disk_submit(VdDisk *d, VdRequest *req)
{
    int ret;

    assert(vd_iothread_is_current(d->thread));
    assert(req->buf || req->len == 0 ||
           (req->type != VD_REQ_READ && req->type != VD_REQ_WRITE));
    disk_req(req)->internal = false;
    ret = check_request(d, req);
    if (ret < 0) {
        vd_request_complete(req, ret);
        return;
    }
    /* Nothing to do (fallocate would even refuse it), once in range. */
    if (req->len == 0 && req->type != VD_REQ_FLUSH && req->offset <= d->size) {
        vd_request_complete(req, 0);
        return;
    }
    if (req->type == VD_REQ_DISCARD && d->discard_ignore) {
        vd_request_complete(req, 0);
        return;
    }
    if (d->aborting) {
        vd_request_complete(req, -ESHUTDOWN);
        return;
    }
    if (gate_closed(d)) {
        vd_request_queue_push(&d->held, req);
        return;
    }
    dispatch(d, req);
}

static void
release(VdDisk *d)
{
    while (!gate_closed(d) && !vd_request_queue_empty(&d->held))
        dispatch(d, vd_request_queue_pop(&d->held));
}

VdRequest *
vd_disk_request_get(VdDisk *d)
{
    assert(vd_iothread_is_current(d->thread));
    return vd_request_get(d->pool);
}

void
vd_disk_request_put(VdDisk *d, VdRequest *req)
{
    assert(vd_iothread_is_current(d->thread));
    vd_request_put(req);
}

/* ---- control steps ---- */

typedef struct {
    VdDisk *disk;
    VdDiskStepFn fn;
    void *data;
} QuiesceMsg;

static void
quiesce_step(void *data)
{
    QuiesceMsg *m = data;
    VdDisk *d = m->disk;
    Waiter *w = g_new(Waiter, 1);

    w->fn = m->fn;
    w->data = m->data;
    g_free(m);
    d->quiesce_count++;
    g_queue_push_tail(&d->drain_waiters, w);
    maybe_drained(d);
}

void
vd_disk_quiesce(VdDisk *d, VdDiskStepFn drained, void *data)
{
    QuiesceMsg *m = g_new(QuiesceMsg, 1);

    g_assert(!vd_iothread_is_current(d->thread));
    m->disk = d;
    m->fn = drained;
    m->data = data;
    vd_iothread_post(d->thread, quiesce_step, m);
}

static void
resume_step(void *data)
{
    VdDisk *d = data;

    g_assert(d->quiesce_count > 0);
    d->quiesce_count--;
    release(d);
}

void
vd_disk_resume(VdDisk *d)
{
    g_assert(!vd_iothread_is_current(d->thread));
    vd_iothread_post(d->thread, resume_step, d);
}

static void
retry_step(void *data)
{
    VdDisk *d = data;
    VdRequest *req;

    if (!atomic_load(&d->stopped))
        return;
    atomic_store(&d->stopped, false);
    /* The failed requests go first, ahead of those held after them. */
    while ((req = vd_request_queue_pop(&d->failed))) {
        if (gate_closed(d)) {
            /* Stopped again, or quiesced: back in order at the front. */
            VdRequestQueue rest = d->held;
            d->held = (VdRequestQueue){ 0 };
            vd_request_queue_push(&d->held, req);
            while ((req = vd_request_queue_pop(&d->failed)))
                vd_request_queue_push(&d->held, req);
            while ((req = vd_request_queue_pop(&rest)))
                vd_request_queue_push(&d->held, req);
            return;
        }
        dispatch(d, req);
    }
    release(d);
}

void
vd_disk_retry(VdDisk *d)
{
    g_assert(!vd_iothread_is_current(d->thread));
    vd_iothread_post(d->thread, retry_step, d);
}

typedef struct {
    VdDisk *disk;
    VdDiskResultFn fn;
    void *data;
    int ret;
} FlushMsg;

static void
flush_result_run(void *data)
{
    FlushMsg *m = data;

    m->fn(m->disk, m->ret, m->data);
    g_free(m);
}

static void
flush_done(VdRequest *req, int ret)
{
    FlushMsg *m = req->opaque;

    vd_request_put(req);
    m->ret = ret;
    vd_iothread_post_main(m->disk->thread, flush_result_run, m);
}

static void
flush_step(void *data)
{
    FlushMsg *m = data;
    VdRequest *req = vd_request_get(m->disk->pool);

    req->type = VD_REQ_FLUSH;
    req->done = flush_done;
    req->opaque = m;
    /* Past the gate: coordinators flush a quiesced disk. Errors come
     * back to them whatever the policy. */
    disk_req(req)->internal = true;
    dispatch(m->disk, req);
}

void
vd_disk_flush(VdDisk *d, VdDiskResultFn done, void *data)
{
    FlushMsg *m = g_new0(FlushMsg, 1);

    g_assert(!vd_iothread_is_current(d->thread));
    m->disk = d;
    m->fn = done;
    m->data = data;
    vd_iothread_post(d->thread, flush_step, m);
}

/* What is still held will never run: answer it so that its owner can
 * let go of it. */
static void
fail_queued(VdDisk *d)
{
    VdRequest *req;

    while ((req = vd_request_queue_pop(&d->failed)))
        vd_request_complete(req, -ESHUTDOWN);
    while ((req = vd_request_queue_pop(&d->held)))
        vd_request_complete(req, -ESHUTDOWN);
}

void
vd_disk_gate_shutdown(VdDisk *d)
{
    g_assert(d->in_flight == 0);
    fail_queued(d);
}

static void
abort_step(void *data)
{
    VdDisk *d = data;

    d->aborting = true;
    fail_queued(d);
}

void
vd_disk_abort(VdDisk *d)
{
    vd_iothread_run_sync(d->thread, abort_step, d);
}
