/*
 * Test-only hooks on every disk a daemon opens, set by vdiskd's --test-*
 * options: the write recorder (storage/layers/recorder.h), which logs
 * what reaches each image for the crash explorer, and fault injection
 * (storage/layers/fault.h) above it, so that a failed request is never
 * logged as reaching the storage. With no option given nothing is hooked
 * and a disk costs what it always does.
 *
 * Main loop only.
 */
#ifndef VD_DAEMON_TEST_HOOKS_H
#define VD_DAEMON_TEST_HOOKS_H

#include <glib.h>

#include "daemon/daemon.h"
#include "storage/disk.h"

typedef struct VdDiskHooks VdDiskHooks;

/*
 * Hook disk @target of domain @domain as the daemon's options say: sets
 * cfg->engine_wrap and its data, and *out to what must be freed after
 * the disk is closed (NULL, and @cfg untouched, when nothing is hooked).
 * The recorder writes DIR/DOMAIN-TARGET.log (and .times), replacing a
 * log of the same name. FALSE with @error set when a log cannot be made.
 */
gboolean vd_disk_hooks_new(const VdDaemon *daemon, const char *domain,
                           const char *target, VdDiskConfig *cfg,
                           VdDiskHooks **out, GError **error);

/* After the disk is closed (or never opened): finish the log. NULL-safe. */
void vd_disk_hooks_free(VdDiskHooks *h);

#endif /* VD_DAEMON_TEST_HOOKS_H */
