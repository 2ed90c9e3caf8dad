/* Crash states as overlays, and the engine that serves them; see overlay.h. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "tools/crash/overlay.h"

typedef struct {
    uint64_t sector;
    uint64_t version;
    const uint8_t *data;    /* NULL: zeroes */
    uint8_t *owned;         /* written through the engine: data's copy */
} OvSector;

struct VdCrashOverlay {
    VdEngine eng;           /* first: the engine is the overlay */
    VdEngine *inner;        /* the file layer's engine, kept to free it */
    VdCrashImage *base;
    uint32_t ss;            /* sector size */
    GArray *sectors;        /* OvSector */
    guint *slot;            /* per sector: index in sectors + 1; 0: none */
    uint64_t n_slot;
    uint64_t end;
    bool written;
    VdRequestQueue done;    /* completed, waiting for the deferred call */
    VdIothreadDefer defer;
};

VdCrashOverlay *
vd_crash_overlay_new(VdCrashImage *base)
{
    VdCrashOverlay *ov = g_new0(VdCrashOverlay, 1);

    ov->base = base;
    ov->ss = vd_crash_image_sectorsize(base);
    ov->sectors = g_array_new(FALSE, FALSE, sizeof(OvSector));
    return ov;
}

void
vd_crash_overlay_free(VdCrashOverlay *ov)
{
    if (!ov)
        return;
    vd_crash_overlay_clear(ov);
    g_array_unref(ov->sectors);
    g_free(ov->slot);
    g_free(ov);
}

void
vd_crash_overlay_clear(VdCrashOverlay *ov)
{
    for (guint i = 0; i < ov->sectors->len; i++) {
        OvSector *o = &g_array_index(ov->sectors, OvSector, i);
        ov->slot[o->sector] = 0;
        g_free(o->owned);
    }
    g_array_set_size(ov->sectors, 0);
    ov->end = 0;
    ov->written = false;
}

static OvSector *
lookup(const VdCrashOverlay *ov, uint64_t s)
{
    if (s >= ov->n_slot || ov->slot[s] == 0)
        return NULL;
    return &g_array_index(ov->sectors, OvSector, ov->slot[s] - 1);
}

static OvSector *
slot_for(VdCrashOverlay *ov, uint64_t s)
{
    OvSector *o = lookup(ov, s);

    if (o)
        return o;
    if (s >= ov->n_slot) {
        uint64_t n = MAX(s + 1, ov->n_slot * 2);
        ov->slot = g_renew(guint, ov->slot, n);
        memset(ov->slot + ov->n_slot, 0, (n - ov->n_slot) * sizeof(guint));
        ov->n_slot = n;
    }
    g_array_append_val(ov->sectors, ((OvSector){ .sector = s }));
    ov->slot[s] = ov->sectors->len;
    ov->end = MAX(ov->end, (s + 1) * ov->ss);
    return &g_array_index(ov->sectors, OvSector, ov->sectors->len - 1);
}

void
vd_crash_overlay_put(VdCrashOverlay *ov, uint64_t s, const uint8_t *data,
                     uint64_t version)
{
    OvSector *o = lookup(ov, s);

    if (version <= vd_crash_image_version(ov->base, s) ||
        (o && version <= o->version))
        return;
    o = slot_for(ov, s);
    g_free(o->owned);
    o->owned = NULL;
    o->data = data;
    o->version = version;
}

unsigned
vd_crash_overlay_count(const VdCrashOverlay *ov)
{
    return ov->sectors->len;
}

uint64_t
vd_crash_overlay_sector(const VdCrashOverlay *ov, unsigned i)
{
    return g_array_index(ov->sectors, OvSector, i).sector;
}

const uint8_t *
vd_crash_overlay_data(const VdCrashOverlay *ov, unsigned i)
{
    return g_array_index(ov->sectors, OvSector, i).data;
}

uint64_t
vd_crash_overlay_end(const VdCrashOverlay *ov)
{
    return MAX(ov->end, vd_crash_image_size(ov->base));
}

bool
vd_crash_overlay_written(const VdCrashOverlay *ov)
{
    return ov->written;
}

/* ---- the engine ---- */

/* Read [off, off + len) of the base file into @buf; past its end: 0s. */
static int
base_read(VdCrashOverlay *ov, uint8_t *buf, uint64_t off, uint64_t len)
{
    uint64_t done = 0;

    while (done < len) {
        ssize_t n = pread(ov->eng.fd, buf + done, len - done,
                          (off_t)(off + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0) {
            memset(buf + done, 0, len - done);
            break;
        }
        done += (uint64_t)n;
    }
    return 0;
}

/* The state's bytes [off, off + len), sector by sector. */
static int
state_read(VdCrashOverlay *ov, uint8_t *buf, uint64_t off, uint64_t len)
{
    uint64_t pos = off, end = off + len;

    while (pos < end) {
        uint64_t s = pos / ov->ss, in = pos % ov->ss;
        uint64_t n = MIN(ov->ss - in, end - pos);
        const OvSector *o = lookup(ov, s);

        if (o && o->data)
            memcpy(buf + (pos - off), o->data + in, n);
        else if (o)
            memset(buf + (pos - off), 0, n);
        else {
            /* Run on through sectors the overlay does not hold. */
            while (pos + n < end && !lookup(ov, (pos + n) / ov->ss))
                n += MIN(ov->ss, end - pos - n);
            int ret = base_read(ov, buf + (pos - off), pos, n);
            if (ret < 0)
                return ret;
        }
        pos += n;
    }
    return 0;
}

/* A write through the engine: into the overlay, whole sectors. */
static int
state_write(VdCrashOverlay *ov, const uint8_t *buf, uint64_t off,
            uint64_t len)
{
    uint64_t pos = off, end = off + len;

    ov->written = true;
    while (pos < end) {
        uint64_t s = pos / ov->ss, in = pos % ov->ss;
        uint64_t n = MIN(ov->ss - in, end - pos);
        uint8_t *sec = g_malloc(ov->ss);
        OvSector *o;
        int ret = state_read(ov, sec, s * ov->ss, ov->ss);

        if (ret < 0) {
            g_free(sec);
            return ret;
        }
        if (buf)
            memcpy(sec + in, buf + (pos - off), n);
        else
            memset(sec + in, 0, n);
        o = slot_for(ov, s);
        g_free(o->owned);
        o->owned = sec;
        o->data = sec;
        o->version = G_MAXUINT64;
        pos += n;
    }
    return 0;
}

static void
complete_all(void *data)
{
    VdCrashOverlay *ov = data;
    VdRequest *req;

    while ((req = vd_request_queue_pop(&ov->done)))
        vd_engine_done(&ov->eng, req, req->engine_ret);
}

static void
overlay_submit(VdEngine *e, VdRequest *req)
{
    VdCrashOverlay *ov = (VdCrashOverlay *)e;

    switch (req->type) {
    case VD_REQ_READ:
        req->engine_ret = state_read(ov, req->buf, req->offset, req->len);
        break;
    case VD_REQ_WRITE:
        req->engine_ret = state_write(ov, req->buf, req->offset, req->len);
        break;
    case VD_REQ_DISCARD:
    case VD_REQ_WRITE_ZEROES:
        req->engine_ret = state_write(ov, NULL, req->offset, req->len);
        break;
    default:
        req->engine_ret = 0;
        break;
    }
    /* Engines never complete inside submit. */
    vd_request_queue_push(&ov->done, req);
    vd_iothread_defer(e->thread, &ov->defer);
}

static void
overlay_engine_free(VdEngine *e)
{
    VdCrashOverlay *ov = (VdCrashOverlay *)e;

    vd_iothread_defer_cancel(e->thread, &ov->defer);
    vd_engine_free(ov->inner);
    ov->inner = NULL;
}

static const VdEngineOps overlay_ops = {
    .name = "crash-overlay",
    .submit = overlay_submit,
    .free = overlay_engine_free,
};

VdEngine *
vd_crash_overlay_wrap(VdEngine *inner, void *overlay)
{
    VdCrashOverlay *ov = overlay;

    g_assert(ov->inner == NULL);
    ov->inner = inner;
    ov->eng.ops = &overlay_ops;
    ov->eng.thread = inner->thread;
    ov->eng.fd = inner->fd;
    ov->done = (VdRequestQueue){ 0 };
    vd_iothread_defer_init(&ov->defer, complete_all, ov);
    return &ov->eng;
}
