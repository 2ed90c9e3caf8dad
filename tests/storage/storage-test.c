/* Helpers for the storage tests; see storage-test.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "tests/storage/storage-test.h"
#include "tests/tmpdir.h"

VdTestEnv *
vd_test_env_new(uint64_t size)
{
    VdTestEnv *env = g_new0(VdTestEnv, 1);
    g_autoptr(GError) err = NULL;
    int fd;

    env->dir = vd_test_tmpdir_new();
    env->path = g_build_filename(env->dir, "disk.img", NULL);
    fd = open(env->path, O_CREAT | O_RDWR | O_CLOEXEC, 0600);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(ftruncate(fd, (off_t)size), 0);
    close(fd);
    env->thread = vd_iothread_new("vd-test-io", NULL, VD_IOTHREAD_POLL_NS, &err);
    ck_assert_msg(env->thread != NULL, "%s", err ? err->message : "");
    return env;
}

void
vd_test_env_free(VdTestEnv *env)
{
    vd_iothread_free(env->thread);
    vd_test_tmpdir_remove(env->dir);
    g_free(env->path);
    g_free(env->dir);
    g_free(env);
}

VdDisk *
vd_test_disk_open(VdTestEnv *env, VdCacheMode cache, VdIoMode io,
                  VdDiskConfig *extra)
{
    VdDiskConfig cfg = { 0 };
    g_autoptr(GError) err = NULL;
    VdDisk *d;

    if (extra)
        cfg = *extra;
    cfg.path = env->path;
    cfg.cache = cache;
    cfg.io = io;
    d = vd_disk_open(env->thread, &cfg, &err);
    ck_assert_msg(d != NULL, "%s", err ? err->message : "");
    return d;
}

/* ---- batches ---- */

struct VdTestBatch {
    VdDisk *disk;
    VdTestIo *ios;
    unsigned n;
    VdTestSpy *spy;
    GMutex lock;
    GCond cond;
    unsigned completed;
};

static bool
spy_all_synced(VdTestSpy *spy)
{
    return vd_test_spy_durable(spy, 0, UINT64_MAX);
}

typedef struct {
    VdTestBatch *batch;
    unsigned index;
} Slot;

static void
io_done(VdRequest *req, int ret)
{
    Slot *s = req->opaque;
    VdTestBatch *b = s->batch;
    VdTestIo *io = &b->ios[s->index];

    io->ret = ret;
    if (b->spy) {
        io->durable_at_done = vd_test_spy_durable(b->spy, io->off, io->len);
        io->flush_done_all = spy_all_synced(b->spy);
    }
    vd_disk_request_put(b->disk, req);
    g_mutex_lock(&b->lock);
    b->completed++;
    g_cond_broadcast(&b->cond);
    g_mutex_unlock(&b->lock);
}

static Slot *
batch_slots(VdTestBatch *b)
{
    return (Slot *)(b + 1);
}

static void
batch_step(void *data)
{
    VdTestBatch *b = data;

    for (unsigned i = 0; i < b->n; i++) {
        VdRequest *req = vd_disk_request_get(b->disk);
        VdTestIo *io = &b->ios[i];
        Slot *s = &batch_slots(b)[i];

        s->batch = b;
        s->index = i;
        req->type = io->type;
        req->flags = io->flags;
        req->offset = io->off;
        req->len = io->len;
        req->buf = io->buf;
        req->done = io_done;
        req->opaque = s;
        vd_disk_submit(b->disk, req);
    }
}

VdTestBatch *
vd_test_batch_start(VdDisk *d, VdTestIo *ios, unsigned n, VdTestSpy *spy)
{
    VdTestBatch *b = g_malloc0(sizeof(VdTestBatch) + n * sizeof(Slot));

    b->disk = d;
    b->ios = ios;
    b->n = n;
    b->spy = spy;
    g_mutex_init(&b->lock);
    g_cond_init(&b->cond);
    for (unsigned i = 0; i < n; i++)
        ios[i].ret = 1;   /* not a possible result: shows "not completed" */
    vd_iothread_run_sync(vd_disk_iothread(d), batch_step, b);
    return b;
}

unsigned
vd_test_batch_completed(VdTestBatch *b)
{
    unsigned n;

    g_mutex_lock(&b->lock);
    n = b->completed;
    g_mutex_unlock(&b->lock);
    return n;
}

void
vd_test_batch_wait(VdTestBatch *b)
{
    g_mutex_lock(&b->lock);
    while (b->completed < b->n)
        g_cond_wait(&b->cond, &b->lock);
    g_mutex_unlock(&b->lock);
    g_mutex_clear(&b->lock);
    g_cond_clear(&b->cond);
    g_free(b);
}

void
vd_test_batch(VdDisk *d, VdTestIo *ios, unsigned n, VdTestSpy *spy)
{
    vd_test_batch_wait(vd_test_batch_start(d, ios, n, spy));
}

int
vd_test_io(VdDisk *d, VdReqType type, uint32_t flags, uint64_t off,
           uint64_t len, void *buf)
{
    VdTestIo io = {
        .type = type, .flags = flags, .off = off, .len = len, .buf = buf,
    };

    vd_test_batch(d, &io, 1, NULL);
    return io.ret;
}

void
vd_test_main_wait(const bool *flag)
{
    while (!*flag)
        g_main_context_iteration(NULL, TRUE);
}

static void
noop(void *data)
{
}

void
vd_test_main_settle(VdIothread *t)
{
    vd_iothread_run_sync(t, noop, NULL);
    while (g_main_context_iteration(NULL, FALSE))
        ;
}

void *
vd_test_buf(size_t len, size_t misalign)
{
    void *p;

    ck_assert_int_eq(posix_memalign(&p, 4096, len + misalign), 0);
    return (char *)p + misalign;
}

void
vd_test_buf_free(void *buf, size_t misalign)
{
    if (buf)
        free((char *)buf - misalign);
}

void
vd_test_fill(void *buf, size_t len, uint64_t off, unsigned seed)
{
    unsigned char *p = buf;

    for (size_t i = 0; i < len; i++) {
        uint64_t x = (off + i) * 2654435761u + seed * 40503u;
        p[i] = (unsigned char)((x >> 7) ^ seed ^ 0x5a);
    }
}
