/* The state directory's layout, its lock and the pid file. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "common/util/error.h"
#include "common/util/file.h"
#include "common/util/paths.h"
#include "daemon/state-dir.h"

struct _VdStateDir {
    char *path;
    char *domains_dir;
    char *corrupt_dir;
    char *run_dir;
    char *lock_path;
    char *pid_path;
    char *sock_path;
    char *sock_ro_path;
    int lock_fd;            /* holds the OFD lock; -1 until taken */
    gboolean pid_written;   /* the pid file is ours to remove */
};

static VdStateDir *
state_dir_new(const char *path)
{
    VdStateDir *sd = g_new0(VdStateDir, 1);

    /* Absolute, so that a later chdir() of the daemon changes nothing. */
    sd->path = g_canonicalize_filename(path, NULL);
    sd->domains_dir = g_build_filename(sd->path, "domains", NULL);
    sd->corrupt_dir = g_build_filename(sd->domains_dir, "corrupt", NULL);
    sd->run_dir = g_build_filename(sd->path, "run", NULL);
    sd->lock_path = g_build_filename(sd->run_dir, "vdiskd.lock", NULL);
    sd->pid_path = g_build_filename(sd->run_dir, "vdiskd.pid", NULL);
    sd->sock_path = vd_state_socket_path(sd->path, false);
    sd->sock_ro_path = vd_state_socket_path(sd->path, true);
    sd->lock_fd = -1;
    return sd;
}

/*
 * Create @dir (mode 0700) unless it is there. Its parent is fsynced after
 * creating it: the files later made durable inside it are only reachable
 * after a crash if the directory's own entry survived too.
 */
static gboolean
ensure_dir(const char *dir, GError **error)
{
    g_autofree char *parent = NULL;

    if (g_file_test(dir, G_FILE_TEST_IS_DIR))
        return TRUE;
    if (g_mkdir_with_parents(dir, 0700) < 0) {
        int errsv = errno;

        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errsv),
                    "cannot create directory '%s': %s", dir,
                    g_strerror(errsv));
        return FALSE;
    }
    parent = g_path_get_dirname(dir);
    return vd_file_fsync_dir(parent, error);
}

/* Parents before children, so each fsync covers a fresh entry. */
static gboolean
ensure_layout(VdStateDir *sd, GError **error)
{
    return ensure_dir(sd->path, error) &&
        ensure_dir(sd->domains_dir, error) &&
        ensure_dir(sd->corrupt_dir, error) &&
        ensure_dir(sd->run_dir, error);
}

/* Fail now rather than when the server binds a socket much later. */
static gboolean
check_socket_paths(VdStateDir *sd, GError **error)
{
    struct sockaddr_un addr;

    /* The read-only socket has the longer name. */
    if (strlen(sd->sock_ro_path) < sizeof(addr.sun_path))
        return TRUE;
    g_set_error(error, VD_ERROR_CONF, VD_ERR_INVALID_ARG,
                "state directory %s: socket path '%s' is longer than a "
                "socket address allows (%zu bytes)",
                sd->path, sd->sock_ro_path, sizeof(addr.sun_path) - 1);
    return FALSE;
}

/* The pid in the pid file, or 0 if there is no valid one. */
static pid_t
read_holder_pid(VdStateDir *sd)
{
    g_autofree char *text = NULL;
    size_t len;
    gint64 pid;
    char *end = NULL;

    if (!vd_file_read_all(sd->pid_path, 64, &text, &len, NULL))
        return 0;
    pid = g_ascii_strtoll(text, &end, 10);
    if (end == text || (*end != '\n' && *end != '\0') || pid <= 0 ||
        pid > G_MAXINT)
        return 0;
    return (pid_t)pid;
}

static void
set_busy_error(VdStateDir *sd, GError **error)
{
    /*
     * An OFD lock does not record its owner (F_OFD_GETLK reports pid -1),
     * hence the pid file. Right after a holder takes the lock and before
     * it writes its pid, the file may be missing or name a dead daemon.
     */
    pid_t pid = read_holder_pid(sd);

    if (pid > 0)
        g_set_error(error, VD_ERROR_CONF, VD_ERR_RESOURCE_BUSY,
                    "state directory %s is in use by vdiskd (pid %d)",
                    sd->path, (int)pid);
    else
        g_set_error(error, VD_ERROR_CONF, VD_ERR_RESOURCE_BUSY,
                    "state directory %s is in use by another vdiskd "
                    "(no valid pid in '%s')", sd->path, sd->pid_path);
}

/*
 * An OFD lock rather than a classic POSIX one: it belongs to the open file
 * description, so closing some other descriptor of the same file elsewhere
 * in the process does not silently drop it, and a second open in the same
 * process conflicts like another daemon would.
 */
static gboolean
take_lock(VdStateDir *sd, GError **error)
{
    struct flock fl = {
        .l_type = F_WRLCK,
        .l_whence = SEEK_SET,
        .l_start = 0,
        .l_len = 0,     /* the whole file */
    };
    int errsv;

    /* O_CLOEXEC: programs the daemon runs must not inherit the lock. */
    sd->lock_fd = open(sd->lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY,
                       0600);
    if (sd->lock_fd < 0) {
        errsv = errno;
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errsv),
                    "cannot open lock file '%s': %s", sd->lock_path,
                    g_strerror(errsv));
        return FALSE;
    }
    if (fcntl(sd->lock_fd, F_OFD_SETLK, &fl) == 0)
        return TRUE;
    errsv = errno;
    if (errsv == EAGAIN || errsv == EACCES)
        set_busy_error(sd, error);
    else
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errsv),
                    "cannot lock '%s': %s", sd->lock_path, g_strerror(errsv));
    return FALSE;
}

/* Only once the lock is held: the pid file then names the holder. */
static gboolean
write_pid_file(VdStateDir *sd, GError **error)
{
    g_autofree char *text = g_strdup_printf("%d\n", (int)getpid());

    if (!vd_file_write_atomic(sd->pid_path, text, strlen(text), 0644, error))
        return FALSE;
    sd->pid_written = TRUE;
    return TRUE;
}

VdStateDir *
vd_state_dir_open(const char *path, GError **error)
{
    g_autoptr(VdStateDir) sd = NULL;

    g_return_val_if_fail(path != NULL && *path != '\0', NULL);

    sd = state_dir_new(path);
    if (!check_socket_paths(sd, error) ||
        !ensure_layout(sd, error) ||
        !take_lock(sd, error) ||
        !write_pid_file(sd, error))
        return NULL;
    return g_steal_pointer(&sd);
}

void
vd_state_dir_close(VdStateDir *sd)
{
    if (sd == NULL)
        return;
    /*
     * Remove the pid file while still holding the lock: once it is
     * released, the pid file may already be the next daemon's. The lock
     * file itself stays: removing it would let one daemon lock the removed
     * file while another creates and locks a new one.
     */
    if (sd->pid_written && g_unlink(sd->pid_path) < 0 && errno != ENOENT)
        g_warning("cannot remove pid file '%s': %s", sd->pid_path,
                  g_strerror(errno));
    if (sd->lock_fd >= 0)
        close(sd->lock_fd);
    g_free(sd->path);
    g_free(sd->domains_dir);
    g_free(sd->corrupt_dir);
    g_free(sd->run_dir);
    g_free(sd->lock_path);
    g_free(sd->pid_path);
    g_free(sd->sock_path);
    g_free(sd->sock_ro_path);
    g_free(sd);
}

const char *
vd_state_dir_path(const VdStateDir *sd)
{
    return sd->path;
}

const char *
vd_state_dir_domains_dir(const VdStateDir *sd)
{
    return sd->domains_dir;
}

const char *
vd_state_dir_corrupt_dir(const VdStateDir *sd)
{
    return sd->corrupt_dir;
}

const char *
vd_state_dir_run_dir(const VdStateDir *sd)
{
    return sd->run_dir;
}

const char *
vd_state_dir_socket_path(const VdStateDir *sd)
{
    return sd->sock_path;
}

const char *
vd_state_dir_socket_ro_path(const VdStateDir *sd)
{
    return sd->sock_ro_path;
}
