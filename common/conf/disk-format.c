/*
 * Formatting <disk>, mirroring disk-parse.c: the fields vdisk manages in
 * libvirt's order, then what was kept. Kept children of <disk> go last;
 * libvirt's schema interleaves the children of <disk>, so their place
 * does not matter to it, and libvirt itself prints <alias>, <address>
 * and the like after <target>.
 */
#include "config.h"

#include "common/conf/disk-xml.h"
#include "common/conf/xml-kept.h"
#include "common/conf/xml-write.h"

/* A _DEFAULT enum (0) is an absent attribute: nothing is written. */
static void
vd_disk_write_enum(GString *attrs, const char *name, int v, const char *s)
{
    if (v != 0)
        vd_xml_write_attr(attrs, name, s);
}

static void
vd_disk_format_driver(GString *buf, int indent, const VdDiskDef *disk)
{
    g_autoptr(GString) attrs = g_string_new(NULL);
    g_autoptr(GString) children = g_string_new(NULL);

    vd_xml_write_attr(attrs, "name", disk->driver_name);
    vd_xml_write_attr(attrs, "type", disk->driver_format);
    vd_disk_write_enum(attrs, "cache", disk->cache,
                       vd_cache_mode_to_string(disk->cache));
    vd_disk_write_enum(attrs, "error_policy", disk->error_policy,
                       vd_error_policy_to_string(disk->error_policy));
    vd_disk_write_enum(attrs, "io", disk->io,
                       vd_io_mode_to_string(disk->io));
    vd_disk_write_enum(attrs, "discard", disk->discard,
                       vd_discard_mode_to_string(disk->discard));
    vd_xml_kept_write_attrs(attrs, disk->driver_attrs);
    vd_xml_kept_write_children(children, indent + 1, disk->driver_attrs);
    if (attrs->len > 0 || children->len > 0)
        vd_xml_write_element(buf, indent, "driver", attrs, children);
}

/* <source>: left out when there is neither a path nor anything kept. */
static void
vd_disk_format_source(GString *buf, int indent, VdDiskType type,
                      const char *path, xmlNodePtr kept)
{
    g_autoptr(GString) attrs = g_string_new(NULL);
    g_autoptr(GString) children = g_string_new(NULL);

    vd_xml_write_attr(attrs, vd_disk_path_attr(type), path);
    vd_xml_kept_write_attrs(attrs, kept);
    vd_xml_kept_write_children(children, indent + 1, kept);
    if (attrs->len > 0 || children->len > 0)
        vd_xml_write_element(buf, indent, "source", attrs, children);
}

/*
 * The chain nests: each level is written inside the one above it, after
 * its <format> and <source>, as libvirt writes it.
 */
static void
vd_disk_format_backing(GString *buf, int indent, const VdBackingDef *b,
                       bool none)
{
    g_autoptr(GString) attrs = NULL;
    g_autoptr(GString) children = NULL;
    g_autoptr(GString) format = NULL;

    if (b == NULL) {
        if (none)
            vd_xml_write_element(buf, indent, "backingStore", NULL, NULL);
        return;
    }
    attrs = g_string_new(NULL);
    children = g_string_new(NULL);
    format = g_string_new(NULL);
    vd_xml_write_attr(attrs, "type", vd_disk_type_to_string(b->type));
    vd_xml_kept_write_attrs(attrs, b->extras);
    vd_xml_write_attr(format, "type", b->format);
    vd_xml_write_element(children, indent + 1, "format", format, NULL);
    vd_disk_format_source(children, indent + 1, b->type, b->source,
                          b->source_extras);
    vd_disk_format_backing(children, indent + 1, b->next, b->next_none);
    vd_xml_kept_write_children(children, indent + 1, b->extras);
    vd_xml_write_element(buf, indent, "backingStore", attrs, children);
}

static void
vd_disk_format_target(GString *buf, int indent, const VdDiskDef *disk)
{
    g_autoptr(GString) attrs = g_string_new(NULL);
    g_autoptr(GString) children = g_string_new(NULL);

    vd_xml_write_attr(attrs, "dev", disk->target_dev);
    vd_disk_write_enum(attrs, "bus", disk->bus,
                       vd_disk_bus_to_string(disk->bus));
    vd_xml_kept_write_attrs(attrs, disk->target_extras);
    vd_xml_kept_write_children(children, indent + 1, disk->target_extras);
    vd_xml_write_element(buf, indent, "target", attrs, children);
}

void
vd_disk_def_format_buf(GString *buf, int indent, const VdDiskDef *disk)
{
    g_autoptr(GString) attrs = g_string_new(NULL);
    g_autoptr(GString) children = g_string_new(NULL);
    int in = indent + 1;

    vd_xml_write_attr(attrs, "type", vd_disk_type_to_string(disk->type));
    vd_xml_write_attr(attrs, "device",
                      vd_disk_device_to_string(disk->device));
    vd_xml_kept_write_attrs(attrs, disk->disk_attrs);

    vd_disk_format_driver(children, in, disk);
    vd_disk_format_source(children, in, disk->type, disk->source,
                          disk->source_extras);
    vd_disk_format_backing(children, in, disk->backing, disk->backing_none);
    vd_disk_format_target(children, in, disk);
    if (disk->readonly)
        vd_xml_write_element(children, in, "readonly", NULL, NULL);
    if (disk->shareable)
        vd_xml_write_element(children, in, "shareable", NULL, NULL);
    if (disk->serial != NULL)
        vd_xml_write_text_element(children, in, "serial", NULL, disk->serial);
    vd_xml_kept_write_children(children, in, disk->disk_extras);
    vd_xml_write_element(buf, indent, "disk", attrs, children);
}
