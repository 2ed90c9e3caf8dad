/*
 * Parsing <backingStore>, the chain of images under a disk's image, as
 * libvirt takes it on input: each level needs a type, a <format> and a
 * <source>; an empty <backingStore/> says that the chain ends.
 */
#include "config.h"

#include "common/conf/disk-xml.h"
#include "common/conf/xml-kept.h"
#include "common/conf/xml-read.h"

/* <backingStore/> with nothing in it: the chain explicitly ends. */
static bool
vd_backing_is_empty(xmlNodePtr node)
{
    if (node->properties != NULL)
        return false;
    for (xmlNodePtr c = node->children; c != NULL; c = c->next) {
        if (c->type == XML_ELEMENT_NODE)
            return false;
    }
    return true;
}

static bool
vd_backing_parse_format(VdBackingDef *b, xmlNodePtr format,
                        const char *where, GError **error)
{
    for (xmlAttrPtr a = format->properties; a != NULL; a = a->next) {
        if (!vd_xml_attr_is(a, "type")) {
            vd_xml_error_unexpected_attr(error, "format", a, where);
            return false;
        }
        b->format = vd_xml_attr_get(a);
    }
    if (!vd_xml_check_no_children(format, where, error))
        return false;
    if (b->format == NULL) {
        vd_xml_error_missing_attr(error, "format", "type", where);
        return false;
    }
    if (!vd_disk_is_storage_format(b->format)) {
        vd_xml_error_attr_value(error, "format", "type", b->format, where,
                                NULL);
        return false;
    }
    return true;
}

/*
 * One non-empty <backingStore>: its type, <format> and <source> are all
 * required, as libvirt requires them on input. *next is set to a nested
 * <backingStore>, if any.
 */
static bool
vd_backing_parse_one(VdBackingDef *b, xmlNodePtr node, xmlNodePtr extras,
                     const char *where, xmlNodePtr *next, GError **error)
{
    xmlNodePtr format = NULL;
    xmlNodePtr source = NULL;
    g_autofree char *type = NULL;
    int v;

    for (xmlAttrPtr a = node->properties; a != NULL; a = a->next) {
        if (vd_xml_attr_is(a, "type"))
            type = vd_xml_attr_get(a);
        else
            vd_xml_kept_add_attr(&b->extras, extras, a);
    }
    for (xmlNodePtr c = node->children; c != NULL; c = c->next) {
        xmlNodePtr *slot = NULL;

        if (vd_xml_node_is(c, "format"))
            slot = &format;
        else if (vd_xml_node_is(c, "source"))
            slot = &source;
        else if (vd_xml_node_is(c, "backingStore"))
            slot = next;
        else if (c->type == XML_ELEMENT_NODE)
            vd_xml_kept_add_child(&b->extras, extras, c);
        if (slot != NULL && *slot != NULL) {
            vd_xml_error_duplicate_element(error, (const char *)c->name,
                                           where);
            return false;
        }
        if (slot != NULL)
            *slot = c;
    }

    if (type == NULL) {
        vd_xml_error_missing_attr(error, "backingStore", "type", where);
        return false;
    }
    if ((v = vd_disk_type_from_string(type)) < 0) {
        vd_xml_error_attr_value(error, "backingStore", "type", type, where,
                                NULL);
        return false;
    }
    b->type = (VdDiskType)v;
    if (format == NULL) {
        vd_xml_error_missing_element(error, "format", where);
        return false;
    }
    if (!vd_backing_parse_format(b, format, where, error))
        return false;
    if (source == NULL) {
        vd_xml_error_missing_element(error, "source", where);
        return false;
    }
    if (!vd_disk_parse_source_node(source, b->type, extras, &b->source,
                                   &b->source_extras, where, error))
        return false;
    if (b->source == NULL) {
        vd_xml_error_missing_attr(error, "source", vd_disk_path_attr(b->type),
                                  where);
        return false;
    }
    return vd_disk_check_path("source", vd_disk_path_attr(b->type),
                              b->source, where, error);
}

/*
 * The chain, iteratively: each level is linked in before it is parsed,
 * so that freeing the disk releases a half-parsed chain too.
 */
bool
vd_disk_parse_backing(VdDiskDef *disk, xmlNodePtr node, xmlNodePtr extras,
                      GError **error)
{
    VdBackingDef **tail = &disk->backing;
    bool *none = &disk->backing_none;

    for (unsigned int level = 1; node != NULL; level++) {
        g_autofree char *where = NULL;
        xmlNodePtr next = NULL;
        VdBackingDef *b;

        if (vd_backing_is_empty(node)) {
            *none = true;
            break;
        }
        where = g_strdup_printf(" in backing store %u of disk '%s'",
                                level, disk->target_dev);
        b = g_new0(VdBackingDef, 1);
        *tail = b;
        if (!vd_backing_parse_one(b, node, extras, where, &next, error))
            return false;
        tail = &b->next;
        none = &b->next_none;
        node = next;
    }
    return true;
}
