/*
 * Creating QED images (vdisk image-create, tests). Control plane,
 * blocking, through a VdQedIo on an empty file.
 */
#ifndef VD_STORAGE_LAYERS_QED_CREATE_H
#define VD_STORAGE_LAYERS_QED_CREATE_H

#include <stdint.h>
#include <glib.h>

#include "storage/layers/qed-image.h"

typedef struct {
    uint64_t size;               /* guest bytes, a multiple of 512 */
    uint32_t cluster_size;       /* 0: 64 KiB */
    uint32_t table_size;         /* clusters per table; 0: 4 */
    const char *backing_file;    /* stored as given; NULL: none */
    /* "raw" sets the no-probe bit; "qed" or NULL leave the format to be
     * probed at open, as qemu-img does for formats other than raw. */
    const char *backing_format;
} VdQedCreateOptions;

/* The header an image with options @o gets; false with @err if invalid. */
bool vd_qed_create_header(const VdQedCreateOptions *o, VdQedHeader *h,
                          GError **err);

/* Write a new image on @io. 0, or -errno with @err set. */
int vd_qed_create(VdQedIo *io, const VdQedCreateOptions *o, GError **err);

#endif /* VD_STORAGE_LAYERS_QED_CREATE_H */
