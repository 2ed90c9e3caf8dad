/*
 * The disk's internals, shared by disk.c (assembling the chain, open and
 * close, getters) and disk-gate.c (the data path, the gate, the error
 * policies and the control steps). Not for other modules.
 */
#ifndef VD_STORAGE_DISK_PRIV_H
#define VD_STORAGE_DISK_PRIV_H

#include <stdatomic.h>

#include "storage/disk.h"

/* Buffers up to this size go back to the pool for reuse; NBD clients
 * rarely send more at once. */
#define POOL_KEEP_BUF (1u << 20)
#define POOL_CHUNK 64
/* The largest read or write (NBD's customary maximum). */
#define MAX_REQUEST (32u << 20)

/* A quiesce's caller, waiting for the disk to drain. */
typedef struct {
    VdDiskStepFn fn;
    void *data;
} Waiter;

struct VdDisk {
    VdIothread *thread;
    VdRequestPool *pool;
    VdLayer *top;                /* stats */
    VdLayer *format;             /* raw or qed */
    VdLayer *file;
    VdErrorPolicy policy;
    bool read_only;
    bool discard_ignore;
    uint64_t size;
    uint32_t align;
    char *engine_name;
    char *engine_note;

    /* I/O thread only. */
    unsigned in_flight;          /* children in the chain */
    unsigned quiesce_count;
    VdRequestQueue held;         /* waiting for the gate */
    VdRequestQueue failed;       /* stopped on their error, for retry */
    GQueue drain_waiters;        /* Waiter *, run when in_flight is 0 */
    bool failed_reported;
    bool aborting;               /* destroy: fail instead of holding */

    atomic_bool stopped;         /* written in the I/O thread */

    /* Main loop only. */
    VdDiskEventFn event_fn;
    void *event_data;
};

/* The disk's scratch in a request it was given. */
typedef struct {
    bool internal;               /* the disk's own (vd_disk_flush) */
} DiskReq;

static inline DiskReq *
disk_req(VdRequest *req)
{
    return VD_REQUEST_SCRATCH(req, DiskReq);
}

/* disk-gate.c: answer every held request with -ESHUTDOWN (I/O thread,
 * nothing in flight). */
void vd_disk_gate_shutdown(VdDisk *d);

#endif /* VD_STORAGE_DISK_PRIV_H */
