/*
 * Disk definitions: one <disk> element of libvirt's domain XML.
 *
 * Parsed and formatted by domain-conf; this header holds the types so
 * that drivers and the storage code can read a disk without the XML.
 * Enums start with an _DEFAULT member meaning "attribute absent": the
 * hypervisor driver fills in the safe default, and says why.
 */
#ifndef VD_CONF_DISK_CONF_H
#define VD_CONF_DISK_CONF_H

#include <stdbool.h>
#include <glib.h>
#include <libxml/tree.h>

typedef enum {
    VD_DISK_TYPE_FILE,
    VD_DISK_TYPE_BLOCK,
} VdDiskType;

typedef enum {
    VD_DISK_DEVICE_DISK,
    VD_DISK_DEVICE_CDROM,
} VdDiskDevice;

/* libvirt's cache= values; meanings in DURABILITY.md. */
typedef enum {
    VD_CACHE_DEFAULT,
    VD_CACHE_NONE,
    VD_CACHE_WRITEBACK,
    VD_CACHE_WRITETHROUGH,
    VD_CACHE_DIRECTSYNC,
    VD_CACHE_UNSAFE,
} VdCacheMode;

typedef enum {
    VD_IO_DEFAULT,
    VD_IO_THREADS,
    VD_IO_NATIVE,
    VD_IO_URING,     /* io='io_uring' */
} VdIoMode;

typedef enum {
    VD_DISCARD_DEFAULT,
    VD_DISCARD_UNMAP,
    VD_DISCARD_IGNORE,
} VdDiscardMode;

typedef enum {
    VD_ERROR_POLICY_DEFAULT,
    VD_ERROR_POLICY_STOP,
    VD_ERROR_POLICY_REPORT,
    VD_ERROR_POLICY_IGNORE,
    VD_ERROR_POLICY_ENOSPACE,
} VdErrorPolicy;

typedef enum {
    VD_DISK_BUS_DEFAULT,   /* inferred from the target name by drivers */
    VD_DISK_BUS_IDE,
    VD_DISK_BUS_FDC,
    VD_DISK_BUS_SCSI,
    VD_DISK_BUS_VIRTIO,
    VD_DISK_BUS_XEN,
    VD_DISK_BUS_USB,
    VD_DISK_BUS_SATA,
    VD_DISK_BUS_SD,
} VdDiskBus;

/* One element of a backing chain (<backingStore>); NULL-terminated list. */
typedef struct VdBackingDef VdBackingDef;
struct VdBackingDef {
    VdDiskType type;
    char *format;         /* <format type=...>, required as libvirt does */
    char *source;         /* file or dev */
    VdBackingDef *next;   /* nested <backingStore>, NULL at the end */
    bool next_none;       /* an empty nested <backingStore/>: the chain
                           * ends here, and says so */

    /*
     * Kept verbatim (see VdDiskDef): attributes and unknown children of
     * <backingStore> (index=...), attributes and children of its <source>
     * other than file or dev. NULL when there are none.
     */
    xmlNodePtr extras;
    xmlNodePtr source_extras;
};

typedef struct {
    VdDiskType type;
    VdDiskDevice device;

    /* <driver>; NULL strings and _DEFAULT enums: attribute absent. */
    char *driver_name;    /* qemu, tap, phy, file, ... */
    char *driver_format;  /* raw, qed, qcow2, aio ... */
    VdCacheMode cache;
    VdIoMode io;
    VdDiscardMode discard;
    VdErrorPolicy error_policy;

    char *source;         /* <source file=...> or <source dev=...>; NULL: empty (cdrom) */
    VdBackingDef *backing;
    bool backing_none;    /* an empty <backingStore/>: explicitly no backing file */

    char *target_dev;     /* required */
    VdDiskBus bus;

    bool readonly;
    bool shareable;
    char *serial;

    /*
     * What vdisk does not manage, kept verbatim: attributes of <disk> and
     * <driver> it does not know, children of <disk> it does not know
     * (<address>, <alias>, <boot>, <iotune>, ...). Holder elements in the
     * domain's extras document; NULL when there are none.
     * driver_attrs also holds children of <driver> (<metadata_cache>);
     * source_extras and target_extras hold the other attributes and the
     * children of <source> (index, startupPolicy, <seclabel>) and of
     * <target> (tray, removable), as libvirt's live XML carries them.
     */
    xmlNodePtr disk_attrs;
    xmlNodePtr driver_attrs;
    xmlNodePtr disk_extras;
    xmlNodePtr source_extras;
    xmlNodePtr target_extras;
} VdDiskDef;

/*
 * Frees a disk and unlinks its holders from the domain's extras document
 * (so a disk can be dropped from a live definition). NULL is fine.
 */
void vd_disk_def_free(VdDiskDef *disk);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VdDiskDef, vd_disk_def_free)

/* XML names; _DEFAULT members give "default", out-of-range values NULL. */
/*
 * Whether a cache mode bypasses the host page cache (O_DIRECT): none and
 * directsync. The one rule the storage, the policy and the QEMU rendering
 * share.
 */
static inline bool
vd_cache_mode_direct(VdCacheMode cache)
{
    return cache == VD_CACHE_NONE || cache == VD_CACHE_DIRECTSYNC;
}

const char *vd_disk_type_to_string(VdDiskType v);
const char *vd_disk_device_to_string(VdDiskDevice v);
const char *vd_cache_mode_to_string(VdCacheMode v);
const char *vd_io_mode_to_string(VdIoMode v);
const char *vd_discard_mode_to_string(VdDiscardMode v);
const char *vd_error_policy_to_string(VdErrorPolicy v);
const char *vd_disk_bus_to_string(VdDiskBus v);

/* -1 when the string names no value; "default" is not accepted. */
int vd_disk_type_from_string(const char *s);
int vd_disk_device_from_string(const char *s);
int vd_cache_mode_from_string(const char *s);
int vd_io_mode_from_string(const char *s);
int vd_discard_mode_from_string(const char *s);
int vd_error_policy_from_string(const char *s);
int vd_disk_bus_from_string(const char *s);

#endif /* VD_CONF_DISK_CONF_H */
