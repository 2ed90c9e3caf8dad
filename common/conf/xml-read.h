/*
 * Helpers for the XML parsers of common/conf: reading names and values
 * of libxml2 nodes into GLib strings, and error messages that name what
 * is wrong, so that a user can find it in a long document:
 *
 *   invalid value 'bogus' for attribute 'cache' of element 'driver' in disk 'vda'
 *   missing attribute 'dev' of element 'target' in disk 3
 *
 * "where" arguments end those messages (" in disk 'vda'"; "" at the top).
 * All errors are VD_ERROR_XML / VD_ERR_XML_ERROR. Any thread.
 */
#ifndef VD_CONF_XML_READ_H
#define VD_CONF_XML_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <glib.h>
#include <libxml/tree.h>

/* node is an element named name in no namespace. */
bool vd_xml_node_is(xmlNodePtr node, const char *name);

/* attr is named name in no namespace. */
bool vd_xml_attr_is(xmlAttrPtr attr, const char *name);

/* The value of an attribute, the text of an element (g_free). */
char *vd_xml_attr_get(xmlAttrPtr attr);
char *vd_xml_node_get_text(xmlNodePtr node);

/*
 * Index of s in names[first..n), or -1. Enum tables list libvirt's
 * strings in enum order; first skips a "default" entry that stands for
 * an absent attribute and is not accepted as a value.
 */
int vd_xml_enum_parse(const char *const *names, size_t n, size_t first,
                      const char *s);

/* names[v], or NULL when v is out of range. */
const char *vd_xml_enum_name(const char *const *names, size_t n, int v);

/* Both conversions of one enum, as libvirt's VIR_ENUM_IMPL makes them. */
#define VD_ENUM_IMPL(prefix, type, table, first)                        \
    const char *prefix##_to_string(type v)                              \
    {                                                                   \
        return vd_xml_enum_name(table, G_N_ELEMENTS(table), (int)v);    \
    }                                                                   \
    int prefix##_from_string(const char *s)                             \
    {                                                                   \
        return vd_xml_enum_parse(table, G_N_ELEMENTS(table), first, s); \
    }

void vd_xml_error_attr_value(GError **error, const char *element,
                             const char *attr, const char *value,
                             const char *where, const char *why);
void vd_xml_error_text_value(GError **error, const char *element,
                             const char *value, const char *where,
                             const char *why);
void vd_xml_error_missing_attr(GError **error, const char *element,
                               const char *attr, const char *where);
void vd_xml_error_missing_element(GError **error, const char *element,
                                  const char *where);
void vd_xml_error_duplicate_element(GError **error, const char *element,
                                    const char *where);
void vd_xml_error_unexpected_attr(GError **error, const char *element,
                                  xmlAttrPtr attr, const char *where);

/*
 * For elements whose whole content vdisk owns (<name>, <readonly/>,
 * <serial>): refuse any attribute and any child element, which could
 * otherwise be neither kept nor given back.
 */
bool vd_xml_check_bare(xmlNodePtr node, const char *where, GError **error);

/* Only the child elements part of vd_xml_check_bare(). */
bool vd_xml_check_no_children(xmlNodePtr node, const char *where,
                              GError **error);

#endif /* VD_CONF_XML_READ_H */
