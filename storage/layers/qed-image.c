/*
 * Opening a QED image: header, backing file name, L1 table, and recovery
 * when the image was not closed cleanly (see qed-image.h). Also writing
 * the header in place and marking the image clean.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/util/error.h"
#include "storage/layers/qed-image-priv.h"

void
vd_qed_check_result_clear(VdQedCheckResult *r)
{
    if (r->problems)
        g_ptr_array_unref(r->problems);
    memset(r, 0, sizeof(*r));
}

char *
vd_qed_backing_path(const char *image, const char *name)
{
    g_autofree char *dir = NULL;

    if (g_path_is_absolute(name))
        return g_strdup(name);
    dir = g_path_get_dirname(image);
    return g_build_filename(dir, name, NULL);
}

void
vd_qed_image_free(VdQedImage *img)
{
    if (!img)
        return;
    free(img->head);
    free(img->l1);
    g_free(img->backing_name);
    g_free(img->recovery.log_unused_why);
    vd_qed_check_result_clear(&img->recovery.result);
    g_free(img);
}

static bool
io_error(GError **err, int ret, const char *what)
{
    g_set_error(err, VD_ERROR_STORAGE, VD_ERR_SYSTEM_ERROR,
                "QED: cannot %s: %s", what, g_strerror(-ret));
    return false;
}

static bool
read_header(VdQedImage *img, GError **err)
{
    int64_t size = img->io->size(img->io);
    int ret;

    if (size < 0)
        return io_error(err, (int)size, "get the size of the image");
    img->file_size = (uint64_t)size;
    if (img->file_size < VD_QED_HEADER_LEN) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_CONFIG_UNSUPPORTED,
                    "QED header: the file has %" G_GUINT64_FORMAT " bytes, "
                    "fewer than a header", img->file_size);
        return false;
    }
    img->head = vd_qed_table_alloc(VD_QED_BLOCK);
    ret = img->io->pread(img->io, img->head, VD_QED_BLOCK, 0);
    if (ret < 0)
        return io_error(err, ret, "read the header");
    if (img->file_size < VD_QED_BLOCK)
        memset(img->head + img->file_size, 0, VD_QED_BLOCK - img->file_size);
    vd_qed_header_decode(img->head, &img->hdr);
    return vd_qed_header_parse(&img->hdr, img->file_size, &img->g, err);
}

static bool
read_backing_name(VdQedImage *img, GError **err)
{
    uint32_t len = img->hdr.backing_name_size;
    g_autofree char *name = NULL;
    int ret;

    if (!(img->hdr.features & VD_QED_F_BACKING_FILE))
        return true;
    name = g_malloc(len + 1);
    ret = img->io->pread(img->io, name, len, img->hdr.backing_name_offset);
    if (ret < 0)
        return io_error(err, ret, "read the backing file name");
    name[len] = '\0';
    /* A NUL inside would make the name we use differ from the one QEMU
     * and the user see. */
    if (strlen(name) != len) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_CONFIG_UNSUPPORTED,
                    "QED header: the backing file name has a NUL byte");
        return false;
    }
    img->backing_name = g_steal_pointer(&name);
    return true;
}

int
vd_qed_image_write_header(VdQedImage *img)
{
    g_assert(!img->read_only);
    vd_qed_header_encode(&img->hdr, img->head);
    return img->io->pwrite(img->io, img->head, VD_QED_BLOCK, 0);
}

/*
 * A writer that does not know an autoclear bit clears it, so that a
 * program that does know it can tell its data is stale. Flushed before
 * anything else is written: the bit must be gone from the disk before
 * the image can change under it.
 */
static bool
clear_unknown_autoclear(VdQedImage *img, GError **err)
{
    int ret;

    if (!(img->hdr.autoclear_features & ~VD_QED_AC_KNOWN))
        return true;
    img->hdr.autoclear_features &= VD_QED_AC_KNOWN;
    ret = vd_qed_image_write_header(img);
    if (ret == 0)
        ret = img->io->flush(img->io);
    return ret == 0 || io_error(err, ret, "clear unknown autoclear bits");
}

static bool
read_l1(VdQedImage *img, GError **err)
{
    int ret;

    img->l1 = vd_qed_table_alloc(img->g.table_bytes);
    ret = vd_qed_table_read(img, img->g.l1_offset, img->l1);
    return ret == 0 || io_error(err, ret, "read the L1 table");
}

static bool
recovery_failed(VdQedImage *img, GError **err)
{
    VdQedCheckResult *r = &img->recovery.result;
    g_autoptr(GString) s = g_string_new(NULL);

    for (guint i = 0; r->problems && i < r->problems->len && i < 3; i++)
        g_string_append_printf(s, "%s%s", i ? "; " : "",
                               (char *)r->problems->pdata[i]);
    g_set_error(err, VD_ERROR_STORAGE, VD_ERR_OPERATION_FAILED,
                "QED image needs repair (%" G_GUINT64_FORMAT " problems a "
                "crash cannot explain: %s); run 'vdisk image-check --repair'",
                r->corruptions - r->corruptions_fixed, s->str);
    return false;
}

static bool
recover(VdQedImage *img, unsigned flags, GError **err)
{
    VdQedRecovery *rec = &img->recovery;
    int ret;

    if (!(flags & VD_QED_OPEN_NO_LOG)) {
        ret = vd_qed_log_recover(img, &rec->log_unused_why);
        if (ret < 0)
            return io_error(err, ret, "recover from the dirty table log");
        if (ret == 1)
            return true;
    } else {
        rec->log_unused_why = g_strdup("not asked to use it");
    }
    rec->kind = VD_QED_RECOVERY_FULL;
    ret = vd_qed_check_after_crash(img, &rec->result);
    if (ret < 0 || rec->result.check_errors)
        return io_error(err, ret < 0 ? ret : -EIO, "check the image");
    if (rec->result.corruptions > rec->result.corruptions_fixed)
        return recovery_failed(img, err);
    return true;
}

VdQedImage *
vd_qed_image_open(VdQedIo *io, unsigned flags, GError **err)
{
    g_autoptr(VdQedImage) img = g_new0(VdQedImage, 1);
    bool need_check;

    img->io = io;
    img->read_only = flags & VD_QED_OPEN_READ_ONLY;
    if (!read_header(img, err) || !read_backing_name(img, err))
        return NULL;
    img->log_offset = vd_qed_log_place(img);
    if (!img->read_only && !clear_unknown_autoclear(img, err))
        return NULL;
    if (!read_l1(img, err))
        return NULL;
    if (!img->read_only) {
        int ret = vd_qed_log_scan(img);
        if (ret < 0) {
            io_error(err, ret, "read the dirty table log");
            return NULL;
        }
    }

    need_check = img->hdr.features & VD_QED_F_NEED_CHECK;
    if (need_check && !img->read_only && !(flags & VD_QED_OPEN_NO_RECOVER)) {
        if (!recover(img, flags, err))
            return NULL;
        return g_steal_pointer(&img);
    }
    /* An image that may be inconsistent is still opened read-only, to get
     * data out of it; bad entries then fail the I/O that meets them. */
    if (!need_check && !(flags & VD_QED_OPEN_NO_RECOVER) &&
        !vd_qed_l1_validate(img, err))
        return NULL;
    return g_steal_pointer(&img);
}

int
vd_qed_image_mark_clean(VdQedImage *img, uint64_t file_end)
{
    VdQedIo *io = img->io;
    int ret;

    g_assert(!img->read_only);
    /* Everything the tables point at, and the tables, are durable before
     * the header says they are consistent: otherwise a crash right after
     * could leave a clean image mapping clusters whose data, or tables
     * whose entries, never reached the disk. */
    ret = io->flush(io);
    if (ret < 0)
        return ret;
    /* The cut and the header share the last flush: a header that lands
     * without the cut leaves clusters at the end that nothing maps, a
     * leak and no harm; a cut without the header, a check next time. */
    if (file_end && file_end < img->file_size) {
        ret = io->truncate(io, file_end);
        if (ret < 0)
            return ret;
        img->file_size = file_end;
    }
    if (!(img->hdr.features & VD_QED_F_NEED_CHECK) &&
        !(img->hdr.autoclear_features & VD_QED_AC_DIRTY_LOG))
        return io->flush(io);
    img->hdr.features &= ~VD_QED_F_NEED_CHECK;
    img->hdr.autoclear_features &= ~VD_QED_AC_DIRTY_LOG;
    ret = vd_qed_image_write_header(img);
    return ret < 0 ? ret : io->flush(io);
}
