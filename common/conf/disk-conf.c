/* Disk definitions: enum names, freeing and copying. */
#include "config.h"

#include "common/conf/disk-conf.h"
#include "common/conf/disk-xml.h"
#include "common/conf/xml-kept.h"
#include "common/conf/xml-read.h"

/*
 * Tables in enum order, so an enum value indexes its XML name. Entry 0
 * of the tables with a _DEFAULT member is libvirt's "default", which
 * means "absent" and is refused as a value by the from_string functions
 * (the parser handles cache='default' itself).
 */
static const char *const vd_disk_type_names[] = { "file", "block" };
static const char *const vd_disk_device_names[] = { "disk", "cdrom" };
static const char *const vd_cache_mode_names[] = {
    "default", "none", "writeback", "writethrough", "directsync", "unsafe",
};
static const char *const vd_io_mode_names[] = {
    "default", "threads", "native", "io_uring",
};
static const char *const vd_discard_mode_names[] = {
    "default", "unmap", "ignore",
};
static const char *const vd_error_policy_names[] = {
    "default", "stop", "report", "ignore", "enospace",
};
static const char *const vd_disk_bus_names[] = {
    "default", "ide", "fdc", "scsi", "virtio", "xen", "usb", "sata", "sd",
};

G_STATIC_ASSERT(G_N_ELEMENTS(vd_disk_type_names) == VD_DISK_TYPE_BLOCK + 1);
G_STATIC_ASSERT(G_N_ELEMENTS(vd_disk_device_names) ==
                VD_DISK_DEVICE_CDROM + 1);
G_STATIC_ASSERT(G_N_ELEMENTS(vd_cache_mode_names) == VD_CACHE_UNSAFE + 1);
G_STATIC_ASSERT(G_N_ELEMENTS(vd_io_mode_names) == VD_IO_URING + 1);
G_STATIC_ASSERT(G_N_ELEMENTS(vd_discard_mode_names) ==
                VD_DISCARD_IGNORE + 1);
G_STATIC_ASSERT(G_N_ELEMENTS(vd_error_policy_names) ==
                VD_ERROR_POLICY_ENOSPACE + 1);
G_STATIC_ASSERT(G_N_ELEMENTS(vd_disk_bus_names) == VD_DISK_BUS_SD + 1);

VD_ENUM_IMPL(vd_disk_type, VdDiskType, vd_disk_type_names, 0)
VD_ENUM_IMPL(vd_disk_device, VdDiskDevice, vd_disk_device_names, 0)
VD_ENUM_IMPL(vd_cache_mode, VdCacheMode, vd_cache_mode_names, 1)
VD_ENUM_IMPL(vd_io_mode, VdIoMode, vd_io_mode_names, 1)
VD_ENUM_IMPL(vd_discard_mode, VdDiscardMode, vd_discard_mode_names, 1)
VD_ENUM_IMPL(vd_error_policy, VdErrorPolicy, vd_error_policy_names, 1)
VD_ENUM_IMPL(vd_disk_bus, VdDiskBus, vd_disk_bus_names, 1)

static void
vd_backing_def_free(VdBackingDef *backing)
{
    while (backing != NULL) {
        VdBackingDef *next = backing->next;

        g_free(backing->format);
        g_free(backing->source);
        vd_xml_kept_free(backing->extras);
        vd_xml_kept_free(backing->source_extras);
        g_free(backing);
        backing = next;
    }
}

void
vd_disk_def_free(VdDiskDef *disk)
{
    if (disk == NULL)
        return;
    g_free(disk->driver_name);
    g_free(disk->driver_format);
    g_free(disk->source);
    vd_backing_def_free(disk->backing);
    g_free(disk->target_dev);
    g_free(disk->serial);
    vd_xml_kept_free(disk->disk_attrs);
    vd_xml_kept_free(disk->driver_attrs);
    vd_xml_kept_free(disk->disk_extras);
    vd_xml_kept_free(disk->source_extras);
    vd_xml_kept_free(disk->target_extras);
    g_free(disk);
}

static VdBackingDef *
vd_backing_def_copy(const VdBackingDef *src, xmlNodePtr extras)
{
    VdBackingDef *head = NULL;
    VdBackingDef **tail = &head;

    for (; src != NULL; src = src->next) {
        VdBackingDef *b = g_new0(VdBackingDef, 1);

        b->type = src->type;
        b->format = g_strdup(src->format);
        b->source = g_strdup(src->source);
        b->next_none = src->next_none;
        b->extras = vd_xml_kept_copy(src->extras, extras);
        b->source_extras = vd_xml_kept_copy(src->source_extras, extras);
        *tail = b;
        tail = &b->next;
    }
    return head;
}

VdDiskDef *
vd_disk_def_copy(const VdDiskDef *src, xmlNodePtr extras)
{
    VdDiskDef *disk = g_new0(VdDiskDef, 1);

    /* Scalars and enums first, then every pointer replaced by a copy. */
    *disk = *src;
    disk->driver_name = g_strdup(src->driver_name);
    disk->driver_format = g_strdup(src->driver_format);
    disk->source = g_strdup(src->source);
    disk->backing = vd_backing_def_copy(src->backing, extras);
    disk->target_dev = g_strdup(src->target_dev);
    disk->serial = g_strdup(src->serial);
    disk->disk_attrs = vd_xml_kept_copy(src->disk_attrs, extras);
    disk->driver_attrs = vd_xml_kept_copy(src->driver_attrs, extras);
    disk->disk_extras = vd_xml_kept_copy(src->disk_extras, extras);
    disk->source_extras = vd_xml_kept_copy(src->source_extras, extras);
    disk->target_extras = vd_xml_kept_copy(src->target_extras, extras);
    return disk;
}
