/*
 * Where vdiskd keeps its files unless told otherwise: the one rule the
 * daemon and its clients share, so that `vdisk` finds a daemon started
 * without --state-dir, and both agree whatever GLib configure accepted.
 *
 *   $XDG_STATE_HOME/vdisk          the state directory (~/.local/state/vdisk)
 *   STATE/run/vdiskd-sock          its read-write socket
 *   STATE/run/vdiskd-sock-ro       its read-only socket
 *
 * Strings returned are newly allocated (g_free). The defaults read the
 * environment, as GLib does: call them before threads change it.
 */
#ifndef VD_UTIL_PATHS_H
#define VD_UTIL_PATHS_H

#include <stdbool.h>

/* The default state directory. */
char *vd_default_state_dir(void);

/* The socket of the daemon whose state directory is state_dir. */
char *vd_state_socket_path(const char *state_dir, bool read_only);

/* The socket of a daemon on the default state directory. */
char *vd_default_socket_path(bool read_only);

#endif /* VD_UTIL_PATHS_H */
