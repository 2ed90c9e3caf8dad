/* Domain definitions: enum names, life cycle, copy and lookup. */
#include "config.h"

#include <string.h>

#include "common/conf/disk-xml.h"
#include "common/conf/domain-conf.h"
#include "common/conf/xml-kept.h"
#include "common/conf/xml-read.h"

static const char *const vd_domain_type_names[] = {
    "kvm", "qemu", "xen", "test",
};
static const char *const vd_os_type_names[] = { "hvm", "xen", "linux" };

G_STATIC_ASSERT(G_N_ELEMENTS(vd_domain_type_names) ==
                VD_DOMAIN_TYPE_TEST + 1);
G_STATIC_ASSERT(G_N_ELEMENTS(vd_os_type_names) == VD_OS_TYPE_LINUX + 1);

VD_ENUM_IMPL(vd_domain_type, VdDomainType, vd_domain_type_names, 0)
VD_ENUM_IMPL(vd_os_type, VdOsType, vd_os_type_names, 0)

/* The holders' document; root becomes domain_attrs, the root holder. */
static void
vd_domain_def_set_extras_root(VdDomainDef *def, xmlNodePtr root)
{
    xmlDocSetRootElement(def->extras_doc, root);
    def->domain_attrs = root;
}

VdDomainDef *
vd_domain_def_new(void)
{
    VdDomainDef *def = g_new0(VdDomainDef, 1);

    def->extras_doc = xmlNewDoc(BAD_CAST "1.0");
    vd_domain_def_set_extras_root(def, xmlNewDocNode(def->extras_doc, NULL,
                                                     BAD_CAST "domain",
                                                     NULL));
    def->domain_extras = xmlNewChild(def->domain_attrs, NULL,
                                     BAD_CAST "domain-extras", NULL);
    def->devices_extras = xmlNewChild(def->domain_attrs, NULL,
                                      BAD_CAST "devices-extras", NULL);
    return def;
}

void
vd_domain_def_free(VdDomainDef *def)
{
    if (def == NULL)
        return;
    /* Disks first: they unlink their holders from the document. */
    for (size_t i = 0; i < def->ndisks; i++)
        vd_disk_def_free(def->disks[i]);
    g_free(def->disks);
    xmlFreeDoc(def->extras_doc);
    g_free(def->name);
    g_free(def);
}

VdDomainDef *
vd_domain_def_copy(const VdDomainDef *src)
{
    VdDomainDef *def = g_new0(VdDomainDef, 1);
    xmlNodePtr root;

    def->type = src->type;
    def->name = g_strdup(src->name);
    memcpy(def->uuid, src->uuid, VD_UUID_LEN);
    def->os_type = src->os_type;

    /*
     * The root first, with its attributes and namespace declarations but
     * not its children (2), so that the holders copied under it find the
     * declarations in scope.
     */
    def->extras_doc = xmlNewDoc(BAD_CAST "1.0");
    root = xmlDocCopyNode(src->domain_attrs, def->extras_doc, 2);
    vd_domain_def_set_extras_root(def, root);
    def->domain_extras = vd_xml_kept_copy(src->domain_extras, root);
    def->devices_extras = vd_xml_kept_copy(src->devices_extras, root);

    def->disks = g_new0(VdDiskDef *, src->ndisks);
    def->ndisks = src->ndisks;
    for (size_t i = 0; i < src->ndisks; i++)
        def->disks[i] = vd_disk_def_copy(src->disks[i], root);
    return def;
}

VdDiskDef *
vd_domain_def_find_disk(const VdDomainDef *def, const char *name)
{
    for (size_t i = 0; i < def->ndisks; i++) {
        VdDiskDef *disk = def->disks[i];

        if (g_strcmp0(disk->target_dev, name) == 0 ||
            g_strcmp0(disk->source, name) == 0)
            return disk;
    }
    return NULL;
}
