/* Listening sockets and the set of connections; see server.h. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <glib-unix.h>

#include "common/util/error.h"
#include "daemon/client.h"
#include "daemon/server.h"

typedef struct {
    VdServer *server;
    char *path;
    int fd;
    guint watch;
    bool readonly;
} Listener;

struct VdServer {
    VdDaemon *daemon;
    Listener rw;
    Listener ro;
    GList *clients;     /* VdClient * */
    guint sweep;
};

static gboolean
listener_bind(Listener *l, const char *path, mode_t mode, GError **error)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };

    l->fd = -1;
    if (strlen(path) >= sizeof(addr.sun_path)) {
        g_set_error(error, VD_ERROR_RPC, VD_ERR_INTERNAL_ERROR,
                    "socket path '%s' is longer than %zu bytes",
                    path, sizeof(addr.sun_path) - 1);
        return FALSE;
    }
    strcpy(addr.sun_path, path);
    l->path = g_strdup(path);
    l->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (l->fd < 0)
        goto fail;
    if (unlink(path) < 0 && errno != ENOENT)
        goto fail;
    if (bind(l->fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
        goto fail;
    if (chmod(path, mode) < 0 || listen(l->fd, 128) < 0)
        goto fail;
    return TRUE;

fail:
    g_set_error(error, VD_ERROR_RPC, VD_ERR_SYSTEM_ERROR,
                "cannot listen on '%s': %s", path, g_strerror(errno));
    return FALSE;
}

static void
listener_close(Listener *l)
{
    if (l->watch)
        g_source_remove(l->watch);
    if (l->fd >= 0) {
        close(l->fd);
        unlink(l->path);
    }
    g_free(l->path);
}

static void
server_client_closed(VdClient *client, gpointer data)
{
    VdServer *server = data;

    server->clients = g_list_remove(server->clients, client);
}

/* The peer must be us (or root) on the read-write socket. */
static bool
peer_allowed(const Listener *l, const struct ucred *cred)
{
    if (l->readonly)
        return true;
    return cred->uid == geteuid() || cred->uid == 0;
}

static void
listener_accept_one(Listener *l, int fd)
{
    VdServer *server = l->server;
    struct ucred cred;
    socklen_t len = sizeof(cred);
    VdClient *client;

    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
        g_warning("cannot read peer credentials: %s", g_strerror(errno));
        close(fd);
        return;
    }
    if (!peer_allowed(l, &cred)) {
        g_warning("refusing uid %u (pid %d) on the read-write socket",
                  (unsigned)cred.uid, (int)cred.pid);
        close(fd);
        return;
    }
    if (g_list_length(server->clients) >= server->daemon->max_clients) {
        g_warning("refusing pid %d: %u clients already connected",
                  (int)cred.pid, server->daemon->max_clients);
        close(fd);
        return;
    }
    client = vd_client_new(server->daemon, fd, l->readonly, cred.pid,
                           server_client_closed, server);
    server->clients = g_list_prepend(server->clients, client);
    g_debug("client pid %d uid %u connected%s", (int)cred.pid,
            (unsigned)cred.uid, l->readonly ? " read-only" : "");
}

static gboolean
listener_ready(gint fd, GIOCondition cond, gpointer data)
{
    Listener *l = data;

    for (;;) {
        int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

        if (cfd < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                g_warning("accept on '%s': %s", l->path, g_strerror(errno));
            break;
        }
        listener_accept_one(l, cfd);
    }
    return G_SOURCE_CONTINUE;
}

/* Close connections that stopped sending half-way or never opened. */
static gboolean
server_sweep(gpointer data)
{
    VdServer *server = data;
    gint64 now = g_get_monotonic_time();
    GList *l = server->clients;

    while (l) {
        VdClient *client = l->data;

        l = l->next;
        if (vd_client_is_stalled(client, now)) {
            g_info("client pid %d: nothing received for %u s, closing",
                   (int)client->pid, server->daemon->idle_timeout);
            vd_client_close(client);
        }
    }
    return G_SOURCE_CONTINUE;
}

VdServer *
vd_server_new(VdDaemon *daemon, const char *rw_path, const char *ro_path,
              GError **error)
{
    VdServer *server = g_new0(VdServer, 1);

    server->daemon = daemon;
    server->rw.server = server->ro.server = server;
    server->ro.readonly = true;
    server->rw.fd = server->ro.fd = -1;
    if (!listener_bind(&server->rw, rw_path, 0600, error) ||
        !listener_bind(&server->ro, ro_path, 0666, error)) {
        vd_server_free(server);
        return NULL;
    }
    server->rw.watch = g_unix_fd_add(server->rw.fd, G_IO_IN, listener_ready,
                                     &server->rw);
    server->ro.watch = g_unix_fd_add(server->ro.fd, G_IO_IN, listener_ready,
                                     &server->ro);
    server->sweep = g_timeout_add_seconds(1, server_sweep, server);
    return server;
}

void
vd_server_free(VdServer *server)
{
    if (!server)
        return;
    if (server->sweep)
        g_source_remove(server->sweep);
    listener_close(&server->rw);
    listener_close(&server->ro);
    while (server->clients)
        vd_client_close(server->clients->data);
    g_free(server);
}

