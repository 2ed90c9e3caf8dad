/*
 * The Xen driver. What matters most here is the backend that serves a
 * disk in dom0 (<driver name=...>):
 *
 * - file on a PV guest is a dom0 loop device. It keeps written data in
 *   the page cache for as long as it likes, even after the guest asked
 *   for a sync, so a host crash loses writes the guest believed durable.
 *   The aio backend (name='tap', tapdisk: O_DIRECT and Linux AIO) takes
 *   its place. phy on a regular file is the same loop device.
 * - a block device is served by phy (blkback): requests go straight to
 *   the device, flushes included, with no loop device in between.
 * - an HVM guest's file disks are served by the device model (QEMU),
 *   which honours flushes: file is safe there.
 */
#include "config.h"

#include "drivers/policy.h"
#include "drivers/registry.h"
#include "drivers/xen/xen-xl.h"

static const char loop_reason[] =
    "a loop device in dom0 keeps written data in the page cache even after "
    "the guest asked for a flush, so a host crash loses writes the guest "
    "believed durable";

bool
vd_xen_is_pv(const VdDomainDef *def)
{
    return def->os_type == VD_OS_TYPE_XEN || def->os_type == VD_OS_TYPE_LINUX;
}

/* A PV guest has no emulated controllers: all its disks are blkfront. */
static const VdBusCaps *
xen_bus_caps(const VdDomainDef *def, VdDiskBus bus)
{
    switch (bus) {
    case VD_DISK_BUS_XEN:
        return vd_bus_caps_generic(bus);
    case VD_DISK_BUS_IDE:
    case VD_DISK_BUS_SCSI:
    case VD_DISK_BUS_SATA:
        return vd_xen_is_pv(def) ? NULL : vd_bus_caps_generic(bus);
    default:
        return NULL;
    }
}

static void
xen_fill_bus(VdPolicy *p, VdDiskDef *disk)
{
    if (!vd_xen_is_pv(p->def)) {
        vd_policy_fill_bus(p, disk);
        return;
    }
    if (disk->bus == VD_DISK_BUS_DEFAULT)
        disk->bus = VD_DISK_BUS_XEN;
    if (disk->bus != VD_DISK_BUS_XEN)
        return;
    vd_policy_decide(p, disk, VD_DECISION_INFO, "default-bus",
                     "a PV guest reaches every disk through blkfront, "
                     "whatever the target's name",
                     "bus=xen");
}

static void
set_backend(VdDiskDef *disk, const char *name)
{
    g_free(disk->driver_name);
    disk->driver_name = g_strdup(name);
}

static void
xen_fill_block_backend(VdPolicy *p, VdDiskDef *disk)
{
    const char *name = disk->driver_name;

    /* tap and qemu on a device honour flushes too; leave them be. */
    if (name != NULL && !g_str_equal(name, "file") &&
        !g_str_equal(name, "phy"))
        return;
    set_backend(disk, "phy");
    vd_policy_decide(p, disk, VD_DECISION_INFO, "default-backend",
                     "blkback submits the guest's requests, flushes "
                     "included, straight to the block device, with no dom0 "
                     "page cache in between",
                     "driver=phy");
}

static void
xen_fill_file_backend(VdPolicy *p, VdDiskDef *disk)
{
    bool pv = vd_xen_is_pv(p->def);
    const char *safe = pv ? "tap" : "qemu";
    const char *name = disk->driver_name;
    const char *safe_reason =
        pv ? "the aio backend (tapdisk) writes with O_DIRECT and Linux AIO "
             "and completes a flush only once the data is on disk"
           : "the device model (QEMU's qdisk backend) serves the disk and "
             "honours the guest's flushes";
    bool loop = g_strcmp0(name, "phy") == 0 ||
                (pv && g_strcmp0(name, "file") == 0);

    if (loop) {
        g_autofree char *reason = NULL;
        VdOverride *o = vd_policy_find_override(p, disk, "file-loop");

        if (o != NULL) {
            reason = g_strdup_printf("%s; overrides: %s", o->reason,
                                     loop_reason);
            vd_policy_decide(p, disk, VD_DECISION_OVERRIDE, "file-loop",
                             reason, "driver=%s", name);
            return;
        }
        reason = g_strdup_printf("driver name '%s' replaced: %s; %s", name,
                                 loop_reason, safe_reason);
        set_backend(disk, safe);
        vd_policy_decide(p, disk, VD_DECISION_WARNING, "file-loop", reason,
                         "driver=%s", safe);
        return;
    }
    if (name == NULL)
        set_backend(disk, safe);
    if (g_str_equal(disk->driver_name, safe))
        vd_policy_decide(p, disk, VD_DECISION_INFO, "default-backend",
                         safe_reason, "driver=%s", safe);
    else if (!pv && g_str_equal(disk->driver_name, "file"))
        vd_policy_decide(p, disk, VD_DECISION_INFO, "hvm-file",
                         "an HVM guest's file disk is served by the device "
                         "model (QEMU), which honours flushes; no loop device "
                         "is involved",
                         "driver=file");
}

static void
xen_fill_defaults(VdPolicy *p, VdDiskDef *disk)
{
    xen_fill_bus(p, disk);
    /* An empty cdrom has no backend to choose. */
    if (disk->source != NULL) {
        if (disk->type == VD_DISK_TYPE_BLOCK)
            xen_fill_block_backend(p, disk);
        else
            xen_fill_file_backend(p, disk);
    }
    vd_policy_fill_format(p, disk);
    vd_policy_fill_cache(p, disk);
    vd_policy_fill_io(p, disk);
}

static bool
xen_check_driver_name(VdPolicy *p, const VdDiskDef *disk, GError **error)
{
    static const char *const names[] = {
        "file", "tap", "tap2", "phy", "qemu", NULL
    };
    g_autofree char *what = NULL;

    if (disk->driver_name == NULL ||
        g_strv_contains((const char *const *)names, disk->driver_name))
        return true;
    what = g_strdup_printf("driver=%s", disk->driver_name);
    return vd_policy_refuse(p, disk, "driver-name", VD_REFUSAL_FIRM, what,
                            "Xen's disk backends are named file, tap, tap2, "
                            "phy and qemu", error);
}

static bool
xen_validate(VdPolicy *p, const VdDiskDef *disk, GError **error)
{
    return vd_policy_check_bus(p, disk, error) &&
           xen_check_driver_name(p, disk, error) &&
           vd_policy_check_cache(p, disk, error);
}

static bool
xen_migrate_check(const VdDomainDef *def, GError **error)
{
    return vd_migrate_check_cache(VD_FROM_XEN, def, error);
}

const VdDriver vd_xen_driver = {
    .name = "xen",
    .error_from = VD_FROM_XEN,
    .bus_caps = xen_bus_caps,
    .fill_defaults = xen_fill_defaults,
    .validate = xen_validate,
    .native_format = "xen-xl",
    .render_native = vd_xen_xl_render,
    .migrate_check = xen_migrate_check,
};
