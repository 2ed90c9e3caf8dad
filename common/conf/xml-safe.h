/*
 * The safe XML loader: every XML document that comes from a client goes
 * through here, because libxml2's defaults read files and the network
 * (external entities, DTDs) and expand entities without bound.
 *
 * The input is refused before libxml2 sees it when it is larger than the
 * limit, holds a NUL byte, is not UTF-8 or carries a DOCTYPE; libvirt's
 * XML never has a DOCTYPE, and without one there is no entity to expand
 * and no external subset to load. libxml2's diagnostics go into the
 * GError, never to stderr.
 *
 * Control plane only; any thread may call (each call has its own parser
 * context). The caller owns the returned document (xmlFreeDoc).
 */
#ifndef VD_CONF_XML_SAFE_H
#define VD_CONF_XML_SAFE_H

#include <stddef.h>
#include <glib.h>
#include <libxml/tree.h>

/*
 * Parse len bytes of xml (no NUL terminator needed) into a document with
 * blank text nodes between elements dropped. what names the document in
 * messages ("domain XML"). On error returns NULL and sets VD_ERROR_XML /
 * VD_ERR_XML_ERROR; a malformed document gets libxml2's line and message.
 */
xmlDocPtr vd_xml_safe_parse(const char *xml, size_t len, size_t max_len,
                            const char *what, GError **error);

#endif /* VD_CONF_XML_SAFE_H */
