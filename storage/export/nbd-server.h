/*
 * NBD exports: how guests (any NBD client) reach a running disk.
 *
 * One VdNbdExport serves one VdDisk, under one export name, on one or
 * more listening sockets (normally one unix socket per disk in the run
 * directory; it can also take a listening or a connected socket it is
 * given). It speaks fixed newstyle NBD (nbd-handshake.h) and serves READ,
 * WRITE (with FUA), FLUSH, TRIM, WRITE_ZEROES (with NO_HOLE) and DISC,
 * with simple or structured replies. What it advertises and refuses is
 * nbd-policy.h.
 *
 * All of its work happens in the disk's I/O thread: non-blocking sockets
 * watched by that thread's loop, requests submitted to the disk from it,
 * completions and replies in it. Each connection has its own queue of at
 * most VD_NBD_MAX_INFLIGHT requests and VD_NBD_INFLIGHT_BYTES of buffers;
 * at either limit the server stops reading from that connection until a
 * reply has gone out. Replies go out in completion order, each matched to
 * its request by the client's cookie.
 *
 * Threads. Every function here is for the control plane (the main loop
 * or a test's main thread), never for the I/O thread: they hand their
 * work to the I/O thread and wait for it (vd_iothread_run_sync), except
 * shutdown, whose callback runs in the I/O thread's main context.
 * The export must be shut down, and shutdown's callback have run, before
 * the disk is closed; it is freed after that.
 */
#ifndef VD_EXPORT_NBD_SERVER_H
#define VD_EXPORT_NBD_SERVER_H

#include <stdbool.h>
#include <glib.h>

#include "storage/disk.h"

/* Requests one connection may have between reading and replying. */
#define VD_NBD_MAX_INFLIGHT     32u

/* Payload buffers one connection may hold: two maximal requests. */
#define VD_NBD_INFLIGHT_BYTES   (64u * 1024 * 1024)

/* Connections one export serves at a time; more are closed at once. */
#define VD_NBD_MAX_CONNECTIONS  16u

typedef struct VdNbdExport VdNbdExport;

typedef struct {
    const char *name;          /* export name clients ask for; "" is fine */
    const char *description;   /* shown by NBD_OPT_LIST; NULL: none */
} VdNbdExportConfig;

/* Called once the export has stopped (see vd_nbd_export_shutdown). */
typedef void (*VdNbdExportDoneFn)(VdNbdExport *e, void *data);

/*
 * An export of @disk. The strings of @cfg are copied. The disk must stay
 * open until the export is shut down.
 */
VdNbdExport *vd_nbd_export_new(VdDisk *disk, const VdNbdExportConfig *cfg);

/*
 * Listen on a new unix socket at @path (mode 0600; the directory should
 * be private too). Fails if @path exists. Returns false with @err set.
 */
bool vd_nbd_export_listen_unix(VdNbdExport *e, const char *path, GError **err);

/*
 * Serve on @fd, a listening stream socket (unix or TCP); the export takes
 * it and leaves the address alone on shutdown.
 */
bool vd_nbd_export_listen_fd(VdNbdExport *e, int fd, GError **err);

/* Serve one connected stream socket @fd; the export takes it. */
void vd_nbd_export_add_client(VdNbdExport *e, int fd);

/* Connections open now (handshake or transmission). */
unsigned vd_nbd_export_connections(VdNbdExport *e);

/*
 * Stop: close the listening sockets (unlinking the paths of those it
 * created), close connections still in the handshake, stop reading from
 * the others, wait for their requests in flight to complete, send what
 * replies the clients will take without blocking, and close them. Then
 * @done runs in the main context of the disk's I/O thread. Call it once.
 */
void vd_nbd_export_shutdown(VdNbdExport *e, VdNbdExportDoneFn done, void *data);

/* Free a stopped export. */
void vd_nbd_export_free(VdNbdExport *e);

#endif /* VD_EXPORT_NBD_SERVER_H */
