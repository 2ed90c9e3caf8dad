/* Streaming JSON writer; see json-writer.h. */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include "common/util/json-writer.h"

/* One open object or array. */
typedef struct {
    char close;         /* '}' or ']' */
    size_t count;       /* members or elements written so far */
    bool key_pending;   /* an object member's key was written, no value yet */
} Frame;

struct VdJsonWriter {
    GString *out;
    GArray *stack;      /* of Frame, innermost last */
    bool pretty;
    bool complete;      /* one whole top-level value was written */
};

VdJsonWriter *
vd_json_writer_new(bool pretty)
{
    VdJsonWriter *w = g_new0(VdJsonWriter, 1);

    w->out = g_string_new(NULL);
    w->stack = g_array_new(FALSE, FALSE, sizeof(Frame));
    w->pretty = pretty;
    return w;
}

void
vd_json_writer_free(VdJsonWriter *w)
{
    if (w == NULL)
        return;
    g_string_free(w->out, TRUE);
    g_array_unref(w->stack);
    g_free(w);
}

char *
vd_json_writer_finish(VdJsonWriter *w)
{
    char *doc;

    g_assert(w->complete && w->stack->len == 0);
    doc = g_string_free(w->out, FALSE);
    w->out = g_string_new(NULL);
    w->complete = false;
    return doc;
}

static Frame *
top(VdJsonWriter *w)
{
    if (w->stack->len == 0)
        return NULL;
    return &g_array_index(w->stack, Frame, w->stack->len - 1);
}

static void
newline_indent(VdJsonWriter *w)
{
    if (!w->pretty)
        return;
    g_string_append_c(w->out, '\n');
    for (guint i = 0; i < w->stack->len; i++)
        g_string_append(w->out, "  ");
}

/* Writes what separates this value from the previous one. */
static void
before_value(VdJsonWriter *w)
{
    Frame *f = top(w);

    if (f == NULL) {
        g_assert(!w->complete);
        return;
    }
    if (f->close == '}') {
        /* The key already wrote the separator. */
        g_assert(f->key_pending);
        f->key_pending = false;
        return;
    }
    if (f->count > 0)
        g_string_append_c(w->out, ',');
    newline_indent(w);
    f->count++;
}

static void
after_value(VdJsonWriter *w)
{
    if (w->stack->len == 0)
        w->complete = true;
}

static void
append_escaped_valid(GString *out, const char *p, const char *end)
{
    for (; p < end; p++) {
        unsigned char c = (unsigned char)*p;

        switch (c) {
        case '"':  g_string_append(out, "\\\""); break;
        case '\\': g_string_append(out, "\\\\"); break;
        case '\b': g_string_append(out, "\\b"); break;
        case '\f': g_string_append(out, "\\f"); break;
        case '\n': g_string_append(out, "\\n"); break;
        case '\r': g_string_append(out, "\\r"); break;
        case '\t': g_string_append(out, "\\t"); break;
        default:
            if (c < 0x20)
                g_string_append_printf(out, "\\u%04x", c);
            else
                g_string_append_c(out, (char)c);
            break;
        }
    }
}

/* A quoted string. Invalid UTF-8 is replaced byte by byte: JSON text must
 * be UTF-8, and a parser would reject the whole document otherwise. */
static void
append_quoted(GString *out, const char *s)
{
    const char *p = s;
    const char *end = s + strlen(s);

    g_string_append_c(out, '"');
    while (p < end) {
        const char *valid_end;

        g_utf8_validate_len(p, end - p, &valid_end);
        append_escaped_valid(out, p, valid_end);
        if (valid_end == end)
            break;
        g_string_append(out, "\xef\xbf\xbd");   /* U+FFFD */
        p = valid_end + 1;
    }
    g_string_append_c(out, '"');
}

static void
begin(VdJsonWriter *w, char open, char close)
{
    Frame f = { .close = close };

    before_value(w);
    g_string_append_c(w->out, open);
    g_array_append_val(w->stack, f);
}

static void
end(VdJsonWriter *w, char close)
{
    Frame *f = top(w);
    size_t count;

    g_assert(f != NULL && f->close == close && !f->key_pending);
    count = f->count;
    g_array_set_size(w->stack, w->stack->len - 1);
    if (count > 0)
        newline_indent(w);
    g_string_append_c(w->out, close);
    after_value(w);
}

void
vd_json_begin_object(VdJsonWriter *w)
{
    begin(w, '{', '}');
}

void
vd_json_end_object(VdJsonWriter *w)
{
    end(w, '}');
}

void
vd_json_begin_array(VdJsonWriter *w)
{
    begin(w, '[', ']');
}

void
vd_json_end_array(VdJsonWriter *w)
{
    end(w, ']');
}

void
vd_json_key(VdJsonWriter *w, const char *key)
{
    Frame *f = top(w);

    g_assert(key != NULL);
    g_assert(f != NULL && f->close == '}' && !f->key_pending);
    if (f->count > 0)
        g_string_append_c(w->out, ',');
    newline_indent(w);
    append_quoted(w->out, key);
    g_string_append(w->out, w->pretty ? ": " : ":");
    f->key_pending = true;
    f->count++;
}

void
vd_json_string(VdJsonWriter *w, const char *s)
{
    if (s == NULL) {
        vd_json_null(w);
        return;
    }
    before_value(w);
    append_quoted(w->out, s);
    after_value(w);
}

void
vd_json_int(VdJsonWriter *w, int64_t v)
{
    before_value(w);
    g_string_append_printf(w->out, "%" PRId64, v);
    after_value(w);
}

void
vd_json_uint(VdJsonWriter *w, uint64_t v)
{
    before_value(w);
    g_string_append_printf(w->out, "%" PRIu64, v);
    after_value(w);
}

void
vd_json_bool(VdJsonWriter *w, bool v)
{
    before_value(w);
    g_string_append(w->out, v ? "true" : "false");
    after_value(w);
}

void
vd_json_null(VdJsonWriter *w)
{
    before_value(w);
    g_string_append(w->out, "null");
    after_value(w);
}

void
vd_json_member_string(VdJsonWriter *w, const char *key, const char *s)
{
    vd_json_key(w, key);
    vd_json_string(w, s);
}

void
vd_json_member_bool(VdJsonWriter *w, const char *key, bool v)
{
    vd_json_key(w, key);
    vd_json_bool(w, v);
}
