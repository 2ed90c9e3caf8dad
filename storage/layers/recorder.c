/*
 * The write recorder (see recorder.h): dm-log-writes' logging rule on
 * the engine interface.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/util/clock.h"
#include "storage/layers/logwrites.h"
#include "storage/layers/recorder.h"

/* A completed change waiting to be logged. */
typedef struct Block Block;
struct Block {
    Block *next;
    uint64_t seq;          /* completion order */
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
    uint64_t covers;       /* a flush: changes completed up to this seq */
} Inflight;

struct VdRecorder {
    VdEngine base;
    VdEngine *inner;
    VdLogWriter *w;
    BlockList unflushed;   /* completed, not yet logged; by seq */
    uint64_t seq;          /* changes completed so far */
    GHashTable *inflight;  /* VdRequest * -> Inflight * */
    uint64_t last_submit;  /* submission times are unique: they order
                            * overlapping writes for the explorer */
    int error;             /* first error writing the log */
};

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

/* Log, in completion order, the changes completed up to @covers. */
static void
log_unflushed(VdRecorder *rec, uint64_t covers, uint64_t t)
{
    while (rec->unflushed.head && rec->unflushed.head->seq <= covers) {
        Block *b = rec->unflushed.head;

        rec->unflushed.head = b->next;
        if (!rec->unflushed.head)
            rec->unflushed.tail = NULL;
        log_block(rec, b, t);
    }
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

    b->seq = ++rec->seq;
    if (b->e.flags & VD_LOGWRITES_FUA) {
        log_block(rec, b, vd_monotonic_ns());
        sync_super(rec);
    } else {
        list_push(&rec->unflushed, b);
    }
}

static void
flush_done(VdRecorder *rec, Inflight *in, int ret)
{
    uint64_t t = vd_monotonic_ns();
    VdLogEntry e = {
        .flags = VD_LOGWRITES_FLUSH,
        .t_submit = in->t_submit,
        .t_logged = t,
    };

    /* A failed flush made nothing durable: its changes wait for one
     * that succeeds (after a failed fdatasync the file layer lets none
     * succeed, so they end up at the end of the log, never flushed). */
    if (ret < 0)
        return;
    log_unflushed(rec, in->covers, t);
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

        in->t_submit = MAX(vd_monotonic_ns(), rec->last_submit + 1);
        rec->last_submit = in->t_submit;
        /* A flush covers what completed before it was issued, not
         * what is still in flight. Unlike dm-log-writes, which hands
         * them to the first flush issued after them, every flush covers
         * them: with two fdatasyncs in flight, the one issued second may
         * finish first, and then they are durable. */
        if (req->type == VD_REQ_FLUSH)
            in->covers = rec->seq;
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
    vd_engine_wrap_init(&rec->base, &recorder_ops, inner, inner_done, rec);
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
    uint64_t t = vd_monotonic_ns();
    int ret;

    if (!rec)
        return 0;
    g_assert(rec->inner == NULL);
    log_unflushed(rec, G_MAXUINT64, t);
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
