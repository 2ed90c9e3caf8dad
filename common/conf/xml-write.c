/* libvirt-shaped XML output; the conventions are in xml-write.h. */
#include "config.h"

#include <stdbool.h>

#include "common/conf/xml-write.h"

static void
vd_xml_write_indent(GString *buf, int indent)
{
    for (int i = 0; i < indent; i++)
        g_string_append(buf, "  ");
}

/*
 * Escape for an attribute value in single quotes. Tab, newline and
 * carriage return are written as character references: a parser
 * normalises the literal characters in attribute values to spaces, and
 * the value would not come back the same.
 */
static void
vd_xml_write_attr_char(GString *buf, char c)
{
    switch (c) {
    case '&':  g_string_append(buf, "&amp;"); break;
    case '<':  g_string_append(buf, "&lt;"); break;
    case '>':  g_string_append(buf, "&gt;"); break;
    case '\'': g_string_append(buf, "&apos;"); break;
    case '"':  g_string_append(buf, "&quot;"); break;
    case '\t': g_string_append(buf, "&#9;"); break;
    case '\n': g_string_append(buf, "&#10;"); break;
    case '\r': g_string_append(buf, "&#13;"); break;
    default:   g_string_append_c(buf, c); break;
    }
}

static void
vd_xml_write_attr_value(GString *buf, const char *value)
{
    for (const char *p = value; *p != '\0'; p++)
        vd_xml_write_attr_char(buf, *p);
}

/*
 * A namespace URI as libxml2 holds it: the parser stores '&' in it as the
 * reference "&#38;" already (its own serializer writes URIs unescaped),
 * and never a raw '&' otherwise, so '&' passes through as it is.
 */
static void
vd_xml_write_ns_href(GString *buf, const char *href)
{
    for (const char *p = href; *p != '\0'; p++) {
        if (*p == '&')
            g_string_append_c(buf, '&');
        else
            vd_xml_write_attr_char(buf, *p);
    }
}

void
vd_xml_write_attr(GString *attrs, const char *name, const char *value)
{
    if (value == NULL)
        return;
    g_string_append_printf(attrs, " %s='", name);
    vd_xml_write_attr_value(attrs, value);
    g_string_append_c(attrs, '\'');
}

/* A carriage return is a reference: parsers turn a literal one into \n. */
void
vd_xml_write_text(GString *buf, const char *text)
{
    for (const char *p = text; *p != '\0'; p++) {
        switch (*p) {
        case '&':  g_string_append(buf, "&amp;"); break;
        case '<':  g_string_append(buf, "&lt;"); break;
        case '>':  g_string_append(buf, "&gt;"); break;
        case '\r': g_string_append(buf, "&#13;"); break;
        default:   g_string_append_c(buf, *p); break;
        }
    }
}

void
vd_xml_write_element(GString *buf, int indent, const char *name,
                     const GString *attrs, const GString *children)
{
    vd_xml_write_indent(buf, indent);
    g_string_append_printf(buf, "<%s", name);
    if (attrs != NULL)
        g_string_append_len(buf, attrs->str, attrs->len);
    if (children == NULL || children->len == 0) {
        g_string_append(buf, "/>\n");
        return;
    }
    g_string_append(buf, ">\n");
    g_string_append_len(buf, children->str, children->len);
    vd_xml_write_indent(buf, indent);
    g_string_append_printf(buf, "</%s>\n", name);
}

void
vd_xml_write_text_element(GString *buf, int indent, const char *name,
                          const GString *attrs, const char *text)
{
    vd_xml_write_indent(buf, indent);
    g_string_append_printf(buf, "<%s", name);
    if (attrs != NULL)
        g_string_append_len(buf, attrs->str, attrs->len);
    g_string_append_c(buf, '>');
    vd_xml_write_text(buf, text);
    g_string_append_printf(buf, "</%s>\n", name);
}

static void
vd_xml_write_qname(GString *buf, xmlNsPtr ns, const xmlChar *name)
{
    if (ns != NULL && ns->prefix != NULL)
        g_string_append_printf(buf, "%s:", (const char *)ns->prefix);
    g_string_append(buf, (const char *)name);
}

/* Attributes before namespace declarations, as libvirt prints <domain>. */
void
vd_xml_write_node_attrs(GString *attrs, xmlNodePtr node)
{
    for (xmlAttrPtr a = node->properties; a != NULL; a = a->next) {
        xmlChar *value = xmlNodeGetContent((xmlNodePtr)a);

        g_string_append_c(attrs, ' ');
        vd_xml_write_qname(attrs, a->ns, a->name);
        g_string_append(attrs, "='");
        vd_xml_write_attr_value(attrs, value != NULL ? (const char *)value
                                                     : "");
        g_string_append_c(attrs, '\'');
        xmlFree(value);
    }
    for (xmlNsPtr ns = node->nsDef; ns != NULL; ns = ns->next) {
        if (ns->prefix != NULL)
            g_string_append_printf(attrs, " xmlns:%s='",
                                   (const char *)ns->prefix);
        else
            g_string_append(attrs, " xmlns='");
        vd_xml_write_ns_href(attrs, (const char *)ns->href);
        g_string_append_c(attrs, '\'');
    }
}

/*
 * Text decides the layout: indentation added inside an element that holds
 * text would become part of its content, so such an element is written
 * on one line, its descendants included.
 */
static bool
vd_xml_has_text_child(xmlNodePtr node)
{
    for (xmlNodePtr c = node->children; c != NULL; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE)
            return true;
    }
    return false;
}

/* An element whose content is written as other text (see the header). */
typedef struct {
    xmlNodePtr node;
    const char *text;
} VdXmlReplace;

static void
vd_xml_write_element_node(GString *buf, int indent, xmlNodePtr node,
                          const VdXmlReplace *replace);

/* indent < 0: inside text, no indentation and no newlines. */
static void
vd_xml_write_any(GString *buf, int indent, xmlNodePtr node,
                 const VdXmlReplace *replace)
{
    const char *content = node->content != NULL
                          ? (const char *)node->content : "";

    /* Entity and DTD nodes cannot occur: the loader refuses DOCTYPEs. */
    if (node->type != XML_ELEMENT_NODE && node->type != XML_TEXT_NODE &&
        node->type != XML_CDATA_SECTION_NODE &&
        node->type != XML_COMMENT_NODE && node->type != XML_PI_NODE)
        return;

    if (indent >= 0)
        vd_xml_write_indent(buf, indent);
    if (node->type == XML_ELEMENT_NODE)
        vd_xml_write_element_node(buf, indent, node, replace);
    else if (node->type == XML_TEXT_NODE)
        vd_xml_write_text(buf, content);
    else if (node->type == XML_CDATA_SECTION_NODE)
        g_string_append_printf(buf, "<![CDATA[%s]]>", content);
    else if (node->type == XML_COMMENT_NODE)
        g_string_append_printf(buf, "<!--%s-->", content);
    else
        g_string_append_printf(buf, "<?%s%s%s?>", (const char *)node->name,
                               *content != '\0' ? " " : "", content);
    if (indent >= 0)
        g_string_append_c(buf, '\n');
}

static void
vd_xml_write_element_node(GString *buf, int indent, xmlNodePtr node,
                          const VdXmlReplace *replace)
{
    bool inline_children = indent < 0 || vd_xml_has_text_child(node);

    g_string_append_c(buf, '<');
    vd_xml_write_qname(buf, node->ns, node->name);
    vd_xml_write_node_attrs(buf, node);
    if (node == replace->node) {
        g_string_append_c(buf, '>');
        vd_xml_write_text(buf, replace->text);
    } else if (node->children == NULL) {
        g_string_append(buf, "/>");
        return;
    } else {
        g_string_append_c(buf, '>');
        if (!inline_children)
            g_string_append_c(buf, '\n');
        for (xmlNodePtr c = node->children; c != NULL; c = c->next)
            vd_xml_write_any(buf, inline_children ? -1 : indent + 1, c,
                             replace);
        if (!inline_children)
            vd_xml_write_indent(buf, indent);
    }
    g_string_append(buf, "</");
    vd_xml_write_qname(buf, node->ns, node->name);
    g_string_append_c(buf, '>');
}

void
vd_xml_write_node(GString *buf, int indent, xmlNodePtr node)
{
    vd_xml_write_node_replacing(buf, indent, node, NULL, NULL);
}

void
vd_xml_write_node_replacing(GString *buf, int indent, xmlNodePtr node,
                            xmlNodePtr target, const char *text)
{
    VdXmlReplace replace = { target, text };

    g_assert(indent >= 0);
    vd_xml_write_any(buf, indent, node, &replace);
}
