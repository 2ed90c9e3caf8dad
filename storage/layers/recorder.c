/*
 * The write recorder (see recorder.h): dm-log-writes' logging rule on
 * the engine interface.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "storage/layers/logwrites.h"
#include "storage/layers/recorder.h"

/* A completed change waiting to be logged. */
typedef struct Block Block;
struct Block {
    Block *next;
    VdLogEntry e;
    uint8_t *buf;          /* e.data, owned */
};

typedef struct {
    Block *head;
    Block *tail;
} BlockList;

/* What the recorder keeps of a request between submit and completion. */
typedef struct {
    uint64_t t_submit;
    BlockList covered;     /* a flush: the changes completed before it */
} Inflight;

struct VdRecorder {
    VdEngine base;
    VdEngine *inner;
    VdLogWriter *w;
    BlockList unflushed;   /* completed, no flush submitted since */
    GHashTable *inflight;  /* VdRequest * -> Inflight * */
    int error;             /* first error writing the log */
};

static uint64_t
now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void
list_push(BlockList *l, Block *b)
{
    b->next = NULL;
    if (l->tail)
        l->tail->next = b;
    else
        l->head = b;
    l->tail = b;
}

/* Put @front before what @l holds. */
static void
list_prepend(BlockList *l, BlockList *front)
{
    if (!front->head)
        return;
    front->tail->next = l->head;
    if (!l->tail)
        l->tail = front->tail;
    l->head = front->head;
    *front = (BlockList){ 0 };
}

static void
block_free(Block *b)
{
    free(b->buf);
    g_free(b);
}

static void
note_error(VdRecorder *rec, int ret)
{
    if (ret < 0 && rec->error == 0) {
        rec->error = ret;
        g_warning("write recorder: cannot write the log: %s",
                  g_strerror(-ret));
    }
}

static void
log_block(VdRecorder *rec, Block *b, uint64_t t_logged)
{
    b->e.t_logged = t_logged;
    if (rec->error == 0)
        note_error(rec, vd_logwriter_append(rec->w, &b->e));
    block_free(b);
}

/* Log every block of @l, in order, at @t; empties @l. */
static void
log_list(VdRecorder *rec, BlockList *l, uint64_t t)
{
    Block *b = l->head;

    while (b) {
        Block *next = b->next;
        log_block(rec, b, t);
        b = next;
    }
    *l = (BlockList){ 0 };
}

static void
sync_super(VdRecorder *rec)
{
    if (rec->error == 0)
        note_error(rec, vd_logwriter_sync_super(rec->w));
}

/*
 * The data of a completed write, in whole sectors: copied from the
 * request when it is aligned, else read back from the file (the write
 * is in it now; a concurrent overlapping write could show through, which
 * guests do not do and the file layer never does on O_DIRECT).
 */
static uint8_t *
sector_data(VdRecorder *rec, const VdRequest *req, uint64_t lo, uint64_t hi)
{
    uint8_t *buf;
    uint64_t done = 0;

    if (posix_memalign((void **)&buf, VD_REQUEST_BUF_ALIGN, hi - lo) != 0)
        g_error("write recorder: out of memory");
    if (req->type == VD_REQ_WRITE && lo == req->offset &&
        hi == req->offset + req->len) {
        memcpy(buf, req->buf, req->len);
        return buf;
    }
    while (done < hi - lo) {
        ssize_t n = pread(rec->inner->fd, buf + done, hi - lo - done,
                          (off_t)(lo + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            /* Past the end of the file, as the engine reads it: zeroes. */
            memset(buf + done, 0, hi - lo - done);
            break;
        }
        done += (uint64_t)n;
    }
    return buf;
}

/* A block for the change @req made, which completed successfully. */
static Block *
block_new(VdRecorder *rec, const VdRequest *req, uint64_t t_submit)
{
    const uint64_t s = VD_RECORDER_SECTOR;
    uint64_t lo = req->offset / s * s;
    uint64_t hi = (req->offset + req->len + s - 1) / s * s;
    bool aligned = lo == req->offset && hi == req->offset + req->len;
    Block *b = g_new0(Block, 1);

    b->e.sector = lo / s;
    b->e.nr_sectors = (hi - lo) / s;
    b->e.t_submit = t_submit;
    if (req->flags & VD_REQ_FUA)
        b->e.flags |= VD_LOGWRITES_FUA;
    if (req->type != VD_REQ_WRITE && aligned) {
        b->e.flags |= VD_LOGWRITES_DISCARD;
    } else if (hi > lo) {
        b->buf = sector_data(rec, req, lo, hi);
        b->e.data = b->buf;
    }
    return b;
}

static void
change_done(VdRecorder *rec, VdRequest *req, Inflight *in)
{
    Block *b = block_new(rec, req, in->t_submit);

    if (b->e.flags & VD_LOGWRITES_FUA) {
        log_block(rec, b, now_ns());
        sync_super(rec);
    } else {
        list_push(&rec->unflushed, b);
    }
}

static void
flush_done(VdRecorder *rec, Inflight *in, int ret)
{
    uint64_t t = now_ns();
    VdLogEntry e = {
        .flags = VD_LOGWRITES_FLUSH,
        .t_submit = in->t_submit,
        .t_logged = t,
    };

    if (ret < 0) {
        /* Not durable after all: they wait for a flush that succeeds
         * (after a failed fdatasync the file layer lets none succeed,
         * so they end up at the end of the log, never flushed). */
        list_prepend(&rec->unflushed, &in->covered);
        return;
    }
    log_list(rec, &in->covered, t);
    if (rec->error == 0)
        note_error(rec, vd_logwriter_append(rec->w, &e));
    sync_super(rec);
}

static void
inner_done(VdEngine *inner, VdRequest *req, int ret, void *opaque)
{
    VdRecorder *rec = opaque;
    Inflight *in = NULL;

    if (req->type != VD_REQ_READ &&
        g_hash_table_steal_extended(rec->inflight, req, NULL,
                                    (gpointer *)&in)) {
        if (req->type == VD_REQ_FLUSH)
            flush_done(rec, in, ret);
        else if (ret == 0)
            change_done(rec, req, in);
        g_free(in);
    }
    vd_engine_done(&rec->base, req, ret);
}

static void
recorder_submit(VdEngine *e, VdRequest *req)
{
    VdRecorder *rec = (VdRecorder *)e;

    if (req->type != VD_REQ_READ) {
        Inflight *in = g_new0(Inflight, 1);

        in->t_submit = now_ns();
        /* dm-log-writes: a flush covers what completed before it was
         * issued, not what is still in flight. */
        if (req->type == VD_REQ_FLUSH) {
            in->covered = rec->unflushed;
            rec->unflushed = (BlockList){ 0 };
        }
        g_hash_table_insert(rec->inflight, req, in);
    }
    vd_engine_submit(rec->inner, req);
}

static void
recorder_engine_free(VdEngine *e)
{
    VdRecorder *rec = (VdRecorder *)e;

    /* Nothing is in flight (engine contract): the table is empty. */
    g_assert(g_hash_table_size(rec->inflight) == 0);
    vd_engine_free(rec->inner);
    rec->inner = NULL;
}

static const VdEngineOps recorder_ops = {
    .name = "recorder",
    .submit = recorder_submit,
    .free = recorder_engine_free,
};

VdRecorder *
vd_recorder_new(const char *path, GError **err)
{
    VdLogWriter *w = vd_logwriter_new(path, VD_RECORDER_SECTOR, err);
    VdRecorder *rec;

    if (!w)
        return NULL;
    rec = g_new0(VdRecorder, 1);
    rec->w = w;
    rec->inflight = g_hash_table_new(NULL, NULL);
    return rec;
}

VdEngine *
vd_recorder_wrap(VdEngine *inner, void *recorder)
{
    VdRecorder *rec = recorder;

    g_assert(rec->inner == NULL);
    rec->inner = inner;
    rec->base.ops = &recorder_ops;
    rec->base.thread = inner->thread;
    rec->base.fd = inner->fd;
    vd_engine_set_complete(inner, inner_done, rec);
    /* Engine completions go up through rec->base.complete, which the
     * file layer sets on the engine returned here. */
    return &rec->base;
}

uint64_t
vd_recorder_n_entries(const VdRecorder *rec)
{
    return vd_logwriter_n_entries(rec->w);
}

int
vd_recorder_free(VdRecorder *rec)
{
    uint64_t t = now_ns();
    int ret;

    if (!rec)
        return 0;
    g_assert(rec->inner == NULL);
    log_list(rec, &rec->unflushed, t);
    if (rec->error == 0)
        note_error(rec, vd_logwriter_mark(rec->w, VD_LOGWRITES_END_MARK, t));
    ret = vd_logwriter_close(rec->w);
    if (rec->error == 0)
        note_error(rec, ret);
    ret = rec->error;
    g_hash_table_destroy(rec->inflight);
    g_free(rec);
    return ret;
}
