/*
 * Engines: what turns requests into system calls on one file descriptor.
 *
 * An engine does exactly what a request says, one system call's worth,
 * and nothing about cache modes (the file layer decides those):
 *   READ          pread of [offset, offset+len); a read past the end of
 *                 the file fills the rest with zeroes
 *   WRITE         pwrite of the range; with VD_REQ_FUA the write is
 *                 durable when it completes (RWF_DSYNC)
 *   FLUSH         fdatasync
 *   DISCARD       fallocate(PUNCH_HOLE | KEEP_SIZE)
 *   WRITE_ZEROES  fallocate(ZERO_RANGE | KEEP_SIZE)
 * Short transfers are continued until done; an error completes the
 * request with -errno (-EOPNOTSUPP when the file system cannot do it).
 * Buffers, offsets and lengths must suit the fd (aligned for O_DIRECT):
 * the file layer sees to that.
 *
 * Completion goes to the engine's `complete` callback, in the I/O thread,
 * never before submit returns (so the file layer can finish its own
 * bookkeeping first). An engine uses req->link_* while it holds a request
 * and never touches req->scratch, req->done or req->opaque, which stay the
 * file layer's.
 *
 * Threads: everything in the I/O thread the engine was created in.
 */
#ifndef VD_STORAGE_ENGINE_ENGINE_H
#define VD_STORAGE_ENGINE_ENGINE_H

#include <stdbool.h>
#include <glib.h>

#include "common/conf/disk-conf.h"
#include "storage/iothread.h"
#include "storage/request.h"

typedef struct VdEngine VdEngine;

typedef void (*VdEngineComplete)(VdEngine *e, VdRequest *req, int ret,
                                 void *opaque);

typedef struct {
    const char *name;                  /* "libaio", "io_uring", "threads" */
    void (*submit)(VdEngine *e, VdRequest *req);
    void (*free)(VdEngine *e);         /* no request in flight */
} VdEngineOps;

struct VdEngine {
    const VdEngineOps *ops;
    VdIothread *thread;
    int fd;
    VdEngineComplete complete;
    void *complete_opaque;
};

/* Hand @req to @e. */
static inline void
vd_engine_submit(VdEngine *e, VdRequest *req)
{
    e->ops->submit(e, req);
}

/* Where @e's completions go (the file layer; a wrapper's inner engine). */
static inline void
vd_engine_set_complete(VdEngine *e, VdEngineComplete fn, void *opaque)
{
    e->complete = fn;
    e->complete_opaque = opaque;
}

/* Called by engines: deliver one completion. */
static inline void
vd_engine_done(VdEngine *e, VdRequest *req, int ret)
{
    e->complete(e, req, ret, e->complete_opaque);
}

/* Free @e (nothing in flight). I/O thread. */
static inline void
vd_engine_free(VdEngine *e)
{
    if (e)
        e->ops->free(e);
}

/*
 * Make @outer a wrapper of @inner (fault injection, the write recorder):
 * same thread and file, @ops for its own calls; @inner's completions go
 * to @inner_done with @opaque, which passes them up with vd_engine_done.
 */
static inline void
vd_engine_wrap_init(VdEngine *outer, const VdEngineOps *ops, VdEngine *inner,
                    VdEngineComplete inner_done, void *opaque)
{
    outer->ops = ops;
    outer->thread = inner->thread;
    outer->fd = inner->fd;
    vd_engine_set_complete(inner, inner_done, opaque);
}

/*
 * Hand @req to *@helper, a thread pool on @e's file started on first use,
 * for what @e cannot do itself (fallocate, fdatasync on some kernels);
 * it completes as @e's request. Freeing *@helper is @e's job.
 */
void vd_engine_to_helper(VdEngine *e, VdEngine **helper, VdRequest *req);

/*
 * The engines. Each is created and freed in the I/O thread @t, on @fd,
 * which stays the caller's. NULL with @err set when the kernel refuses.
 */
VdEngine *vd_aio_engine_new(VdIothread *t, int fd, GError **err);
VdEngine *vd_uring_engine_new(VdIothread *t, int fd, GError **err);
VdEngine *vd_threadpool_engine_new(VdIothread *t, int fd, GError **err);

/*
 * The engine for @io on @fd (opened with O_DIRECT when @direct): io_uring
 * falls back to libaio (O_DIRECT) or threads with the reason in @note
 * (g_free it; NULL when nothing fell back), for the caller to log.
 */
VdEngine *vd_engine_new(VdIoMode io, bool direct, VdIothread *t, int fd,
                        char **note, GError **err);

#endif /* VD_STORAGE_ENGINE_ENGINE_H */
