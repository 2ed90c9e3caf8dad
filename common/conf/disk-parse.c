/*
 * Parsing <disk>: what vdisk manages is checked against the values
 * libvirt's schema allows, so that format never writes XML that libvirt
 * would refuse; everything else is kept verbatim.
 */
#include "config.h"

#include <string.h>

#include "common/conf/disk-xml.h"
#include "common/conf/xml-kept.h"
#include "common/conf/xml-read.h"
#include "common/util/error.h"

/* The children of <disk> that vdisk reads; at most one of each. */
typedef struct {
    xmlNodePtr driver;
    xmlNodePtr source;
    xmlNodePtr backing;
    xmlNodePtr target;
    xmlNodePtr readonly;
    xmlNodePtr shareable;
    xmlNodePtr serial;
} VdDiskChildren;

/* libvirt's storageFormat values (storagecommon.rng). */
static const char *const vd_storage_formats[] = {
    "raw", "dir", "bochs", "cloop", "dmg", "iso", "vpc", "vdi", "fat", "vhd",
    "ploop", "luks", "cow", "qcow", "qcow2", "qed", "vmdk",
};

bool
vd_disk_is_storage_format(const char *s)
{
    return vd_xml_enum_parse(vd_storage_formats,
                             G_N_ELEMENTS(vd_storage_formats), 0, s) >= 0;
}

static bool
vd_disk_chars_in(const char *s, const char *extra)
{
    for (const char *p = s; *p != '\0'; p++) {
        if (!g_ascii_isalnum(*p) && strchr(extra, *p) == NULL)
            return false;
    }
    return true;
}

/* libvirt's diskTargetDev without the Xen "ioemu:" prefix. */
static bool
vd_disk_target_dev_valid(const char *dev)
{
    static const char *const prefixes[] = {
        "fd", "hd", "sd", "vd", "xvd", "ubd",
    };

    for (size_t i = 0; i < G_N_ELEMENTS(prefixes); i++) {
        if (g_str_has_prefix(dev, prefixes[i])) {
            const char *rest = dev + strlen(prefixes[i]);

            return *rest != '\0' && vd_disk_chars_in(rest, "_");
        }
    }
    return false;
}

/*
 * Sources must be absolute (libvirt's absFilePath): a relative path
 * would be resolved against whatever directory the daemon runs in.
 */
bool
vd_disk_check_path(const char *element, const char *attr, const char *path,
                   const char *where, GError **error)
{
    if (path[0] == '/' && path[1] != '\0')
        return true;
    vd_xml_error_attr_value(error, element, attr, path, where,
                            "not an absolute path");
    return false;
}

/* Which attribute of <source> holds the path, for a disk type. */
const char *
vd_disk_path_attr(VdDiskType type)
{
    return type == VD_DISK_TYPE_BLOCK ? "dev" : "file";
}

/*
 * Read a <source>: the path into *path (NULL when absent), the other
 * attributes and the children into *kept. The path attribute of the
 * other disk type is refused rather than kept: libvirt would refuse
 * <source dev=...> in a file disk, and format would give it back.
 */
bool
vd_disk_parse_source_node(xmlNodePtr source, VdDiskType type,
                          xmlNodePtr extras, char **path, xmlNodePtr *kept,
                          const char *where, GError **error)
{
    const char *path_attr = vd_disk_path_attr(type);
    const char *other_attr = type == VD_DISK_TYPE_BLOCK ? "file" : "dev";

    for (xmlAttrPtr a = source->properties; a != NULL; a = a->next) {
        if (vd_xml_attr_is(a, path_attr) && *path == NULL) {
            *path = vd_xml_attr_get(a);
        } else if (vd_xml_attr_is(a, other_attr)) {
            vd_xml_error_unexpected_attr(error, "source", a, where);
            return false;
        } else {
            vd_xml_kept_add_attr(kept, extras, a);
        }
    }
    for (xmlNodePtr c = source->children; c != NULL; c = c->next) {
        if (c->type == XML_ELEMENT_NODE)
            vd_xml_kept_add_child(kept, extras, c);
    }
    return true;
}

static bool
vd_disk_parse_source(VdDiskDef *disk, xmlNodePtr source, xmlNodePtr extras,
                     const char *where, GError **error)
{
    const char *path_attr = vd_disk_path_attr(disk->type);
    g_autofree char *path = NULL;

    if (source != NULL &&
        !vd_disk_parse_source_node(source, disk->type, extras, &path,
                                   &disk->source_extras, where, error))
        return false;

    /*
     * As libvirt does, an empty path means no medium: tools write
     * file='' for an empty cdrom.
     */
    if (path != NULL && path[0] == '\0')
        g_clear_pointer(&path, g_free);
    if (path == NULL) {
        /* Only a cdrom can be empty; a disk without an image is no disk. */
        if (disk->device == VD_DISK_DEVICE_CDROM)
            return true;
        if (source == NULL)
            vd_xml_error_missing_element(error, "source", where);
        else
            vd_xml_error_missing_attr(error, "source", path_attr, where);
        return false;
    }
    if (!vd_disk_check_path("source", path_attr, path, where, error))
        return false;
    disk->source = g_steal_pointer(&path);
    return true;
}

/* An enumerated attribute of <driver>, by its from_string function. */
static bool
vd_disk_parse_driver_enum(int (*from_string)(const char *), const char *attr,
                          const char *value, int *out, const char *where,
                          GError **error)
{
    int v = from_string(value);

    if (v < 0) {
        vd_xml_error_attr_value(error, "driver", attr, value, where, NULL);
        return false;
    }
    *out = v;
    return true;
}

static bool
vd_disk_parse_driver_attr(VdDiskDef *disk, xmlAttrPtr a, xmlNodePtr extras,
                          const char *where, GError **error)
{
    g_autofree char *value = vd_xml_attr_get(a);
    int v = 0;
    bool ok = true;

    if (vd_xml_attr_is(a, "name")) {
        /* libvirt's genericName */
        ok = value[0] != '\0' && vd_disk_chars_in(value, "_+-");
        if (ok)
            disk->driver_name = g_steal_pointer(&value);
    } else if (vd_xml_attr_is(a, "type")) {
        /* "aio" is Xen's old spelling of raw, still in libvirt's schema. */
        ok = vd_disk_is_storage_format(value) || strcmp(value, "aio") == 0;
        if (ok)
            disk->driver_format = g_steal_pointer(&value);
    } else if (vd_xml_attr_is(a, "cache")) {
        /* Unlike the other enums, libvirt accepts cache='default'. */
        if (strcmp(value, "default") == 0)
            disk->cache = VD_CACHE_DEFAULT;
        else if (!vd_disk_parse_driver_enum(vd_cache_mode_from_string,
                                            "cache", value, &v, where, error))
            return false;
        else
            disk->cache = (VdCacheMode)v;
    } else if (vd_xml_attr_is(a, "io")) {
        if (!vd_disk_parse_driver_enum(vd_io_mode_from_string, "io", value,
                                       &v, where, error))
            return false;
        disk->io = (VdIoMode)v;
    } else if (vd_xml_attr_is(a, "discard")) {
        if (!vd_disk_parse_driver_enum(vd_discard_mode_from_string,
                                       "discard", value, &v, where, error))
            return false;
        disk->discard = (VdDiscardMode)v;
    } else if (vd_xml_attr_is(a, "error_policy")) {
        if (!vd_disk_parse_driver_enum(vd_error_policy_from_string,
                                       "error_policy", value, &v, where,
                                       error))
            return false;
        disk->error_policy = (VdErrorPolicy)v;
    } else {
        vd_xml_kept_add_attr(&disk->driver_attrs, extras, a);
    }
    if (!ok)
        vd_xml_error_attr_value(error, "driver", (const char *)a->name,
                                value, where, NULL);
    return ok;
}

static bool
vd_disk_parse_driver(VdDiskDef *disk, xmlNodePtr driver, xmlNodePtr extras,
                     const char *where, GError **error)
{
    for (xmlAttrPtr a = driver->properties; a != NULL; a = a->next) {
        if (!vd_disk_parse_driver_attr(disk, a, extras, where, error))
            return false;
    }
    for (xmlNodePtr c = driver->children; c != NULL; c = c->next) {
        if (c->type == XML_ELEMENT_NODE)
            vd_xml_kept_add_child(&disk->driver_attrs, extras, c);
    }
    return true;
}

/*
 * <target> comes first because its dev names the disk in every later
 * message; until it is known, the disk is named by its position.
 */
static bool
vd_disk_parse_target(VdDiskDef *disk, xmlNodePtr target, xmlNodePtr extras,
                     char **where, GError **error)
{
    g_autofree char *bus = NULL;
    int v;

    if (target == NULL) {
        vd_xml_error_missing_element(error, "target", *where);
        return false;
    }
    for (xmlAttrPtr a = target->properties; a != NULL; a = a->next) {
        if (vd_xml_attr_is(a, "dev"))
            disk->target_dev = vd_xml_attr_get(a);
        else if (vd_xml_attr_is(a, "bus"))
            bus = vd_xml_attr_get(a);
        else
            vd_xml_kept_add_attr(&disk->target_extras, extras, a);
    }
    for (xmlNodePtr c = target->children; c != NULL; c = c->next) {
        if (c->type == XML_ELEMENT_NODE)
            vd_xml_kept_add_child(&disk->target_extras, extras, c);
    }
    if (disk->target_dev == NULL) {
        vd_xml_error_missing_attr(error, "target", "dev", *where);
        return false;
    }
    if (!vd_disk_target_dev_valid(disk->target_dev)) {
        vd_xml_error_attr_value(error, "target", "dev", disk->target_dev,
                                *where, NULL);
        return false;
    }
    g_free(*where);
    *where = g_strdup_printf(" in disk '%s'", disk->target_dev);
    if (bus == NULL)
        return true;
    if ((v = vd_disk_bus_from_string(bus)) < 0) {
        vd_xml_error_attr_value(error, "target", "bus", bus, *where, NULL);
        return false;
    }
    disk->bus = (VdDiskBus)v;
    return true;
}

static bool
vd_disk_parse_attrs(VdDiskDef *disk, xmlNodePtr node, xmlNodePtr extras,
                    const char *where, GError **error)
{
    for (xmlAttrPtr a = node->properties; a != NULL; a = a->next) {
        g_autofree char *value = NULL;
        int v;

        if (vd_xml_attr_is(a, "type")) {
            value = vd_xml_attr_get(a);
            v = vd_disk_type_from_string(value);
            disk->type = (VdDiskType)v;
        } else if (vd_xml_attr_is(a, "device")) {
            value = vd_xml_attr_get(a);
            v = vd_disk_device_from_string(value);
            disk->device = (VdDiskDevice)v;
        } else {
            vd_xml_kept_add_attr(&disk->disk_attrs, extras, a);
            continue;
        }
        if (v < 0) {
            vd_xml_error_attr_value(error, "disk", (const char *)a->name,
                                    value, where, NULL);
            return false;
        }
    }
    return true;
}

/*
 * Sort the children of <disk>: known ones into kids, unknown elements
 * kept. A known element given twice is remembered in *dup and reported
 * once the disk has a name.
 */
static void
vd_disk_sort_children(VdDiskDef *disk, xmlNodePtr node, xmlNodePtr extras,
                      VdDiskChildren *kids, const char **dup)
{
    for (xmlNodePtr c = node->children; c != NULL; c = c->next) {
        xmlNodePtr *slot = NULL;

        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (vd_xml_node_is(c, "driver"))
            slot = &kids->driver;
        else if (vd_xml_node_is(c, "source"))
            slot = &kids->source;
        else if (vd_xml_node_is(c, "backingStore"))
            slot = &kids->backing;
        else if (vd_xml_node_is(c, "target"))
            slot = &kids->target;
        else if (vd_xml_node_is(c, "readonly"))
            slot = &kids->readonly;
        else if (vd_xml_node_is(c, "shareable"))
            slot = &kids->shareable;
        else if (vd_xml_node_is(c, "serial"))
            slot = &kids->serial;

        if (slot == NULL)
            vd_xml_kept_add_child(&disk->disk_extras, extras, c);
        else if (*slot != NULL && *dup == NULL)
            *dup = (const char *)c->name;
        else if (*slot == NULL)
            *slot = c;
    }
}

/* libvirt's diskSerial: letters, digits and " _.+-". */
static bool
vd_disk_parse_serial(VdDiskDef *disk, xmlNodePtr serial, const char *where,
                     GError **error)
{
    g_autofree char *text = NULL;

    if (!vd_xml_check_bare(serial, where, error))
        return false;
    text = vd_xml_node_get_text(serial);
    if (text[0] == '\0' || !vd_disk_chars_in(text, " _.+-")) {
        vd_xml_error_text_value(error, "serial", text, where, NULL);
        return false;
    }
    disk->serial = g_steal_pointer(&text);
    return true;
}

VdDiskDef *
vd_disk_def_parse_node(xmlNodePtr node, xmlNodePtr extras,
                       unsigned int index, GError **error)
{
    g_autoptr(VdDiskDef) disk = g_new0(VdDiskDef, 1);
    g_autofree char *where = g_strdup_printf(" in disk %u", index);
    VdDiskChildren kids = { 0 };
    const char *dup = NULL;

    vd_disk_sort_children(disk, node, extras, &kids, &dup);
    if (!vd_disk_parse_target(disk, kids.target, extras, &where, error))
        return NULL;
    if (dup != NULL) {
        vd_xml_error_duplicate_element(error, dup, where);
        return NULL;
    }
    if (!vd_disk_parse_attrs(disk, node, extras, where, error))
        return NULL;
    if (kids.driver != NULL &&
        !vd_disk_parse_driver(disk, kids.driver, extras, where, error))
        return NULL;
    if (!vd_disk_parse_source(disk, kids.source, extras, where, error))
        return NULL;
    if (kids.backing != NULL &&
        !vd_disk_parse_backing(disk, kids.backing, extras, error))
        return NULL;
    if (kids.readonly != NULL &&
        !vd_xml_check_bare(kids.readonly, where, error))
        return NULL;
    disk->readonly = kids.readonly != NULL;
    if (kids.shareable != NULL &&
        !vd_xml_check_bare(kids.shareable, where, error))
        return NULL;
    disk->shareable = kids.shareable != NULL;
    if (kids.serial != NULL &&
        !vd_disk_parse_serial(disk, kids.serial, where, error))
        return NULL;
    return g_steal_pointer(&disk);
}
