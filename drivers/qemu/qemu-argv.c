/*
 * -blockdev/-device arguments that point a QEMU guest at vdisk's NBD
 * export of each disk. vdisk's backend does the host I/O and the image
 * format, so QEMU sees one raw NBD node per disk; the cache flags still
 * follow QEMU's mapping of the cache mode, because cache.no-flush decides
 * whether QEMU passes the guest's flushes on (NBD_CMD_FLUSH) and the
 * device's write-cache decides whether the guest believes it must flush.
 */
#include "config.h"

#include <string.h>

#include "common/util/error.h"
#include "common/util/json-writer.h"
#include "drivers/qemu/qemu-argv.h"

/* AHCI (ich9-ahci) has six ports, one disk each. */
#define AHCI_PORTS 6

typedef struct {
    const char *bus_id;     /* the controller's bus, NULL: the machine's */
    const char *device;     /* the -device driver */
    const char *cdrom;      /* its CD-ROM variant, NULL: none */
} BusDevice;

static const BusDevice *
bus_device(VdDiskBus bus)
{
    static const BusDevice ide = { NULL, "ide-hd", "ide-cd" };
    static const BusDevice sata = { "vdisk-sata0", "ide-hd", "ide-cd" };
    static const BusDevice scsi = { "vdisk-scsi0.0", "scsi-hd", "scsi-cd" };
    static const BusDevice virtio = { NULL, "virtio-blk-pci", NULL };
    static const BusDevice usb = { "vdisk-usb0.0", "usb-storage", NULL };
    static const BusDevice fdc = { NULL, "floppy", NULL };

    switch (bus) {
    case VD_DISK_BUS_IDE: return &ide;
    case VD_DISK_BUS_SATA: return &sata;
    case VD_DISK_BUS_SCSI: return &scsi;
    case VD_DISK_BUS_VIRTIO: return &virtio;
    case VD_DISK_BUS_USB: return &usb;
    case VD_DISK_BUS_FDC: return &fdc;
    default: return NULL;
    }
}

/* The controller a bus needs, added once before the first disk on it. */
static const char *
bus_controller(VdDiskBus bus)
{
    switch (bus) {
    case VD_DISK_BUS_SATA:
        return "{\"driver\":\"ich9-ahci\",\"id\":\"vdisk-sata0\"}";
    case VD_DISK_BUS_SCSI:
        return "{\"driver\":\"virtio-scsi-pci\",\"id\":\"vdisk-scsi0\"}";
    case VD_DISK_BUS_USB:
        return "{\"driver\":\"qemu-xhci\",\"id\":\"vdisk-usb0\"}";
    default:
        return NULL;
    }
}

/* QEMU's cache-mode table: (writeback, direct, no-flush). */
static bool
cache_writeback(VdCacheMode cache)
{
    return cache == VD_CACHE_NONE || cache == VD_CACHE_WRITEBACK ||
           cache == VD_CACHE_UNSAFE;
}

static void
append_arg(GPtrArray *args, const char *option, const char *value)
{
    g_ptr_array_add(args, g_strdup(option));
    g_ptr_array_add(args, g_strdup(value));
}

static void
node_name(const VdDiskDef *disk, char *buf, size_t size)
{
    g_snprintf(buf, size, "vdisk-%s", disk->target_dev);
}

static void
append_blockdev(GPtrArray *args, const VdDiskDef *disk, const char *socket)
{
    g_autoptr(VdJsonWriter) j = vd_json_writer_new(false);
    g_autofree char *doc = NULL;
    char node[128];

    node_name(disk, node, sizeof(node));
    vd_json_begin_object(j);
    vd_json_member_string(j, "driver", "nbd");
    vd_json_member_string(j, "node-name", node);
    vd_json_key(j, "server");
    vd_json_begin_object(j);
    vd_json_member_string(j, "type", "unix");
    vd_json_member_string(j, "path", socket);
    vd_json_end_object(j);
    vd_json_member_string(j, "export", disk->target_dev);
    vd_json_key(j, "cache");
    vd_json_begin_object(j);
    vd_json_member_bool(j, "direct", vd_cache_mode_direct(disk->cache));
    vd_json_member_bool(j, "no-flush", disk->cache == VD_CACHE_UNSAFE);
    vd_json_end_object(j);
    vd_json_member_bool(j, "read-only", disk->readonly);
    if (disk->discard != VD_DISCARD_DEFAULT)
        vd_json_member_string(j, "discard",
                              vd_discard_mode_to_string(disk->discard));
    vd_json_end_object(j);
    doc = vd_json_writer_finish(j);
    append_arg(args, "-blockdev", doc);
}

static bool
append_device(GPtrArray *args, const VdDiskDef *disk, unsigned int *sata_port,
              GError **error)
{
    const BusDevice *bd = bus_device(disk->bus);
    bool cdrom = disk->device == VD_DISK_DEVICE_CDROM;
    g_autoptr(VdJsonWriter) j = vd_json_writer_new(false);
    g_autofree char *doc = NULL;
    char node[128];

    g_assert(bd != NULL && (!cdrom || bd->cdrom != NULL));
    vd_json_begin_object(j);
    vd_json_member_string(j, "driver", cdrom ? bd->cdrom : bd->device);
    if (disk->bus == VD_DISK_BUS_SATA) {
        char port[64];

        if (*sata_port >= AHCI_PORTS) {
            g_set_error(error, VD_ERROR_QEMU, VD_ERR_CONFIG_UNSUPPORTED,
                        "unsupported configuration: disk '%s': more than %d "
                        "sata disks", disk->target_dev, AHCI_PORTS);
            return false;
        }
        g_snprintf(port, sizeof(port), "%s.%u", bd->bus_id, (*sata_port)++);
        vd_json_member_string(j, "bus", port);
    } else if (bd->bus_id != NULL) {
        vd_json_member_string(j, "bus", bd->bus_id);
    }
    vd_json_member_string(j, "id", disk->target_dev);
    if (disk->source != NULL) {
        node_name(disk, node, sizeof(node));
        vd_json_member_string(j, "drive", node);
    }
    /* A CD-ROM is never written, so it has no write cache to show. */
    if (!cdrom)
        vd_json_member_string(j, "write-cache",
                              cache_writeback(disk->cache) ? "on" : "off");
    if (disk->shareable)
        vd_json_member_bool(j, "share-rw", true);
    if (disk->serial != NULL)
        vd_json_member_string(j, "serial", disk->serial);
    vd_json_end_object(j);
    doc = vd_json_writer_finish(j);
    append_arg(args, "-device", doc);
    return true;
}

static void
append_controllers(GPtrArray *args, const VdDomainDef *def)
{
    bool added[VD_DISK_BUS_SD + 1] = { false };

    for (size_t i = 0; i < def->ndisks; i++) {
        VdDiskBus bus = def->disks[i]->bus;
        const char *controller = bus_controller(bus);

        if (controller == NULL || added[bus])
            continue;
        added[bus] = true;
        append_arg(args, "-device", controller);
    }
}

/* Quote only what the shell would split or expand. */
static void
append_quoted(GString *out, const char *arg)
{
    g_autofree char *quoted = NULL;

    if (*arg != '\0' && strspn(arg, "abcdefghijklmnopqrstuvwxyz"
                                    "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                    "0123456789-_=,./:@+") == strlen(arg)) {
        g_string_append(out, arg);
        return;
    }
    quoted = g_shell_quote(arg);
    g_string_append(out, quoted);
}

char *
vd_qemu_argv_render(const VdDomainDef *def, const char *nbd_dir,
                    GError **error)
{
    g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);
    GString *out;
    unsigned int sata_port = 0;

    if (nbd_dir == NULL || *nbd_dir == '\0') {
        g_set_error(error, VD_ERROR_QEMU, VD_ERR_INVALID_ARG,
                    "invalid argument: no NBD socket directory for the disks");
        return NULL;
    }
    append_controllers(args, def);
    for (size_t i = 0; i < def->ndisks; i++) {
        const VdDiskDef *disk = def->disks[i];

        if (disk->source != NULL) {
            g_autofree char *socket = g_build_filename(nbd_dir,
                                                       disk->target_dev, NULL);

            append_blockdev(args, disk, socket);
        }
        if (!append_device(args, disk, &sata_port, error))
            return NULL;
    }

    out = g_string_new(NULL);
    for (guint i = 0; i < args->len; i += 2) {
        g_string_append(out, g_ptr_array_index(args, i));
        g_string_append_c(out, ' ');
        append_quoted(out, g_ptr_array_index(args, i + 1));
        g_string_append(out, i + 2 < args->len ? " \\\n" : "\n");
    }
    return g_string_free(out, FALSE);
}
