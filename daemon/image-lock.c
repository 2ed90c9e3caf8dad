/* Image locks; see image-lock.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/util/error.h"
#include "daemon/image-lock.h"

/* The byte locked: past any header, so a lock never overlaps data that
 * other tools lock for their own purposes (QEMU uses bytes 100..). */
#define IMAGE_LOCK_OFFSET 0x7fffffff0ll

struct VdImageLock {
    int fd;
};

/* Does a /proc/PID/fdinfo file show a lock on the file want names
 * ("MAJ:MIN:INODE", as the kernel prints it)? */
static bool
fdinfo_locks(const char *path, const char *want)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return false;
    lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++)
        if (g_str_has_prefix(*l, "lock:") && strstr(*l, want))
            return true;
    return false;
}

/* "comm (pid N)" of a process holding a lock on the file. OFD locks do
 * not record their owner (/proc/locks says -1), but the owner's
 * /proc/PID/fdinfo lists the lock; only processes we may read are found.
 * NULL when none is. */
static char *
find_holder(const struct stat *st)
{
    g_autofree char *want = g_strdup_printf("%02x:%02x:%lu",
                                            major(st->st_dev), minor(st->st_dev),
                                            (unsigned long)st->st_ino);
    g_autoptr(GDir) proc = g_dir_open("/proc", 0, NULL);
    const char *pid;

    while (proc && (pid = g_dir_read_name(proc))) {
        g_autofree char *dir = NULL;
        g_autoptr(GDir) fds = NULL;
        const char *fd;

        if (!g_ascii_isdigit(pid[0]) || atoi(pid) == getpid())
            continue;
        dir = g_strdup_printf("/proc/%s/fdinfo", pid);
        fds = g_dir_open(dir, 0, NULL);
        while (fds && (fd = g_dir_read_name(fds))) {
            g_autofree char *path = g_build_filename(dir, fd, NULL);
            g_autofree char *commpath = NULL;
            g_autofree char *comm = NULL;

            if (!fdinfo_locks(path, want))
                continue;
            commpath = g_strdup_printf("/proc/%s/comm", pid);
            if (g_file_get_contents(commpath, &comm, NULL, NULL))
                g_strstrip(comm);
            return g_strdup_printf("%s (pid %s)", comm ? comm : "a process",
                                   pid);
        }
    }
    return NULL;
}

VdImageLock *
vd_image_lock_acquire(const char *path, bool exclusive, GError **error)
{
    struct flock fl = {
        .l_type = exclusive ? F_WRLCK : F_RDLCK,
        .l_whence = SEEK_SET,
        .l_start = IMAGE_LOCK_OFFSET,
        .l_len = 1,
    };
    struct stat st;
    VdImageLock *lock;
    /* A write lock needs a descriptor open for writing. */
    int fd = open(path, (exclusive ? O_RDWR : O_RDONLY) | O_CLOEXEC);

    if (fd < 0) {
        g_set_error(error, VD_ERROR_STORAGE, VD_ERR_SYSTEM_ERROR,
                    "cannot open disk '%s': %s", path, g_strerror(errno));
        return NULL;
    }
    if (fcntl(fd, F_OFD_SETLK, &fl) < 0) {
        int saved = errno;
        g_autofree char *holder = NULL;

        if (saved == EAGAIN || saved == EACCES) {
            if (fstat(fd, &st) == 0)
                holder = find_holder(&st);
            g_set_error(error, VD_ERROR_LOCKING, VD_ERR_RESOURCE_BUSY,
                        "disk in use: '%s' is locked by %s", path,
                        holder ? holder : "another process");
        } else {
            g_set_error(error, VD_ERROR_LOCKING, VD_ERR_SYSTEM_ERROR,
                        "cannot lock disk '%s': %s", path, g_strerror(saved));
        }
        close(fd);
        return NULL;
    }
    lock = g_new0(VdImageLock, 1);
    lock->fd = fd;
    return lock;
}

void
vd_image_lock_release(VdImageLock *lock)
{
    if (!lock)
        return;
    close(lock->fd);
    g_free(lock);
}
