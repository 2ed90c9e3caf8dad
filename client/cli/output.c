/* Human and JSON output of the CLI; see output.h. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "client/cli/output.h"
#include "common/util/json-writer.h"

/* virsh's label column: "%-15s %s". */
#define RECORD_MIN_WIDTH 15
#define COLUMN_GAP "   "

struct VdCliOut {
    bool json;
    VdJsonWriter *jw;

    /* Human form, kept until the end to align it. */
    GPtrArray *labels;              /* record: "Label:" */
    GPtrArray *values;              /* record: the values */
    const char *const *headers;     /* table: borrowed, NULL when a record */
    size_t ncols;
    GPtrArray *rows;                /* table: of GPtrArray of cells */
    GPtrArray *row;                 /* the row being filled */
};

static void print_diagnostic(const char *kind, const char *fmt, va_list ap)
    G_GNUC_PRINTF(2, 0);

/* stdout first, so that what was printed before comes before the message
 * when both go to the same terminal or file. */
static void
print_diagnostic(const char *kind, const char *fmt, va_list ap)
{
    fflush(stdout);
    fputs(kind, stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void
vd_cli_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    print_diagnostic("error: ", fmt, ap);
    va_end(ap);
}

void
vd_cli_warning(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    print_diagnostic("warning: ", fmt, ap);
    va_end(ap);
}

void
vd_cli_usage_error(const char *verb, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (verb != NULL)
        vd_cli_error("%s (see 'vdisk help %s')", msg, verb);
    else
        vd_cli_error("%s (see 'vdisk help')", msg);
}

VdCliOut *
vd_cli_out_new(bool json)
{
    VdCliOut *o = g_new0(VdCliOut, 1);

    o->json = json;
    if (json)
        o->jw = vd_json_writer_new(true);
    o->labels = g_ptr_array_new_with_free_func(g_free);
    o->values = g_ptr_array_new_with_free_func(g_free);
    o->rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
    return o;
}

void
vd_cli_out_free(VdCliOut *o)
{
    if (o == NULL)
        return;
    vd_json_writer_free(o->jw);
    g_ptr_array_unref(o->labels);
    g_ptr_array_unref(o->values);
    g_ptr_array_unref(o->rows);
    if (o->row != NULL)
        g_ptr_array_unref(o->row);
    g_free(o);
}

bool
vd_cli_out_is_json(const VdCliOut *o)
{
    return o->json;
}

static void
print_json(VdCliOut *o)
{
    g_autofree char *doc = vd_json_writer_finish(o->jw);

    puts(doc);
}

void
vd_cli_out_begin_record(VdCliOut *o)
{
    if (o->json)
        vd_json_begin_object(o->jw);
}

void
vd_cli_out_end_record(VdCliOut *o)
{
    size_t width = RECORD_MIN_WIDTH;

    if (o->json) {
        vd_json_end_object(o->jw);
        print_json(o);
        return;
    }
    for (guint i = 0; i < o->labels->len; i++)
        width = MAX(width, strlen(o->labels->pdata[i]));
    for (guint i = 0; i < o->labels->len; i++)
        printf("%-*s %s\n", (int)width, (char *)o->labels->pdata[i],
               (char *)o->values->pdata[i]);
    g_ptr_array_set_size(o->labels, 0);
    g_ptr_array_set_size(o->values, 0);
}

void
vd_cli_out_begin_table(VdCliOut *o, const char *const *headers)
{
    if (o->json) {
        vd_json_begin_array(o->jw);
        return;
    }
    o->headers = headers;
    o->ncols = g_strv_length((char **)headers);
}

void
vd_cli_out_begin_row(VdCliOut *o)
{
    if (o->json) {
        vd_json_begin_object(o->jw);
        return;
    }
    g_assert(o->headers != NULL && o->row == NULL);
    o->row = g_ptr_array_new_with_free_func(g_free);
    for (size_t i = 0; i < o->ncols; i++)
        g_ptr_array_add(o->row, g_strdup(""));
}

void
vd_cli_out_end_row(VdCliOut *o)
{
    if (o->json) {
        vd_json_end_object(o->jw);
        return;
    }
    g_ptr_array_add(o->rows, g_steal_pointer(&o->row));
}

/* A cell padded to width characters (not bytes: names may be UTF-8). */
static void
append_cell(GString *line, const char *cell, size_t width, bool last)
{
    size_t chars = g_utf8_strlen(cell, -1);

    g_string_append(line, cell);
    if (last)
        return;
    for (; chars < width; chars++)
        g_string_append_c(line, ' ');
    g_string_append(line, COLUMN_GAP);
}

static void
print_row(const char *const *cells, const size_t *widths, size_t ncols)
{
    g_autoptr(GString) line = g_string_new(" ");

    for (size_t c = 0; c < ncols; c++)
        append_cell(line, cells[c], widths[c], c + 1 == ncols);
    puts(line->str);
}

void
vd_cli_out_end_table(VdCliOut *o)
{
    g_autofree size_t *widths = NULL;
    size_t total = 0;

    if (o->json) {
        vd_json_end_array(o->jw);
        print_json(o);
        return;
    }
    widths = g_new0(size_t, o->ncols);
    for (size_t c = 0; c < o->ncols; c++) {
        widths[c] = g_utf8_strlen(o->headers[c], -1);
        for (guint r = 0; r < o->rows->len; r++) {
            GPtrArray *row = o->rows->pdata[r];
            size_t w = g_utf8_strlen(row->pdata[c], -1);

            widths[c] = MAX(widths[c], w);
        }
        total += widths[c] + strlen(COLUMN_GAP);
    }
    print_row(o->headers, widths, o->ncols);
    for (size_t i = 0; i < total; i++)
        putchar('-');
    putchar('\n');
    for (guint r = 0; r < o->rows->len; r++) {
        GPtrArray *row = o->rows->pdata[r];

        print_row((const char *const *)row->pdata, widths, o->ncols);
    }
    /* virsh ends its tables with an empty line. */
    putchar('\n');
    g_ptr_array_set_size(o->rows, 0);
    o->headers = NULL;
}

/* The human text of a field: a line of the record, or a cell of the row. */
static void
add_human(VdCliOut *o, const char *label, char *text)
{
    if (o->headers == NULL) {
        g_ptr_array_add(o->labels, g_strconcat(label, ":", NULL));
        g_ptr_array_add(o->values, text);
        return;
    }
    g_assert(o->row != NULL);
    for (size_t c = 0; c < o->ncols; c++) {
        if (strcmp(o->headers[c], label) == 0) {
            g_free(o->row->pdata[c]);
            o->row->pdata[c] = text;
            return;
        }
    }
    g_assert_not_reached();
}

void
vd_cli_out_str(VdCliOut *o, const char *label, const char *key,
               const char *value)
{
    if (o->json && key != NULL) {
        vd_json_key(o->jw, key);
        vd_json_string(o->jw, value);
    } else if (!o->json && label != NULL) {
        add_human(o, label, g_strdup(value));
    }
}

void
vd_cli_out_int(VdCliOut *o, const char *label, const char *key, int64_t value)
{
    if (o->json && key != NULL) {
        vd_json_key(o->jw, key);
        vd_json_int(o->jw, value);
    } else if (!o->json && label != NULL) {
        add_human(o, label, g_strdup_printf("%" PRId64, value));
    }
}

void
vd_cli_out_uint(VdCliOut *o, const char *label, const char *key,
                uint64_t value, const char *unit)
{
    if (o->json && key != NULL) {
        vd_json_key(o->jw, key);
        vd_json_uint(o->jw, value);
    } else if (!o->json && label != NULL) {
        add_human(o, label, g_strdup_printf("%" PRIu64 "%s%s", value,
                                            unit ? " " : "", unit ? unit : ""));
    }
}

void
vd_cli_out_bool(VdCliOut *o, const char *label, const char *key, bool value,
                const char *yes, const char *no)
{
    if (o->json && key != NULL) {
        vd_json_key(o->jw, key);
        vd_json_bool(o->jw, value);
    } else if (!o->json && label != NULL) {
        add_human(o, label, g_strdup(value ? yes : no));
    }
}

void
vd_cli_out_strv(VdCliOut *o, const char *label, const char *key,
                const char *const *values)
{
    if (o->json && key != NULL) {
        vd_json_key(o->jw, key);
        vd_json_begin_array(o->jw);
        for (size_t i = 0; values[i] != NULL; i++)
            vd_json_string(o->jw, values[i]);
        vd_json_end_array(o->jw);
    } else if (!o->json && label != NULL) {
        add_human(o, label, g_strjoinv(", ", (char **)values));
    }
}

void
vd_cli_out_null(VdCliOut *o, const char *label, const char *key,
                const char *human)
{
    if (o->json && key != NULL) {
        vd_json_key(o->jw, key);
        vd_json_null(o->jw);
    } else if (!o->json && label != NULL) {
        add_human(o, label, g_strdup(human));
    }
}

void
vd_cli_out_begin_group(VdCliOut *o, const char *key)
{
    if (!o->json)
        return;
    vd_json_key(o->jw, key);
    vd_json_begin_object(o->jw);
}

void
vd_cli_out_end_group(VdCliOut *o)
{
    if (o->json)
        vd_json_end_object(o->jw);
}

bool
vd_cli_out_flush(void)
{
    if (fflush(stdout) == 0 && !ferror(stdout))
        return true;
    vd_cli_error("cannot write the output: %s", g_strerror(errno));
    return false;
}
