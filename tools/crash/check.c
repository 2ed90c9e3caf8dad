/* Opening and reading crash states; see check.h. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "common/util/error.h"
#include "storage/disk.h"
#include "tools/crash/block.h"
#include "tools/crash/check.h"

/* Reads in flight at once: enough to keep the I/O thread busy. */
#define BATCH 256

struct VdCrashChecker {
    char *format;
    VdCrashImage *im;
    VdCrashOverlay *ov;
    VdIothread *thread;
};

typedef struct {
    VdDisk *disk;
    const uint64_t *blocks;
    size_t n;
    uint8_t *out;
    GMutex lock;
    GCond cond;
    size_t done;
    int ret;
} Reads;

VdCrashChecker *
vd_crash_checker_new(const char *format, VdCrashImage *im, VdCrashOverlay *ov,
                     GError **err)
{
    VdCrashChecker *c = g_new0(VdCrashChecker, 1);

    c->format = g_strdup(format);
    c->im = im;
    c->ov = ov;
    c->thread = vd_iothread_new("vd-crash-io", NULL, 0, err);
    if (!c->thread) {
        vd_crash_checker_free(c);
        return NULL;
    }
    return c;
}

void
vd_crash_checker_free(VdCrashChecker *c)
{
    if (!c)
        return;
    if (c->thread)
        vd_iothread_free(c->thread);
    g_free(c->format);
    g_free(c);
}

static void
read_done(VdRequest *req, int ret)
{
    Reads *r = req->opaque;

    vd_disk_request_put(r->disk, req);
    g_mutex_lock(&r->lock);
    if (ret < 0 && r->ret == 0)
        r->ret = ret;
    r->done++;
    g_cond_signal(&r->cond);
    g_mutex_unlock(&r->lock);
}

static void
read_step(void *data)
{
    Reads *r = data;
    /* Requests may complete inside vd_disk_submit (a format answers
     * some at once): after the last one completes the waiter returns and
     * @r is gone, so nothing of it is read after the last submit. */
    VdDisk *disk = r->disk;
    const uint64_t *blocks = r->blocks;
    uint8_t *out = r->out;
    size_t n = r->n;

    for (size_t i = 0; i < n; i++) {
        VdRequest *req = vd_disk_request_get(disk);

        req->type = VD_REQ_READ;
        req->offset = blocks[i] * VD_CRASH_BLOCK;
        req->len = VD_CRASH_BLOCK;
        req->buf = out + i * VD_CRASH_BLOCK;
        req->done = read_done;
        req->opaque = r;
        vd_disk_submit(disk, req);
    }
}

/* Read blocks [0, n) in batches; 0 or the first -errno. */
static int
read_blocks(VdCrashChecker *c, VdDisk *d, const uint64_t *blocks, size_t n,
            uint8_t *out)
{
    Reads r = { .disk = d };
    int ret = 0;

    g_mutex_init(&r.lock);
    g_cond_init(&r.cond);
    for (size_t i = 0; i < n && ret == 0; i += BATCH) {
        r.blocks = blocks + i;
        r.n = MIN(BATCH, n - i);
        r.out = out + i * VD_CRASH_BLOCK;
        r.done = 0;
        vd_iothread_post(c->thread, read_step, &r);
        g_mutex_lock(&r.lock);
        while (r.done < r.n)
            g_cond_wait(&r.cond, &r.lock);
        ret = r.ret;
        g_mutex_unlock(&r.lock);
    }
    g_mutex_clear(&r.lock);
    g_cond_clear(&r.cond);
    return ret;
}

gboolean
vd_crash_checker_run(VdCrashChecker *c, const uint64_t *blocks, size_t n,
                     uint8_t *out, VdLayerCheckResult *check, GError **err)
{
    uint64_t base_len = vd_crash_image_size(c->im);
    uint64_t state_len = vd_crash_overlay_end(c->ov);
    VdDiskConfig cfg = {
        .path = vd_crash_image_path(c->im),
        .format = c->format,
        /* Buffered: the memory file has no O_DIRECT. How the state is
         * read does not matter, only what the format makes of it. */
        .cache = VD_CACHE_WRITEBACK,
        .io = VD_IO_THREADS,
        .error_policy = VD_ERROR_POLICY_REPORT,
        .engine_wrap = vd_crash_overlay_wrap,
        .engine_wrap_data = c->ov,
    };
    VdDisk *d;
    int ret = 0;

    /* The file layer sizes the image from the file: a state whose
     * writes run past the base's end must look that long. */
    if (state_len > base_len)
        vd_crash_image_set_length(c->im, state_len);
    d = vd_disk_open(c->thread, &cfg, err);
    if (d && vd_disk_check(d, check, err) < 0)
        ret = -EIO;
    if (d && ret == 0)
        ret = read_blocks(c, d, blocks, n, out);
    if (d && ret < 0 && err && !*err)
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_SYSTEM_ERROR,
                    "reading the state: %s", g_strerror(-ret));
    if (d && vd_disk_close(d) < 0 && ret == 0) {
        ret = -EIO;
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_SYSTEM_ERROR,
                    "closing the state failed");
    }
    if (state_len > base_len)
        vd_crash_image_set_length(c->im, base_len);
    return d && ret == 0;
}
