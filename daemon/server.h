/*
 * The RPC server: two listening unix sockets, as libvirt has.
 *
 * The read-write socket is for the daemon's owner only (mode 0600, and
 * the peer's uid checked with SO_PEERCRED); the read-only socket accepts
 * any local user but every call that changes something is refused there.
 * Main loop only.
 */
#ifndef VD_DAEMON_SERVER_H
#define VD_DAEMON_SERVER_H

#include <glib.h>

#include "daemon/daemon.h"

/* Listen on rw_path and ro_path (stale socket files are replaced: the
 * caller holds the state directory's lock, so nobody else serves them). */
VdServer *vd_server_new(VdDaemon *daemon, const char *rw_path,
                        const char *ro_path, GError **error);

/* Stop listening, remove the socket files, close every connection. */
void vd_server_free(VdServer *server);

#endif /* VD_DAEMON_SERVER_H */
