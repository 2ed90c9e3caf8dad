/*
 * A disk: assembling its chain, and the gate and error policy in front of
 * it. The gate state lives in the I/O thread; the control plane changes
 * it only by posting steps there, and hears back through steps posted to
 * the main loop.
 */
#include "config.h"

#include <errno.h>
#include <stdatomic.h>

#include "common/util/error.h"
#include "storage/disk.h"
#include "storage/layers/file.h"
#include "storage/layers/qed.h"
#include "storage/layers/raw.h"

/* Slots keep buffers up to this size (NBD clients rarely send more). */
#define POOL_KEEP_BUF (1u << 20)
#define POOL_CHUNK 64
#define MAX_REQUEST (32u << 20)

typedef struct {
    VdDiskStepFn fn;
    void *data;
} Waiter;

struct VdDisk {
    VdIothread *thread;
    VdRequestPool *pool;
    VdLayer *top;                /* stats */
    VdLayer *file;
    VdErrorPolicy policy;
    VdCacheMode cache;
    bool read_only;
    bool discard_ignore;
    uint64_t size;
    uint32_t align;
    char *engine_name;
    char *engine_note;

    /* I/O thread only. */
    unsigned in_flight;          /* children in the chain */
    unsigned quiesce_count;
    VdRequestQueue held;         /* waiting for the gate */
    VdRequestQueue failed;       /* stopped on their error, for retry */
    GQueue drain_waiters;        /* Waiter *, run when in_flight is 0 */
    bool failed_reported;
    bool aborting;               /* destroy: fail instead of holding */

    atomic_bool stopped;         /* written in the I/O thread */

    /* Main loop only. */
    VdDiskEventFn event_fn;
    void *event_data;
};

/* The disk's scratch in a request it was given. */
typedef struct {
    bool internal;               /* the disk's own (vd_disk_flush) */
} DiskReq;

static inline DiskReq *
disk_req(VdRequest *req)
{
    return VD_REQUEST_SCRATCH(req, DiskReq);
}

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

void
vd_disk_submit(VdDisk *d, VdRequest *req)
{
    assert(vd_iothread_is_current(d->thread));
    disk_req(req)->internal = false;
    if (vd_request_is_write(req->type) && d->read_only) {
        vd_request_complete(req, -EPERM);
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
abort_step(void *data)
{
    VdDisk *d = data;
    VdRequest *req;

    d->aborting = true;
    while ((req = vd_request_queue_pop(&d->failed)))
        vd_request_complete(req, -ESHUTDOWN);
    while ((req = vd_request_queue_pop(&d->held)))
        vd_request_complete(req, -ESHUTDOWN);
}

void
vd_disk_abort(VdDisk *d)
{
    vd_iothread_run_sync(d->thread, abort_step, d);
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

/* ---- getters ---- */

uint64_t vd_disk_size(const VdDisk *d) { return d->size; }
bool vd_disk_read_only(const VdDisk *d) { return d->read_only; }
bool vd_disk_can_discard(const VdDisk *d) { return !d->discard_ignore; }
VdIothread *vd_disk_iothread(const VdDisk *d) { return d->thread; }
const char *vd_disk_engine_name(const VdDisk *d) { return d->engine_name; }
const char *vd_disk_engine_note(const VdDisk *d) { return d->engine_note; }
bool vd_disk_stopped(const VdDisk *d) { return atomic_load(&d->stopped); }
int vd_disk_failed(const VdDisk *d) { return vd_file_layer_failed(d->file); }

bool
vd_disk_has_write_cache(const VdDisk *d)
{
    return d->cache == VD_CACHE_NONE || d->cache == VD_CACHE_WRITEBACK ||
           d->cache == VD_CACHE_UNSAFE;
}

uint32_t
vd_disk_min_block(const VdDisk *d)
{
    return d->align;
}

uint32_t
vd_disk_preferred_block(const VdDisk *d)
{
    return MAX(d->align, 4096u);
}

uint32_t
vd_disk_max_request(const VdDisk *d)
{
    return MAX_REQUEST;
}

void
vd_disk_get_stats(VdDisk *d, VdBlockStats *out)
{
    vd_stats_layer_read(d->top, out);
}

/* ---- open and close ---- */

typedef struct {
    VdDisk *disk;
    GError *err;
    int ret;
} AttachMsg;

static void
attach_step(void *data)
{
    AttachMsg *m = data;

    m->ret = vd_layer_attach_chain(m->disk->top, m->disk->thread, &m->err);
}

static void
detach_step(void *data)
{
    VdDisk *d = data;
    VdRequest *req;

    /* What is still held will never run: answer it so that its owner
     * can let go of it. */
    g_assert(d->in_flight == 0);
    while ((req = vd_request_queue_pop(&d->failed)))
        vd_request_complete(req, -ESHUTDOWN);
    while ((req = vd_request_queue_pop(&d->held)))
        vd_request_complete(req, -ESHUTDOWN);
    vd_layer_detach_chain(d->top);
}

static bool
check_config(const VdDiskConfig *cfg, GError **err)
{
    if (!cfg->path) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_CONFIG_UNSUPPORTED,
                    "a disk needs a source path");
        return false;
    }
    if (cfg->format && strcmp(cfg->format, "raw") != 0 &&
        strcmp(cfg->format, "qed") != 0) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_CONFIG_UNSUPPORTED,
                    "disk '%s': format '%s' is not supported (raw or qed)",
                    cfg->path, cfg->format);
        return false;
    }
    if (cfg->cache == VD_CACHE_DEFAULT) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_CONFIG_UNSUPPORTED,
                    "disk '%s': no cache mode: the hypervisor driver must "
                    "choose one", cfg->path);
        return false;
    }
    if (cfg->io == VD_IO_NATIVE && !vd_cache_mode_direct(cfg->cache)) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_CONFIG_UNSUPPORTED,
                    "disk '%s': io='native' needs cache='none' or "
                    "'directsync': on buffered files Linux AIO blocks",
                    cfg->path);
        return false;
    }
    if (cfg->error_policy == VD_ERROR_POLICY_IGNORE) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_CONFIG_UNSUPPORTED,
                    "disk '%s': error_policy='ignore' would turn I/O errors "
                    "into successes; use 'report' or 'stop'", cfg->path);
        return false;
    }
    return true;
}

/* Build stats -> filters -> format -> file; NULL-safe teardown by caller. */
static VdLayer *
build_chain(VdDisk *d, const VdDiskConfig *cfg)
{
    VdFileOptions fo = {
        .path = cfg->path,
        .cache = cfg->cache,
        .io = cfg->io,
        .read_only = cfg->read_only,
        .engine_wrap = cfg->engine_wrap,
        .engine_wrap_data = cfg->engine_wrap_data,
    };
    VdLayer *below;
    unsigned n = 0;

    d->file = vd_file_layer_new(&fo);
    if (cfg->format && strcmp(cfg->format, "qed") == 0) {
        VdQedOptions qo = {
            .path = cfg->path,
            .cache = cfg->cache,
            .io = cfg->io,
            .read_only = cfg->read_only,
            .backing_format = cfg->backing_format,
            .cache_tables = cfg->qed_cache_tables,
        };
        below = vd_qed_layer_new(d->file, &qo);
    } else {
        below = vd_raw_layer_new(d->file);
    }
    while (cfg->filters && cfg->filters[n])
        n++;
    /* Link the filters bottom up, so that filters[0] ends on top. */
    while (n-- > 0) {
        VdLayer *f = cfg->filters[n];
        g_assert(f->next == NULL);
        f->next = below;
        below = f;
    }
    return vd_stats_layer_new(below);
}

/* Open the chain from @l down, bottom first. */
static int
open_chain(VdLayer *l, GError **err)
{
    if (!l)
        return 0;
    if (open_chain(l->next, err) < 0)
        return -1;
    if (vd_layer_open(l, err) < 0) {
        for (VdLayer *b = l->next; b; b = b->next)
            vd_layer_close(b);
        return -1;
    }
    return 0;
}

static int
close_chain(VdLayer *top)
{
    int ret = 0;

    for (VdLayer *l = top; l; l = l->next) {
        int r = vd_layer_close(l);
        if (r < 0 && ret == 0)
            ret = r;
    }
    return ret;
}

VdDisk *
vd_disk_open(VdIothread *t, const VdDiskConfig *cfg, GError **err)
{
    VdDisk *d;
    AttachMsg am = { 0 };

    if (!check_config(cfg, err))
        return NULL;
    d = g_new0(VdDisk, 1);
    d->thread = t;
    d->policy = cfg->error_policy == VD_ERROR_POLICY_DEFAULT
                    ? VD_ERROR_POLICY_REPORT : cfg->error_policy;
    d->cache = cfg->cache;
    d->discard_ignore = cfg->discard == VD_DISCARD_IGNORE;
    g_queue_init(&d->drain_waiters);
    atomic_init(&d->stopped, false);
    d->top = build_chain(d, cfg);
    if (open_chain(d->top, err) < 0) {
        vd_layer_free_chain(d->top);
        g_free(d);
        return NULL;
    }
    d->size = vd_layer_size(d->top);
    d->read_only = d->top->read_only;
    d->align = vd_file_layer_align(d->file);
    d->pool = vd_request_pool_new(POOL_KEEP_BUF, POOL_CHUNK);

    am.disk = d;
    vd_iothread_run_sync(t, attach_step, &am);
    if (am.ret < 0) {
        g_propagate_error(err, am.err);
        close_chain(d->top);
        vd_layer_free_chain(d->top);
        vd_request_pool_free(d->pool);
        g_free(d);
        return NULL;
    }
    d->engine_name = g_strdup(vd_file_layer_engine_name(d->file));
    d->engine_note = g_strdup(vd_file_layer_engine_note(d->file));
    return d;
}

int
vd_disk_close(VdDisk *d)
{
    int ret;

    if (!d)
        return 0;
    g_assert(!vd_iothread_is_current(d->thread));
    vd_iothread_run_sync(d->thread, detach_step, d);
    ret = close_chain(d->top);
    if (ret == 0)
        ret = vd_file_layer_failed(d->file);
    vd_layer_free_chain(d->top);
    g_assert(g_queue_is_empty(&d->drain_waiters));
    vd_request_pool_free(d->pool);
    g_free(d->engine_name);
    g_free(d->engine_note);
    g_free(d);
    return ret;
}
