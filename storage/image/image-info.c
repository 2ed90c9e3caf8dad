/*
 * vdisk image-info and image-check: an image opened read-only (or for
 * repair), described or checked, and closed. The QED image is opened
 * without recovery: these commands report the image as it is on disk,
 * NEED_CHECK included (qemu-img info does not: its drain clears the bit
 * in memory before reporting, see the reference notes).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "common/util/error.h"
#include "storage/image/image.h"
#include "storage/layers/qed-format.h"

const char *
vd_image_probe(const char *path)
{
    unsigned char magic[4] = { 0 };
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n;

    if (fd < 0)
        return NULL;
    n = pread(fd, magic, sizeof(magic), 0);
    close(fd);
    if (n < 0)
        return NULL;
    return n == 4 && memcmp(magic, "QED", 4) == 0 ? "qed" : "raw";
}

static bool
open_error(GError **err, const char *path)
{
    g_set_error(err, VD_ERROR_STORAGE, VD_ERR_SYSTEM_ERROR, "cannot open '%s': %s",
                path, g_strerror(errno));
    return false;
}

static const char *
format_of(const char *path, const char *format, GError **err)
{
    if (!format) {
        format = vd_image_probe(path);
        if (!format) {
            open_error(err, path);
            return NULL;
        }
    }
    if (strcmp(format, "raw") != 0 && strcmp(format, "qed") != 0) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_INVALID_ARG,
                    "format '%s' is not raw or qed", format);
        return NULL;
    }
    return format;
}

static void
fill_qed(VdImageInfo *info, const VdQedImage *img)
{
    const VdQedHeader *h = &img->hdr;

    info->virtual_size = img->g.image_size;
    info->cluster_size = h->cluster_size;
    info->table_size = h->table_size;
    info->header_size = h->header_size;
    info->features = h->features;
    info->compat_features = h->compat_features;
    info->autoclear_features = h->autoclear_features;
    info->need_check = h->features & VD_QED_F_NEED_CHECK;
    info->dirty_log = h->autoclear_features & VD_QED_AC_DIRTY_LOG;
    if (img->backing_name) {
        info->backing_file = g_strdup(img->backing_name);
        info->backing_path = vd_qed_backing_path(info->path, img->backing_name);
        if (h->features & VD_QED_F_BACKING_NO_PROBE)
            info->backing_format = g_strdup("raw");
    }
}

bool
vd_image_info(const char *path, const char *format, VdImageInfo *info,
              GError **err)
{
    struct stat st;
    int fd;
    bool ok = true;

    memset(info, 0, sizeof(*info));
    format = format_of(path, format, err);
    if (!format)
        return false;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return open_error(err, path);
    if (fstat(fd, &st) < 0) {
        close(fd);
        return open_error(err, path);
    }
    info->path = g_strdup(path);
    info->format = g_strdup(format);
    info->file_size = (uint64_t)st.st_size;
    info->actual_size = (uint64_t)st.st_blocks * 512;
    info->virtual_size = info->file_size;
    if (strcmp(format, "qed") == 0) {
        g_autofree VdQedIo *io = vd_qed_io_fd_new(fd);
        g_autoptr(VdQedImage) img = vd_qed_image_open(io, VD_QED_OPEN_READ_ONLY,
                                                      err);
        if (img)
            fill_qed(info, img);
        else
            ok = false;
    }
    close(fd);
    if (!ok)
        vd_image_info_clear(info);
    return ok;
}

void
vd_image_info_clear(VdImageInfo *info)
{
    g_free(info->path);
    g_free(info->format);
    g_free(info->backing_file);
    g_free(info->backing_path);
    g_free(info->backing_format);
    memset(info, 0, sizeof(*info));
}

bool
vd_image_check(const char *path, const char *format, bool repair,
               VdQedCheckResult *res, GError **err)
{
    g_autofree VdQedIo *io = NULL;
    g_autoptr(VdQedImage) img = NULL;
    int fd, ret;

    memset(res, 0, sizeof(*res));
    format = format_of(path, format, err);
    if (!format)
        return false;
    if (strcmp(format, "qed") != 0) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_NO_SUPPORT,
                    "'%s' is a raw image: there is nothing to check", path);
        return false;
    }
    fd = open(path, (repair ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    if (fd < 0)
        return open_error(err, path);
    io = vd_qed_io_fd_new(fd);
    /* No recovery at open: the check is the recovery, and it reports. */
    img = vd_qed_image_open(io, VD_QED_OPEN_NO_RECOVER |
                                (repair ? 0 : VD_QED_OPEN_READ_ONLY), err);
    if (!img) {
        close(fd);
        return false;
    }
    ret = vd_qed_check(img, repair, res);
    g_clear_pointer(&img, vd_qed_image_free);
    if (close(fd) < 0 && ret == 0)
        ret = -errno;
    if (ret < 0 && res->check_errors == 0) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_SYSTEM_ERROR,
                    "cannot check '%s': %s", path, g_strerror(-ret));
        return false;
    }
    return true;
}
