/*
 * VdQedIo on a plain file descriptor: what the vdisk image-* commands and
 * the tests use. Short transfers are continued; reads past the end of the
 * file give zeroes, as the engines' reads do.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "storage/layers/qed-image.h"

typedef struct {
    VdQedIo io;
    int fd;
    uint32_t align;             /* O_DIRECT: 512 or more; else 1 */
} FdIo;

static int
fd_pread(VdQedIo *io, void *buf, size_t len, uint64_t off)
{
    int fd = ((FdIo *)io)->fd;
    size_t done = 0;

    while (done < len) {
        ssize_t n = pread(fd, (char *)buf + done, len - done,
                          (off_t)(off + done));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (n == 0) {
            memset((char *)buf + done, 0, len - done);
            break;
        }
        done += (size_t)n;
    }
    return 0;
}

static int
fd_pwrite(VdQedIo *io, const void *buf, size_t len, uint64_t off)
{
    int fd = ((FdIo *)io)->fd;
    size_t done = 0;

    while (done < len) {
        ssize_t n = pwrite(fd, (const char *)buf + done, len - done,
                           (off_t)(off + done));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (n == 0)
            return -ENOSPC;
        done += (size_t)n;
    }
    return 0;
}

static int
fd_flush(VdQedIo *io)
{
    while (fdatasync(((FdIo *)io)->fd) < 0) {
        if (errno != EINTR)
            return -errno;
    }
    return 0;
}

static int
fd_truncate(VdQedIo *io, uint64_t size)
{
    return ftruncate(((FdIo *)io)->fd, (off_t)size) < 0 ? -errno : 0;
}

static int64_t
fd_size(VdQedIo *io)
{
    off_t end = lseek(((FdIo *)io)->fd, 0, SEEK_END);

    return end < 0 ? -errno : (int64_t)end;
}

static int64_t
fd_seek_data(VdQedIo *io, uint64_t off)
{
    off_t r = lseek(((FdIo *)io)->fd, (off_t)off, SEEK_DATA);

    return r < 0 ? -errno : (int64_t)r;
}

static int64_t
fd_seek_hole(VdQedIo *io, uint64_t off)
{
    off_t r = lseek(((FdIo *)io)->fd, (off_t)off, SEEK_HOLE);

    return r < 0 ? -errno : (int64_t)r;
}

static void
fd_advise(VdQedIo *io, uint64_t off, uint64_t len)
{
    /* Only a hint: the readahead it starts runs beside our reads. */
    (void)posix_fadvise(((FdIo *)io)->fd, (off_t)off, (off_t)len,
                        POSIX_FADV_WILLNEED);
}

static bool
aligned(const FdIo *f, const void *buf, size_t len, uint64_t off)
{
    uint64_t a = f->align > 1 ? MAX(f->align, 4096u) : 1;

    return ((off | len | (uintptr_t)buf) & (a - 1)) == 0;
}

/* A bounce buffer covering [off, off + len) rounded out to the alignment. */
static void *
bounce(const FdIo *f, size_t len, uint64_t off, uint64_t *lo, size_t *blen)
{
    uint64_t a = f->align;
    void *b;

    *lo = off & ~(a - 1);
    *blen = (size_t)(((off + len + a - 1) & ~(a - 1)) - *lo);
    if (posix_memalign(&b, MAX(a, 4096u), *blen) != 0)
        return NULL;
    return b;
}

static int
al_pread(VdQedIo *io, void *buf, size_t len, uint64_t off)
{
    FdIo *f = (FdIo *)io;
    uint64_t lo;
    size_t blen;
    void *b;
    int ret;

    if (aligned(f, buf, len, off))
        return fd_pread(io, buf, len, off);
    b = bounce(f, len, off, &lo, &blen);
    if (!b)
        return -ENOMEM;
    ret = fd_pread(io, b, blen, lo);
    if (ret == 0)
        memcpy(buf, (char *)b + (off - lo), len);
    free(b);
    return ret;
}

static int
al_pwrite(VdQedIo *io, const void *buf, size_t len, uint64_t off)
{
    FdIo *f = (FdIo *)io;
    uint64_t lo;
    size_t blen;
    void *b;
    int ret;

    if (aligned(f, buf, len, off))
        return fd_pwrite(io, buf, len, off);
    /* Read-modify-write of the blocks around: the control plane runs
     * alone on the file, so nothing can write them in between. */
    b = bounce(f, len, off, &lo, &blen);
    if (!b)
        return -ENOMEM;
    ret = fd_pread(io, b, blen, lo);
    if (ret == 0) {
        memcpy((char *)b + (off - lo), buf, len);
        ret = fd_pwrite(io, b, blen, lo);
    }
    free(b);
    return ret;
}

VdQedIo *
vd_qed_io_fd_new_aligned(int fd, uint32_t align)
{
    FdIo *f = (FdIo *)vd_qed_io_fd_new(fd);

    if (align > 1) {
        f->align = align;
        f->io.pread = al_pread;
        f->io.pwrite = al_pwrite;
    }
    return &f->io;
}

VdQedIo *
vd_qed_io_fd_new(int fd)
{
    FdIo *f = g_new0(FdIo, 1);

    f->fd = fd;
    f->align = 1;
    f->io.pread = fd_pread;
    f->io.pwrite = fd_pwrite;
    f->io.flush = fd_flush;
    f->io.truncate = fd_truncate;
    f->io.size = fd_size;
    f->io.seek_data = fd_seek_data;
    f->io.seek_hole = fd_seek_hole;
    f->io.advise = fd_advise;
    return &f->io;
}
