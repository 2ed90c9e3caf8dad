/*
 * Opening a crash state the way vdiskd opens a disk, and reading it.
 *
 * Each state is opened with vd_disk_open on the base image's path, the
 * overlay as its engine (overlay.h): the real file layer, the real format
 * layer with whatever its open does after a crash (a format's recovery),
 * then the format's check (vd_disk_check), then reads through the whole
 * chain, then close. Nothing is kept between states but the I/O thread.
 *
 * The explorer's thread; blocks while the I/O thread works.
 */
#ifndef VD_CRASH_CHECK_H
#define VD_CRASH_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "storage/layer.h"
#include "tools/crash/image.h"
#include "tools/crash/overlay.h"

typedef struct VdCrashChecker VdCrashChecker;

/* A checker for images of @format ("raw") over @im and @ov (kept). */
VdCrashChecker *vd_crash_checker_new(const char *format, VdCrashImage *im,
                                     VdCrashOverlay *ov, GError **err);
void vd_crash_checker_free(VdCrashChecker *c);

/*
 * Open the state (base + overlay), check it into @check, read the 4 KiB
 * guest blocks @blocks[0..n) into @out (n * 4096 bytes), close. FALSE
 * with @err when the state cannot be opened, checked or read: itself a
 * violation of the contract (an image must open after any crash).
 */
gboolean vd_crash_checker_run(VdCrashChecker *c, const uint64_t *blocks,
                              size_t n, uint8_t *out,
                              VdLayerCheckResult *check, GError **err);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(VdCrashChecker, vd_crash_checker_free)

#endif /* VD_CRASH_CHECK_H */
