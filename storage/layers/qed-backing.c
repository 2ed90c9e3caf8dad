/*
 * The backing file of a QED image: where its name leads, what format it
 * is, and reading it.
 *
 * The name is untrusted data from the image. It is taken as a plain path,
 * never as a protocol or a "json:" description: absolute as given, or
 * relative to the directory of the image itself (never to the daemon's
 * working directory). Its format is never guessed when the image says so
 * (the no-probe bit means raw) or when the domain's configuration names
 * it; otherwise the file is probed as QEMU would, but only QED and raw
 * are accepted, and a qcow2 header is refused rather than read as raw.
 * The chain is opened read-only, with the image's cache mode, and bounded
 * in depth so that a loop of images ends in an error.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "common/util/error.h"
#include "storage/layers/file.h"
#include "storage/layers/qed-priv.h"
#include "storage/layers/raw.h"

#define MAX_DEPTH 16

/* "qed" or "raw" from the first bytes of @path; NULL with @err. */
static const char *
probe(const char *path, GError **err)
{
    unsigned char magic[4] = { 0 };
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n;

    if (fd < 0) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_SYSTEM_ERROR,
                    "cannot open backing file '%s': %s", path,
                    g_strerror(errno));
        return NULL;
    }
    n = pread(fd, magic, sizeof(magic), 0);
    close(fd);
    if (n == 4 && memcmp(magic, "QED", 4) == 0)
        return "qed";
    if (n == 4 && memcmp(magic, "QFI\xfb", 4) == 0) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_CONFIG_UNSUPPORTED,
                    "backing file '%s' is a qcow2 image, which vdisk does "
                    "not read", path);
        return NULL;
    }
    return "raw";
}

static bool
same_file(const char *a, const char *b)
{
    struct stat sa, sb;

    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

static const char *
backing_format(QedState *s, const char *path, GError **err)
{
    if (s->opts.backing_format)
        return s->opts.backing_format;
    if (s->img->hdr.features & VD_QED_F_BACKING_NO_PROBE)
        return "raw";
    return probe(path, err);
}

bool
vd_qed_backing_open(QedState *s, GError **err)
{
    g_autofree char *path = NULL;
    const char *format;
    VdFileOptions fo = { .cache = s->opts.cache, .io = s->opts.io,
                         .read_only = true };
    VdLayer *file, *top;

    if (!s->img->backing_name)
        return true;
    if (s->opts.depth + 1 >= MAX_DEPTH) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_CONFIG_UNSUPPORTED,
                    "backing chain deeper than %d images (a loop?)",
                    MAX_DEPTH);
        return false;
    }
    path = vd_qed_backing_path(s->path, s->img->backing_name);
    if (same_file(path, s->path)) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_CONFIG_UNSUPPORTED,
                    "the backing file '%s' is the image itself", path);
        return false;
    }
    format = backing_format(s, path, err);
    if (!format)
        return false;
    if (strcmp(format, "raw") != 0 && strcmp(format, "qed") != 0) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_CONFIG_UNSUPPORTED,
                    "backing file '%s': format '%s' is not supported (raw "
                    "or qed)", path, format);
        return false;
    }
    fo.path = path;
    file = vd_file_layer_new(&fo);
    if (strcmp(format, "qed") == 0) {
        VdQedOptions qo = { .path = path, .cache = s->opts.cache,
                            .io = s->opts.io, .read_only = true,
                            .depth = s->opts.depth + 1 };
        top = vd_qed_layer_new(file, &qo);
    } else {
        top = vd_raw_layer_new(file);
    }
    if (vd_layer_open(file, err) < 0 || vd_layer_open(top, err) < 0) {
        vd_layer_close(file);
        vd_layer_free_chain(top);
        g_prefix_error(err, "backing file: ");
        return false;
    }
    s->backing = top;
    return true;
}

void
vd_qed_backing_close(QedState *s)
{
    for (VdLayer *l = s->backing; l; l = l->next)
        vd_layer_close(l);
    g_clear_pointer(&s->backing, vd_layer_free_chain);
}

VdRequest *
vd_qed_backing_child(QedState *s, VdRequestPool *pool, uint64_t off,
                     uint64_t len, void *buf)
{
    uint64_t bsize = s->backing ? vd_layer_size(s->backing) : 0;
    uint64_t n = off >= bsize ? 0 : MIN(len, bsize - off);
    VdRequest *c;

    /* Past the end of a shorter backing file the guest reads zeroes. */
    if (n < len)
        memset((char *)buf + n, 0, len - n);
    if (n == 0)
        return NULL;
    c = vd_request_get(pool);
    c->type = VD_REQ_READ;
    c->offset = off;
    c->len = n;
    c->buf = buf;
    return c;
}

void
vd_qed_backing_read(QedState *s, VdRequest *req, uint64_t off, uint64_t len,
                    void *buf)
{
    VdRequest *c = vd_qed_backing_child(s, req->pool, off, len, buf);

    if (!c)
        return;
    c->parent = req;
    c->opaque = s;
    c->done = vd_qed_child_done;
    qed_req(req)->pending++;
    vd_layer_submit(s->backing, c);
}
