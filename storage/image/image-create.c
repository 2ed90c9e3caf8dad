/*
 * vdisk image-create: raw files (sparse, reserved, or written with
 * zeroes) and QED images. A new file only: an existing one is never
 * overwritten, since a typo in a path must not cost a disk. On failure
 * the half-made file is removed.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/util/error.h"
#include "storage/image/image.h"
#include "storage/layers/qed-create.h"
#include "storage/layers/qed-image.h"

#define ZERO_CHUNK (1u << 20)

static bool
sys_error(GError **err, const char *what, const char *path)
{
    g_set_error(err, VD_ERROR_STORAGE, VD_ERR_SYSTEM_ERROR, "cannot %s '%s': %s",
                what, path, g_strerror(errno));
    return false;
}

static bool
write_zeroes(int fd, uint64_t size, const char *path, GError **err)
{
    g_autofree char *zero = g_malloc0(ZERO_CHUNK);
    uint64_t off = 0;

    while (off < size) {
        size_t n = (size_t)MIN(size - off, ZERO_CHUNK);
        ssize_t w = pwrite(fd, zero, n, (off_t)off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return sys_error(err, "write zeroes to", path);
        off += (uint64_t)w;
    }
    return true;
}

static bool
create_raw(int fd, const VdImageCreateOptions *o, GError **err)
{
    if (o->size == 0) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_INVALID_ARG,
                    "a raw image needs a size");
        return false;
    }
    switch (o->prealloc) {
    case VD_IMAGE_PREALLOC_OFF:
        if (ftruncate(fd, (off_t)o->size) < 0)
            return sys_error(err, "set the size of", o->path);
        break;
    case VD_IMAGE_PREALLOC_FALLOC:
        errno = posix_fallocate(fd, 0, (off_t)o->size);
        if (errno)
            return sys_error(err, "reserve space for", o->path);
        break;
    case VD_IMAGE_PREALLOC_FULL:
        if (!write_zeroes(fd, o->size, o->path, err))
            return false;
        break;
    }
    if (fsync(fd) < 0)
        return sys_error(err, "sync", o->path);
    return true;
}

/* The guest size of the backing file: a raw file's size, or a QED
 * image's from its header (read, not followed any further). */
static bool
backing_size(const VdImageCreateOptions *o, uint64_t *size, GError **err)
{
    g_autofree char *path = vd_qed_backing_path(o->path, o->backing_file);
    VdImageInfo info = { 0 };
    const char *fmt = o->backing_format;
    bool ok;

    ok = vd_image_info(path, fmt, &info, err);
    if (ok)
        *size = info.virtual_size;
    else
        g_prefix_error(err, "backing file: ");
    vd_image_info_clear(&info);
    return ok;
}

static bool
create_qed(int fd, const VdImageCreateOptions *o, GError **err)
{
    VdQedCreateOptions qo = {
        .size = o->size,
        .cluster_size = o->cluster_size,
        .table_size = o->table_size,
        .backing_file = o->backing_file,
        .backing_format = o->backing_format,
    };
    g_autofree VdQedIo *io = NULL;

    if (o->prealloc != VD_IMAGE_PREALLOC_OFF) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_INVALID_ARG,
                    "preallocation is for raw images");
        return false;
    }
    /* QEMU 7.2's check of a table's last cluster is off by one for
     * tables of one cluster: qemu-img creates such images and then
     * cannot open them. vdisk reads them, but does not make them. */
    if (o->table_size == 1) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_INVALID_ARG,
                    "tables of one cluster would make an image QEMU cannot "
                    "open; use 2 or more");
        return false;
    }
    if (o->backing_file) {
        uint64_t bsize;

        /* An image over a file that is not there could never be opened. */
        if (!backing_size(o, &bsize, err))
            return false;
        if (qo.size == 0)
            qo.size = bsize;
    }
    if (qo.size == 0) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_INVALID_ARG,
                    "a QED image needs a size, or a backing file to take "
                    "it from");
        return false;
    }
    /* qemu-img rounds up to whole sectors; so do we. */
    qo.size = (qo.size + 511) & ~(uint64_t)511;
    io = vd_qed_io_fd_new(fd);
    return vd_qed_create(io, &qo, err) == 0;
}

bool
vd_image_create(const VdImageCreateOptions *o, GError **err)
{
    bool qed = o->format && strcmp(o->format, "qed") == 0;
    bool ok;
    int fd;

    if (!qed && o->format && strcmp(o->format, "raw") != 0) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_INVALID_ARG,
                    "format '%s' is not raw or qed", o->format);
        return false;
    }
    if (!qed && (o->backing_file || o->cluster_size || o->table_size)) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_INVALID_ARG,
                    "backing files, cluster and table sizes are for QED "
                    "images");
        return false;
    }
    fd = open(o->path, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0644);
    if (fd < 0) {
        if (errno == EEXIST) {
            g_set_error(err, VD_ERROR_STORAGE, VD_ERR_OPERATION_INVALID,
                        "'%s' exists: not overwriting it", o->path);
            return false;
        }
        return sys_error(err, "create", o->path);
    }
    ok = qed ? create_qed(fd, o, err) : create_raw(fd, o, err);
    if (close(fd) < 0 && ok)
        ok = sys_error(err, "close", o->path);
    if (!ok)
        unlink(o->path);
    return ok;
}

bool
vd_image_parse_size(const char *s, uint64_t *out)
{
    static const char units[] = "KMGTPE";
    char *end;
    const char *u;
    uint64_t v;
    unsigned shift = 0;

    if (!s || !g_ascii_isdigit(*s))
        return false;
    errno = 0;
    v = g_ascii_strtoull(s, &end, 10);
    if (errno)
        return false;
    if (*end) {
        u = strchr(units, g_ascii_toupper(*end));
        if (!u || !*u)
            return false;
        shift = 10 * (unsigned)(u - units + 1);
        end++;
        if (g_ascii_strcasecmp(end, "iB") == 0 || g_ascii_strcasecmp(end, "B") == 0)
            end += strlen(end);
        if (*end)
            return false;
        if (v > (UINT64_MAX >> shift))
            return false;
    }
    *out = v << shift;
    return true;
}
