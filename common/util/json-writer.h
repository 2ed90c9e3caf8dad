/*
 * A streaming JSON writer: for output that scripts parse (`vdisk --json`,
 * `vdisk explain --json`) and for JSON that programs take as arguments
 * (QEMU's -blockdev and -device), where a printf with quotes would break
 * on the first name holding a quote or a newline.
 *
 * Two layouts: pretty, for people, and compact, with no whitespace at all
 * ({"a":1,"b":[true,null]}), for a document that must stay one word of a
 * command line. Compact output is byte for byte what the drivers' golden
 * files (tests/drivers/data) hold.
 *
 * Calls follow the document: begin/end an object or array, a key before
 * each member of an object, then values. Misuse (a value where a key is
 * due, an end that does not match its begin, finishing an open document)
 * is a programming error and aborts through g_assert, so a writer that
 * finishes holds valid JSON.
 *
 * Strings are written as UTF-8: control characters, quotes and
 * backslashes are escaped, other characters pass through unchanged, and
 * bytes that are not valid UTF-8 become U+FFFD so that the output stays
 * valid JSON whatever a peer sent.
 *
 * A writer belongs to one thread; it owns its buffer until finished.
 */
#ifndef VD_UTIL_JSON_WRITER_H
#define VD_UTIL_JSON_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

typedef struct VdJsonWriter VdJsonWriter;

/* pretty: members on their own lines, indented by two spaces;
 * otherwise compact. */
VdJsonWriter *vd_json_writer_new(bool pretty);
void vd_json_writer_free(VdJsonWriter *w);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VdJsonWriter, vd_json_writer_free)

/*
 * The document, newly allocated (g_free), without a trailing newline.
 * Only once one complete value was written; the writer is then empty and
 * can write another document.
 */
char *vd_json_writer_finish(VdJsonWriter *w);

void vd_json_begin_object(VdJsonWriter *w);
void vd_json_end_object(VdJsonWriter *w);
void vd_json_begin_array(VdJsonWriter *w);
void vd_json_end_array(VdJsonWriter *w);

/* The name of the next member; only directly inside an object. */
void vd_json_key(VdJsonWriter *w, const char *key);

/* A string value; NULL writes null. */
void vd_json_string(VdJsonWriter *w, const char *s);
void vd_json_int(VdJsonWriter *w, int64_t v);
void vd_json_uint(VdJsonWriter *w, uint64_t v);
void vd_json_bool(VdJsonWriter *w, bool v);
void vd_json_null(VdJsonWriter *w);

/* A whole member of an object: vd_json_key(), then the value. */
void vd_json_member_string(VdJsonWriter *w, const char *key, const char *s);
void vd_json_member_bool(VdJsonWriter *w, const char *key, bool v);

#endif /* VD_UTIL_JSON_WRITER_H */
