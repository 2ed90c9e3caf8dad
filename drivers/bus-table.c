/*
 * Which buses can carry a flush from the guest to its disk.
 *
 * This is what keeps a write cache honest: a cache mode in which the
 * guest sees a volatile write cache (none, writeback) is safe only if the
 * guest can tell the device to flush it. On a bus that cannot, the guest
 * believes each completed write is stable, and a host crash loses writes
 * it was told were done. Drivers pick the entries their hypervisor has.
 */
#include "config.h"

#include <string.h>

#include "drivers/policy.h"

static const VdBusCaps bus_caps[] = {
    { VD_DISK_BUS_IDE, true,
      "IDE guests see the write cache in IDENTIFY word 85 bit 5 and send "
      "FLUSH CACHE" },
    { VD_DISK_BUS_SATA, true,
      "SATA (AHCI) speaks the ATA command set: the write-cache-enable bit "
      "and FLUSH CACHE" },
    { VD_DISK_BUS_SCSI, true,
      "SCSI guests see the write cache in the caching mode page (WCE) and "
      "send SYNCHRONIZE CACHE" },
    { VD_DISK_BUS_VIRTIO, true,
      "virtio-blk offers the FLUSH feature (VIRTIO_BLK_F_FLUSH) when the "
      "guest sees a write cache" },
    { VD_DISK_BUS_XEN, true,
      "Xen blkfront sends flush or barrier requests (feature-flush-cache, "
      "feature-barrier) that the backend honours" },
    { VD_DISK_BUS_USB, false,
      "USB mass storage guests assume no write cache (Linux usb-storage "
      "does not read the caching mode page) and never send SYNCHRONIZE "
      "CACHE" },
    { VD_DISK_BUS_FDC, false,
      "the floppy controller has no flush command" },
    { VD_DISK_BUS_SD, false,
      "the SD card emulation has no cache flush command" },
};

const VdBusCaps *
vd_bus_caps_generic(VdDiskBus bus)
{
    for (size_t i = 0; i < G_N_ELEMENTS(bus_caps); i++) {
        if (bus_caps[i].bus == bus)
            return &bus_caps[i];
    }
    return NULL;
}

/* libvirt's virDiskNameToBus: the target's prefix names the bus. */
VdDiskBus
vd_bus_from_target(const char *target)
{
    static const struct {
        const char *prefix;
        VdDiskBus bus;
    } prefixes[] = {
        { "xvd", VD_DISK_BUS_XEN },
        { "hd", VD_DISK_BUS_IDE },
        { "sd", VD_DISK_BUS_SCSI },
        { "vd", VD_DISK_BUS_VIRTIO },
        { "fd", VD_DISK_BUS_FDC },
    };

    if (target == NULL)
        return VD_DISK_BUS_DEFAULT;
    if (g_str_has_prefix(target, "ioemu:"))
        target += strlen("ioemu:");
    for (size_t i = 0; i < G_N_ELEMENTS(prefixes); i++) {
        if (g_str_has_prefix(target, prefixes[i].prefix))
            return prefixes[i].bus;
    }
    return VD_DISK_BUS_DEFAULT;
}
