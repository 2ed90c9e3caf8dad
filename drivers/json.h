/*
 * Just enough JSON writing for explain output and QEMU's JSON arguments:
 * compact objects and arrays appended to a GString. Commas are placed by
 * looking at the last character written, so callers only say what comes
 * next. Strings are escaped per RFC 8259; input must be UTF-8 (the XML
 * parser guarantees it for everything that comes from a definition).
 */
#ifndef VD_DRIVERS_JSON_H
#define VD_DRIVERS_JSON_H

#include <stdbool.h>
#include <glib.h>

void vd_json_begin_object(GString *out);
void vd_json_end_object(GString *out);
void vd_json_begin_array(GString *out, const char *key);
void vd_json_end_array(GString *out);

/* "key": and the value; key NULL inside an array. */
void vd_json_key(GString *out, const char *key);
void vd_json_string(GString *out, const char *key, const char *value);
void vd_json_bool(GString *out, const char *key, bool value);

/* A quoted, escaped string value alone. */
void vd_json_append_quoted(GString *out, const char *s);

#endif /* VD_DRIVERS_JSON_H */
