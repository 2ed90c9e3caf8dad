/*
 * Pausing a running domain through its disks' gates: suspend holds new
 * requests and waits for those in flight; resume releases them, and
 * retries the requests of disks that stopped on an I/O error.
 */
#include "config.h"

#include "common/rpc/protocol.h"
#include "common/util/error.h"
#include "daemon/domain-runtime-priv.h"

/* virDomainPausedReason / virDomainRunningReason values used here. */
#define PAUSED_USER 1
#define RUNNING_UNPAUSED 5

static gboolean
check_running(VdDomainObj *obj, GError **error)
{
    if (obj->run && !obj->run->stopping)
        return TRUE;
    return vd_domain_run_not_running(obj, error);
}

static void
drained_one(VdDomainRun *run)
{
    VdDomainStoppedFn done = run->suspend_done;

    if (--run->drain_pending > 0)
        return;
    run->suspend_done = NULL;
    if (!run->stopping) {
        run->obj->state = VD_DOMAIN_PAUSED;
        run->obj->reason = PAUSED_USER;
    }
    if (done)
        done(run->obj, NULL, run->suspend_data);
    if (run->stop_deferred)
        vd_domain_run_continue_stop(run);
}

static void
disk_drained(VdDisk *disk, void *data)
{
    drained_one(((VdRunDisk *)data)->run);
}

gboolean
vd_domain_run_suspend(VdDaemon *daemon, VdDomainObj *obj,
                      VdDomainStoppedFn done, gpointer data, GError **error)
{
    VdDomainRun *run = obj->run;

    if (!check_running(obj, error))
        return FALSE;
    if (run->suspended || run->drain_pending) {
        g_set_error(error, VD_ERROR_DOMAIN, VD_ERR_OPERATION_INVALID,
                    "Requested operation is not valid: domain '%s' is "
                    "already paused", obj->def->name);
        return FALSE;
    }
    run->suspended = true;
    run->suspend_done = done;
    run->suspend_data = data;
    run->drain_pending = run->disks->len + 1;
    for (guint i = 0; i < run->disks->len; i++) {
        VdRunDisk *rd = run->disks->pdata[i];

        vd_disk_quiesce(rd->disk, disk_drained, rd);
    }
    drained_one(run);
    return TRUE;
}

gboolean
vd_domain_run_resume(VdDaemon *daemon, VdDomainObj *obj, GError **error)
{
    VdDomainRun *run = obj->run;

    if (!check_running(obj, error))
        return FALSE;
    if (obj->state != VD_DOMAIN_PAUSED) {
        g_set_error(error, VD_ERROR_DOMAIN, VD_ERR_OPERATION_INVALID,
                    "Requested operation is not valid: domain '%s' is not "
                    "paused", obj->def->name);
        return FALSE;
    }
    obj->state = VD_DOMAIN_RUNNING;
    obj->reason = RUNNING_UNPAUSED;
    for (guint i = 0; i < run->disks->len; i++) {
        VdRunDisk *rd = run->disks->pdata[i];

        if (run->suspended)
            vd_disk_resume(rd->disk);
        /* A disk stopped on an error tries its failed requests again; if
         * they fail again, the domain pauses again. */
        if (vd_disk_stopped(rd->disk))
            vd_disk_retry(rd->disk);
    }
    run->suspended = false;
    return TRUE;
}
