/*
 * The QED format layer (docs/formats/qed.md): guest requests mapped
 * through the image's L1 and L2 tables onto the file layer below, with
 * unallocated clusters read from the backing file (or as zeroes), and
 * clusters allocated at the end of the file on first write.
 *
 * Ordering, in short (the comments at each place say why):
 *  - NEED_CHECK (and the dirty table log) is set and flushed before the
 *    first write that can change a mapping after open;
 *  - a mapping is changed in memory only after the data it points at is
 *    written, and written to the disk only after that data is durable
 *    when the cluster holds backing data (with no backing file a new
 *    cluster reads zeroes either way, which is what it held);
 *  - mappings go to the disk in batches, on the guest's flushes (or when
 *    much is dirty), behind a flush when the log must name new tables;
 *  - NEED_CHECK is cleared at a clean close, after a flush.
 *
 * Allocating writes run in parallel; two writes to the same new cluster
 * wait for each other, nothing else does.
 *
 * Threads: as for every layer (layer.h). open runs the recovery of an
 * image that was not closed cleanly; close writes the tables back and
 * marks the image clean.
 */
#ifndef VD_STORAGE_LAYERS_QED_H
#define VD_STORAGE_LAYERS_QED_H

#include "common/conf/disk-conf.h"
#include "storage/layer.h"
#include "storage/layers/qed-image.h"

typedef struct {
    const char *path;            /* the image: backing names are relative
                                  * to its directory */
    VdCacheMode cache;           /* for the backing chain's files */
    VdIoMode io;
    bool read_only;
    /* The backing file's format when known from elsewhere (the domain's
     * <backingStore>): never probed then. NULL: the image's no-probe bit
     * says raw, else the file is probed (QED or raw). */
    const char *backing_format;
    unsigned depth;              /* in a backing chain; 0 for the top */
    unsigned cache_tables;       /* L2 tables kept in memory; 0: 64 MiB */
    unsigned open_flags;         /* VD_QED_OPEN_* (qed-image.h), tests */
} VdQedOptions;

/* A closed QED layer over the file layer @file (options copied). */
VdLayer *vd_qed_layer_new(VdLayer *file, const VdQedOptions *opts);

#endif /* VD_STORAGE_LAYERS_QED_H */
