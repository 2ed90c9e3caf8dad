/*
 * Writing XML the way libvirt prints it: two spaces per level, attribute
 * values in single quotes, empty elements as <name/>, an element whose
 * content has text in it on one line. Formatting code builds an element
 * from two buffers, its attributes and its children (already indented
 * one level deeper), as libvirt's virXMLFormatElement does, so that an
 * element with nothing in it is left out or closed as <name/>.
 *
 * Plain functions on GString; no state, any thread.
 */
#ifndef VD_CONF_XML_WRITE_H
#define VD_CONF_XML_WRITE_H

#include <glib.h>
#include <libxml/tree.h>

/* Append " name='value'", escaped; nothing when value is NULL. */
void vd_xml_write_attr(GString *attrs, const char *name, const char *value);

/* Append text escaped for element content. */
void vd_xml_write_text(GString *buf, const char *text);

/*
 * Append <name attrs/> or <name attrs>, the children and </name>, at
 * indent levels. attrs and children may be NULL.
 */
void vd_xml_write_element(GString *buf, int indent, const char *name,
                          const GString *attrs, const GString *children);

/* Append <name attrs>text</name> on one line; text is escaped. */
void vd_xml_write_text_element(GString *buf, int indent, const char *name,
                               const GString *attrs, const char *text);

/* Append the attributes and namespace declarations of node. */
void vd_xml_write_node_attrs(GString *attrs, xmlNodePtr node);

/* Append a node and everything under it, at indent levels. */
void vd_xml_write_node(GString *buf, int indent, xmlNodePtr node);

/*
 * The same, except that the content of target, an element under node,
 * is written as text: a kept element with one field vdisk manages in it
 * (<os> and its <type>) keeps its layout and the rest of its content.
 */
void vd_xml_write_node_replacing(GString *buf, int indent, xmlNodePtr node,
                                 xmlNodePtr target, const char *text);

#endif /* VD_CONF_XML_WRITE_H */
