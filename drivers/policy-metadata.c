/*
 * The user's overrides, kept in libvirt's <metadata> under vdisk's
 * namespace so that libvirt tools pass them through untouched:
 *
 *   <metadata>
 *     <vdisk:policy xmlns:vdisk="https://vdisk.dev/xmlns/policy/1">
 *       <vdisk:override disk="vda" rule="qemu-unsafe-cache" reason="..."/>
 *     </vdisk:policy>
 *   </metadata>
 *
 * The conf code keeps <metadata> verbatim among the domain's extras; the
 * namespace is matched by its URI, never by its prefix, since a user may
 * bind any prefix to it.
 */
#include "config.h"

#include <string.h>
#include <libxml/tree.h>

#include "drivers/policy.h"

void
vd_override_free(VdOverride *o)
{
    if (o == NULL)
        return;
    g_free(o->disk);
    g_free(o->rule);
    g_free(o->reason);
    g_free(o);
}

static bool
is_element(xmlNodePtr node, const char *name, const char *ns_uri)
{
    if (node->type != XML_ELEMENT_NODE ||
        strcmp((const char *)node->name, name) != 0)
        return false;
    if (ns_uri == NULL)
        return node->ns == NULL;
    return node->ns != NULL && node->ns->href != NULL &&
           strcmp((const char *)node->ns->href, ns_uri) == 0;
}

static xmlNodePtr
find_child(xmlNodePtr parent, const char *name, const char *ns_uri)
{
    if (parent == NULL)
        return NULL;
    for (xmlNodePtr c = parent->children; c != NULL; c = c->next) {
        if (is_element(c, name, ns_uri))
            return c;
    }
    return NULL;
}

static char *
get_attr(xmlNodePtr node, const char *name)
{
    xmlChar *v = xmlGetNoNsProp(node, BAD_CAST name);
    char *copy = v != NULL ? g_strdup((const char *)v) : NULL;

    xmlFree(v);
    return copy;
}

static VdOverride *
parse_override(xmlNodePtr node, GError **error)
{
    VdOverride *o = g_new0(VdOverride, 1);

    o->disk = get_attr(node, "disk");
    o->rule = get_attr(node, "rule");
    o->reason = get_attr(node, "reason");
    if (o->disk == NULL || o->rule == NULL || *o->disk == '\0' ||
        *o->rule == '\0') {
        g_set_error(error, VD_ERROR_XML, VD_ERR_XML_ERROR,
                    "XML error: vdisk:override needs the attributes disk "
                    "and rule");
        vd_override_free(o);
        return NULL;
    }
    /* The reason is shown with the decision; say plainly that none was given. */
    if (o->reason == NULL)
        o->reason = g_strdup("no reason given");
    return o;
}

static bool
parse_policy(xmlNodePtr policy, GPtrArray *out, GError **error)
{
    for (xmlNodePtr c = policy->children; c != NULL; c = c->next) {
        VdOverride *o;

        if (c->type != XML_ELEMENT_NODE)
            continue;
        /* A misspelt element must not silently leave a disk unprotected
         * or a refusal in place. */
        if (!is_element(c, "override", VD_POLICY_XMLNS)) {
            g_set_error(error, VD_ERROR_XML, VD_ERR_XML_ERROR,
                        "XML error: unknown element '%s' in vdisk:policy",
                        (const char *)c->name);
            return false;
        }
        o = parse_override(c, error);
        if (o == NULL)
            return false;
        g_ptr_array_add(out, o);
    }
    return true;
}

GPtrArray *
vd_policy_overrides_read(const VdDomainDef *def, GError **error)
{
    g_autoptr(GPtrArray) out =
        g_ptr_array_new_with_free_func((GDestroyNotify)vd_override_free);
    xmlNodePtr metadata = find_child(def->domain_extras, "metadata", NULL);

    if (metadata == NULL)
        return g_steal_pointer(&out);
    for (xmlNodePtr c = metadata->children; c != NULL; c = c->next) {
        if (is_element(c, "policy", VD_POLICY_XMLNS) &&
            !parse_policy(c, out, error))
            return NULL;
    }
    return g_steal_pointer(&out);
}

/*
 * The definition's holder of <domain>'s kept children, created when it
 * had none. Holders sit under the extras document's root, the holder of
 * <domain>'s attributes, as the conf code lays them out.
 */
static xmlNodePtr
domain_extras(VdDomainDef *def)
{
    if (def->domain_extras != NULL)
        return def->domain_extras;
    if (def->extras_doc == NULL)
        def->extras_doc = xmlNewDoc(BAD_CAST "1.0");
    if (def->domain_attrs == NULL) {
        def->domain_attrs = xmlNewDocNode(def->extras_doc, NULL,
                                          BAD_CAST "kept", NULL);
        xmlDocSetRootElement(def->extras_doc, def->domain_attrs);
    }
    def->domain_extras = xmlNewChild(def->domain_attrs, NULL,
                                     BAD_CAST "kept", NULL);
    return def->domain_extras;
}

static xmlNodePtr
policy_element(VdDomainDef *def)
{
    xmlNodePtr holder = domain_extras(def);
    xmlNodePtr metadata = find_child(holder, "metadata", NULL);
    xmlNodePtr policy;
    xmlNsPtr ns;

    if (metadata == NULL)
        metadata = xmlNewChild(holder, NULL, BAD_CAST "metadata", NULL);
    policy = find_child(metadata, "policy", VD_POLICY_XMLNS);
    if (policy != NULL)
        return policy;
    policy = xmlNewChild(metadata, NULL, BAD_CAST "policy", NULL);
    ns = xmlNewNs(policy, BAD_CAST VD_POLICY_XMLNS, BAD_CAST "vdisk");
    xmlSetNs(policy, ns);
    return policy;
}

void
vd_policy_overrides_record(VdDomainDef *def, const GPtrArray *forced)
{
    xmlNodePtr policy;

    if (forced->len == 0)
        return;
    policy = policy_element(def);
    for (guint i = 0; i < forced->len; i++) {
        const VdOverride *o = g_ptr_array_index(forced, i);
        xmlNodePtr node = xmlNewChild(policy, policy->ns,
                                      BAD_CAST "override", NULL);

        xmlNewProp(node, BAD_CAST "disk", BAD_CAST o->disk);
        xmlNewProp(node, BAD_CAST "rule", BAD_CAST o->rule);
        xmlNewProp(node, BAD_CAST "reason", BAD_CAST o->reason);
    }
}
