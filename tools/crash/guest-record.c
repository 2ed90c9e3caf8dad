/* The crash workload's record; see guest-record.h. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/util/error.h"
#include "tools/crash/guest-record.h"

#define HEADER "vdisk-crash-guest 1"

VdGuestRecord *
vd_guest_record_new(void)
{
    VdGuestRecord *rec = g_new0(VdGuestRecord, 1);

    rec->ops = g_array_new(FALSE, TRUE, sizeof(VdGuestOp));
    return rec;
}

void
vd_guest_record_free(VdGuestRecord *rec)
{
    if (!rec)
        return;
    g_array_unref(rec->ops);
    g_free(rec);
}

gboolean
vd_guest_record_save(const VdGuestRecord *rec, const char *path, GError **err)
{
    g_autoptr(GString) s = g_string_new(HEADER "\n");

    g_string_append_printf(s, "size %" G_GUINT64_FORMAT "\nseed %"
                           G_GUINT64_FORMAT "\ncan_flush %d\ncan_fua %d\n",
                           rec->size, rec->seed, rec->can_flush, rec->can_fua);
    for (guint i = 0; i < rec->ops->len; i++) {
        const VdGuestOp *op = &g_array_index(rec->ops, VdGuestOp, i);

        if (op->is_flush)
            g_string_append(s, "F");
        else
            g_string_append_printf(s, "W %" G_GUINT64_FORMAT " %"
                                   G_GUINT64_FORMAT " %d", op->offset,
                                   op->gen, op->fua);
        g_string_append_printf(s, " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                               " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                               " %d\n", op->sub_seq, op->sub_ns, op->ack_seq,
                               op->ack_ns, op->ret);
    }
    return g_file_set_contents(path, s->str, (gssize)s->len, err);
}

static gboolean
parse_header(VdGuestRecord *rec, char **lines, GError **err)
{
    int can_flush, can_fua;

    if (!lines[0] || strcmp(lines[0], HEADER) != 0 || !lines[1] ||
        !lines[2] || !lines[3] || !lines[4] ||
        sscanf(lines[1], "size %" G_GUINT64_FORMAT, &rec->size) != 1 ||
        sscanf(lines[2], "seed %" G_GUINT64_FORMAT, &rec->seed) != 1 ||
        sscanf(lines[3], "can_flush %d", &can_flush) != 1 ||
        sscanf(lines[4], "can_fua %d", &can_fua) != 1) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_OPERATION_FAILED,
                    "not a crash workload record (bad header)");
        return FALSE;
    }
    rec->can_flush = can_flush;
    rec->can_fua = can_fua;
    return TRUE;
}

static gboolean
parse_op(const char *line, VdGuestOp *op)
{
    int fua = 0, n;

    memset(op, 0, sizeof(*op));
    if (line[0] == 'F') {
        op->is_flush = true;
        n = sscanf(line, "F %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %"
                   G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %d", &op->sub_seq,
                   &op->sub_ns, &op->ack_seq, &op->ack_ns, &op->ret);
        return n == 5;
    }
    n = sscanf(line, "W %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %d %"
               G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
               " %" G_GUINT64_FORMAT " %d", &op->offset, &op->gen, &fua,
               &op->sub_seq, &op->sub_ns, &op->ack_seq, &op->ack_ns, &op->ret);
    op->fua = fua;
    return n == 8 && op->gen > 0;
}

VdGuestRecord *
vd_guest_record_load(const char *path, GError **err)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    VdGuestRecord *rec;

    if (!g_file_get_contents(path, &text, NULL, err))
        return NULL;
    lines = g_strsplit(text, "\n", -1);
    rec = vd_guest_record_new();
    if (!parse_header(rec, lines, err)) {
        vd_guest_record_free(rec);
        return NULL;
    }
    for (guint i = 5; lines[i]; i++) {
        VdGuestOp op;

        if (lines[i][0] == '\0')
            continue;
        if (!parse_op(lines[i], &op)) {
            g_set_error(err, VD_ERROR_STORAGE, VD_ERR_OPERATION_FAILED,
                        "%s:%u: cannot parse '%s'", path, i + 1, lines[i]);
            vd_guest_record_free(rec);
            return NULL;
        }
        g_array_append_val(rec->ops, op);
    }
    return rec;
}
