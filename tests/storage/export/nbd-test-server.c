/*
 * A test server: one disk on an image file served as one NBD export on a
 * unix socket, until SIGTERM or SIGINT. Then it shuts the export down,
 * closes the disk and exits 0 only if both went cleanly, so that a test
 * also checks that stopping under load loses and leaks nothing.
 *
 *   nbd-test-server --image FILE --socket PATH [--name NAME]
 *       [--description TEXT] [--cache MODE] [--discard ignore|unmap]
 *       [--read-only] [--format raw|qed] [--io native|threads|io_uring]
 *       [--tcp-port-file FILE]
 *
 * --tcp-port-file also listens on 127.0.0.1 at a free port, through a
 * socket handed to the export, and writes the port to FILE once it
 * listens (the unix socket appears after it).
 */
#include "config.h"

#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <glib-unix.h>

#include "storage/disk.h"
#include "storage/export/nbd-server.h"

static GMainLoop *loop;

/* libvirt's cache= words; -1 for anything else. */
static int
parse_cache(const char *s)
{
    static const struct { const char *name; VdCacheMode mode; } modes[] = {
        { "none", VD_CACHE_NONE },
        { "writeback", VD_CACHE_WRITEBACK },
        { "writethrough", VD_CACHE_WRITETHROUGH },
        { "directsync", VD_CACHE_DIRECTSYNC },
        { "unsafe", VD_CACHE_UNSAFE },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(modes); i++)
        if (g_str_equal(s, modes[i].name))
            return modes[i].mode;
    return -1;
}

static gboolean
on_signal(gpointer data)
{
    g_main_loop_quit(loop);
    return G_SOURCE_REMOVE;
}

/* A listening TCP socket on 127.0.0.1, port chosen by the kernel. */
static int
tcp_listener(int *port)
{
    struct sockaddr_in sa = { .sin_family = AF_INET,
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        listen(fd, 16) < 0 || getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
        perror("tcp listener");
        exit(1);
    }
    *port = ntohs(sa.sin_port);
    return fd;
}

static void
on_stopped(VdNbdExport *e, void *data)
{
    g_main_loop_quit(loop);
}

int
main(int argc, char **argv)
{
    g_autofree char *image = NULL, *sock = NULL, *name = NULL, *desc = NULL;
    g_autofree char *cache = NULL, *discard = NULL, *format = NULL, *io = NULL;
    g_autofree char *port_file = NULL;
    gboolean read_only = FALSE;
    GOptionEntry entries[] = {
        { "image", 0, 0, G_OPTION_ARG_FILENAME, &image, "image file", "FILE" },
        { "socket", 0, 0, G_OPTION_ARG_FILENAME, &sock, "unix socket to create", "PATH" },
        { "name", 0, 0, G_OPTION_ARG_STRING, &name, "export name", "NAME" },
        { "description", 0, 0, G_OPTION_ARG_STRING, &desc, "export description", "TEXT" },
        { "cache", 0, 0, G_OPTION_ARG_STRING, &cache, "cache mode (none)", "MODE" },
        { "discard", 0, 0, G_OPTION_ARG_STRING, &discard, "ignore or unmap", "MODE" },
        { "read-only", 0, 0, G_OPTION_ARG_NONE, &read_only, "read-only disk", NULL },
        { "tcp-port-file", 0, 0, G_OPTION_ARG_FILENAME, &port_file,
          "also listen on TCP; write the port here", "FILE" },
        { "format", 0, 0, G_OPTION_ARG_STRING, &format, "raw (default) or qed", "FORMAT" },
        { "io", 0, 0, G_OPTION_ARG_STRING, &io, "native, threads or io_uring", "MODE" },
        { NULL },
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("- serve an image over NBD");
    g_autoptr(GError) err = NULL;
    VdDiskConfig cfg = { 0 };
    VdIothread *t;
    VdDisk *disk;
    VdNbdExport *e;
    int cache_mode, ret;

    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!g_option_context_parse(ctx, &argc, &argv, &err) || !image || !sock) {
        fprintf(stderr, "%s\n", err ? err->message : "--image and --socket are required");
        return 2;
    }
    cache_mode = parse_cache(cache ? cache : "none");
    if (cache_mode < 0) {
        fprintf(stderr, "unknown cache mode '%s'\n", cache);
        return 2;
    }
    cfg.path = image;
    cfg.cache = cache_mode;
    cfg.discard = g_strcmp0(discard, "ignore") == 0 ? VD_DISCARD_IGNORE : VD_DISCARD_UNMAP;
    cfg.read_only = read_only;
    cfg.format = format;
    cfg.io = io ? vd_io_mode_from_string(io) : VD_IO_DEFAULT;
    if ((int)cfg.io < 0) {
        fprintf(stderr, "unknown io mode '%s'\n", io);
        return 2;
    }

    loop = g_main_loop_new(NULL, FALSE);
    t = vd_iothread_new("nbd-test", NULL, VD_IOTHREAD_POLL_NS, &err);
    if (!t || !(disk = vd_disk_open(t, &cfg, &err))) {
        fprintf(stderr, "%s\n", err->message);
        return 1;
    }
    e = vd_nbd_export_new(disk, &(VdNbdExportConfig){ name ? name : "", desc });
    if (port_file) {
        int port;
        int fd = tcp_listener(&port);
        g_autofree char *text = g_strdup_printf("%d\n", port);

        if (!vd_nbd_export_listen_fd(e, fd, &err) ||
            !g_file_set_contents(port_file, text, -1, &err)) {
            fprintf(stderr, "%s\n", err->message);
            return 1;
        }
    }
    if (!vd_nbd_export_listen_unix(e, sock, &err)) {
        fprintf(stderr, "%s\n", err->message);
        return 1;
    }
    g_unix_signal_add(SIGTERM, on_signal, NULL);
    g_unix_signal_add(SIGINT, on_signal, NULL);
    g_main_loop_run(loop);

    vd_nbd_export_shutdown(e, on_stopped, NULL);
    g_main_loop_run(loop);
    vd_nbd_export_free(e);
    ret = vd_disk_close(disk);
    vd_iothread_free(t);
    g_main_loop_unref(loop);
    if (ret < 0) {
        fprintf(stderr, "closing the disk: %s\n", g_strerror(-ret));
        return 1;
    }
    return 0;
}
