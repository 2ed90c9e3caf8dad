/*
 * Image files without a daemon: what vdisk's image-create, image-info and
 * image-check do. Control plane, blocking, GError.
 *
 * Nothing here opens a backing file: a backing name is data of the image,
 * reported and resolved as a path but never followed by a metadata
 * command (the lesson of CVE-2024-4467, where `qemu-img info` opened what
 * an image named). Only image-create looks at the backing file it is
 * given, to take its size, reading its header and nothing further.
 */
#ifndef VD_STORAGE_IMAGE_IMAGE_H
#define VD_STORAGE_IMAGE_IMAGE_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

#include "storage/layers/qed-image.h"

typedef enum {
    VD_IMAGE_PREALLOC_OFF,       /* a sparse file */
    VD_IMAGE_PREALLOC_FALLOC,    /* blocks reserved (fallocate) */
    VD_IMAGE_PREALLOC_FULL,      /* zeroes written */
} VdImagePrealloc;

typedef struct {
    const char *path;
    const char *format;          /* "raw" or "qed" */
    uint64_t size;               /* 0: the backing file's (qed) */
    VdImagePrealloc prealloc;    /* raw only */
    uint32_t cluster_size;       /* qed; 0: default */
    uint32_t table_size;         /* qed; 0: default */
    const char *backing_file;    /* qed; stored as given */
    const char *backing_format;  /* qed; "raw" sets the no-probe bit */
} VdImageCreateOptions;

/* Create a new image; refuses to overwrite an existing file. */
bool vd_image_create(const VdImageCreateOptions *o, GError **err);

typedef struct {
    char *path;
    char *format;                /* "raw" or "qed" */
    uint64_t virtual_size;
    uint64_t file_size;
    uint64_t actual_size;        /* bytes the file takes on disk */
    /* qed only */
    uint32_t cluster_size;
    uint32_t table_size;
    uint32_t header_size;
    uint64_t features, compat_features, autoclear_features;
    char *backing_file;          /* as stored; NULL: none */
    char *backing_path;          /* where it resolves (not opened) */
    char *backing_format;        /* "raw" by the no-probe bit; NULL: probed */
    bool need_check;             /* NEED_CHECK on disk */
    bool dirty_log;              /* vdisk's dirty table log is valid */
} VdImageInfo;

/*
 * Describe the image at @path, as @format ("raw", "qed"; NULL: QED if it
 * has QED's magic, else raw). Opens it read-only and changes nothing.
 */
bool vd_image_info(const char *path, const char *format, VdImageInfo *info,
                   GError **err);
void vd_image_info_clear(VdImageInfo *info);

/*
 * Check the QED image at @path (qed-check.c), repairing it with @repair.
 * false with @err when it cannot be opened or checked at all (a raw
 * image: VD_ERR_NO_SUPPORT); otherwise the findings are in @res.
 */
bool vd_image_check(const char *path, bool repair, VdQedCheckResult *res,
                    GError **err);

/*
 * A size as people write it: bytes, or a number with K, M, G, T, P or E
 * (powers of 1024, as qemu-img reads them; "KiB" and "k" too). false when
 * it is not one.
 */
bool vd_image_parse_size(const char *s, uint64_t *out);

/* "raw" or "qed" for a file's first bytes (NULL on error, errno set). */
const char *vd_image_probe(const char *path);

#endif /* VD_STORAGE_IMAGE_IMAGE_H */
