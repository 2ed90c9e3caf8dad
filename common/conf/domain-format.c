/*
 * Formatting <domain>, mirroring domain-parse.c: type and kept
 * attributes, <name>, <uuid>, the kept elements in document order, then
 * <devices> with the disks first. Kept elements that came after
 * <devices> in the input come before it here; libvirt's schema
 * interleaves the children of <domain>, so it accepts either order, and
 * the output of a second round is the same as the first.
 */
#include "config.h"

#include "common/conf/disk-xml.h"
#include "common/conf/domain-conf.h"
#include "common/conf/xml-kept.h"
#include "common/conf/xml-read.h"
#include "common/conf/xml-write.h"

/*
 * <os> as kept, except that <type> says def->os_type: the field is what
 * drivers read and may change, the kept element only holds the rest
 * (arch and machine attributes, boot order, loader). Without a kept
 * <os> (a definition built in code) a bare one is written.
 */
static void
vd_domain_format_os(GString *buf, int indent, const VdDomainDef *def,
                    xmlNodePtr os)
{
    const char *os_type = vd_os_type_to_string(def->os_type);
    g_autoptr(GString) children = NULL;
    xmlNodePtr type = NULL;

    if (os == NULL) {
        children = g_string_new(NULL);
        vd_xml_write_text_element(children, indent + 1, "type", NULL,
                                  os_type);
        vd_xml_write_element(buf, indent, "os", NULL, children);
        return;
    }
    for (xmlNodePtr c = os->children; c != NULL && type == NULL; c = c->next) {
        if (vd_xml_node_is(c, "type"))
            type = c;
    }
    vd_xml_write_node_replacing(buf, indent, os, type, os_type);
}

static xmlNodePtr
vd_domain_find_kept_os(const VdDomainDef *def)
{
    for (xmlNodePtr c = def->domain_extras->children; c != NULL;
         c = c->next) {
        if (vd_xml_node_is(c, "os"))
            return c;
    }
    return NULL;
}

static void
vd_domain_format_devices(GString *buf, int indent, const VdDomainDef *def)
{
    g_autoptr(GString) children = g_string_new(NULL);

    for (size_t i = 0; i < def->ndisks; i++)
        vd_disk_def_format_buf(children, indent + 1, def->disks[i]);
    vd_xml_kept_write_children(children, indent + 1, def->devices_extras);
    /* No <devices/> for a domain without devices: nothing to say. */
    if (children->len > 0)
        vd_xml_write_element(buf, indent, "devices", NULL, children);
}

char *
vd_domain_def_format(const VdDomainDef *def)
{
    g_autoptr(GString) attrs = NULL;
    g_autoptr(GString) children = NULL;
    char uuid[VD_UUID_STRING_LEN];
    GString *buf;

    g_return_val_if_fail(def->name != NULL, NULL);
    attrs = g_string_new(NULL);
    children = g_string_new(NULL);
    buf = g_string_new(NULL);

    vd_xml_write_attr(attrs, "type", vd_domain_type_to_string(def->type));
    vd_xml_kept_write_attrs(attrs, def->domain_attrs);

    vd_xml_write_text_element(children, 1, "name", NULL, def->name);
    vd_uuid_format(def->uuid, uuid);
    vd_xml_write_text_element(children, 1, "uuid", NULL, uuid);
    if (vd_domain_find_kept_os(def) == NULL)
        vd_domain_format_os(children, 1, def, NULL);
    for (xmlNodePtr c = def->domain_extras->children; c != NULL;
         c = c->next) {
        if (vd_xml_node_is(c, "os"))
            vd_domain_format_os(children, 1, def, c);
        else
            vd_xml_write_node(children, 1, c);
    }
    vd_domain_format_devices(children, 1, def);

    vd_xml_write_element(buf, 0, "domain", attrs, children);
    return g_string_free(buf, FALSE);
}
