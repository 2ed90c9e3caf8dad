/*
 * A disk: the chain of layers serving one guest disk, and its gate.
 *
 * vd_disk_open assembles stats -> [filters] -> format (raw, qed) -> file ->
 * engine for one image, from its path, format, cache mode, io mode and
 * read-only flag, and attaches it to an I/O thread. The export (NBD
 * server) takes requests from the disk's pool and submits them; the
 * disk's completion calls the request's own done.
 *
 * The gate is how the control plane stops I/O: vd_disk_quiesce holds new
 * requests, waits for those in flight and then runs a step in the main
 * loop; vd_disk_resume releases them. Every coordinator uses it.
 *
 * Errors (DURABILITY.md, "Errors"): never turned into a success. With the
 * policy "report" a failed request completes with its error, counted in
 * the statistics. With "stop" (and "enospace" for ENOSPC) the disk pauses
 * on the first error: the failed request and everything after it are
 * held, the main loop is told through the event handler, and vd_disk_retry
 * submits the failed requests again. After a failed fdatasync (or a
 * failed durable write) the kernel may have dropped dirty pages: no later
 * flush or durable write reports success until the disk is reopened, and
 * vd_disk_failed says so.
 *
 * Threads. open, close, quiesce, resume, retry, flush, set_event_handler
 * run on the control plane (the main loop), never in the I/O thread; their
 * callbacks run in the main context given to the I/O thread. submit and
 * the request pool functions run in the disk's I/O thread only. The
 * getters (size, stats, flags) may be called from any thread.
 */
#ifndef VD_STORAGE_DISK_H
#define VD_STORAGE_DISK_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

#include "common/conf/disk-conf.h"
#include "storage/iothread.h"
#include "storage/layer.h"
#include "storage/layers/stats.h"
#include "storage/request.h"

typedef struct VdDisk VdDisk;
typedef struct VdEngine VdEngine;

typedef struct {
    const char *path;           /* file or block device */
    const char *format;         /* "raw" or "qed"; NULL means raw */
    /* qed: the backing file's format when the configuration names it
     * (never probed then); NULL: as the image says. */
    const char *backing_format;
    VdCacheMode cache;          /* resolved by the driver: not _DEFAULT */
    VdIoMode io;                /* _DEFAULT: native if O_DIRECT, else threads */
    VdDiscardMode discard;      /* _IGNORE: discards succeed, do nothing */
    VdErrorPolicy error_policy; /* _DEFAULT: report; _IGNORE is refused */
    bool read_only;

    /*
     * Filters inserted between stats and the format, top first
     * (recorder, cow-snapshot; tests use fault injectors). Each is a
     * closed layer whose next is NULL; the disk links, opens and frees
     * them. NULL-terminated; may be NULL.
     */
    VdLayer **filters;

    /*
     * Tests: wrap the engine that the file layer will use, to observe or
     * fail system calls. Returns the engine to use instead (which owns
     * @inner). NULL in production.
     */
    VdEngine *(*engine_wrap)(VdEngine *inner, void *data);
    void *engine_wrap_data;
} VdDiskConfig;

/* What the main loop is told about. */
typedef enum {
    VD_DISK_EVENT_STOPPED,   /* paused on an error (policy stop/enospace) */
    VD_DISK_EVENT_FAILED,    /* durability lost: needs reopening */
} VdDiskEventType;

typedef struct {
    VdDiskEventType type;
    int error;               /* the negative errno that caused it */
    VdReqType req_type;      /* of the request that failed */
} VdDiskEvent;

typedef void (*VdDiskEventFn)(VdDisk *d, const VdDiskEvent *ev, void *data);

/* A control step: runs in the main loop. */
typedef void (*VdDiskStepFn)(VdDisk *d, void *data);

/* A control step's result: ret 0 or -errno. Runs in the main loop. */
typedef void (*VdDiskResultFn)(VdDisk *d, int ret, void *data);

/*
 * Open the image described by @cfg and attach the disk to @t. Returns
 * NULL with @err set (VD_ERROR_STORAGE) on a bad configuration or a
 * failed open. Blocks while opening (control plane).
 */
VdDisk *vd_disk_open(VdIothread *t, const VdDiskConfig *cfg, GError **err);

/*
 * Detach the disk from its I/O thread and close it. Requests still held
 * (gated or stopped on an error) complete with -ESHUTDOWN, in the I/O
 * thread, and their owners must put them back from that completion: every
 * request taken from the disk must be back when close returns. None may
 * be in flight (quiesce first), and no drained step or event may still be
 * due in the main loop. Makes written data durable (fdatasync, in every
 * cache mode) and returns 0, or -errno when that failed or the disk had
 * failed before. Blocks; frees @d.
 */
int vd_disk_close(VdDisk *d);

/* Guest-visible size in bytes. */
uint64_t vd_disk_size(const VdDisk *d);

bool vd_disk_read_only(const VdDisk *d);

/*
 * Whether the guest must be told of a volatile write cache (so must send
 * flushes and may use FUA): cache none, writeback and unsafe. With
 * writethrough and directsync every write is durable when completed;
 * flushes are still accepted.
 */
bool vd_disk_has_write_cache(const VdDisk *d);

/* Whether discards do anything (discard mode not "ignore"). */
bool vd_disk_can_discard(const VdDisk *d);

/*
 * Block sizes for NBD_INFO_BLOCK_SIZE: the minimum the disk handles without
 * read-modify-write (1 when any alignment is fine), the preferred one and
 * the largest single request.
 */
uint32_t vd_disk_min_block(const VdDisk *d);
uint32_t vd_disk_preferred_block(const VdDisk *d);
uint32_t vd_disk_max_request(const VdDisk *d);

/* The engine in use ("libaio", "io_uring", "threads"), and why. */
const char *vd_disk_engine_name(const VdDisk *d);
const char *vd_disk_engine_note(const VdDisk *d);   /* NULL: as configured */

/* The I/O thread the disk is attached to. */
VdIothread *vd_disk_iothread(const VdDisk *d);

/* I/O thread: a request from the disk's pool (never NULL). */
VdRequest *vd_disk_request_get(VdDisk *d);

/* I/O thread: give a request back to the disk's pool. */
void vd_disk_request_put(VdDisk *d, VdRequest *req);

/*
 * I/O thread: submit @req (type, flags, offset, len, buf, done set).
 * Out-of-range requests complete with -EINVAL (-ENOSPC for writes),
 * writes to a read-only disk with -EPERM, flags not allowed for the type
 * (vd_request_allowed_flags) and reads or writes longer than
 * vd_disk_max_request with -EINVAL; zero-length ones succeed at once.
 * req->done may run before this returns. The request's scratch belongs to
 * the disk until done.
 */
void vd_disk_submit(VdDisk *d, VdRequest *req);

/*
 * Close the gate: hold new requests, wait for those in flight, then run
 * drained(d, data) in the main loop. Nests: each quiesce needs its resume.
 */
void vd_disk_quiesce(VdDisk *d, VdDiskStepFn drained, void *data);

/* End one quiesce; when none is left, held requests go on in order. */
void vd_disk_resume(VdDisk *d);

/*
 * After VD_DISK_EVENT_STOPPED: submit the failed requests again (they may
 * fail again and stop the disk again), then the held ones. What a
 * domain's resume does. No-op when the disk is not stopped.
 */
void vd_disk_retry(VdDisk *d);

/*
 * Flush the disk (fdatasync, per the cache mode) past the gate: for
 * coordinators, typically between quiesce and resume. done(d, ret, data)
 * runs in the main loop.
 */
void vd_disk_flush(VdDisk *d, VdDiskResultFn done, void *data);

/*
 * What destroy does first: every request the disk holds (behind the gate,
 * or stopped on an error) and every later one completes with -ESHUTDOWN,
 * so that the export can shut down without waiting for them. Requests
 * already in the engine finish normally. Control plane; blocks briefly.
 */
void vd_disk_abort(VdDisk *d);

/* Where STOPPED and FAILED events go (main loop). NULL: nowhere. */
void vd_disk_set_event_handler(VdDisk *d, VdDiskEventFn fn, void *data);

/* Whether the disk is paused on an error (any thread). */
bool vd_disk_stopped(const VdDisk *d);

/*
 * 0, or the negative errno of the failed flush or durable write after
 * which the disk can no longer promise durability (any thread).
 */
int vd_disk_failed(const VdDisk *d);

/*
 * The format's consistency check (the layer's check op), repairing
 * nothing: what `check` commands and the crash explorer ask after an
 * open. 0 with @res filled (all zero for a format without a check, as
 * raw), or -1 with @err set. Control plane, nothing in flight.
 */
int vd_disk_check(VdDisk *d, VdLayerCheckResult *res, GError **err);

/* The disk's statistics (any thread, without stopping I/O). */
void vd_disk_get_stats(VdDisk *d, VdBlockStats *out);

#endif /* VD_STORAGE_DISK_H */
