/* Whole-file reads and crash-safe whole-file writes. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "common/util/file.h"

/*
 * Temporary files are named ".<target>.XXXXXX.tmp" beside their target:
 * hidden, so they are not mistaken for content, and with a suffix that no
 * target of ours ends in, so a loader can tell them from real files.
 */
#define TEMP_PREFIX "."
#define TEMP_SUFFIX ".XXXXXX.tmp"

static void
set_errno_error(GError **error, int errsv, const char *what, const char *path)
{
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errsv),
                "cannot %s '%s': %s", what, path, g_strerror(errsv));
}

/* write() all of @len bytes, resuming after short writes and signals. */
static gboolean
write_full(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return FALSE;
        }
        if (n == 0) {
            /* A regular file that takes no bytes is full; do not spin. */
            errno = ENOSPC;
            return FALSE;
        }
        data += n;
        len -= (size_t)n;
    }
    return TRUE;
}

/*
 * fsync() that resumes after a signal. A real failure is not retried: the
 * kernel may have dropped the dirty pages already, so a second fsync could
 * succeed without the data being on disk.
 */
static int
fsync_restart(int fd)
{
    int rc;

    do
        rc = fsync(fd);
    while (rc < 0 && errno == EINTR);
    return rc;
}

gboolean
vd_file_fsync_dir(const char *dir, GError **error)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int errsv;

    if (fd < 0) {
        set_errno_error(error, errno, "open directory", dir);
        return FALSE;
    }
    if (fsync_restart(fd) < 0) {
        errsv = errno;
        close(fd);
        set_errno_error(error, errsv, "fsync directory", dir);
        return FALSE;
    }
    close(fd);
    return TRUE;
}

/* Write, fsync and close the temporary file @fd; closes @fd in all cases. */
static gboolean
fill_temp(int fd, const char *path, const void *data, size_t len,
          GError **error)
{
    int errsv;

    if (!write_full(fd, data, len)) {
        errsv = errno;
        close(fd);
        set_errno_error(error, errsv, "write", path);
        return FALSE;
    }
    /*
     * The data must be on disk before the rename: otherwise the new name
     * can reach the disk first, and a crash leaves @path empty or partly
     * written although its old content was intact.
     */
    if (fsync_restart(fd) < 0) {
        errsv = errno;
        close(fd);
        set_errno_error(error, errsv, "fsync", path);
        return FALSE;
    }
    /* Network filesystems may report a failed write-back only here. */
    if (close(fd) < 0) {
        set_errno_error(error, errno, "close", path);
        return FALSE;
    }
    return TRUE;
}

gboolean
vd_file_write_atomic(const char *path, const void *data, size_t len,
                     mode_t mode, GError **error)
{
    g_autofree char *dir = NULL;
    g_autofree char *base = NULL;
    g_autofree char *tmp = NULL;
    int fd;

    g_return_val_if_fail(path != NULL && !g_str_has_suffix(path, "/"), FALSE);
    g_return_val_if_fail(data != NULL || len == 0, FALSE);

    dir = g_path_get_dirname(path);
    base = g_path_get_basename(path);

    /*
     * Same directory as the target, so that rename() is atomic (one
     * filesystem). O_EXCL and the random part keep concurrent writers of
     * the same target from sharing a temporary file.
     */
    tmp = g_strconcat(dir, G_DIR_SEPARATOR_S, TEMP_PREFIX, base, TEMP_SUFFIX,
                      NULL);
    fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, (int)mode);
    if (fd < 0) {
        set_errno_error(error, errno, "create a temporary file for", path);
        return FALSE;
    }
    if (!fill_temp(fd, path, data, len, error)) {
        g_unlink(tmp);
        return FALSE;
    }
    if (rename(tmp, path) < 0) {
        int errsv = errno;

        g_unlink(tmp);
        set_errno_error(error, errsv, "rename a temporary file over", path);
        return FALSE;
    }
    /*
     * The rename changed the directory, not the file: until the directory
     * is on disk, a crash can undo the rename and bring the old content
     * back although success was reported.
     */
    return vd_file_fsync_dir(dir, error);
}

gboolean
vd_file_is_temp_name(const char *name)
{
    size_t len = strlen(name);
    size_t suffix_len = strlen(TEMP_SUFFIX);

    /* At least one character of target name between prefix and suffix. */
    if (len < strlen(TEMP_PREFIX) + 1 + suffix_len)
        return FALSE;
    if (!g_str_has_prefix(name, TEMP_PREFIX))
        return FALSE;
    /* The suffix is ".XXXXXX.tmp" with the Xs replaced by random chars. */
    return name[len - suffix_len] == '.' && g_str_has_suffix(name, ".tmp");
}

/* Read @fd until EOF, giving up once it holds more than @max bytes. */
static gboolean
read_capped(int fd, const char *path, size_t hint, size_t max, char **data,
            size_t *len, GError **error)
{
    /* One byte more than allowed, to tell "exactly @max" from "more". */
    size_t cap = MIN(hint, max) + 1;
    size_t used = 0;
    g_autofree char *buf = g_malloc(cap + 1);

    for (;;) {
        ssize_t n;

        if (used == cap) {
            if (cap > max)
                break;
            cap = MIN(cap * 2, max + 1);
            buf = g_realloc(buf, cap + 1);
        }
        n = read(fd, buf + used, cap - used);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            set_errno_error(error, errno, "read", path);
            return FALSE;
        }
        if (n == 0)
            break;
        used += (size_t)n;
    }
    if (used > max) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                    "cannot read '%s': larger than %zu bytes", path, max);
        return FALSE;
    }
    buf[used] = '\0';
    *data = g_steal_pointer(&buf);
    *len = used;
    return TRUE;
}

gboolean
vd_file_read_all(const char *path, size_t max, char **data, size_t *len,
                 GError **error)
{
    struct stat st;
    gboolean ok;
    int fd;

    g_return_val_if_fail(max < G_MAXSIZE, FALSE);

    /* O_NONBLOCK: opening a FIFO would otherwise wait for a writer. */
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        set_errno_error(error, errno, "open", path);
        return FALSE;
    }
    if (fstat(fd, &st) < 0) {
        set_errno_error(error, errno, "stat", path);
        close(fd);
        return FALSE;
    }
    if (!S_ISREG(st.st_mode)) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                    "cannot read '%s': not a regular file", path);
        close(fd);
        return FALSE;
    }
    ok = read_capped(fd, path, (size_t)st.st_size, max, data, len, error);
    close(fd);
    return ok;
}
