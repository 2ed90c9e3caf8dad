/*
 * Creating a QED image: the header (and the backing file name after it),
 * then an L1 table of zeroes, left as a hole. Laid out as qemu-img does,
 * except that small clusters get a header of several clusters so that
 * the dirty table log has room (QEMU reads such headers as it should).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/util/error.h"
#include "storage/layers/qed-create.h"
#include "storage/layers/qed-image-priv.h"
#include "storage/layers/qed-log.h"

static bool
invalid(GError **err, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static bool
invalid(GError **err, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error_literal(err, VD_ERROR_STORAGE, VD_ERR_INVALID_ARG, msg);
    return false;
}

bool
vd_qed_create_header(const VdQedCreateOptions *o, VdQedHeader *h,
                     GError **err)
{
    uint32_t cs = o->cluster_size ? o->cluster_size : VD_QED_DEFAULT_CLUSTER;
    uint32_t ts = o->table_size ? o->table_size : VD_QED_DEFAULT_TABLE_SIZE;
    size_t name_len = o->backing_file ? strlen(o->backing_file) : 0;
    uint64_t max;
    /* Room for the 4 KiB header block and the two log slots. */
    uint32_t min_header = VD_QED_BLOCK + 2 * VD_QED_LOG_SLOT;

    memset(h, 0, sizeof(*h));
    if (!vd_qed_pow2_in(cs, VD_QED_MIN_CLUSTER, VD_QED_MAX_CLUSTER))
        return invalid(err, "cluster size %u is not a power of two from %u "
                       "to %u", cs, VD_QED_MIN_CLUSTER, VD_QED_MAX_CLUSTER);
    if (!vd_qed_pow2_in(ts, 1, VD_QED_MAX_TABLE_SIZE))
        return invalid(err, "table size %u is not a power of two from 1 to "
                       "%u", ts, VD_QED_MAX_TABLE_SIZE);
    if ((uint64_t)cs * ts > VD_QED_MAX_TABLE_BYTES)
        return invalid(err, "tables of %u clusters of %u bytes are over the "
                       "limit of %u bytes", ts, cs, VD_QED_MAX_TABLE_BYTES);
    if (o->size == 0 || o->size % 512 != 0)
        return invalid(err, "size %" G_GUINT64_FORMAT " is not a positive "
                       "multiple of 512", o->size);
    max = vd_qed_max_image_size(cs, ts);
    if (o->size > max)
        return invalid(err, "size %" G_GUINT64_FORMAT " is over the %"
                       G_GUINT64_FORMAT " bytes that tables of %u clusters "
                       "of %u bytes can map", o->size, max, ts, cs);
    if (o->backing_file && (name_len == 0 || name_len > VD_QED_MAX_BACKING_NAME))
        return invalid(err, "the backing file name must have 1 to %u bytes",
                       VD_QED_MAX_BACKING_NAME);

    h->magic = VD_QED_MAGIC;
    h->cluster_size = cs;
    h->table_size = ts;
    h->header_size = MAX(1u, (min_header + cs - 1) / cs);
    h->l1_table_offset = (uint64_t)h->header_size * cs;
    h->image_size = o->size;
    if (o->backing_file) {
        h->features |= VD_QED_F_BACKING_FILE;
        /* Raw is the only format we never probe for; anything else is
         * probed at open, as QEMU does without the bit. */
        if (o->backing_format && strcmp(o->backing_format, "raw") == 0)
            h->features |= VD_QED_F_BACKING_NO_PROBE;
        h->backing_name_offset = VD_QED_HEADER_LEN;
        h->backing_name_size = (uint32_t)name_len;
    }
    return true;
}

int
vd_qed_create(VdQedIo *io, const VdQedCreateOptions *o, GError **err)
{
    VdQedHeader h;
    uint8_t *block;
    uint64_t end;
    int ret;

    if (o->backing_format && strcmp(o->backing_format, "raw") != 0 &&
        strcmp(o->backing_format, "qed") != 0) {
        invalid(err, "backing format '%s' is not raw or qed", o->backing_format);
        return -EINVAL;
    }
    if (!vd_qed_create_header(o, &h, err))
        return -EINVAL;
    block = vd_qed_table_alloc(VD_QED_BLOCK);
    memset(block, 0, VD_QED_BLOCK);
    vd_qed_header_encode(&h, block);
    /* The name fits in the first block: at most 4095 bytes after 64. */
    if (o->backing_file)
        memcpy(block + VD_QED_HEADER_LEN, o->backing_file,
               MIN(h.backing_name_size, VD_QED_BLOCK - VD_QED_HEADER_LEN));
    end = h.l1_table_offset + (uint64_t)h.cluster_size * h.table_size;
    /* The L1 table is zeroes: a hole, as the rest of the header is. */
    ret = io->truncate(io, end);
    if (ret == 0)
        ret = io->pwrite(io, block, VD_QED_BLOCK, 0);
    if (ret == 0 && h.backing_name_size > VD_QED_BLOCK - VD_QED_HEADER_LEN)
        ret = io->pwrite(io, o->backing_file + (VD_QED_BLOCK - VD_QED_HEADER_LEN),
                         h.backing_name_size - (VD_QED_BLOCK - VD_QED_HEADER_LEN),
                         VD_QED_BLOCK);
    if (ret == 0)
        ret = io->flush(io);
    free(block);
    if (ret < 0)
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_SYSTEM_ERROR,
                    "cannot write the QED image: %s", g_strerror(-ret));
    return ret;
}
