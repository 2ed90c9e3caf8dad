/*
 * The file layer's internals, shared by file.c (dispatch, cache modes,
 * completions), file-rmw.c (unaligned requests and their serialisation)
 * and file-probe.c (what the fd can do). Not for other modules.
 */
#ifndef VD_STORAGE_LAYERS_FILE_PRIV_H
#define VD_STORAGE_LAYERS_FILE_PRIV_H

#include <stdatomic.h>

#include "storage/layers/file.h"

typedef struct FileState FileState;

/* What to do when the engine completes a request the file layer sent. */
typedef void (*FileCont)(FileState *fs, VdRequest *req, int ret);

/*
 * The file layer's scratch in every request it holds: guest requests
 * (from the layer above) and its own children (bounce buffers, RMW
 * reads, flushes after a write, zero-writing).
 */
typedef struct {
    FileCont cont;              /* engine completion continuation */
    VdRequest *track_prev;      /* FileState.tracked, arrival order */
    VdRequest *track_next;
    uint64_t lo, hi;            /* range rounded out to the alignment */
    VdRequest *aux;             /* bounce child, or the parent's parent */
    uint32_t pending;           /* child operations outstanding */
    int ret;                    /* first error among the children */
    uint8_t orig_type;          /* as given to us: the engine may be */
    uint8_t orig_flags;         /* given another type or flags */
    bool tracked;
    bool serialising;           /* RMW: no overlapping write may run with it */
    bool waiting;               /* tracked, waiting for an overlap to finish */
} FileReq;

static inline FileReq *
file_req(VdRequest *req)
{
    return VD_REQUEST_SCRATCH(req, FileReq);
}

struct FileState {
    VdFileOptions opts;
    char *path;

    int fd;
    bool direct;                /* O_DIRECT */
    bool is_blkdev;
    uint32_t align;             /* offset/length alignment (1 when buffered) */
    uint32_t mem_align;         /* buffer alignment (1 when buffered) */
    uint32_t dev_align;         /* block devices: fallocate's alignment */
    bool native_fua;            /* RWF_DSYNC works on this fd */
    bool durable_writes;        /* writethrough, directsync */
    bool ignore_flush;          /* unsafe */
    bool no_punch;              /* PUNCH_HOLE refused before */
    bool no_zero_range;         /* ZERO_RANGE refused before */

    VdEngine *engine;
    char *engine_note;

    /* 0, or the -errno after which no flush may succeed again. Written
     * in the I/O thread, read anywhere. */
    atomic_int failed;

    /* In-flight write-type requests in arrival order (O_DIRECT only),
     * and how many of them serialise or wait. */
    VdRequest *tracked_head;
    VdRequest *tracked_tail;
    unsigned n_serialising;
    unsigned n_waiting;
};

#define ZERO_BUF_SIZE (1u << 20)

/* file-probe.c: fill fs->is_blkdev, align, mem_align, native_fua and
 * return the size in bytes; -1 with @err set on failure. */
int64_t vd_file_probe(FileState *fs, GError **err);

/* file.c: send @req to the engine, to run @cont on completion. */
void vd_file_to_engine(FileState *fs, VdRequest *req, FileCont cont);

/*
 * file.c: write @bounce (a child holding the whole aligned range) in
 * place of @parent, durable as @parent must be, then complete @parent.
 * Takes @bounce.
 */
void vd_file_write_bounce(FileState *fs, VdRequest *bounce, VdRequest *parent);

/* file.c: whether @req must be durable when it completes (per the cache
 * mode and the flags it came with). */
bool vd_file_wants_durable(const FileState *fs, const VdRequest *req);

/* file.c: make @req durable with an fdatasync, then complete it. */
void vd_file_flush_then_complete(FileState *fs, VdRequest *req);

/*
 * file.c: submit a request of the layer's own (a zero-writing chunk) as
 * if it came from above: its done runs when it completes.
 */
void vd_file_submit_own(FileState *fs, VdRequest *req);

/* file-zero.c: start a DISCARD or WRITE_ZEROES that may run now. */
void vd_file_start_fallocate(FileState *fs, VdRequest *req);

/* file.c: start an aligned write-type request that may now run. */
void vd_file_start_write(FileState *fs, VdRequest *req);

/* file.c: the write @req is done with @ret (durability and tracking
 * handled by the caller): complete it to the layer above. */
void vd_file_complete(FileState *fs, VdRequest *req, int ret);

/* file-rmw.c: whether @req is misaligned for the fd. */
bool vd_file_misaligned(const FileState *fs, const VdRequest *req);

/* file-rmw.c: a misaligned READ, through a bounce buffer. */
void vd_file_read_bounce(FileState *fs, VdRequest *req);

/*
 * file-rmw.c: track a write-type request; runs @start(fs, req) now or
 * once every earlier overlapping write it must not run with is done.
 * A misaligned WRITE is tracked as serialising and started as RMW.
 */
void vd_file_track(FileState *fs, VdRequest *req);

/* file-rmw.c: untrack @req; starts waiters that may now run. */
void vd_file_untrack(FileState *fs, VdRequest *req);

#endif /* VD_STORAGE_LAYERS_FILE_PRIV_H */
