/* The explorer's base image; see image.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "common/util/error.h"
#include "tools/crash/image.h"

struct VdCrashImage {
    int fd;
    char *path;
    uint32_t sectorsize;
    uint64_t size;
    uint64_t *version;      /* per sector: submission time of its data */
    uint64_t n_version;
    uint8_t *zero;          /* a sector of zeroes */
};

static int
write_at(int fd, const void *buf, size_t len, uint64_t off)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n = pwrite(fd, (const uint8_t *)buf + done, len - done,
                           (off_t)(off + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        done += (size_t)n;
    }
    return 0;
}

static gboolean
copy_init(VdCrashImage *im, const char *init, GError **err)
{
    g_autofree char *data = NULL;
    gsize len;
    int ret;

    if (!g_file_get_contents(init, &data, &len, err))
        return FALSE;
    ret = write_at(im->fd, data, len, 0);
    if (ret < 0) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_SYSTEM_ERROR,
                    "cannot copy '%s': %s", init, g_strerror(-ret));
        return FALSE;
    }
    im->size = MAX(im->size, len);
    return TRUE;
}

static void
grow_versions(VdCrashImage *im, uint64_t sectors)
{
    if (sectors <= im->n_version)
        return;
    im->version = g_renew(uint64_t, im->version, sectors);
    memset(im->version + im->n_version, 0,
           (sectors - im->n_version) * sizeof(uint64_t));
    im->n_version = sectors;
}

VdCrashImage *
vd_crash_image_new(const char *init, uint64_t size, uint32_t sectorsize,
                   GError **err)
{
    VdCrashImage *im = g_new0(VdCrashImage, 1);

    im->sectorsize = sectorsize;
    im->size = size;
    im->zero = g_malloc0(sectorsize);
    im->fd = memfd_create("vdisk-crash-image", MFD_CLOEXEC);
    if (im->fd < 0) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_SYSTEM_ERROR,
                    "memfd_create: %s", g_strerror(errno));
        vd_crash_image_free(im);
        return NULL;
    }
    im->path = g_strdup_printf("/proc/self/fd/%d", im->fd);
    if (init && !copy_init(im, init, err)) {
        vd_crash_image_free(im);
        return NULL;
    }
    if (vd_crash_image_set_length(im, im->size) < 0) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_SYSTEM_ERROR,
                    "cannot size the image: %s", g_strerror(errno));
        vd_crash_image_free(im);
        return NULL;
    }
    grow_versions(im, (im->size + sectorsize - 1) / sectorsize);
    return im;
}

void
vd_crash_image_free(VdCrashImage *im)
{
    if (!im)
        return;
    if (im->fd >= 0)
        close(im->fd);
    g_free(im->path);
    g_free(im->version);
    g_free(im->zero);
    g_free(im);
}

const char *vd_crash_image_path(const VdCrashImage *im) { return im->path; }
int vd_crash_image_fd(const VdCrashImage *im) { return im->fd; }
uint32_t vd_crash_image_sectorsize(const VdCrashImage *im) { return im->sectorsize; }
uint64_t vd_crash_image_size(const VdCrashImage *im) { return im->size; }

uint64_t
vd_crash_image_version(const VdCrashImage *im, uint64_t s)
{
    return s < im->n_version ? im->version[s] : 0;
}

int
vd_crash_image_set_length(VdCrashImage *im, uint64_t len)
{
    return ftruncate(im->fd, (off_t)len) < 0 ? -errno : 0;
}

/* Write sectors [first, first + n) of @e's data (or zeroes). */
static int
write_run(VdCrashImage *im, const VdLogEntry *e, uint64_t first, uint64_t n)
{
    uint64_t ss = im->sectorsize;

    if (e->data)
        return write_at(im->fd, e->data + (first - e->sector) * ss, n * ss,
                        first * ss);
    for (uint64_t s = first; s < first + n; s++) {
        int ret = write_at(im->fd, im->zero, ss, s * ss);
        if (ret < 0)
            return ret;
    }
    return 0;
}

int
vd_crash_image_apply(VdCrashImage *im, const VdLogEntry *e,
                     VdCrashTouched touched, void *data)
{
    uint64_t end = e->sector + e->nr_sectors;
    uint64_t run = 0, run_len = 0;

    g_assert(!(e->flags & (VD_LOGWRITES_FLUSH | VD_LOGWRITES_MARK)));
    grow_versions(im, end);
    for (uint64_t s = e->sector; s <= end; s++) {
        bool take = s < end && e->t_submit > im->version[s];

        if (take) {
            if (run_len == 0)
                run = s;
            run_len++;
            im->version[s] = e->t_submit;
            if (touched)
                touched(s, data);
            continue;
        }
        if (run_len > 0) {
            int ret = write_run(im, e, run, run_len);
            if (ret < 0)
                return ret;
            run_len = 0;
        }
    }
    im->size = MAX(im->size, end * im->sectorsize);
    return 0;
}
