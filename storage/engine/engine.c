/*
 * Choosing an engine for a disk's io mode, with the fallbacks.
 */
#include "config.h"

#include <errno.h>

#include "storage/engine/engine.h"

static void
helper_done(VdEngine *helper, VdRequest *req, int ret, void *opaque)
{
    vd_engine_done(opaque, req, ret);
}

void
vd_engine_to_helper(VdEngine *e, VdEngine **helper, VdRequest *req)
{
    if (!*helper) {
        GError *err = NULL;

        *helper = vd_threadpool_engine_new(e->thread, e->fd, &err);
        if (!*helper) {
            /* Only reachable when eventfds run out; the engine's caller
             * sees an error instead of a hang. */
            g_warning("%s engine: no helper thread pool: %s", e->ops->name,
                      err->message);
            g_error_free(err);
            vd_engine_done(e, req, -ENOMEM);
            return;
        }
        vd_engine_set_complete(*helper, helper_done, e);
    }
    vd_engine_submit(*helper, req);
}

VdEngine *
vd_engine_new(VdIoMode io, bool direct, VdIothread *t, int fd,
              char **note, GError **err)
{
    GError *local = NULL;
    VdEngine *e;

    *note = NULL;
    switch (io) {
    case VD_IO_URING:
        e = vd_uring_engine_new(t, fd, &local);
        if (e)
            return e;
        /* io_uring may be disabled (kernel.io_uring_disabled, seccomp in
         * containers) or too old: serve the disk anyway, and say why. */
        *note = g_strdup_printf("io_uring unavailable (%s): using %s",
                                local->message, direct ? "libaio" : "threads");
        g_clear_error(&local);
        return direct ? vd_aio_engine_new(t, fd, err)
                      : vd_threadpool_engine_new(t, fd, err);
    case VD_IO_NATIVE:
        /* The disk refuses io=native without O_DIRECT: io_submit on a
         * buffered fd blocks the I/O thread. */
        g_assert(direct);
        return vd_aio_engine_new(t, fd, err);
    case VD_IO_THREADS:
        return vd_threadpool_engine_new(t, fd, err);
    case VD_IO_DEFAULT:
        break;
    }
    return direct ? vd_aio_engine_new(t, fd, err)
                  : vd_threadpool_engine_new(t, fd, err);
}
