/*
 * A disk: assembling its chain from the configuration, opening and
 * closing it, and what it says about itself. The data path and the gate
 * are in disk-gate.c.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "common/util/error.h"
#include "storage/disk-priv.h"
#include "storage/layers/file.h"
#include "storage/layers/qed.h"
#include "storage/layers/raw.h"

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
    /* Every mode but writethrough and directsync; the file layer says. */
    return !vd_file_layer_writes_durable(d->file);
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

int
vd_disk_check(VdDisk *d, VdLayerCheckResult *res, GError **err)
{
    memset(res, 0, sizeof(*res));
    if (!d->format->ops->check)
        return 0;
    return d->format->ops->check(d->format, res, err);
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

    vd_disk_gate_shutdown(d);
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
    d->format = below;
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
