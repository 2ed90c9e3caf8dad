/*
 * The file protocol layer: the bottom of every chain, on an image file or
 * a block device. It implements the cache modes of DURABILITY.md at the
 * system-call level:
 *
 *   mode          open flags   each write          FLUSH
 *   directsync    O_DIRECT     durable (RWF_DSYNC) fdatasync
 *   writethrough  buffered     durable (RWF_DSYNC) fdatasync
 *   none          O_DIRECT     FUA only            fdatasync
 *   writeback     buffered     FUA only            fdatasync
 *   unsafe        buffered     never (FUA ignored) ignored (succeeds)
 *
 * A durable write is RWF_DSYNC on the write itself, or write then
 * fdatasync when the kernel lacks RWF_DSYNC; discard and write-zeroes are
 * fallocate, followed by fdatasync when they must be durable. On O_DIRECT,
 * requests not aligned to the logical block size are done through a
 * bounce buffer, writes by read-modify-write, serialised against
 * overlapping writes so that no neighbouring bytes are lost.
 *
 * Writes and reads past the end of the file are allowed: a format that
 * appends (QED) grows the file by writing past its end, and reads there
 * give zeroes. Range checks against the guest's size are the format's.
 *
 * After a failed fdatasync (or a failed durable write) the kernel may have
 * dropped dirty pages, so the layer fails every later flush and durable
 * write until it is reopened, and vd_file_layer_failed says so.
 */
#ifndef VD_STORAGE_LAYERS_FILE_H
#define VD_STORAGE_LAYERS_FILE_H

#include "common/conf/disk-conf.h"
#include "storage/engine/engine.h"
#include "storage/layer.h"

typedef struct {
    const char *path;
    VdCacheMode cache;          /* not _DEFAULT */
    VdIoMode io;                /* _NATIVE needs cache none or directsync */
    bool read_only;
    /* Tests: interpose on the engine (see VdDiskConfig). */
    VdEngine *(*engine_wrap)(VdEngine *inner, void *data);
    void *engine_wrap_data;
} VdFileOptions;

/* A closed file layer (options copied). */
VdLayer *vd_file_layer_new(const VdFileOptions *opts);


/* Offset and length alignment below which requests need RMW (1: none). */
uint32_t vd_file_layer_align(const VdLayer *l);

/* After attach: the engine's name, and the fallback note (or NULL). */
const char *vd_file_layer_engine_name(const VdLayer *l);
const char *vd_file_layer_engine_note(const VdLayer *l);

/* 0, or the -errno after which durability is lost (any thread). */
int vd_file_layer_failed(const VdLayer *l);

/*
 * Whether every write is durable when it completes (writethrough,
 * directsync): a format above must then make its own metadata durable
 * before it completes a write that changed it.
 */
bool vd_file_layer_writes_durable(const VdLayer *l);

/*
 * The open file descriptor, for a format's blocking I/O on the control
 * plane (open, close, check) while the layer is not attached to an I/O
 * thread. With O_DIRECT (vd_file_layer_align > 1) I/O on it must be
 * aligned. The layer keeps it.
 */
int vd_file_layer_fd(const VdLayer *l);

#endif /* VD_STORAGE_LAYERS_FILE_H */
