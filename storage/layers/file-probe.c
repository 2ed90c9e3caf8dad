/*
 * What the file layer's fd can do: its size, and for O_DIRECT the
 * alignment of offsets, lengths and buffers below which the kernel
 * refuses the request (EINVAL) and the layer must bounce.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/fs.h>

#include "common/util/error.h"
#include "storage/layers/file-priv.h"

/*
 * Files on a file system that does not report its direct I/O alignment
 * (statx STATX_DIOALIGN, Linux 6.1): find the smallest of 512..4096 that
 * a read accepts. A read at the end of the file says nothing (the kernel
 * may return 0 before checking), so an image smaller than 4 KiB, or one
 * that refuses all, gets 4096: too large an alignment only costs
 * read-modify-write, too small a one fails requests.
 */
static uint32_t
probe_dio_align(int fd, int64_t size)
{
    void *buf;
    uint32_t a, found = 4096;

    if (size < 4096 || posix_memalign(&buf, 4096, 4096) != 0)
        return found;
    for (a = 512; a <= 4096; a *= 2) {
        if (pread(fd, buf, a, 0) == (ssize_t)a) {
            found = a;
            break;
        }
    }
    free(buf);
    return found;
}

static void
file_dio_align(FileState *fs, int64_t size)
{
    struct statx stx;

    if (statx(fs->fd, "", AT_EMPTY_PATH, STATX_DIOALIGN, &stx) == 0 &&
        (stx.stx_mask & STATX_DIOALIGN) && stx.stx_dio_offset_align > 0) {
        fs->align = stx.stx_dio_offset_align;
        fs->mem_align = stx.stx_dio_mem_align;
        return;
    }
    fs->align = probe_dio_align(fs->fd, size);
    fs->mem_align = fs->align;
}

int64_t
vd_file_probe(FileState *fs, GError **err)
{
    struct stat st;
    int64_t size;

    if (fstat(fs->fd, &st) < 0) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_SYSTEM_ERROR,
                    "cannot stat '%s': %s", fs->path, g_strerror(errno));
        return -1;
    }
    fs->align = 1;
    fs->mem_align = 1;
    fs->dev_align = 1;
    if (S_ISBLK(st.st_mode)) {
        uint64_t bytes;
        int lbs;

        fs->is_blkdev = true;
        if (ioctl(fs->fd, BLKGETSIZE64, &bytes) < 0) {
            g_set_error(err, VD_ERROR_STORAGE, VD_ERR_SYSTEM_ERROR,
                        "cannot get the size of '%s': %s", fs->path,
                        g_strerror(errno));
            return -1;
        }
        size = (int64_t)bytes;
        /* Block devices take O_DIRECT requests, and fallocate with or
         * without O_DIRECT, aligned to their logical block size. */
        if (ioctl(fs->fd, BLKSSZGET, &lbs) < 0 || lbs <= 0)
            lbs = 512;
        fs->dev_align = (uint32_t)lbs;
        if (fs->direct) {
            fs->align = (uint32_t)lbs;
            fs->mem_align = (uint32_t)lbs;
        }
    } else if (S_ISREG(st.st_mode)) {
        size = st.st_size;
        if (fs->direct)
            file_dio_align(fs, size);
    } else {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_CONFIG_UNSUPPORTED,
                    "'%s' is neither a file nor a block device", fs->path);
        return -1;
    }

    /* Pool buffers are aligned to VD_REQUEST_BUF_ALIGN: bouncing into
     * them must be enough. */
    if (fs->mem_align > VD_REQUEST_BUF_ALIGN || fs->align > ZERO_BUF_SIZE ||
        (fs->align & (fs->align - 1)) || (fs->mem_align & (fs->mem_align - 1))) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_CONFIG_UNSUPPORTED,
                    "'%s': unsupported direct I/O alignment %u (memory %u)",
                    fs->path, fs->align, fs->mem_align);
        return -1;
    }
    /* A partial last block could only be written by extending the file
     * past its size (O_DIRECT writes whole blocks). */
    if (size % fs->align != 0) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_CONFIG_UNSUPPORTED,
                    "'%s': size %" G_GINT64_FORMAT " is not a multiple of "
                    "its %u-byte block, which direct I/O (cache none or "
                    "directsync) needs; use a buffered cache mode or "
                    "resize the image", fs->path, size, fs->align);
        return -1;
    }
    return size;
}
