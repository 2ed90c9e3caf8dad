/*
 * The write recorder: a filter at the very bottom of a disk's chain, on
 * the engine interface under the file layer, that logs what reaches the
 * storage in the dm-log-writes format (storage/layers/logwrites.h).
 *
 * Why under the file layer and not above it: the file layer turns cache
 * modes into system calls (RWF_DSYNC, fdatasync, nothing for unsafe).
 * Only below it does the log say what was made durable when, so that the
 * crash explorer can check the file layer and the formats above it,
 * rather than trust them. Each engine request is one system call
 * (storage/engine/engine.h), so this is dm-log-writes' view of a device.
 *
 * Logging rule (dm-log-writes'): a write, discard or write-zeroes is
 * logged once it has completed and a flush submitted after its completion
 * has completed, just before that flush; a FUA write is logged when it
 * completes. So every prefix of the log ending at a flush or FUA entry is
 * a state the storage was guaranteed to hold from that instant. Where
 * dm-log-writes gives a write to the first flush submitted after it, here
 * any such flush that completes logs it: two fdatasyncs may be in flight
 * and the second may finish first. Writes never covered by a flush are
 * logged when the recorder is freed, then the end mark. Failed requests
 * are not logged. Fallocate of either kind is logged as a DISCARD (the
 * range reads back as zeroes). A request not aligned to the log's
 * 512-byte sectors is logged with the whole sectors around it, read back
 * from the file when it completed. Submission times are unique and
 * increasing.
 *
 * The times sidecar gets each entry's submission time and the instant it
 * was logged (when it became durable), which is what lets the explorer
 * compare the log with a guest's acknowledgements.
 *
 * For tests only: it allocates per request and does blocking writes to
 * its log in the I/O thread. A disk without it pays nothing.
 *
 * Threads: new and free on the control plane (free after the disk that
 * used it is closed); everything else in the disk's I/O thread.
 */
#ifndef VD_STORAGE_LAYERS_RECORDER_H
#define VD_STORAGE_LAYERS_RECORDER_H

#include <glib.h>

#include "storage/engine/engine.h"

typedef struct VdRecorder VdRecorder;

/* The log's sector size: the kernel's and QEMU's default. */
#define VD_RECORDER_SECTOR 512u

/* A recorder writing @path and @path.times (both truncated). */
VdRecorder *vd_recorder_new(const char *path, GError **err);

/*
 * An engine_wrap for VdDiskConfig, with @recorder as its data: returns an
 * engine that logs what @inner does. One engine per recorder.
 */
VdEngine *vd_recorder_wrap(VdEngine *inner, void *recorder);

/* Entries logged so far (I/O thread, or after the disk is closed). */
uint64_t vd_recorder_n_entries(const VdRecorder *rec);

/*
 * Log the writes no flush covered and the end mark, close the log and
 * free @rec. Returns 0, or the first -errno met writing the log (which is
 * then incomplete).
 */
int vd_recorder_free(VdRecorder *rec);

#endif /* VD_STORAGE_LAYERS_RECORDER_H */
