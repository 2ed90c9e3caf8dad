/*
 * The explorer's base image: the state a prefix of the write log leaves,
 * kept in a memory file (memfd) that the real file layer opens by its
 * /proc/self/fd path, and moved forward entry by entry rather than copied
 * per crash state.
 *
 * Entries are applied per sector, by submission time: a sector takes an
 * entry's data only when the entry was submitted after the version it
 * holds. The log's order is not the order writes happened in (a FUA write
 * is logged before plain writes that completed earlier and are logged at
 * the next flush); on a real device an older write never lands over a
 * newer one of the same sector once the newer one was issued after the
 * older completed, which is the only case guests rely on.
 *
 * One thread.
 */
#ifndef VD_CRASH_IMAGE_H
#define VD_CRASH_IMAGE_H

#include <stdint.h>
#include <glib.h>

#include "storage/layers/logwrites.h"

typedef struct VdCrashImage VdCrashImage;

/* A sector of the image changed (vd_crash_image_apply). */
typedef void (*VdCrashTouched)(uint64_t sector, void *data);

/*
 * A base image of @size bytes in sectors of @sectorsize: a copy of the
 * file @init, or zeroes when @init is NULL.
 */
VdCrashImage *vd_crash_image_new(const char *init, uint64_t size,
                                 uint32_t sectorsize, GError **err);
void vd_crash_image_free(VdCrashImage *im);

/* A path the file layer can open, and the descriptor behind it. */
const char *vd_crash_image_path(const VdCrashImage *im);
int vd_crash_image_fd(const VdCrashImage *im);

uint32_t vd_crash_image_sectorsize(const VdCrashImage *im);

/* Bytes in the image now (writes past the end grow it). */
uint64_t vd_crash_image_size(const VdCrashImage *im);

/*
 * Apply the write or discard @e where it is the newest version of a
 * sector; @touched (may be NULL) hears of each sector that changed.
 * Returns 0 or -errno.
 */
int vd_crash_image_apply(VdCrashImage *im, const VdLogEntry *e,
                         VdCrashTouched touched, void *data);

/* The submission time of the version sector @s holds (0: the initial). */
uint64_t vd_crash_image_version(const VdCrashImage *im, uint64_t s);

/* Set the file's length (the overlay's states may be longer). */
int vd_crash_image_set_length(VdCrashImage *im, uint64_t len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(VdCrashImage, vd_crash_image_free)

#endif /* VD_CRASH_IMAGE_H */
