/*
 * Stopping a running domain, disk by disk: the export goes down first
 * (no new requests, those in flight answered), then the disk is flushed
 * (shutdown) and closed, then its image lock is released. Each step waits
 * for I/O, so the chain runs through callbacks in the main loop.
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "common/rpc/protocol.h"
#include "common/util/error.h"
#include "daemon/domain-runtime-priv.h"

static void
record_error(VdDomainRun *run, const char *target, const char *what, int ret)
{
    if (run->stop_error || run->mode == VD_STOP_DESTROY)
        return;
    g_set_error(&run->stop_error, VD_ERROR_STORAGE, VD_ERR_OPERATION_FAILED,
                "disk %s: %s failed: %s", target, what, g_strerror(-ret));
}

void
vd_domain_run_free(VdDomainRun *run)
{
    for (guint i = 0; i < run->disks->len; i++) {
        VdRunDisk *rd = run->disks->pdata[i];

        g_free(rd->target);
        g_free(rd->source);
        g_free(rd->socket_path);
        vd_disk_hooks_free(rd->hooks);
        g_free(rd);
    }
    g_ptr_array_unref(run->disks);
    if (run->nbd_dir)
        g_rmdir(run->nbd_dir);
    g_free(run->nbd_dir);
    g_clear_error(&run->stop_error);
    g_free(run);
}

static void
finish_stop(VdDomainRun *run)
{
    VdDomainObj *obj = run->obj;
    VdDomainStoppedFn done = run->stop_done;
    gpointer data = run->stop_data;
    g_autoptr(GError) err = g_steal_pointer(&run->stop_error);

    obj->run = NULL;
    obj->id = -1;
    obj->state = VD_DOMAIN_SHUTOFF;
    obj->reason = run->mode == VD_STOP_SHUTDOWN ? VD_DOMAIN_SHUTOFF_SHUTDOWN
                                                : VD_DOMAIN_SHUTOFF_DESTROYED;
    vd_domain_run_free(run);
    g_message("domain '%s' %s%s%s", obj->def->name,
              obj->reason == VD_DOMAIN_SHUTOFF_SHUTDOWN ? "shut down" : "destroyed",
              err ? ": " : "", err ? err->message : "");
    if (done)
        done(obj, err, data);
}

static void
disk_stopped(VdDomainRun *run)
{
    if (--run->stop_pending == 0)
        finish_stop(run);
}

static void
close_disk(VdRunDisk *rd)
{
    if (rd->disk) {
        int ret = vd_disk_close(rd->disk);

        if (ret < 0)
            record_error(rd->run, rd->target, "closing", ret);
        rd->disk = NULL;
    }
    vd_disk_hooks_free(rd->hooks);
    rd->hooks = NULL;
    vd_image_lock_release(rd->lock);
    rd->lock = NULL;
    disk_stopped(rd->run);
}

static void
disk_flushed(VdDisk *disk, int ret, void *data)
{
    VdRunDisk *rd = data;

    if (ret < 0)
        record_error(rd->run, rd->target, "flushing", ret);
    close_disk(rd);
}

static void
export_down(VdNbdExport *e, void *data)
{
    VdRunDisk *rd = data;

    vd_nbd_export_free(e);
    rd->export = NULL;
    /* Shutdown: every write the guest was told of is made durable before
     * the domain is reported shut off. */
    if (rd->disk && rd->run->mode == VD_STOP_SHUTDOWN && rd->writable)
        vd_disk_flush(rd->disk, disk_flushed, rd);
    else
        close_disk(rd);
}

static void
stop_disk(VdRunDisk *rd)
{
    VdDomainRun *run = rd->run;

    if (rd->disk) {
        if (run->mode == VD_STOP_DESTROY)
            vd_disk_abort(rd->disk);
        else if (run->suspended)
            vd_disk_resume(rd->disk);
    }
    if (rd->export)
        vd_nbd_export_shutdown(rd->export, export_down, rd);
    else
        close_disk(rd);
}

void
vd_domain_run_begin_stop(VdDomainRun *run, VdStopMode mode,
                         VdDomainStoppedFn done, gpointer data)
{
    run->stopping = true;
    run->mode = mode;
    run->stop_done = done;
    run->stop_data = data;
    /* A pause still draining holds callbacks on the disks: let it end
     * first, so no callback outlives the disks it names. */
    if (run->drain_pending) {
        run->stop_deferred = true;
        return;
    }
    vd_domain_run_continue_stop(run);
}

void
vd_domain_run_continue_stop(VdDomainRun *run)
{
    run->stop_deferred = false;
    /* One count for the loop itself, so a disk that stops at once cannot
     * finish the domain before the others have started stopping. */
    run->stop_pending = run->disks->len + 1;
    for (guint i = 0; i < run->disks->len; i++)
        stop_disk(run->disks->pdata[i]);
    disk_stopped(run);
}

gboolean
vd_domain_run_stop(VdDaemon *daemon, VdDomainObj *obj, VdStopMode mode,
                   VdDomainStoppedFn done, gpointer data, GError **error)
{
    if (!obj->run || obj->run->stopping) {
        g_set_error(error, VD_ERROR_DOMAIN, VD_ERR_OPERATION_INVALID,
                    "Requested operation is not valid: domain '%s' is %s",
                    obj->def->name, obj->run ? "already being stopped"
                                             : "not running");
        return FALSE;
    }
    vd_domain_run_begin_stop(obj->run, mode, done, data);
    return TRUE;
}

typedef struct {
    guint pending;
    void (*done)(gpointer);
    gpointer data;
} StopAll;

static void
stop_all_one(VdDomainObj *obj, const GError *err, gpointer data)
{
    StopAll *all = data;

    if (err)
        g_warning("domain '%s': %s", obj->def->name, err->message);
    if (--all->pending == 0) {
        all->done(all->data);
        g_free(all);
    }
}

void
vd_domain_run_stop_all(VdDaemon *daemon, void (*done)(gpointer), gpointer data)
{
    g_autoptr(GPtrArray) list = vd_domain_registry_list(daemon->domains);
    StopAll *all = g_new0(StopAll, 1);

    all->done = done;
    all->data = data;
    all->pending = 1;
    for (guint i = 0; i < list->len; i++) {
        VdDomainObj *obj = list->pdata[i];

        if (obj->run && !obj->run->stopping) {
            all->pending++;
            vd_domain_run_begin_stop(obj->run, VD_STOP_SHUTDOWN,
                                     stop_all_one, all);
        }
    }
    stop_all_one(NULL, NULL, all);
}
