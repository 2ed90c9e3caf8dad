/* Memory and vCPUs of a definition; see domain-resources.h. */
#include "config.h"

#include <string.h>
#include <libxml/tree.h>

#include "daemon/domain-resources.h"

/* libvirt's memory units, as multiples of a KiB (base 2 and base 10). */
static guint64
unit_bytes(const char *unit)
{
    static const struct { const char *name; guint64 bytes; } units[] = {
        { "b", 1 }, { "bytes", 1 },
        { "KB", 1000ull }, { "k", 1024ull }, { "KiB", 1024ull },
        { "MB", 1000000ull }, { "M", 1ull << 20 }, { "MiB", 1ull << 20 },
        { "GB", 1000000000ull }, { "G", 1ull << 30 }, { "GiB", 1ull << 30 },
        { "TB", 1000000000000ull }, { "T", 1ull << 40 }, { "TiB", 1ull << 40 },
    };

    if (!unit)
        return 1024;
    for (size_t i = 0; i < G_N_ELEMENTS(units); i++)
        if (strcmp(units[i].name, unit) == 0)
            return units[i].bytes;
    return 1024;
}

/* The element's number scaled to KiB; 0 when absent or not a number. */
static guint64
memory_kib(xmlNodePtr node)
{
    g_autofree char *unit = (char *)xmlGetProp(node, BAD_CAST "unit");
    xmlChar *text = xmlNodeGetContent(node);
    guint64 value = 0, scale = unit_bytes(unit);

    if (text && g_ascii_string_to_unsigned((const char *)text, 10, 0,
                                           G_MAXUINT64 / scale, &value, NULL))
        value = value * scale / 1024;
    else
        value = 0;
    xmlFree(text);
    return value;
}

void
vd_domain_resources_get(const VdDomainDef *def, VdDomainResources *res)
{
    guint64 current = 0;

    res->max_mem_kib = 0;
    res->nr_vcpu = 1;
    for (xmlNodePtr n = def->domain_extras ? def->domain_extras->children : NULL;
         n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (xmlStrEqual(n->name, BAD_CAST "memory")) {
            res->max_mem_kib = memory_kib(n);
        } else if (xmlStrEqual(n->name, BAD_CAST "currentMemory")) {
            current = memory_kib(n);
        } else if (xmlStrEqual(n->name, BAD_CAST "vcpu")) {
            xmlChar *text = xmlNodeGetContent(n);
            guint64 v;

            if (text && g_ascii_string_to_unsigned((const char *)text, 10, 1,
                                                   G_MAXUINT16, &v, NULL))
                res->nr_vcpu = (guint)v;
            xmlFree(text);
        }
    }
    res->mem_kib = current ? current : res->max_mem_kib;
}
