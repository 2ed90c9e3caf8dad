/*
 * NBD exports: listening sockets, accepting connections, shutdown. See
 * nbd-server.h for the contract; connections are nbd-conn.c's.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include "common/util/error.h"
#include "storage/export/nbd-conn.h"

/* Accepts per wake-up; level-triggered, so the rest come next time. */
#define MAX_ACCEPTS_PER_CALL 16

VdNbdExport *
vd_nbd_export_new(VdDisk *disk, const VdNbdExportConfig *cfg)
{
    VdNbdExport *e;
    const char *name = cfg->name ? cfg->name : "";

    /* Clients cannot even ask for a name over the spec's string limit. */
    g_return_val_if_fail(strlen(name) <= VD_NBD_STRING_MAX, NULL);
    e = g_new0(VdNbdExport, 1);
    e->disk = disk;
    e->iothread = vd_disk_iothread(disk);
    e->name = g_strdup(name);
    e->description = g_strdup(cfg->description);
    e->info.name = e->name;
    e->info.description = e->description;
    e->info.size = vd_disk_size(disk);
    e->info.tflags = vd_nbd_transmission_flags(vd_disk_has_write_cache(disk),
                                               vd_disk_read_only(disk),
                                               vd_disk_can_discard(disk));
    /*
     * Minimum 1 whatever the disk's alignment: the disk does
     * read-modify-write below it, so any request works, and clients that
     * never ask for block sizes (EXPORT_NAME, GO without the request) are
     * not refused. The preferred size tells the others how to avoid RMW.
     */
    vd_nbd_block_limits(1, vd_disk_preferred_block(disk), vd_disk_max_request(disk),
                        &e->info);
    e->listeners = g_ptr_array_new();
    return e;
}

unsigned
vd_nbd_export_connections(VdNbdExport *e)
{
    return g_atomic_int_get(&e->n_conns);
}

/* I/O thread: serve connected socket @fd. */
static void
add_connection(VdNbdExport *e, int fd)
{
    VdNbdConn *c;

    /* Each connection may hold tens of MiB: their number is bounded too. */
    if (e->shutting_down || (guint)g_atomic_int_get(&e->n_conns) >= VD_NBD_MAX_CONNECTIONS) {
        close(fd);
        return;
    }
    /*
     * The spec asks TCP peers to disable Nagle: a reply header held back
     * waiting for an ACK costs a round trip. Fails harmlessly on unix
     * sockets.
     */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
    c = vd_nbd_conn_new(e, fd);
    c->next = e->conns;
    if (e->conns)
        e->conns->prev = c;
    e->conns = c;
    g_atomic_int_inc(&e->n_conns);
}

static void
shutdown_done_main(void *data)
{
    VdNbdExport *e = data;

    e->done(e, e->done_data);
}

void
vd_nbd_export_conn_closed(VdNbdExport *e, VdNbdConn *c)
{
    if (c->prev)
        c->prev->next = c->next;
    else
        e->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    g_atomic_int_dec_and_test(&e->n_conns);
    if (e->shutting_down && e->conns == NULL)
        vd_iothread_post_main(e->iothread, shutdown_done_main, e);
}

static void
listener_event(VdFdWatch *w, int fd, uint32_t events, void *opaque)
{
    VdNbdExport *e = opaque;

    for (int i = 0; i < MAX_ACCEPTS_PER_CALL; i++) {
        int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

        if (cfd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                g_warning("nbd export '%s': accept: %s", e->name, g_strerror(errno));
            return;
        }
        add_connection(e, cfd);
    }
}

typedef struct {
    VdNbdExport *e;
    VdNbdListener *l;
    int fd;
} AddStep;

static void
add_listener_step(void *data)
{
    AddStep *a = data;

    a->l->watch = vd_iothread_watch_add(a->e->iothread, a->l->fd, EPOLLIN,
                                        listener_event, a->e);
    g_ptr_array_add(a->e->listeners, a->l);
}

static void
add_listener(VdNbdExport *e, int fd, char *path)
{
    AddStep a = { e, g_new0(VdNbdListener, 1), -1 };

    a.l->fd = fd;
    a.l->path = path;
    vd_iothread_run_sync(e->iothread, add_listener_step, &a);
}

static bool
set_flags(int fd, GError **err)
{
    int fl = fcntl(fd, F_GETFL);

    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
        fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_SYSTEM_ERROR,
                    "cannot make socket %d non-blocking: %s", fd, g_strerror(errno));
        return false;
    }
    return true;
}

bool
vd_nbd_export_listen_unix(VdNbdExport *e, const char *path, GError **err)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof(sa.sun_path)) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_INVALID_ARG,
                    "NBD socket path '%s' is longer than %zu bytes", path,
                    sizeof(sa.sun_path) - 1);
        return false;
    }
    strcpy(sa.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        chmod(path, 0600) < 0 || listen(fd, SOMAXCONN) < 0) {
        int saved = errno;

        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_SYSTEM_ERROR,
                    "cannot listen on NBD socket '%s': %s", path, g_strerror(saved));
        if (fd >= 0) {
            /* Only a path we bound is ours to remove; EADDRINUSE is not. */
            if (saved != EADDRINUSE)
                unlink(path);
            close(fd);
        }
        return false;
    }
    add_listener(e, fd, g_strdup(path));
    return true;
}

bool
vd_nbd_export_listen_fd(VdNbdExport *e, int fd, GError **err)
{
    if (!set_flags(fd, err)) {
        close(fd);
        return false;
    }
    add_listener(e, fd, NULL);
    return true;
}

static void
add_client_step(void *data)
{
    AddStep *a = data;

    add_connection(a->e, a->fd);
}

void
vd_nbd_export_add_client(VdNbdExport *e, int fd)
{
    AddStep a = { e, NULL, fd };

    if (!set_flags(fd, NULL)) {
        close(fd);
        return;
    }
    vd_iothread_run_sync(e->iothread, add_client_step, &a);
}

static void
close_listener(VdNbdListener *l)
{
    vd_iothread_watch_remove(l->watch);
    close(l->fd);
    if (l->path)
        unlink(l->path);
    g_free(l->path);
    g_free(l);
}

static void
shutdown_step(void *data)
{
    VdNbdExport *e = data;
    VdNbdConn *next;

    e->shutting_down = true;
    for (guint i = 0; i < e->listeners->len; i++)
        close_listener(g_ptr_array_index(e->listeners, i));
    g_ptr_array_set_size(e->listeners, 0);
    /* Connections unlink themselves from their own deferred steps, later. */
    for (VdNbdConn *c = e->conns; c; c = next) {
        next = c->next;
        vd_nbd_conn_shutdown(c);
    }
    if (e->conns == NULL)
        vd_iothread_post_main(e->iothread, shutdown_done_main, e);
}

void
vd_nbd_export_shutdown(VdNbdExport *e, VdNbdExportDoneFn done, void *data)
{
    g_return_if_fail(done != NULL && e->done == NULL);
    e->done = done;
    e->done_data = data;
    vd_iothread_post(e->iothread, shutdown_step, e);
}

void
vd_nbd_export_free(VdNbdExport *e)
{
    if (!e)
        return;
    g_assert(e->conns == NULL && e->listeners->len == 0);
    g_ptr_array_unref(e->listeners);
    g_free(e->name);
    g_free(e->description);
    g_free(e);
}
