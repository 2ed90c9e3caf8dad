/* Holders of kept XML; see xml-kept.h. */
#include "config.h"

#include "common/conf/xml-kept.h"
#include "common/conf/xml-write.h"

static xmlNodePtr
vd_xml_kept_holder(xmlNodePtr *holder, xmlNodePtr parent)
{
    if (*holder == NULL)
        *holder = xmlNewChild(parent, NULL, BAD_CAST "kept", NULL);
    return *holder;
}

/* Point the references of node and its descendants from one ns to another. */
static void
vd_xml_kept_retarget_ns(xmlNodePtr node, xmlNsPtr from, xmlNsPtr to)
{
    if (node->type != XML_ELEMENT_NODE)
        return;
    if (node->ns == from)
        node->ns = to;
    for (xmlAttrPtr a = node->properties; a != NULL; a = a->next) {
        if (a->ns == from)
            a->ns = to;
    }
    for (xmlNodePtr c = node->children; c != NULL; c = c->next)
        vd_xml_kept_retarget_ns(c, from, to);
}

/*
 * A copy made outside its source tree declares on its top element every
 * namespace it uses that an ancestor declared. Once the copy is in place,
 * drop those that the same prefix and URI above it already declare (the
 * extras root carries <domain>'s), so that the output does not repeat
 * on a child what <domain> declares. libxml2's own way to do this
 * (xmlDOMWrapReconcileNamespaces with REMOVEREDUND) has no public flag.
 */
static void
vd_xml_kept_drop_redundant_ns(xmlNodePtr copy)
{
    xmlNsPtr *link = &copy->nsDef;

    while (*link != NULL) {
        xmlNsPtr ns = *link;
        xmlNsPtr outer = xmlSearchNs(copy->doc, copy->parent, ns->prefix);

        if (outer == NULL || !xmlStrEqual(outer->href, ns->href)) {
            link = &ns->next;
            continue;
        }
        *link = ns->next;
        vd_xml_kept_retarget_ns(copy, ns, outer);
        xmlFreeNs(ns);
    }
}

void
vd_xml_kept_tidy_ns(xmlNodePtr root)
{
    for (xmlNodePtr h = root->children; h != NULL; h = h->next) {
        for (xmlNodePtr c = h->children; c != NULL; c = c->next) {
            if (c->type == XML_ELEMENT_NODE)
                vd_xml_kept_drop_redundant_ns(c);
        }
    }
}

void
vd_xml_kept_add_attr(xmlNodePtr *holder, xmlNodePtr parent, xmlAttrPtr attr)
{
    xmlNodePtr h = vd_xml_kept_holder(holder, parent);
    xmlAttrPtr copy = xmlCopyProp(h, attr);
    xmlAttrPtr last = h->properties;

    /*
     * xmlCopyProp() creates the attribute with h as its parent but does
     * not link it, and xmlAddChild() takes a node whose parent is already
     * h as added: append it by hand. A namespace the holder does not see
     * was declared on the extras root, so it appears on <domain>.
     */
    if (last == NULL) {
        h->properties = copy;
        return;
    }
    while (last->next != NULL)
        last = last->next;
    last->next = copy;
    copy->prev = last;
}

void
vd_xml_kept_add_child(xmlNodePtr *holder, xmlNodePtr parent, xmlNodePtr node)
{
    xmlNodePtr h = vd_xml_kept_holder(holder, parent);
    xmlNodePtr copy = xmlDocCopyNode(node, h->doc, 1);

    xmlAddChild(h, copy);
    vd_xml_kept_drop_redundant_ns(copy);
}

xmlNodePtr
vd_xml_kept_copy(xmlNodePtr holder, xmlNodePtr new_parent)
{
    xmlNodePtr copy;

    if (holder == NULL)
        return NULL;
    copy = xmlDocCopyNode(holder, new_parent->doc, 1);
    xmlAddChild(new_parent, copy);
    vd_xml_kept_drop_redundant_ns(copy);
    return copy;
}

void
vd_xml_kept_free(xmlNodePtr holder)
{
    if (holder == NULL)
        return;
    xmlUnlinkNode(holder);
    xmlFreeNode(holder);
}

void
vd_xml_kept_write_attrs(GString *attrs, xmlNodePtr holder)
{
    if (holder != NULL)
        vd_xml_write_node_attrs(attrs, holder);
}

void
vd_xml_kept_write_children(GString *buf, int indent, xmlNodePtr holder)
{
    if (holder == NULL)
        return;
    for (xmlNodePtr c = holder->children; c != NULL; c = c->next)
        vd_xml_write_node(buf, indent, c);
}
