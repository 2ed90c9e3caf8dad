/*
 * What the parts of the domain runtime share (start, stop, pause).
 * Main loop only.
 */
#ifndef VD_DAEMON_DOMAIN_RUNTIME_PRIV_H
#define VD_DAEMON_DOMAIN_RUNTIME_PRIV_H

#include "daemon/domain-runtime.h"
#include "daemon/image-lock.h"
#include "daemon/test-hooks.h"
#include "storage/export/nbd-server.h"

typedef struct {
    VdDomainRun *run;
    char *target;
    char *source;
    char *socket_path;
    bool writable;
    bool shareable;
    VdImageLock *lock;
    VdDiskHooks *hooks;     /* tests: freed after the disk is closed */
    VdDisk *disk;           /* NULL until opened */
    VdNbdExport *export;    /* NULL until created */
} VdRunDisk;

struct VdDomainRun {
    VdDaemon *daemon;
    VdDomainObj *obj;
    char *nbd_dir;
    GPtrArray *disks;       /* VdRunDisk *, in definition order */

    bool suspended;         /* gates closed by a user pause */
    guint drain_pending;
    VdDomainStoppedFn suspend_done;
    gpointer suspend_data;

    bool stopping;
    bool stop_deferred;     /* asked while a pause drains: after it */
    VdStopMode mode;
    guint stop_pending;
    GError *stop_error;
    VdDomainStoppedFn stop_done;
    gpointer stop_data;
};

/* Start stopping run (not stopping yet); done may be NULL. */
void vd_domain_run_begin_stop(VdDomainRun *run, VdStopMode mode,
                              VdDomainStoppedFn done, gpointer data);

/* Continue a stop that waited for a pause to drain. */
void vd_domain_run_continue_stop(VdDomainRun *run);

/* Free a run whose disks are all closed. */
void vd_domain_run_free(VdDomainRun *run);

#endif /* VD_DAEMON_DOMAIN_RUNTIME_PRIV_H */
