/*
 * Kept XML: what vdisk does not manage, held verbatim so that format can
 * give it back. A holder is an element of the definition's extras
 * document; its attributes are kept attributes and its children are kept
 * elements. All holders sit under the extras document's root element,
 * which carries the namespace declarations of <domain>: copies made
 * under it refer to those declarations instead of repeating them.
 *
 * Holders belong to their document; vd_xml_kept_free() unlinks one when
 * a single definition part (a disk) goes away before the document.
 */
#ifndef VD_CONF_XML_KEPT_H
#define VD_CONF_XML_KEPT_H

#include <glib.h>
#include <libxml/tree.h>

/* Copy attr onto *holder, creating the holder under parent if NULL. */
void vd_xml_kept_add_attr(xmlNodePtr *holder, xmlNodePtr parent,
                          xmlAttrPtr attr);

/* Copy node, deeply, as the last child of *holder (created as above). */
void vd_xml_kept_add_child(xmlNodePtr *holder, xmlNodePtr parent,
                           xmlNodePtr node);

/*
 * Drop, from the kept elements of every holder under root, declarations
 * that root makes too. Copying an attribute can add a declaration to
 * root after elements using that namespace were copied with their own;
 * run this once everything is kept, so that the output is the same
 * whatever order things were kept in.
 */
void vd_xml_kept_tidy_ns(xmlNodePtr root);

/* A deep copy of holder under new_parent; NULL for NULL. */
xmlNodePtr vd_xml_kept_copy(xmlNodePtr holder, xmlNodePtr new_parent);

/* Unlink and free a holder; NULL is fine. */
void vd_xml_kept_free(xmlNodePtr holder);

/* Append a holder's namespace declarations and attributes (NULL: none). */
void vd_xml_kept_write_attrs(GString *attrs, xmlNodePtr holder);

/* Append a holder's children at indent levels (NULL: none). */
void vd_xml_kept_write_children(GString *buf, int indent, xmlNodePtr holder);

#endif /* VD_CONF_XML_KEPT_H */
