/* Reading helpers and error messages for the conf parsers. */
#include "config.h"

#include <string.h>

#include "common/conf/xml-read.h"
#include "common/util/error.h"

/* Longest value quoted in a message, in characters. */
#define VD_XML_QUOTE_MAX 64

bool
vd_xml_node_is(xmlNodePtr node, const char *name)
{
    return node->type == XML_ELEMENT_NODE && node->ns == NULL &&
           strcmp((const char *)node->name, name) == 0;
}

bool
vd_xml_attr_is(xmlAttrPtr attr, const char *name)
{
    return attr->ns == NULL && strcmp((const char *)attr->name, name) == 0;
}

static char *
vd_xml_take(xmlChar *s)
{
    char *ret = g_strdup(s != NULL ? (const char *)s : "");

    xmlFree(s);
    return ret;
}

char *
vd_xml_attr_get(xmlAttrPtr attr)
{
    return vd_xml_take(xmlNodeGetContent((xmlNodePtr)attr));
}

char *
vd_xml_node_get_text(xmlNodePtr node)
{
    return vd_xml_take(xmlNodeGetContent(node));
}

int
vd_xml_enum_parse(const char *const *names, size_t n, size_t first,
                  const char *s)
{
    for (size_t i = first; i < n; i++) {
        if (strcmp(names[i], s) == 0)
            return (int)i;
    }
    return -1;
}

const char *
vd_xml_enum_name(const char *const *names, size_t n, int v)
{
    if (v < 0 || (size_t)v >= n)
        return NULL;
    return names[v];
}

/*
 * A value as it goes into a message: control characters escaped, so that
 * a message stays on one line, and long values cut, so that a megabyte
 * of attribute does not become a megabyte of log.
 */
static char *
vd_xml_quote(const char *value)
{
    GString *out = g_string_new(NULL);
    size_t count = 0;

    for (const char *p = value; *p != '\0'; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);

        if (count++ == VD_XML_QUOTE_MAX) {
            g_string_append(out, "...");
            break;
        }
        if (g_unichar_iscntrl(c))
            g_string_append_printf(out, "\\x%02x", (unsigned int)c);
        else
            g_string_append_len(out, p, g_utf8_next_char(p) - p);
    }
    return g_string_free(out, FALSE);
}

void
vd_xml_error_attr_value(GError **error, const char *element,
                        const char *attr, const char *value,
                        const char *where, const char *why)
{
    g_autofree char *quoted = vd_xml_quote(value);

    g_set_error(error, VD_ERROR_XML, VD_ERR_XML_ERROR,
                "invalid value '%s' for attribute '%s' of element '%s'%s%s%s",
                quoted, attr, element, where,
                why != NULL ? ": " : "", why != NULL ? why : "");
}

void
vd_xml_error_text_value(GError **error, const char *element,
                        const char *value, const char *where,
                        const char *why)
{
    g_autofree char *quoted = vd_xml_quote(value);

    g_set_error(error, VD_ERROR_XML, VD_ERR_XML_ERROR,
                "invalid value '%s' for element '%s'%s%s%s",
                quoted, element, where,
                why != NULL ? ": " : "", why != NULL ? why : "");
}

void
vd_xml_error_missing_attr(GError **error, const char *element,
                          const char *attr, const char *where)
{
    g_set_error(error, VD_ERROR_XML, VD_ERR_XML_ERROR,
                "missing attribute '%s' of element '%s'%s",
                attr, element, where);
}

void
vd_xml_error_missing_element(GError **error, const char *element,
                             const char *where)
{
    g_set_error(error, VD_ERROR_XML, VD_ERR_XML_ERROR,
                "missing element '%s'%s", element, where);
}

void
vd_xml_error_duplicate_element(GError **error, const char *element,
                               const char *where)
{
    g_set_error(error, VD_ERROR_XML, VD_ERR_XML_ERROR,
                "duplicate element '%s'%s", element, where);
}

void
vd_xml_error_unexpected_attr(GError **error, const char *element,
                             xmlAttrPtr attr, const char *where)
{
    g_set_error(error, VD_ERROR_XML, VD_ERR_XML_ERROR,
                "unexpected attribute '%s' of element '%s'%s",
                (const char *)attr->name, element, where);
}

bool
vd_xml_check_no_children(xmlNodePtr node, const char *where, GError **error)
{
    for (xmlNodePtr c = node->children; c != NULL; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) {
            g_set_error(error, VD_ERROR_XML, VD_ERR_XML_ERROR,
                        "unexpected element '%s' in element '%s'%s",
                        (const char *)c->name, (const char *)node->name,
                        where);
            return false;
        }
    }
    return true;
}

bool
vd_xml_check_bare(xmlNodePtr node, const char *where, GError **error)
{
    if (node->properties != NULL) {
        vd_xml_error_unexpected_attr(error, (const char *)node->name,
                                     node->properties, where);
        return false;
    }
    return vd_xml_check_no_children(node, where, error);
}
