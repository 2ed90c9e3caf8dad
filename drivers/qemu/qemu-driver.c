/*
 * The QEMU/KVM driver: the guest is a QEMU process that attaches to
 * vdisk's NBD exports, so the cache mode is what vdisk's backend does on
 * the host and what write cache QEMU shows the guest.
 */
#include "config.h"

#include "drivers/policy.h"
#include "drivers/qemu/qemu-argv.h"
#include "drivers/registry.h"

/*
 * Every generic bus but xen (a Xen PV bus) and sd: an SD card needs an SD
 * host controller each, which vdisk does not manage.
 */
static const VdBusCaps *
qemu_bus_caps(const VdDomainDef *def, VdDiskBus bus)
{
    if (bus == VD_DISK_BUS_XEN || bus == VD_DISK_BUS_SD)
        return NULL;
    return vd_bus_caps_generic(bus);
}

static void
qemu_fill_defaults(VdPolicy *p, VdDiskDef *disk)
{
    vd_policy_fill_bus(p, disk);
    vd_policy_fill_format(p, disk);
    vd_policy_fill_cache(p, disk);
    vd_policy_fill_io(p, disk);
}

static bool
qemu_check_driver_name(VdPolicy *p, const VdDiskDef *disk, GError **error)
{
    g_autofree char *what = NULL;

    if (disk->driver_name == NULL || g_str_equal(disk->driver_name, "qemu"))
        return true;
    what = g_strdup_printf("driver=%s", disk->driver_name);
    return vd_policy_refuse(p, disk, "driver-name", VD_REFUSAL_FIRM, what,
                            "QEMU has one disk driver, name='qemu'", error);
}

/* QEMU emulates CD-ROMs as ide-cd and scsi-cd only. */
static bool
qemu_check_cdrom_bus(VdPolicy *p, const VdDiskDef *disk, GError **error)
{
    g_autofree char *what = NULL;

    if (disk->device != VD_DISK_DEVICE_CDROM || disk->bus == VD_DISK_BUS_IDE ||
        disk->bus == VD_DISK_BUS_SATA || disk->bus == VD_DISK_BUS_SCSI)
        return true;
    what = g_strdup_printf("device=cdrom,bus=%s",
                           vd_disk_bus_to_string(disk->bus));
    return vd_policy_refuse(p, disk, "cdrom-bus", VD_REFUSAL_FIRM, what,
                            "a cdrom needs bus ide, sata or scsi", error);
}

static bool
qemu_validate(VdPolicy *p, const VdDiskDef *disk, GError **error)
{
    return vd_policy_check_bus(p, disk, error) &&
           qemu_check_driver_name(p, disk, error) &&
           qemu_check_cdrom_bus(p, disk, error) &&
           vd_policy_check_cache(p, disk, error);
}

static bool
qemu_migrate_check(const VdDomainDef *def, GError **error)
{
    return vd_migrate_check_cache(VD_FROM_QEMU, def, error);
}

const VdDriver vd_qemu_driver = {
    .name = "qemu",
    .error_from = VD_FROM_QEMU,
    .bus_caps = qemu_bus_caps,
    .fill_defaults = qemu_fill_defaults,
    .validate = qemu_validate,
    .native_format = "qemu-argv",
    .render_native = vd_qemu_argv_render,
    .migrate_check = qemu_migrate_check,
};
