/*
 * Is a live migration safe for the disks' data? libvirt's cache rule
 * (qemuMigrationSrcIsSafe): during the hand-off the destination must not
 * read stale pages from its own page cache, nor may the source keep dirty
 * pages the storage has not seen. Only the O_DIRECT modes (none and
 * directsync) guarantee both; a disk nobody writes has nothing to lose.
 */
#include "config.h"

#include "drivers/policy.h"

static bool
disk_is_safe(const VdDiskDef *disk)
{
    /* An empty drive (a cdrom without media) holds no data. */
    if (disk->source == NULL || disk->readonly)
        return true;
    /* Shared disks are already kept coherent between hosts (the policy
     * gives them none or directsync, or the user forced otherwise). */
    if (disk->shareable)
        return true;
    return vd_cache_mode_direct(disk->cache);
}

bool
vd_migrate_check_cache(VdErrorFrom from, const VdDomainDef *def,
                       GError **error)
{
    for (size_t i = 0; i < def->ndisks; i++) {
        const VdDiskDef *disk = def->disks[i];
        char cache[64];

        if (disk_is_safe(disk))
            continue;
        if (disk->cache == VD_CACHE_DEFAULT)
            g_strlcpy(cache, "the hypervisor's default cache", sizeof(cache));
        else
            g_snprintf(cache, sizeof(cache), "cache '%s'",
                       vd_cache_mode_to_string(disk->cache));
        /* libvirt's text first, so that what matches libvirt's message
         * still matches; then which disk and what to change. */
        g_set_error(error, vd_error_quark(from), VD_ERR_MIGRATE_UNSAFE,
                    "Unsafe migration: Migration may lead to data "
                    "corruption if disks use cache other than none or "
                    "directsync: disk '%s' uses %s; set cache='none' "
                    "or 'directsync', or migrate with --unsafe to accept "
                    "the risk",
                    disk->target_dev, cache);
        return false;
    }
    return true;
}
