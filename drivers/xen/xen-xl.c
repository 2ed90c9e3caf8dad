/*
 * xl disk lines: "format=raw, vdev=xvda, access=rw, backendtype=tap,
 * target=/path". target goes last because xl takes the rest of the line
 * as the path, commas included.
 */
#include "config.h"

#include <string.h>

#include "common/util/error.h"
#include "drivers/xen/xen-xl.h"

/*
 * The backend the policy chose, in xl's words. On an HVM guest file is
 * written as qdisk explicitly: left to itself xl picks phy for a regular
 * file, the buffered loop device the policy avoids (libvirt's libxl
 * driver maps file to qdisk too). On a PV guest file survives the policy
 * only by the user's override of the loop-device rule, so it gets what
 * the user asked for: no backendtype, xl's own choice. tap serves raw and
 * vhd; for other formats libxl uses qdisk.
 */
static const char *
backendtype(const VdDomainDef *def, const VdDiskDef *disk)
{
    const char *name = disk->driver_name;

    if (name == NULL)
        return NULL;
    if (g_str_equal(name, "phy"))
        return "phy";
    if (g_str_equal(name, "file"))
        return vd_xen_is_pv(def) ? NULL : "qdisk";
    if (g_str_equal(name, "tap") || g_str_equal(name, "tap2")) {
        if (g_strcmp0(disk->driver_format, "raw") == 0 ||
            g_strcmp0(disk->driver_format, "vhd") == 0)
            return "tap";
        return "qdisk";
    }
    return "qdisk";
}

/* xl reads the DISKSPEC inside a double-quoted string. */
static bool
writable_in_xl(const char *s)
{
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c < 0x20 || *c == '"' || *c == '\\')
            return false;
    }
    return true;
}

static bool
append_diskspec(GString *out, const VdDomainDef *def, const VdDiskDef *disk,
                GError **error)
{
    const char *backend = backendtype(def, disk);
    const char *target = disk->source != NULL ? disk->source : "";

    if (!writable_in_xl(target) || !writable_in_xl(disk->target_dev)) {
        g_set_error(error, VD_ERROR_XEN, VD_ERR_CONFIG_UNSUPPORTED,
                    "unsupported configuration: disk '%s': its source or "
                    "target cannot be written in an xl disk line (quote, "
                    "backslash or control character)", disk->target_dev);
        return false;
    }
    g_string_append_printf(out, "    \"format=%s, vdev=%s, access=%s",
                           disk->driver_format != NULL ? disk->driver_format
                                                       : "raw",
                           disk->target_dev, disk->readonly ? "ro" : "rw");
    if (disk->device == VD_DISK_DEVICE_CDROM)
        g_string_append(out, ", devtype=cdrom");
    if (backend != NULL)
        g_string_append_printf(out, ", backendtype=%s", backend);
    g_string_append_printf(out, ", target=%s\"", target);
    return true;
}

char *
vd_xen_xl_render(const VdDomainDef *def, const char *nbd_dir,
                 GError **error)
{
    g_autoptr(GString) out = g_string_new("disk = [\n");

    for (size_t i = 0; i < def->ndisks; i++) {
        if (!append_diskspec(out, def, def->disks[i], error))
            return NULL;
        /* No comma after the last entry: keep to the plainest list form. */
        g_string_append(out, i + 1 < def->ndisks ? ",\n" : "\n");
    }
    g_string_append(out, "]\n");
    return g_string_free(g_steal_pointer(&out), FALSE);
}
