/* Verbs about the daemon rather than a domain: version. */
#include "config.h"

#include "client/cli/commands.h"

/* libvirt's encoding, major * 1000000 + minor * 1000 + micro. */
static char *
format_version(uint64_t v)
{
    return g_strdup_printf("%" G_GUINT64_FORMAT ".%" G_GUINT64_FORMAT
                           ".%" G_GUINT64_FORMAT,
                           v / 1000000, v / 1000 % 1000, v % 1000);
}

/*
 * A version call that may be missing: false only on a real error. A
 * daemon that does not know the call (libvirtd for DAEMON_INFO, say)
 * just leaves its lines out, as virsh leaves out what it cannot get.
 */
static bool
optional(bool ok, GError **err, bool *have)
{
    *have = ok;
    if (ok || !vd_error_is_unsupported(*err))
        return ok;
    g_clear_error(err);
    return true;
}

static int
run_version(VdCliContext *ctx)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *type = NULL;
    g_autofree char *lib = NULL;
    g_autofree char *hv = NULL;
    VdDaemonInfo daemon = { 0 };
    uint64_t lib_ver = 0;
    uint64_t hv_ver = 0;
    bool have_lib = false;
    bool have_hv = false;
    bool have_daemon = false;
    bool ok;

    type = vd_connect_get_type(ctx->conn, &err);
    ok = type != NULL &&
         optional(vd_connect_get_lib_version(ctx->conn, &lib_ver, &err), &err,
                  &have_lib) &&
         optional(vd_connect_get_version(ctx->conn, &hv_ver, &err), &err,
                  &have_hv) &&
         optional(vd_connect_get_daemon_info(ctx->conn, &daemon, &err), &err,
                  &have_daemon);
    if (!ok) {
        vd_cli_error("failed to get the daemon's version: %s", err->message);
        vd_daemon_info_clear(&daemon);
        return 1;
    }

    vd_cli_out_begin_record(ctx->out);
    vd_cli_out_str(ctx->out, "Client", NULL, "vdisk " PACKAGE_VERSION);
    vd_cli_out_str(ctx->out, NULL, "client_version", PACKAGE_VERSION);
    vd_cli_out_str(ctx->out, NULL, "type", type);
    if (have_lib) {
        g_autofree char *human = NULL;

        lib = format_version(lib_ver);
        human = g_strdup_printf("%s %s", type, lib);
        vd_cli_out_str(ctx->out, "Using API", NULL, human);
        vd_cli_out_str(ctx->out, NULL, "api_version", lib);
    }
    if (have_hv) {
        g_autofree char *human = NULL;

        hv = format_version(hv_ver);
        human = g_strdup_printf("%s %s", type, hv);
        vd_cli_out_str(ctx->out, "Running hypervisor", NULL, human);
        vd_cli_out_str(ctx->out, NULL, "hypervisor_version", hv);
    }
    if (have_daemon) {
        vd_cli_out_str(ctx->out, "Running against daemon", "daemon_version",
                       daemon.version);
        vd_cli_out_int(ctx->out, "Daemon pid", "daemon_pid", daemon.pid);
        vd_cli_out_str(ctx->out, "Daemon state directory", "daemon_state_dir",
                       daemon.state_dir);
    }
    vd_cli_out_end_record(ctx->out);
    vd_daemon_info_clear(&daemon);
    return 0;
}

const VdCliCommand vd_cli_cmd_version = {
    .name = "version",
    .usage = "",
    .summary = "show the versions of vdisk and of the daemon",
    .min_args = 0, .max_args = 0,
    .needs_connection = true,
    .run = run_version,
};
