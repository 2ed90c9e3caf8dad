/* Compact JSON writing; see json.h. */
#include "config.h"

#include "drivers/json.h"

/* A comma is due unless we are right after an opening bracket or a key. */
static void
separate(GString *out)
{
    char last;

    if (out->len == 0)
        return;
    last = out->str[out->len - 1];
    if (last != '{' && last != '[' && last != ':')
        g_string_append_c(out, ',');
}

void
vd_json_append_quoted(GString *out, const char *s)
{
    g_string_append_c(out, '"');
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        switch (*c) {
        case '"': g_string_append(out, "\\\""); break;
        case '\\': g_string_append(out, "\\\\"); break;
        case '\n': g_string_append(out, "\\n"); break;
        case '\r': g_string_append(out, "\\r"); break;
        case '\t': g_string_append(out, "\\t"); break;
        case '\b': g_string_append(out, "\\b"); break;
        case '\f': g_string_append(out, "\\f"); break;
        default:
            /* Other control characters have no short form. */
            if (*c < 0x20)
                g_string_append_printf(out, "\\u%04x", *c);
            else
                g_string_append_c(out, (char)*c);
        }
    }
    g_string_append_c(out, '"');
}

void
vd_json_key(GString *out, const char *key)
{
    separate(out);
    if (key != NULL) {
        vd_json_append_quoted(out, key);
        g_string_append_c(out, ':');
    }
}

void
vd_json_begin_object(GString *out)
{
    separate(out);
    g_string_append_c(out, '{');
}

void
vd_json_end_object(GString *out)
{
    g_string_append_c(out, '}');
}

void
vd_json_begin_array(GString *out, const char *key)
{
    vd_json_key(out, key);
    g_string_append_c(out, '[');
}

void
vd_json_end_array(GString *out)
{
    g_string_append_c(out, ']');
}

void
vd_json_string(GString *out, const char *key, const char *value)
{
    vd_json_key(out, key);
    vd_json_append_quoted(out, value);
}

void
vd_json_bool(GString *out, const char *key, bool value)
{
    vd_json_key(out, key);
    g_string_append(out, value ? "true" : "false");
}
