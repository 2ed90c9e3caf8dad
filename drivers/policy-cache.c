/*
 * Cache and io rules that every driver shares: they follow from the
 * durability contract (DURABILITY.md), not from a hypervisor.
 *
 * A default is reported again when the definition already holds it, so
 * that explaining a stored definition shows why its values are safe.
 */
#include "config.h"

#include "drivers/policy.h"

static const char default_cache_reason[] =
    "the guest sees a write cache and flushes it; vdisk bypasses the host "
    "page cache (O_DIRECT) and makes writes durable on each flush, so "
    "nothing is left in this host's cache and live migration over shared "
    "storage is safe";

/* Modes in which the guest sees a write cache and must flush it. */
static bool
cache_needs_flush(VdCacheMode cache)
{
    return cache == VD_CACHE_NONE || cache == VD_CACHE_WRITEBACK;
}

/* Modes that keep the disk's data in the host page cache. */
static bool
cache_is_buffered(VdCacheMode cache)
{
    return cache == VD_CACHE_WRITEBACK || cache == VD_CACHE_WRITETHROUGH ||
           cache == VD_CACHE_UNSAFE;
}

void
vd_policy_fill_cache(VdPolicy *p, VdDiskDef *disk)
{
    const VdBusCaps *caps = vd_policy_bus_caps(p, disk);
    g_autofree char *reason = NULL;
    VdCacheMode mode;
    const char *rule;

    if (caps == NULL)
        return;
    /* A read-only disk acknowledges no write, so any bus can have none. */
    if (!disk->readonly && !caps->flush) {
        mode = VD_CACHE_DIRECTSYNC;
        rule = "bus-no-flush";
        reason = g_strdup_printf(
            "%s, so the guest must not see a write cache: with directsync "
            "each write is durable before it completes, and O_DIRECT keeps "
            "migration safe", caps->reason);
    } else {
        mode = VD_CACHE_NONE;
        rule = "default-cache";
        /* libvirt forces none on shared disks for the same reason. */
        reason = g_strdup_printf("%s%s", default_cache_reason,
                                 disk->shareable && !disk->readonly
                                     ? "; a <shareable/> disk needs it: "
                                       "other guests write it too, and "
                                       "nothing of it may stay in a host's "
                                       "page cache"
                                     : "");
    }
    if (disk->cache == VD_CACHE_DEFAULT)
        disk->cache = mode;
    if (disk->cache == mode)
        vd_policy_decide(p, disk, VD_DECISION_INFO, rule, reason, "cache=%s",
                         vd_cache_mode_to_string(mode));
}

void
vd_policy_fill_io(VdPolicy *p, VdDiskDef *disk)
{
    VdIoMode mode;
    const char *reason;

    if (disk->cache == VD_CACHE_DEFAULT)
        return;
    if (vd_cache_mode_direct(disk->cache)) {
        mode = VD_IO_NATIVE;
        reason = "the host I/O bypasses the page cache (O_DIRECT), which "
                 "Linux native AIO needs to submit without blocking";
    } else {
        mode = VD_IO_THREADS;
        reason = "buffered host I/O would block in Linux native AIO, so a "
                 "thread pool serves it";
    }
    if (disk->io == VD_IO_DEFAULT)
        disk->io = mode;
    if (disk->io == mode)
        vd_policy_decide(p, disk, VD_DECISION_INFO, "default-io", reason,
                         "io=%s", vd_io_mode_to_string(mode));
}

void
vd_policy_fill_format(VdPolicy *p, VdDiskDef *disk)
{
    const char *reason =
        "an image's format is never probed: a guest could write another "
        "format's header into a raw image and make the host open a file of "
        "its choosing";

    if (disk->source == NULL)
        return;
    /* libvirt's legacy Xen spelling of raw; libvirt writes it back as raw. */
    if (g_strcmp0(disk->driver_format, "aio") == 0) {
        g_free(disk->driver_format);
        disk->driver_format = g_strdup("raw");
        reason = "type 'aio' is the legacy spelling of raw";
    }
    if (disk->driver_format == NULL)
        disk->driver_format = g_strdup("raw");
    if (g_strcmp0(disk->driver_format, "raw") == 0)
        vd_policy_decide(p, disk, VD_DECISION_INFO, "default-format", reason,
                         "type=raw");
}

static bool
check_native_io(VdPolicy *p, const VdDiskDef *disk, GError **error)
{
    g_autofree char *what = NULL;

    if (disk->io != VD_IO_NATIVE || !cache_is_buffered(disk->cache))
        return true;
    what = g_strdup_printf("io=native,cache=%s",
                           vd_cache_mode_to_string(disk->cache));
    /* libvirt's own words; QEMU refuses it too, so it cannot be forced. */
    return vd_policy_refuse(p, disk, "native-io", VD_REFUSAL_FIRM, what,
                            "io='native' needs either no disk cache or "
                            "directsync cache mode", error);
}

static bool
check_unsafe(VdPolicy *p, const VdDiskDef *disk, GError **error)
{
    if (disk->cache != VD_CACHE_UNSAFE)
        return true;
    return vd_policy_refuse(p, disk, "unsafe-cache", VD_REFUSAL_FORCIBLE,
                            "cache=unsafe",
                            "cache='unsafe' ignores the guest's flushes, so "
                            "a host crash loses writes the guest was told "
                            "are durable, and this domain is persistent",
                            error);
}

static bool
check_bus_flush(VdPolicy *p, const VdDiskDef *disk, GError **error)
{
    const VdBusCaps *caps = vd_policy_bus_caps(p, disk);
    g_autofree char *what = NULL;
    g_autofree char *reason = NULL;

    if (caps == NULL || caps->flush || !cache_needs_flush(disk->cache))
        return true;
    what = g_strdup_printf("cache=%s", vd_cache_mode_to_string(disk->cache));
    reason = g_strdup_printf("cache='%s' gives the guest a write cache that "
                             "bus '%s' cannot flush: %s; use writethrough or "
                             "directsync",
                             vd_cache_mode_to_string(disk->cache),
                             vd_disk_bus_to_string(disk->bus), caps->reason);
    return vd_policy_refuse(p, disk, "bus-no-flush", VD_REFUSAL_FORCIBLE,
                            what, reason, error);
}

static bool
check_shareable(VdPolicy *p, const VdDiskDef *disk, GError **error)
{
    g_autofree char *what = NULL;
    g_autofree char *reason = NULL;

    if (!disk->shareable || !cache_is_buffered(disk->cache))
        return true;
    what = g_strdup_printf("cache=%s", vd_cache_mode_to_string(disk->cache));
    reason = g_strdup_printf("a <shareable/> disk is written by other guests "
                             "too, and cache='%s' reads and writes through "
                             "this host's page cache, where its data goes "
                             "stale; use none or directsync",
                             vd_cache_mode_to_string(disk->cache));
    return vd_policy_refuse(p, disk, "shareable-cache", VD_REFUSAL_FORCIBLE,
                            what, reason, error);
}

bool
vd_policy_check_cache(VdPolicy *p, const VdDiskDef *disk, GError **error)
{
    if (!check_native_io(p, disk, error))
        return false;
    /* Nothing is written to a read-only disk, so nothing can be lost. */
    if (disk->readonly)
        return true;
    return check_unsafe(p, disk, error) &&
           check_bus_flush(p, disk, error) &&
           check_shareable(p, disk, error);
}
