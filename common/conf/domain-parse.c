/*
 * Parsing <domain>: name, uuid, type, os type and disks are checked;
 * every other element is kept in document order. The checks here are
 * the ones that make a definition usable by vdisk; the schema-level ones
 * on values come from libvirt's domaincommon.rng.
 */
#include "config.h"

#include <string.h>

#include "common/conf/disk-xml.h"
#include "common/conf/domain-conf.h"
#include "common/conf/xml-kept.h"
#include "common/conf/xml-read.h"
#include "common/conf/xml-safe.h"
#include "common/util/error.h"

/* libvirt's limit on a domain name, which names files on the host. */
#define VD_DOMAIN_NAME_MAX 255

/* The children of <domain> that vdisk reads; at most one of each. */
typedef struct {
    xmlNodePtr name;
    xmlNodePtr uuid;
    xmlNodePtr os;
    xmlNodePtr devices;
} VdDomainChildren;

/*
 * The name becomes a file name in the state directory and a word in
 * virsh's output: '/' would leave the directory, control characters
 * would garble logs and terminals.
 */
static const char *
vd_domain_name_problem(const char *name)
{
    if (name[0] == '\0')
        return "the name is empty";
    if (strlen(name) > VD_DOMAIN_NAME_MAX)
        return "the name is longer than 255 bytes";
    if (strchr(name, '/') != NULL)
        return "the name contains '/'";
    for (const char *p = name; *p != '\0'; p = g_utf8_next_char(p)) {
        if (g_unichar_iscntrl(g_utf8_get_char(p)))
            return "the name contains a control character";
    }
    return NULL;
}

static bool
vd_domain_parse_name(VdDomainDef *def, xmlNodePtr node, GError **error)
{
    g_autofree char *name = NULL;
    const char *problem;

    if (node == NULL) {
        vd_xml_error_missing_element(error, "name", "");
        return false;
    }
    if (!vd_xml_check_bare(node, "", error))
        return false;
    name = vd_xml_node_get_text(node);
    if ((problem = vd_domain_name_problem(name)) != NULL) {
        vd_xml_error_text_value(error, "name", name, "", problem);
        return false;
    }
    def->name = g_steal_pointer(&name);
    return true;
}

/* No <uuid> is fine: libvirt generates one, and so do we. */
static bool
vd_domain_parse_uuid(VdDomainDef *def, xmlNodePtr node, GError **error)
{
    g_autofree char *text = NULL;

    if (node == NULL) {
        vd_uuid_generate(def->uuid);
        return true;
    }
    if (!vd_xml_check_bare(node, "", error))
        return false;
    /* libvirt tolerates blanks around the uuid; so do we. */
    text = vd_xml_node_get_text(node);
    if (!vd_uuid_parse(g_strstrip(text), def->uuid)) {
        vd_xml_error_text_value(error, "uuid", text, "", NULL);
        return false;
    }
    return true;
}

/*
 * <os> is kept whole (boot order, loader, kernel); only its <type> is
 * read. Xen PV guests (xen, linux) need a Xen hypervisor: other drivers
 * cannot boot them, so the pairing is checked here, once.
 */
static bool
vd_domain_parse_os(VdDomainDef *def, xmlNodePtr os, GError **error)
{
    const char *where = " in element 'os'";
    g_autofree char *text = NULL;
    xmlNodePtr type = NULL;
    int v;

    for (xmlNodePtr c = os->children; c != NULL && type == NULL; c = c->next) {
        if (vd_xml_node_is(c, "type"))
            type = c;
    }
    if (type == NULL) {
        vd_xml_error_missing_element(error, "type", where);
        return false;
    }
    text = vd_xml_node_get_text(type);
    if ((v = vd_os_type_from_string(text)) < 0) {
        vd_xml_error_text_value(error, "type", text, where, NULL);
        return false;
    }
    def->os_type = (VdOsType)v;
    if (def->os_type != VD_OS_TYPE_HVM && def->type != VD_DOMAIN_TYPE_XEN &&
        def->type != VD_DOMAIN_TYPE_TEST) {
        g_autofree char *why =
            g_strdup_printf("Xen PV needs domain type 'xen', not '%s'",
                            vd_domain_type_to_string(def->type));

        vd_xml_error_text_value(error, "type", text, where, why);
        return false;
    }
    vd_xml_kept_add_child(&def->domain_extras, NULL, os);
    return true;
}

/* Two disks on one target would be one device to the guest. */
static bool
vd_domain_check_targets(const VdDomainDef *def, GError **error)
{
    for (size_t i = 0; i < def->ndisks; i++) {
        for (size_t j = 0; j < i; j++) {
            const char *dev = def->disks[i]->target_dev;

            if (strcmp(def->disks[j]->target_dev, dev) != 0)
                continue;
            g_set_error(error, VD_ERROR_XML, VD_ERR_XML_ERROR,
                        "duplicate value '%s' for attribute 'dev' of "
                        "element 'target' in disks %zu and %zu",
                        dev, j + 1, i + 1);
            return false;
        }
    }
    return true;
}

static bool
vd_domain_parse_devices(VdDomainDef *def, xmlNodePtr devices, GError **error)
{
    if (devices == NULL)
        return true;
    if (devices->properties != NULL) {
        vd_xml_error_unexpected_attr(error, "devices", devices->properties,
                                     "");
        return false;
    }
    for (xmlNodePtr c = devices->children; c != NULL; c = c->next) {
        VdDiskDef *disk;

        if (!vd_xml_node_is(c, "disk")) {
            if (c->type == XML_ELEMENT_NODE)
                vd_xml_kept_add_child(&def->devices_extras, NULL, c);
            continue;
        }
        disk = vd_disk_def_parse_node(c, def->domain_attrs,
                                      (unsigned int)def->ndisks + 1, error);
        if (disk == NULL)
            return false;
        def->disks = g_renew(VdDiskDef *, def->disks, def->ndisks + 1);
        def->disks[def->ndisks++] = disk;
    }
    return vd_domain_check_targets(def, error);
}

static bool
vd_domain_parse_type(VdDomainDef *def, xmlNodePtr root, GError **error)
{
    g_autofree char *value = NULL;
    int v;

    for (xmlAttrPtr a = root->properties; a != NULL; a = a->next) {
        if (vd_xml_attr_is(a, "type"))
            value = vd_xml_attr_get(a);
        else
            vd_xml_kept_add_attr(&def->domain_attrs, NULL, a);
    }
    if (value == NULL) {
        vd_xml_error_missing_attr(error, "domain", "type", "");
        return false;
    }
    if ((v = vd_domain_type_from_string(value)) < 0) {
        vd_xml_error_attr_value(error, "domain", "type", value, "", NULL);
        return false;
    }
    def->type = (VdDomainType)v;
    return true;
}

/*
 * Sort the children of <domain>; unknown elements are kept, in document
 * order. <os> is kept by vd_domain_parse_os() at its place in that order.
 */
static bool
vd_domain_sort_children(VdDomainDef *def, xmlNodePtr root,
                        VdDomainChildren *kids, GError **error)
{
    for (xmlNodePtr c = root->children; c != NULL; c = c->next) {
        xmlNodePtr *slot = NULL;

        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (vd_xml_node_is(c, "name"))
            slot = &kids->name;
        else if (vd_xml_node_is(c, "uuid"))
            slot = &kids->uuid;
        else if (vd_xml_node_is(c, "devices"))
            slot = &kids->devices;
        else if (vd_xml_node_is(c, "os"))
            slot = &kids->os;

        if (slot == NULL) {
            vd_xml_kept_add_child(&def->domain_extras, NULL, c);
        } else if (*slot != NULL) {
            vd_xml_error_duplicate_element(error, (const char *)c->name, "");
            return false;
        } else {
            *slot = c;
            if (slot == &kids->os && !vd_domain_parse_os(def, c, error))
                return false;
        }
    }
    return true;
}

static bool
vd_domain_parse_root(VdDomainDef *def, xmlNodePtr root, GError **error)
{
    VdDomainChildren kids = { 0 };

    if (!vd_xml_node_is(root, "domain")) {
        g_set_error(error, VD_ERROR_XML, VD_ERR_XML_ERROR,
                    "unexpected root element '%s', expected 'domain'",
                    (const char *)root->name);
        return false;
    }
    /*
     * Declarations first: kept copies below drop their own declarations
     * of namespaces the root holder already declares.
     */
    def->domain_attrs->nsDef = xmlCopyNamespaceList(root->nsDef);
    if (!vd_domain_parse_type(def, root, error))
        return false;
    if (!vd_domain_sort_children(def, root, &kids, error))
        return false;
    if (!vd_domain_parse_name(def, kids.name, error))
        return false;
    if (!vd_domain_parse_uuid(def, kids.uuid, error))
        return false;
    if (kids.os == NULL) {
        vd_xml_error_missing_element(error, "os", "");
        return false;
    }
    if (!vd_domain_parse_devices(def, kids.devices, error))
        return false;
    vd_xml_kept_tidy_ns(def->domain_attrs);
    return true;
}

VdDomainDef *
vd_domain_def_parse(const char *xml, size_t len, GError **error)
{
    g_autoptr(VdDomainDef) def = NULL;
    xmlDocPtr doc;
    bool ok;

    doc = vd_xml_safe_parse(xml, len, VD_DOMAIN_XML_MAX, "domain XML",
                            error);
    if (doc == NULL)
        return NULL;
    def = vd_domain_def_new();
    ok = vd_domain_parse_root(def, xmlDocGetRootElement(doc), error);
    xmlFreeDoc(doc);
    return ok ? g_steal_pointer(&def) : NULL;
}
