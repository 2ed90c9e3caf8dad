/*
 * The raw format: the guest's bytes are the file's bytes. Its only work is
 * the range check against the image size (answering the guest with
 * -EINVAL, or -ENOSPC for writes, as NBD asks) and passing requests down.
 */
#ifndef VD_STORAGE_LAYERS_RAW_H
#define VD_STORAGE_LAYERS_RAW_H

#include "storage/layer.h"

/* A closed raw layer over @next. */
VdLayer *vd_raw_layer_new(VdLayer *next);

#endif /* VD_STORAGE_LAYERS_RAW_H */
