/*
 * Running domains: their disks opened on the block backend and exported
 * over NBD, one unix socket per disk, until the domain stops.
 *
 * start opens every disk (image lock, then the chain of layers) and
 * listens on run/nbd/UUID/TARGET; stop takes the exports down and closes
 * the disks, gracefully (shutdown: every request answered, then flushed)
 * or not (destroy: what the disks hold fails). Stopping waits for I/O, so
 * it completes through a callback while the main loop goes on.
 *
 * Main loop only.
 */
#ifndef VD_DAEMON_DOMAIN_RUNTIME_H
#define VD_DAEMON_DOMAIN_RUNTIME_H

#include <glib.h>

#include "daemon/daemon.h"
#include "storage/disk.h"

typedef struct VdDomainRun VdDomainRun;

/* One running disk, as the queries see it. */
typedef struct {
    const char *target;
    const char *socket_path;
    VdDisk *disk;
} VdRunDiskInfo;

/* run/nbd: where running disks are exported (newly allocated). */
char *vd_domain_run_exports_dir(VdDaemon *daemon);

/* run/nbd/UUID: the sockets of one domain's disks, named after their
 * targets, while it runs (newly allocated). */
char *vd_domain_run_nbd_dir(VdDaemon *daemon, const VdDomainDef *def);

/* libvirt's "domain is not running" error; always FALSE. */
gboolean vd_domain_run_not_running(const VdDomainObj *obj, GError **error);

/* Open and export every disk of obj; the domain is then running. */
gboolean vd_domain_run_start(VdDaemon *daemon, VdDomainObj *obj,
                             GError **error);

typedef enum {
    VD_STOP_SHUTDOWN,    /* answer every request, flush, close */
    VD_STOP_DESTROY,     /* fail what is held, close */
} VdStopMode;

/* Called once the domain is shut off; err NULL on success. */
typedef void (*VdDomainStoppedFn)(VdDomainObj *obj, const GError *err,
                                  gpointer data);

/* Stop a running domain. done may be NULL. Fails at once (returns FALSE)
 * when the domain is not running or already stopping. */
gboolean vd_domain_run_stop(VdDaemon *daemon, VdDomainObj *obj,
                            VdStopMode mode, VdDomainStoppedFn done,
                            gpointer data, GError **error);

/* Stop every running domain gracefully, then call done. */
void vd_domain_run_stop_all(VdDaemon *daemon, void (*done)(gpointer),
                            gpointer data);

/* Pause (every disk's gate closed, in-flight I/O drained) and resume;
 * resume also retries the requests of disks stopped on an error. */
gboolean vd_domain_run_suspend(VdDaemon *daemon, VdDomainObj *obj,
                               VdDomainStoppedFn done, gpointer data,
                               GError **error);
gboolean vd_domain_run_resume(VdDaemon *daemon, VdDomainObj *obj,
                              GError **error);

/* The running disks of obj (0 when not running); index < count. */
guint vd_domain_run_disk_count(const VdDomainObj *obj);
void vd_domain_run_disk_info(const VdDomainObj *obj, guint index,
                             VdRunDiskInfo *info);

/* The running disk named by target dev or source path, or NULL. */
VdDisk *vd_domain_run_find_disk(const VdDomainObj *obj, const char *name);

#endif /* VD_DAEMON_DOMAIN_RUNTIME_H */
