/*
 * The file layer: open, the cache modes, the write and flush paths and
 * the completions of what it sends to the engine. Misaligned O_DIRECT
 * requests are in file-rmw.c, discard and write-zeroes in file-zero.c.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/util/error.h"
#include "storage/layers/file-priv.h"
#include "storage/planted.h"

static void
file_engine_done(VdEngine *e, VdRequest *req, int ret, void *opaque)
{
    FileState *fs = opaque;

    file_req(req)->cont(fs, req, ret);
}

void
vd_file_to_engine(FileState *fs, VdRequest *req, FileCont cont)
{
    file_req(req)->cont = cont;
    vd_engine_submit(fs->engine, req);
}

bool
vd_file_wants_durable(const FileState *fs, const VdRequest *req)
{
    const FileReq *fr = file_req((VdRequest *)req);

    if (fs->ignore_flush)
        return false;   /* unsafe: FUA is ignored like flushes */
    if (vd_planted(VD_BUG_FUA_EARLY) && !fs->durable_writes)
        return false;
    return fs->durable_writes || (fr->orig_flags & VD_REQ_FUA);
}

/*
 * Record that durability is lost: after a failed fdatasync the kernel
 * may have marked the dirty pages clean (and dropped the data); a later
 * fdatasync would succeed without writing them. Only the first error is
 * kept.
 */
static void
mark_failed(FileState *fs, int ret)
{
    int expected = 0;

    atomic_compare_exchange_strong(&fs->failed, &expected, ret);
}

void
vd_file_complete(FileState *fs, VdRequest *req, int ret)
{
    FileReq *fr = file_req(req);
    bool durable = vd_file_wants_durable(fs, req);
    int failed;

    req->type = fr->orig_type;
    req->flags = fr->orig_flags;
    if (fr->tracked)
        vd_file_untrack(fs, req);
    /* No durable write may report success once durability was lost,
     * even one whose own system calls succeeded. */
    failed = atomic_load(&fs->failed);
    if (durable && ret == 0 && failed)
        ret = failed;
    vd_request_complete(req, ret);
}

static void
flush_after_done(FileState *fs, VdRequest *child, int ret)
{
    VdRequest *parent = child->parent;

    vd_request_put(child);
    if (ret < 0)
        mark_failed(fs, ret);
    vd_file_complete(fs, parent, ret);
}

void
vd_file_flush_then_complete(FileState *fs, VdRequest *req)
{
    VdRequest *child = vd_request_get(req->pool);

    child->type = VD_REQ_FLUSH;
    child->parent = req;
    memset(file_req(child), 0, sizeof(FileReq));
    vd_file_to_engine(fs, child, flush_after_done);
}

/*
 * A write's data is in (ret 0) or failed: deal with durability and
 * complete it. @native says whether the engine was asked for FUA.
 */
static void
write_finished(FileState *fs, VdRequest *req, int ret, bool native)
{
    bool durable = vd_file_wants_durable(fs, req);

    if (durable && ret == -EIO)
        mark_failed(fs, ret);
    if (ret == 0 && durable && !native) {
        vd_file_flush_then_complete(fs, req);
        return;
    }
    vd_file_complete(fs, req, ret);
}

static void
write_done(FileState *fs, VdRequest *req, int ret)
{
    bool native = (req->flags & VD_REQ_FUA) != 0;

    if (ret == -EOPNOTSUPP && native) {
        /* A kernel without RWF_DSYNC (before 4.7, or 4.13 for AIO):
         * emulate FUA as write then fdatasync from now on. */
        fs->native_fua = false;
        req->flags &= ~VD_REQ_FUA;
        vd_file_to_engine(fs, req, write_done);
        return;
    }
    write_finished(fs, req, ret, native);
}

static void
bounce_write_done(FileState *fs, VdRequest *bounce, int ret)
{
    VdRequest *parent = bounce->parent;
    bool native = (bounce->flags & VD_REQ_FUA) != 0;

    if (ret == -EOPNOTSUPP && native) {
        fs->native_fua = false;     /* as in write_done */
        bounce->flags &= ~VD_REQ_FUA;
        vd_file_to_engine(fs, bounce, bounce_write_done);
        return;
    }
    vd_request_put(bounce);
    write_finished(fs, parent, ret, native);
}

void
vd_file_write_bounce(FileState *fs, VdRequest *bounce, VdRequest *parent)
{
    bounce->type = VD_REQ_WRITE;
    bounce->flags = vd_file_wants_durable(fs, parent) && fs->native_fua ? VD_REQ_FUA : 0;
    bounce->parent = parent;
    vd_file_to_engine(fs, bounce, bounce_write_done);
}

static void
write_aligned(FileState *fs, VdRequest *req)
{
    if (vd_file_wants_durable(fs, req) && fs->native_fua)
        req->flags |= VD_REQ_FUA;
    else
        req->flags &= ~VD_REQ_FUA;
    vd_file_to_engine(fs, req, write_done);
}

/* Start a write-type request that may run now (see vd_file_track). */
void
vd_file_start_write(FileState *fs, VdRequest *req)
{
    if (req->type == VD_REQ_WRITE)
        write_aligned(fs, req);
    else
        vd_file_start_fallocate(fs, req);
}

static void
flush_done(FileState *fs, VdRequest *req, int ret)
{
    if (ret < 0)
        mark_failed(fs, ret);
    /* Also fails a flush that ran beside the one that failed: the pages
     * the failed one lost may have been this flush's to write. */
    if (ret == 0 && atomic_load(&fs->failed))
        ret = atomic_load(&fs->failed);
    vd_request_complete(req, ret);
}

static void
read_done(FileState *fs, VdRequest *req, int ret)
{
    vd_request_complete(req, ret);
}

/* Requests from above, and the layer's own zero-writing chunks. */
static void
submit(FileState *fs, VdRequest *req)
{
    FileReq *fr = file_req(req);
    int failed;

    memset(fr, 0, sizeof(*fr));
    fr->orig_type = (uint8_t)req->type;
    fr->orig_flags = (uint8_t)req->flags;

    switch (req->type) {
    case VD_REQ_READ:
        if (fs->direct && vd_file_misaligned(fs, req))
            vd_file_read_bounce(fs, req);
        else
            vd_file_to_engine(fs, req, read_done);
        return;
    case VD_REQ_FLUSH:
        failed = atomic_load(&fs->failed);
        if (fs->ignore_flush || vd_planted(VD_BUG_DROP_FLUSH))
            vd_request_complete(req, 0);
        else if (failed)
            vd_request_complete(req, failed);
        else
            vd_file_to_engine(fs, req, flush_done);
        return;
    default:
        break;
    }

    failed = atomic_load(&fs->failed);
    if (failed && vd_file_wants_durable(fs, req)) {
        vd_request_complete(req, failed);
        return;
    }
    if (fs->direct)
        vd_file_track(fs, req);
    else
        vd_file_start_write(fs, req);
}

void
vd_file_submit_own(FileState *fs, VdRequest *req)
{
    submit(fs, req);
}

static void
file_submit(VdLayer *l, VdRequest *req)
{
    submit(l->priv, req);
}

static int
file_open(VdLayer *l, GError **err)
{
    FileState *fs = l->priv;
    int flags = O_CLOEXEC | (fs->opts.read_only ? O_RDONLY : O_RDWR);
    int64_t size;

    fs->direct = vd_cache_mode_direct(fs->opts.cache);
    if (fs->direct)
        flags |= O_DIRECT;
    fs->durable_writes = fs->opts.cache == VD_CACHE_WRITETHROUGH ||
                         fs->opts.cache == VD_CACHE_DIRECTSYNC;
    fs->ignore_flush = fs->opts.cache == VD_CACHE_UNSAFE;
    fs->native_fua = true;

    fs->fd = open(fs->path, flags);
    if (fs->fd < 0) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_SYSTEM_ERROR,
                    "cannot open '%s'%s: %s", fs->path,
                    fs->direct ? " with O_DIRECT" : "", g_strerror(errno));
        return -1;
    }
    size = vd_file_probe(fs, err);
    if (size < 0) {
        close(fs->fd);
        fs->fd = -1;
        return -1;
    }
    l->size = (uint64_t)size;
    l->read_only = fs->opts.read_only;
    /* The file may grow under a format that appends (see file.h): the
     * size is the one at open, and ranges are the format's to check. */
    l->checks_range = true;
    return 0;
}

static int
file_close(VdLayer *l)
{
    FileState *fs = l->priv;
    int ret = atomic_load(&fs->failed);

    g_assert(fs->engine == NULL);
    g_assert(fs->tracked_head == NULL);
    /* A clean shutdown makes everything durable, in every mode (for
     * unsafe that is the only time it happens). */
    if (!fs->opts.read_only && fdatasync(fs->fd) < 0 && ret == 0)
        ret = -errno;
    close(fs->fd);
    fs->fd = -1;
    return ret;
}

static int
file_attach(VdLayer *l, VdIothread *t, GError **err)
{
    FileState *fs = l->priv;
    VdEngine *e;

    e = vd_engine_new(fs->opts.io, fs->direct, t, fs->fd, &fs->engine_note,
                      err);
    if (!e)
        return -1;
    if (fs->engine_note)
        g_message("disk '%s': %s", fs->path, fs->engine_note);
    if (fs->opts.engine_wrap)
        e = fs->opts.engine_wrap(e, fs->opts.engine_wrap_data);
    vd_engine_set_complete(e, file_engine_done, fs);
    fs->engine = e;
    return 0;
}

static void
file_detach(VdLayer *l)
{
    FileState *fs = l->priv;

    vd_engine_free(fs->engine);
    fs->engine = NULL;
}

static void
file_free(VdLayer *l)
{
    FileState *fs = l->priv;

    g_free(fs->engine_note);
    g_free(fs->path);
    g_free(fs);
}

static const VdLayerOps file_ops = {
    .name = "file",
    .open = file_open,
    .close = file_close,
    .submit = file_submit,
    .attach = file_attach,
    .detach = file_detach,
    .free = file_free,
};

VdLayer *
vd_file_layer_new(const VdFileOptions *opts)
{
    FileState *fs = g_new0(FileState, 1);

    g_assert(opts->cache != VD_CACHE_DEFAULT);
    g_assert(opts->io != VD_IO_NATIVE || vd_cache_mode_direct(opts->cache));
    fs->opts = *opts;
    fs->path = g_strdup(opts->path);
    fs->opts.path = fs->path;
    fs->fd = -1;
    atomic_init(&fs->failed, 0);
    return vd_layer_new(&file_ops, NULL, fs);
}

uint32_t
vd_file_layer_align(const VdLayer *l)
{
    return ((FileState *)l->priv)->align;
}

const char *
vd_file_layer_engine_name(const VdLayer *l)
{
    FileState *fs = l->priv;

    return fs->engine ? fs->engine->ops->name : NULL;
}

const char *
vd_file_layer_engine_note(const VdLayer *l)
{
    return ((FileState *)l->priv)->engine_note;
}

bool
vd_file_layer_writes_durable(const VdLayer *l)
{
    FileState *fs = l->priv;

    return fs->durable_writes && !fs->ignore_flush;
}

int
vd_file_layer_fd(const VdLayer *l)
{
    return ((FileState *)l->priv)->fd;
}

int
vd_file_layer_failed(const VdLayer *l)
{
    return atomic_load(&((FileState *)l->priv)->failed);
}
