/*
 * Writing a dm-log-writes log and its times sidecar (see logwrites.h).
 * Each entry is one pwritev of its header sector and its data, at the end
 * of the log; the superblock is rewritten when the recorder asks (at
 * flushes, FUA writes and the end), as the kernel does.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/uio.h>

#include "common/util/error.h"
#include "storage/layers/logwrites.h"

#define TIMES_MAGIC "VDLWTIME"
#define TIMES_HEADER 16u
#define TIMES_RECORD 16u

struct VdLogWriter {
    int fd;
    int times_fd;
    uint32_t sectorsize;
    uint64_t nr_entries;
    uint64_t next_off;      /* where the next entry goes */
    uint8_t *sector_buf;    /* one header sector */
};

static void
put_le64(uint8_t *p, uint64_t v)
{
    v = GUINT64_TO_LE(v);
    memcpy(p, &v, 8);
}

static void
put_le32(uint8_t *p, uint32_t v)
{
    v = GUINT32_TO_LE(v);
    memcpy(p, &v, 4);
}

/* Write all of @v (modified) at @off, continuing short writes. */
static int
write_all(int fd, struct iovec *v, int n, uint64_t off)
{
    while (n > 0) {
        ssize_t r = pwritev(fd, v, n, (off_t)off);

        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        off += (uint64_t)r;
        while (n > 0 && (size_t)r >= v->iov_len) {
            r -= (ssize_t)v->iov_len;
            v++;
            n--;
        }
        if (n > 0) {
            v->iov_base = (uint8_t *)v->iov_base + r;
            v->iov_len -= (size_t)r;
        }
    }
    return 0;
}

static int
write_buf(int fd, const void *buf, size_t len, uint64_t off)
{
    struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };

    return write_all(fd, &iov, 1, off);
}

VdLogWriter *
vd_logwriter_new(const char *path, uint32_t sectorsize, GError **err)
{
    g_autofree char *times = g_strconcat(path, ".times", NULL);
    uint8_t head[TIMES_HEADER] = { 0 };
    VdLogWriter *w;

    g_assert(sectorsize >= 512 && (sectorsize & (sectorsize - 1)) == 0);
    w = g_new0(VdLogWriter, 1);
    w->sectorsize = sectorsize;
    w->next_off = sectorsize;
    w->sector_buf = g_malloc0(sectorsize);
    w->times_fd = -1;
    w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (w->fd >= 0)
        w->times_fd = open(times, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                           0600);
    if (w->fd < 0 || w->times_fd < 0) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_SYSTEM_ERROR,
                    "cannot create the write log '%s': %s",
                    w->fd < 0 ? path : times, g_strerror(errno));
        vd_logwriter_close(w);
        return NULL;
    }
    memcpy(head, TIMES_MAGIC, 8);
    put_le32(head + 8, 1);
    put_le32(head + 12, CLOCK_MONOTONIC);
    if (write_buf(w->times_fd, head, sizeof(head), 0) < 0 ||
        vd_logwriter_sync_super(w) < 0) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_SYSTEM_ERROR,
                    "cannot write the write log '%s': %s", path,
                    g_strerror(errno));
        vd_logwriter_close(w);
        return NULL;
    }
    return w;
}


uint64_t
vd_logwriter_n_entries(const VdLogWriter *w)
{
    return w->nr_entries;
}

static int
append_times(VdLogWriter *w, const VdLogEntry *e)
{
    uint8_t rec[TIMES_RECORD];

    put_le64(rec, e->t_submit);
    put_le64(rec + 8, e->t_logged);
    return write_buf(w->times_fd, rec, sizeof(rec),
                     TIMES_HEADER + w->nr_entries * TIMES_RECORD);
}

/* The entry's header sector, with @name after the header for a mark. */
static void
fill_header(VdLogWriter *w, const VdLogEntry *e, const char *name)
{
    memset(w->sector_buf, 0, w->sectorsize);
    put_le64(w->sector_buf, e->sector);
    put_le64(w->sector_buf + 8, e->nr_sectors);
    put_le64(w->sector_buf + 16, e->flags);
    put_le64(w->sector_buf + 24, e->data_len);
    if (name)
        memcpy(w->sector_buf + VD_LOGWRITES_ENTRY_HEADER, name, e->data_len);
}

static int
append(VdLogWriter *w, const VdLogEntry *e, const char *name)
{
    bool has_data = !(e->flags & (VD_LOGWRITES_DISCARD | VD_LOGWRITES_MARK))
                    && e->nr_sectors > 0;
    struct iovec iov[2];
    uint64_t data_bytes = has_data ? e->nr_sectors * w->sectorsize : 0;
    int ret;

    g_assert(!has_data || e->data);
    fill_header(w, e, name);
    iov[0] = (struct iovec){ .iov_base = w->sector_buf,
                             .iov_len = w->sectorsize };
    iov[1] = (struct iovec){ .iov_base = (void *)e->data,
                             .iov_len = data_bytes };
    ret = write_all(w->fd, iov, has_data ? 2 : 1, w->next_off);
    if (ret == 0)
        ret = append_times(w, e);
    if (ret < 0)
        return ret;
    w->next_off += w->sectorsize + data_bytes;
    w->nr_entries++;
    return 0;
}

int
vd_logwriter_append(VdLogWriter *w, const VdLogEntry *e)
{
    g_assert(!(e->flags & VD_LOGWRITES_MARK));
    return append(w, e, NULL);
}

int
vd_logwriter_mark(VdLogWriter *w, const char *name, uint64_t t)
{
    VdLogEntry e = {
        .flags = VD_LOGWRITES_MARK,
        .data_len = strlen(name),
        .t_submit = t,
        .t_logged = t,
    };

    g_assert(e.data_len <= w->sectorsize - VD_LOGWRITES_ENTRY_HEADER);
    return append(w, &e, name);
}

int
vd_logwriter_sync_super(VdLogWriter *w)
{
    memset(w->sector_buf, 0, w->sectorsize);
    put_le64(w->sector_buf, VD_LOGWRITES_MAGIC);
    put_le64(w->sector_buf + 8, VD_LOGWRITES_VERSION);
    put_le64(w->sector_buf + 16, w->nr_entries);
    put_le32(w->sector_buf + 24, w->sectorsize);
    return write_buf(w->fd, w->sector_buf, w->sectorsize, 0);
}

int
vd_logwriter_close(VdLogWriter *w)
{
    int ret = 0;

    if (!w)
        return 0;
    if (w->fd >= 0) {
        ret = vd_logwriter_sync_super(w);
        close(w->fd);
    }
    if (w->times_fd >= 0)
        close(w->times_fd);
    g_free(w->sector_buf);
    g_free(w);
    return ret;
}
