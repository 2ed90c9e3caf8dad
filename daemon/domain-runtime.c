/* Running domains: start and stop; see domain-runtime.h. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "common/rpc/protocol.h"
#include "common/util/error.h"
#include "daemon/domain-runtime.h"
#include "daemon/domain-runtime-priv.h"
#include "daemon/image-lock.h"

/* virDomainRunningReason and virDomainPausedReason values used here. */
#define RUNNING_BOOTED 1
#define PAUSED_IOERROR 5

static VdIothread *
pick_iothread(VdDaemon *daemon, GError **error)
{
    guint max = MAX(1u, g_get_num_processors());
    VdIothread *t;
    char name[16];

    if (!daemon->iothreads)
        daemon->iothreads = g_ptr_array_new_with_free_func(
            (GDestroyNotify)vd_iothread_free);
    if (daemon->iothreads->len < max) {
        g_snprintf(name, sizeof(name), "vd-io%u", daemon->iothreads->len);
        t = vd_iothread_new(name, NULL, daemon->poll_ns, error);
        if (t)
            g_ptr_array_add(daemon->iothreads, t);
        return t;
    }
    return daemon->iothreads->pdata[daemon->next_iothread++ %
                                    daemon->iothreads->len];
}

static bool
disk_writable(const VdDiskDef *def)
{
    return !def->readonly && def->device != VD_DISK_DEVICE_CDROM;
}

/* The running domain and disk already using the image at path, in a way
 * that conflicts with how def wants it. */
static bool
find_user(VdDomainRun *self, const VdDiskDef *def, const struct stat *st,
          const char **domain, const char **target)
{
    g_autoptr(GPtrArray) all = vd_domain_registry_list(self->daemon->domains);

    for (guint i = 0; i < all->len; i++) {
        VdDomainObj *obj = all->pdata[i];

        if (obj->run == self)
            continue;
        for (guint j = 0; obj->run && j < obj->run->disks->len; j++) {
            VdRunDisk *rd = obj->run->disks->pdata[j];
            struct stat other;

            if (stat(rd->source, &other) < 0 || other.st_dev != st->st_dev ||
                other.st_ino != st->st_ino)
                continue;
            /* Readers share; shareable writers share with each other. */
            if ((!disk_writable(def) && !rd->writable) ||
                (def->shareable && rd->shareable))
                continue;
            *domain = obj->def->name;
            *target = rd->target;
            return true;
        }
    }
    return false;
}

static VdDiskConfig
disk_config(const VdDiskDef *def)
{
    VdDiskConfig cfg = {
        .path = def->source,
        .format = def->driver_format,
        /* Only the test driver leaves it open: take QEMU's safe default. */
        .cache = def->cache != VD_CACHE_DEFAULT ? def->cache : VD_CACHE_NONE,
        .io = def->io,
        .discard = def->discard,
        .error_policy = def->error_policy,
        .read_only = !disk_writable(def),
        /* The configuration names the backing file's format: it is then
         * never probed (libvirt's rule, as for the image itself). */
        .backing_format = def->backing ? def->backing->format : NULL,
    };

    /* libvirt's legacy "aio" format is raw. */
    if (cfg.format && strcmp(cfg.format, "aio") == 0)
        cfg.format = "raw";
    return cfg;
}

static void
on_disk_event(VdDisk *disk, const VdDiskEvent *ev, void *data)
{
    VdRunDisk *rd = data;
    VdDomainObj *obj = rd->run->obj;

    if (ev->type == VD_DISK_EVENT_STOPPED) {
        g_warning("domain '%s' paused: disk %s: %s", obj->def->name,
                  rd->target, g_strerror(-ev->error));
        if (obj->state == VD_DOMAIN_RUNNING) {
            obj->state = VD_DOMAIN_PAUSED;
            obj->reason = PAUSED_IOERROR;
        }
    } else {
        g_warning("domain '%s' disk %s: %s: writes can no longer be made "
                  "durable until the disk is reopened", obj->def->name,
                  rd->target, g_strerror(-ev->error));
    }
}

static gboolean
start_disk(VdDomainRun *run, const VdDiskDef *def, GError **error)
{
    VdDaemon *daemon = run->daemon;
    VdRunDisk *rd = g_new0(VdRunDisk, 1);
    VdDiskConfig cfg = disk_config(def);
    VdNbdExportConfig ecfg = { .name = def->target_dev };
    const char *other_domain, *other_target;
    VdIothread *thread;
    struct stat st;

    rd->run = run;
    rd->target = g_strdup(def->target_dev);
    rd->source = g_strdup(def->source);
    rd->writable = disk_writable(def);
    rd->shareable = def->shareable;
    rd->socket_path = g_build_filename(run->nbd_dir, def->target_dev, NULL);
    g_ptr_array_add(run->disks, rd);

    if (stat(def->source, &st) < 0) {
        g_set_error(error, VD_ERROR_STORAGE, VD_ERR_SYSTEM_ERROR,
                    "cannot open disk '%s': %s", def->source, g_strerror(errno));
        return FALSE;
    }
    if (find_user(run, def, &st, &other_domain, &other_target)) {
        g_set_error(error, VD_ERROR_LOCKING, VD_ERR_RESOURCE_BUSY,
                    "disk in use: '%s' is used by running domain '%s' (disk %s)",
                    def->source, other_domain, other_target);
        return FALSE;
    }
    rd->lock = vd_image_lock_acquire(def->source,
                                     rd->writable && !def->shareable, error);
    if (!rd->lock)
        return FALSE;
    thread = pick_iothread(daemon, error);
    if (!thread)
        return FALSE;
    if (!vd_disk_hooks_new(daemon, run->obj->def->name, rd->target, &cfg,
                           &rd->hooks, error))
        return FALSE;
    rd->disk = vd_disk_open(thread, &cfg, error);
    if (!rd->disk)
        return FALSE;
    vd_disk_set_event_handler(rd->disk, on_disk_event, rd);
    if (vd_disk_engine_note(rd->disk))
        g_message("domain '%s' disk %s: %s", run->obj->def->name, rd->target,
                  vd_disk_engine_note(rd->disk));
    rd->export = vd_nbd_export_new(rd->disk, &ecfg);
    return vd_nbd_export_listen_unix(rd->export, rd->socket_path, error);
}

char *
vd_domain_run_exports_dir(VdDaemon *daemon)
{
    return g_build_filename(vd_state_dir_run_dir(daemon->state), "nbd", NULL);
}

char *
vd_domain_run_nbd_dir(VdDaemon *daemon, const VdDomainDef *def)
{
    g_autofree char *exports = vd_domain_run_exports_dir(daemon);
    char uuidstr[VD_UUID_STRING_LEN];

    vd_uuid_format(def->uuid, uuidstr);
    return g_build_filename(exports, uuidstr, NULL);
}

gboolean
vd_domain_run_not_running(const VdDomainObj *obj, GError **error)
{
    g_set_error(error, VD_ERROR_DOMAIN, VD_ERR_OPERATION_INVALID,
                "Requested operation is not valid: domain '%s' is not running",
                obj->def->name);
    return FALSE;
}

/* run/nbd/UUID, emptied of what a killed daemon left there. */
static char *
make_nbd_dir(VdDaemon *daemon, const VdDomainDef *def, GError **error)
{
    g_autofree char *dir = vd_domain_run_nbd_dir(daemon, def);
    g_autoptr(GDir) d = NULL;
    const char *name;

    if (g_mkdir_with_parents(dir, 0700) < 0) {
        g_set_error(error, VD_ERROR_STORAGE, VD_ERR_SYSTEM_ERROR,
                    "cannot create '%s': %s", dir, g_strerror(errno));
        return NULL;
    }
    d = g_dir_open(dir, 0, NULL);
    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(dir, name, NULL);

        g_unlink(path);
    }
    return g_steal_pointer(&dir);
}

gboolean
vd_domain_run_start(VdDaemon *daemon, VdDomainObj *obj, GError **error)
{
    VdDomainRun *run;

    if (obj->run) {
        g_set_error(error, VD_ERROR_DOMAIN, VD_ERR_OPERATION_INVALID,
                    "Requested operation is not valid: domain '%s' is %s",
                    obj->def->name,
                    obj->run->stopping ? "being stopped" : "already running");
        return FALSE;
    }
    run = g_new0(VdDomainRun, 1);
    run->daemon = daemon;
    run->obj = obj;
    run->disks = g_ptr_array_new();
    run->nbd_dir = make_nbd_dir(daemon, obj->def, error);
    obj->run = run;
    if (!run->nbd_dir) {
        vd_domain_run_free(run);
        obj->run = NULL;
        return FALSE;
    }
    for (size_t i = 0; i < obj->def->ndisks; i++) {
        const VdDiskDef *def = obj->def->disks[i];

        if (def->source && !start_disk(run, def, error)) {
            /* Take down what did open, in the background. */
            vd_domain_run_begin_stop(run, VD_STOP_DESTROY, NULL, NULL);
            return FALSE;
        }
    }
    obj->id = ++daemon->next_domain_id;
    obj->state = VD_DOMAIN_RUNNING;
    obj->reason = RUNNING_BOOTED;
    g_message("domain '%s' started with %u disks", obj->def->name,
              run->disks->len);
    return TRUE;
}

guint
vd_domain_run_disk_count(const VdDomainObj *obj)
{
    return obj->run && !obj->run->stopping ? obj->run->disks->len : 0;
}

void
vd_domain_run_disk_info(const VdDomainObj *obj, guint index,
                        VdRunDiskInfo *info)
{
    VdRunDisk *rd = obj->run->disks->pdata[index];

    info->target = rd->target;
    info->socket_path = rd->socket_path;
    info->disk = rd->disk;
}

VdDisk *
vd_domain_run_find_disk(const VdDomainObj *obj, const char *name)
{
    for (guint i = 0; i < vd_domain_run_disk_count(obj); i++) {
        VdRunDisk *rd = obj->run->disks->pdata[i];

        if (strcmp(rd->target, name) == 0 || strcmp(rd->source, name) == 0)
            return rd->disk;
    }
    return NULL;
}
