/* The safe XML loader; the threats it closes are listed in xml-safe.h. */
#include "config.h"

#include <limits.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "common/conf/xml-safe.h"
#include "common/util/error.h"

/*
 * Options for every document. Left out on purpose: XML_PARSE_NOENT (would
 * substitute entities), XML_PARSE_DTDLOAD / DTDATTR / DTDVALID (would read
 * the external subset), XML_PARSE_XINCLUDE (would read other files) and
 * XML_PARSE_HUGE (would lift libxml2's own depth and size limits).
 * XML_PARSE_NOERROR is left out too: it clears the error channel, and
 * libxml2 then drops errors before they reach our handler.
 */
#define VD_XML_SAFE_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOBLANKS)

/* The first error libxml2 reports; later ones are mostly its echoes. */
typedef struct {
    int line;
    char *message;
} VdXmlFirstError;

/*
 * Structured handler set on the parser context, so that this document's
 * errors come here and neither to stderr (libxml2's default channel) nor
 * to a process-wide handler another thread may have set.
 */
static void
vd_xml_safe_on_error(void *data, xmlErrorPtr err)
{
    xmlParserCtxtPtr ctxt = data;
    VdXmlFirstError *first = ctxt->_private;

    if (first->message != NULL || err->level == XML_ERR_WARNING)
        return;
    first->line = err->line;
    first->message = g_strdup(err->message != NULL ? err->message
                                                   : "unknown error");
    g_strchomp(first->message);
}

/*
 * Checks on the raw bytes. A DOCTYPE is refused wherever the bytes
 * "<!DOCTYPE" occur, even inside a comment or a CDATA section: telling
 * those apart needs a parser, and the point is not to run one on input
 * that may declare entities (external ones read files, nested ones grow
 * exponentially: the "billion laughs").
 */
static bool
vd_xml_safe_check_bytes(const char *xml, size_t len, size_t max_len,
                        const char *what, GError **error)
{
    const char *nul;
    const char *bad = NULL;

    if (len > max_len) {
        g_set_error(error, VD_ERROR_XML, VD_ERR_XML_ERROR,
                    "%s is too large: %zu bytes, the limit is %zu bytes",
                    what, len, max_len);
        return false;
    }
    nul = memchr(xml, '\0', len);
    if (nul != NULL) {
        g_set_error(error, VD_ERROR_XML, VD_ERR_XML_ERROR,
                    "%s contains a NUL byte at offset %zu",
                    what, (size_t)(nul - xml));
        return false;
    }
    if (!g_utf8_validate_len(xml, len, &bad)) {
        g_set_error(error, VD_ERROR_XML, VD_ERR_XML_ERROR,
                    "%s is not valid UTF-8 at offset %zu",
                    what, (size_t)(bad - xml));
        return false;
    }
    if (memmem(xml, len, "<!DOCTYPE", strlen("<!DOCTYPE")) != NULL) {
        g_set_error(error, VD_ERROR_XML, VD_ERR_XML_ERROR,
                    "%s must not contain a DOCTYPE declaration", what);
        return false;
    }
    return true;
}

xmlDocPtr
vd_xml_safe_parse(const char *xml, size_t len, size_t max_len,
                  const char *what, GError **error)
{
    VdXmlFirstError first = { 0, NULL };
    xmlParserCtxtPtr ctxt;
    xmlDocPtr doc;

    /* libxml2 takes the length as an int. */
    g_assert(max_len <= INT_MAX);
    if (!vd_xml_safe_check_bytes(xml, len, max_len, what, error))
        return NULL;

    xmlInitParser();
    ctxt = xmlNewParserCtxt();
    if (ctxt == NULL) {
        g_set_error(error, VD_ERROR_XML, VD_ERR_XML_ERROR,
                    "cannot create an XML parser for %s", what);
        return NULL;
    }
    ctxt->_private = &first;
    ctxt->sax->serror = vd_xml_safe_on_error;

    /*
     * The encoding is forced to UTF-8, which the bytes were checked to be:
     * an encoding="..." declaration must not make libxml2 read them as
     * something else.
     */
    doc = xmlCtxtReadMemory(ctxt, xml, (int)len, NULL, "UTF-8",
                            VD_XML_SAFE_OPTIONS);

    if (doc == NULL || !ctxt->wellFormed || first.message != NULL) {
        if (first.message != NULL)
            g_set_error(error, VD_ERROR_XML, VD_ERR_XML_ERROR,
                        "malformed %s at line %d: %s",
                        what, first.line, first.message);
        else
            g_set_error(error, VD_ERROR_XML, VD_ERR_XML_ERROR,
                        "malformed %s", what);
        xmlFreeDoc(doc);
        doc = NULL;
    }
    g_free(first.message);
    xmlFreeParserCtxt(ctxt);
    return doc;
}
