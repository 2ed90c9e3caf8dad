/*
 * A crash state as an overlay over the base image: the sectors that the
 * state's chosen unflushed writes (whole or torn) put there, held in
 * memory and pointing at the log's data, so that a state costs what it
 * changes and never a copy of the image.
 *
 * The overlay is also an engine (an engine_wrap for VdDiskConfig): the
 * real file layer and the format above it open the state through it.
 * Reads see the overlay over the base file; writes (a format's recovery
 * repairing the image) go into the overlay, never into the base, so the
 * next state starts from the same base; flushes succeed.
 *
 * put, clear and the queries: the explorer's thread, while no disk is
 * open on the overlay; the engine runs in the I/O thread.
 */
#ifndef VD_CRASH_OVERLAY_H
#define VD_CRASH_OVERLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "storage/engine/engine.h"
#include "tools/crash/image.h"

typedef struct VdCrashOverlay VdCrashOverlay;

VdCrashOverlay *vd_crash_overlay_new(VdCrashImage *base);
void vd_crash_overlay_free(VdCrashOverlay *ov);

/* Empty the overlay: the state is the base again. */
void vd_crash_overlay_clear(VdCrashOverlay *ov);

/*
 * Sector @s of the state holds @data (a sector; NULL: zeroes; kept by
 * reference) written at submission time @version, unless the base or the
 * overlay already holds a newer version of it.
 */
void vd_crash_overlay_put(VdCrashOverlay *ov, uint64_t s, const uint8_t *data,
                          uint64_t version);

/* Sectors in the overlay, and the i-th of them (in no order). */
unsigned vd_crash_overlay_count(const VdCrashOverlay *ov);
uint64_t vd_crash_overlay_sector(const VdCrashOverlay *ov, unsigned i);

/* Its content (NULL: zeroes). */
const uint8_t *vd_crash_overlay_data(const VdCrashOverlay *ov, unsigned i);

/* The end of the state's file: the base's, or past it. */
uint64_t vd_crash_overlay_end(const VdCrashOverlay *ov);

/* Whether the disk opened on it wrote anything (a repair). */
bool vd_crash_overlay_written(const VdCrashOverlay *ov);

/* An engine_wrap for VdDiskConfig; @overlay is the VdCrashOverlay. */
VdEngine *vd_crash_overlay_wrap(VdEngine *inner, void *overlay);

#endif /* VD_CRASH_OVERLAY_H */
