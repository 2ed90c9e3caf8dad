#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/uio.h>

#include "storage/engine/sync-io.h"

static int
do_read(int fd, const VdRequest *req)
{
    uint64_t done = 0;

    while (done < req->len) {
        ssize_t n = pread(fd, (char *)req->buf + done, req->len - done,
                          (off_t)(req->offset + done));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (n == 0) {
            /* Past the end of the file: reads as zeroes, as a hole. */
            memset((char *)req->buf + done, 0, req->len - done);
            break;
        }
        done += (uint64_t)n;
    }
    return 0;
}

static int
do_write(int fd, const VdRequest *req)
{
    /* RWF_DSYNC makes this write (and the metadata needed to read it)
     * durable before pwritev2 returns: FUA without a separate fdatasync
     * that would also flush every other dirty page of the file. */
    int flags = (req->flags & VD_REQ_FUA) ? RWF_DSYNC : 0;
    uint64_t done = 0;

    while (done < req->len) {
        struct iovec iov = {
            .iov_base = (char *)req->buf + done,
            .iov_len = req->len - done,
        };
        ssize_t n = pwritev2(fd, &iov, 1, (off_t)(req->offset + done), flags);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (n == 0)
            return -ENOSPC;
        done += (uint64_t)n;
    }
    return 0;
}

static int
do_fallocate(int fd, int mode, const VdRequest *req)
{
    while (fallocate(fd, mode, (off_t)req->offset, (off_t)req->len) < 0) {
        if (errno != EINTR)
            return -errno;
    }
    return 0;
}

int
vd_sync_io(int fd, const VdRequest *req)
{
    switch (req->type) {
    case VD_REQ_READ:
        return do_read(fd, req);
    case VD_REQ_WRITE:
        return do_write(fd, req);
    case VD_REQ_FLUSH:
        /* fdatasync, not fsync: the data and what is needed to read it
         * back, which is what the durability contract asks. */
        while (fdatasync(fd) < 0) {
            if (errno != EINTR)
                return -errno;
        }
        return 0;
    case VD_REQ_DISCARD:
        return do_fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                            req);
    case VD_REQ_WRITE_ZEROES:
        return do_fallocate(fd, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE,
                            req);
    case VD_REQ_N_TYPES:
        break;
    }
    return -EINVAL;
}
