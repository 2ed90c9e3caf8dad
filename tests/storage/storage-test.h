/*
 * Helpers for the storage tests: an image in a temporary directory, an
 * I/O thread, synchronous and batched I/O through a disk, and test
 * doubles at both ends of the file layer: a filter that holds or fails
 * requests (above the format) and an engine spy that counts system calls,
 * models which writes are durable and injects errors (below the file
 * layer).
 *
 * Tests never wait for time: they wait for completions (condition
 * variables) or for the main loop to run what was posted to it.
 */
#ifndef VD_TESTS_STORAGE_TEST_H
#define VD_TESTS_STORAGE_TEST_H

#include <stdbool.h>
#include <stdint.h>

#include "storage/disk.h"
#include "storage/engine/engine.h"
#include "storage/iothread.h"

typedef struct {
    char *dir;
    char *path;          /* the image */
    VdIothread *thread;  /* posts to the default main context */
} VdTestEnv;

/* A temporary dir with an image of @size bytes (a hole), and an I/O thread. */
VdTestEnv *vd_test_env_new(uint64_t size);
void vd_test_env_free(VdTestEnv *env);

/* Open a disk on env's image; fails the test on error. */
VdDisk *vd_test_disk_open(VdTestEnv *env, VdCacheMode cache, VdIoMode io,
                          VdDiskConfig *extra);

typedef struct VdTestSpy VdTestSpy;

/* One request of a batch, and what came back. */
typedef struct {
    VdReqType type;
    uint32_t flags;
    uint64_t off;
    uint64_t len;
    void *buf;           /* used as is (may be misaligned on purpose) */
    int ret;
    bool durable_at_done;   /* with a spy: the range was durable on completion */
    bool flush_done_all;    /* with a spy: no completed write was left unsynced */
} VdTestIo;

/*
 * Submit every request of @ios in one step of the I/O thread (so they are
 * in flight together) and wait for all to complete. With @spy, record at
 * each completion what the spy knows about durability.
 */
void vd_test_batch(VdDisk *d, VdTestIo *ios, unsigned n, VdTestSpy *spy);

/* One request, waited for; returns its result. */
int vd_test_io(VdDisk *d, VdReqType type, uint32_t flags, uint64_t off,
               uint64_t len, void *buf);

/*
 * Start the requests of @ios in the I/O thread without waiting; returns
 * a handle for vd_test_batch_wait.
 */
typedef struct VdTestBatch VdTestBatch;
VdTestBatch *vd_test_batch_start(VdDisk *d, VdTestIo *ios, unsigned n,
                                 VdTestSpy *spy);
/* How many of the batch have completed so far. */
unsigned vd_test_batch_completed(VdTestBatch *b);
void vd_test_batch_wait(VdTestBatch *b);

/* Run the main context until *flag is true. */
void vd_test_main_wait(const bool *flag);

/*
 * Let everything the I/O thread has posted to the main loop run: a round
 * trip through the I/O thread, then the main context until idle.
 */
void vd_test_main_settle(VdIothread *t);

/* A buffer of @len bytes at @misalign bytes past a 4 KiB boundary. */
void *vd_test_buf(size_t len, size_t misalign);
void vd_test_buf_free(void *buf, size_t misalign);

/* Fill @buf with a pattern depending on @seed and the byte's offset. */
void vd_test_fill(void *buf, size_t len, uint64_t off, unsigned seed);

/* ---- the filter: holds or fails requests, above the format ---- */

/* A pass-through test filter, for VdDiskConfig.filters. */
VdLayer *vd_test_filter_new(void);

/*
 * Hold every request from now on (true), or release those held and pass
 * the next ones (false). From the test thread.
 */
void vd_test_filter_hold(VdIothread *t, VdLayer *f, bool hold);

/* Requests held now / seen in all. From the test thread. */
unsigned vd_test_filter_held(VdIothread *t, VdLayer *f);
unsigned vd_test_filter_seen(VdIothread *t, VdLayer *f);

/* Fail the next @count requests of @type with @err (negative errno). */
void vd_test_filter_fail(VdIothread *t, VdLayer *f, VdReqType type, int err,
                         unsigned count);

/* ---- the engine spy: below the file layer ---- */

/* What the spy saw; read it with vd_test_spy_counts. */
typedef struct {
    unsigned reads;
    unsigned plain_writes;     /* WRITE without RWF_DSYNC */
    unsigned fua_writes;       /* WRITE with RWF_DSYNC */
    unsigned fdatasyncs;
    unsigned punches;          /* fallocate PUNCH_HOLE */
    unsigned zero_ranges;      /* fallocate ZERO_RANGE */
    unsigned unsynced;         /* completed changes no fdatasync covered yet */
    int fd;                    /* the fd the engine works on */
} VdTestSpyCounts;

/* An engine_wrap for VdDiskConfig; *spy_out gets the spy (for @data). */
VdEngine *vd_test_spy_wrap(VdEngine *inner, void *data);

/* Snapshot of the counters (from the test thread). */
void vd_test_spy_counts(VdIothread *t, VdTestSpy *spy, VdTestSpyCounts *out);

/*
 * Fail the next @count requests of @type at the engine with @err (each
 * type has its own count; the engine's types: DISCARD is PUNCH_HOLE,
 * WRITE_ZEROES is ZERO_RANGE).
 */
void vd_test_spy_fail(VdIothread *t, VdTestSpy *spy, VdReqType type, int err,
                      unsigned count);

/* Refuse RWF_DSYNC writes with -EOPNOTSUPP, like a kernel before 4.7. */
void vd_test_spy_refuse_fua(VdIothread *t, VdTestSpy *spy, bool refuse);

/*
 * I/O thread only: whether [off, off+len) holds no change that completed
 * without being made durable (no RWF_DSYNC, no later fdatasync).
 */
bool vd_test_spy_durable(VdTestSpy *spy, uint64_t off, uint64_t len);

#endif /* VD_TESTS_STORAGE_TEST_H */
