/*
 * vdiskd: the vdisk daemon. Runs in the foreground, logs to stderr, keeps
 * its state in one directory that it locks, and serves libvirt's RPC on
 * two unix sockets in that directory's run/ folder.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <glib-unix.h>
#include <glib/gstdio.h>

#include "common/util/paths.h"
#include "daemon/daemon.h"
#include "daemon/domain-runtime.h"
#include "daemon/domain-store.h"
#include "daemon/server.h"
#include "storage/iothread.h"
#include "storage/layers/fault.h"
#include "storage/planted.h"

static gboolean opt_verbose;
static char *opt_state_dir;
static int opt_idle_timeout = 30;
static int opt_max_clients = 1024;
static gint64 opt_poll_ns = VD_IOTHREAD_POLL_NS;
static gboolean opt_version;
static char *opt_test_recorder_dir;
static char **opt_test_faults;
#ifdef VD_PLANTED_BUGS
static char *opt_test_planted_bugs;
#endif

static const GOptionEntry options[] = {
    { "state-dir", 's', 0, G_OPTION_ARG_FILENAME, &opt_state_dir,
      "State directory (default: $XDG_STATE_HOME/vdisk)", "DIR" },
    { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &opt_idle_timeout,
      "Seconds a client may stay silent before opening its connection or "
      "in the middle of a message (default 30)", "SECONDS" },
    { "max-clients", 0, 0, G_OPTION_ARG_INT, &opt_max_clients,
      "Most connections served at once (default 1024)", "N" },
    { "poll-ns", 0, 0, G_OPTION_ARG_INT64, &opt_poll_ns,
      "How long an I/O thread with requests in the kernel looks for their "
      "completions or new requests before it sleeps (default 200000; "
      "0: never)", "NS" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &opt_verbose,
      "Log debugging messages", NULL },
    { "version", 'V', 0, G_OPTION_ARG_NONE, &opt_version,
      "Print the version and exit", NULL },
    /* Tests only: hidden from --help. */
    { "test-recorder-dir", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME,
      &opt_test_recorder_dir,
      "Log every disk's writes to DIR/DOMAIN-TARGET.log (crash tests)",
      "DIR" },
    { "test-fault", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING_ARRAY,
      &opt_test_faults,
      "Fail requests under every disk (storage/layers/fault.h; repeatable)",
      "RULE" },
#ifdef VD_PLANTED_BUGS
    { "test-planted-bugs", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING,
      &opt_test_planted_bugs, "Turn on planted bugs (storage/planted.h)",
      "LIST" },
#endif
    { NULL },
};

static void
log_to_stderr(const char *domain, GLogLevelFlags level, const char *message,
              gpointer data)
{
    const char *what = "info";

    if (level & G_LOG_LEVEL_DEBUG) {
        if (!opt_verbose)
            return;
        what = "debug";
    } else if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL)) {
        what = "error";
    } else if (level & G_LOG_LEVEL_WARNING) {
        what = "warning";
    }
    fprintf(stderr, "vdiskd[%d]: %s: %s\n", (int)getpid(), what, message);
}

static void
all_domains_stopped(gpointer data)
{
    VdDaemon *daemon = data;

    g_main_loop_quit(daemon->loop);
}

/* SIGTERM: every running domain is shut down cleanly (its writes made
 * durable) before the daemon exits. */
static gboolean
on_quit_signal(gpointer data)
{
    VdDaemon *daemon = data;
    static bool quitting;

    if (quitting)
        return G_SOURCE_CONTINUE;
    quitting = true;
    g_message("shutting down");
    vd_domain_run_stop_all(daemon, all_domains_stopped, daemon);
    return G_SOURCE_CONTINUE;
}

/* Sockets of the NBD exports that a killed daemon left behind: their
 * domains are shut off now. */
static void
remove_stale_exports(VdDaemon *daemon)
{
    g_autofree char *nbd = vd_domain_run_exports_dir(daemon);
    g_autoptr(GDir) dir = g_dir_open(nbd, 0, NULL);
    const char *name;

    while (dir && (name = g_dir_read_name(dir))) {
        g_autofree char *sub = g_build_filename(nbd, name, NULL);
        g_autoptr(GDir) d = g_dir_open(sub, 0, NULL);
        const char *sock;

        while (d && (sock = g_dir_read_name(d))) {
            g_autofree char *path = g_build_filename(sub, sock, NULL);

            g_unlink(path);
        }
        g_rmdir(sub);
    }
}

static int
run(VdDaemon *daemon)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *path = opt_state_dir ? g_strdup(opt_state_dir)
                                          : vd_default_state_dir();

    daemon->state = vd_state_dir_open(path, &error);
    if (!daemon->state) {
        g_printerr("vdiskd: %s\n", error->message);
        return EXIT_FAILURE;
    }
    remove_stale_exports(daemon);
    daemon->domains = vd_domain_registry_new();
    if (!vd_domain_store_load(daemon, &error)) {
        g_printerr("vdiskd: %s\n", error->message);
        return EXIT_FAILURE;
    }
    daemon->server = vd_server_new(daemon,
                                   vd_state_dir_socket_path(daemon->state),
                                   vd_state_dir_socket_ro_path(daemon->state),
                                   &error);
    if (!daemon->server) {
        g_printerr("vdiskd: %s\n", error->message);
        return EXIT_FAILURE;
    }
    g_message("serving %u domains from %s on %s",
              vd_domain_registry_count(daemon->domains),
              vd_state_dir_path(daemon->state),
              vd_state_dir_socket_path(daemon->state));
    g_unix_signal_add(SIGTERM, on_quit_signal, daemon);
    g_unix_signal_add(SIGINT, on_quit_signal, daemon);
    g_main_loop_run(daemon->loop);
    return EXIT_SUCCESS;
}

int
main(int argc, char **argv)
{
    g_autoptr(GOptionContext) ctx = g_option_context_new(NULL);
    g_autoptr(GError) error = NULL;
    VdDaemon daemon = { 0 };
    int status;

    g_option_context_set_summary(ctx, "The vdisk daemon: serves virtual "
                                 "machine disks and libvirt's RPC.");
    g_option_context_add_main_entries(ctx, options, NULL);
    if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
        g_printerr("vdiskd: %s\n", error->message);
        return EXIT_FAILURE;
    }
    if (opt_version) {
        printf("vdiskd %s\n", PACKAGE_VERSION);
        return EXIT_SUCCESS;
    }
    if (argc > 1 || opt_idle_timeout < 1 || opt_max_clients < 1 ||
        opt_poll_ns < 0 || opt_poll_ns > 1000000000) {
        g_printerr("vdiskd: bad arguments; see vdiskd --help\n");
        return EXIT_FAILURE;
    }
    g_log_set_default_handler(log_to_stderr, NULL);
#ifdef VD_PLANTED_BUGS
    if (opt_test_planted_bugs) {
        if (!vd_planted_enable(opt_test_planted_bugs, &error)) {
            g_printerr("vdiskd: %s\n", error->message);
            return EXIT_FAILURE;
        }
        g_warning("PLANTED BUGS ON: %s: this daemon loses data on purpose",
                  opt_test_planted_bugs);
    }
#endif
    /* A peer that hangs up must not kill the daemon: writes use
     * MSG_NOSIGNAL, this covers every other descriptor. */
    signal(SIGPIPE, SIG_IGN);

    daemon.loop = g_main_loop_new(NULL, FALSE);
    daemon.idle_timeout = opt_idle_timeout;
    daemon.max_clients = opt_max_clients;
    daemon.poll_ns = (uint64_t)opt_poll_ns;
    daemon.test_recorder_dir = opt_test_recorder_dir;
    if (opt_test_faults) {
        daemon.test_faults = vd_fault_rules_new(
            (const char *const *)opt_test_faults, &error);
        if (!daemon.test_faults) {
            g_printerr("vdiskd: %s\n", error->message);
            return EXIT_FAILURE;
        }
        g_autofree char *all = g_strjoinv("; ", opt_test_faults);
        g_message("injecting faults: %s", all);
    }
    status = run(&daemon);

    vd_server_free(daemon.server);
    if (daemon.iothreads)
        g_ptr_array_unref(daemon.iothreads);
    vd_domain_registry_free(daemon.domains);
    vd_state_dir_close(daemon.state);
    g_main_loop_unref(daemon.loop);
    g_free(opt_state_dir);
    g_free(opt_test_recorder_dir);
    vd_fault_rules_free(daemon.test_faults);
    g_strfreev(opt_test_faults);
    return status;
}
