/* Verbs that change whether a domain runs: start, shutdown, destroy,
 * suspend, resume. */
#include "config.h"

#include <stdio.h>

#include "client/cli/commands.h"

enum { START_OPT_PAUSED = 1 << 0 };

/*
 * What every lifecycle verb prints once the daemon has replied: a
 * sentence, or for scripts the domain as it is now (its new id and
 * state), read back since the calls that stop or pause return nothing.
 */
static int
print_done(VdCliContext *ctx, const VdDomainRef *dom, const char *done)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VdDomainRef) now = NULL;
    char uuid[VD_UUID_STRING_LEN];
    int state;
    int reason;

    if (!vd_cli_out_is_json(ctx->out)) {
        printf("Domain '%s' %s\n", dom->name, done);
        return 0;
    }
    now = vd_domain_lookup_by_uuid(ctx->conn, dom->uuid, &err);
    if (now == NULL ||
        !vd_domain_get_state(ctx->conn, now, 0, &state, &reason, &err)) {
        vd_cli_error("domain '%s' %s, but its state is unknown: %s",
                     dom->name, done, err->message);
        return 1;
    }
    vd_uuid_format(now->uuid, uuid);
    vd_cli_out_begin_record(ctx->out);
    vd_cli_out_str(ctx->out, NULL, "name", now->name);
    vd_cli_out_str(ctx->out, NULL, "uuid", uuid);
    if (now->id >= 0)
        vd_cli_out_int(ctx->out, NULL, "id", now->id);
    else
        vd_cli_out_null(ctx->out, NULL, "id", NULL);
    vd_cli_out_str(ctx->out, NULL, "state", vd_domain_state_name(state));
    vd_cli_out_end_record(ctx->out);
    return 0;
}

typedef bool (*DomainAction)(VdConnect *conn, const VdDomainRef *dom,
                             GError **error);

/* Look the domain up, act on it, say so; verb and done are the words of
 * the error ("failed to VERB domain") and of the sentence. */
static int
run_action(VdCliContext *ctx, DomainAction act, const char *verb,
           const char *done)
{
    g_autoptr(VdDomainRef) dom = vd_cli_lookup_domain(ctx, ctx->args[0]);
    g_autoptr(GError) err = NULL;

    if (dom == NULL)
        return 1;
    if (!act(ctx->conn, dom, &err)) {
        vd_cli_error("failed to %s domain '%s': %s", verb, dom->name,
                     err->message);
        return 1;
    }
    return print_done(ctx, dom, done);
}

/* --paused needs CREATE_WITH_FLAGS; a plain start uses CREATE, as virsh
 * does, so that both work against any daemon virsh works with. */
static bool
start_paused(VdConnect *conn, const VdDomainRef *dom, GError **error)
{
    g_autoptr(VdDomainRef) started =
        vd_domain_create_with_flags(conn, dom, VD_START_PAUSED, error);

    return started != NULL;
}

static int
run_start(VdCliContext *ctx)
{
    if (ctx->opts & START_OPT_PAUSED)
        return run_action(ctx, start_paused, "start", "started");
    return run_action(ctx, vd_domain_create, "start", "started");
}

static const VdCliOption start_options[] = {
    { "--paused", "start with every disk's I/O held until resume", NULL },
    { NULL, NULL, NULL },
};

const VdCliCommand vd_cli_cmd_start = {
    .name = "start",
    .usage = "DOM [--paused]",
    .summary = "start a domain: serve its disks over NBD",
    .min_args = 1, .max_args = 1,
    .options = start_options,
    .needs_connection = true,
    .run = run_start,
};

/* virsh says "is being shutdown" because a guest shuts down after the
 * call returns; vdiskd replies once the disks are closed, so it is done. */
static int
run_shutdown(VdCliContext *ctx)
{
    return run_action(ctx, vd_domain_shutdown, "shut down", "shut down");
}

const VdCliCommand vd_cli_cmd_shutdown = {
    .name = "shutdown",
    .usage = "DOM",
    .summary = "stop a domain once its writes are durable",
    .min_args = 1, .max_args = 1,
    .needs_connection = true,
    .run = run_shutdown,
};

static int
run_destroy(VdCliContext *ctx)
{
    return run_action(ctx, vd_domain_destroy, "destroy", "destroyed");
}

const VdCliCommand vd_cli_cmd_destroy = {
    .name = "destroy",
    .usage = "DOM",
    .summary = "stop a domain at once, failing held requests",
    .min_args = 1, .max_args = 1,
    .needs_connection = true,
    .run = run_destroy,
};

static int
run_suspend(VdCliContext *ctx)
{
    return run_action(ctx, vd_domain_suspend, "suspend", "suspended");
}

const VdCliCommand vd_cli_cmd_suspend = {
    .name = "suspend",
    .usage = "DOM",
    .summary = "pause a domain: hold its disks' new requests",
    .min_args = 1, .max_args = 1,
    .needs_connection = true,
    .run = run_suspend,
};

static int
run_resume(VdCliContext *ctx)
{
    return run_action(ctx, vd_domain_resume, "resume", "resumed");
}

const VdCliCommand vd_cli_cmd_resume = {
    .name = "resume",
    .usage = "DOM",
    .summary = "let a paused domain's disks go on",
    .min_args = 1, .max_args = 1,
    .needs_connection = true,
    .run = run_resume,
};
