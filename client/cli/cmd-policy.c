/* Verbs of the safety policy: explain, migrate-check. */
#include "config.h"

#include <stdio.h>

#include "client/cli/commands.h"

/* The daemon's text as it is, ended by a newline. */
static void
print_verbatim(const char *text)
{
    fputs(text, stdout);
    if (*text != '\0' && !g_str_has_suffix(text, "\n"))
        putchar('\n');
}

/*
 * The daemon words the decisions: a line each for people, its own JSON
 * object for scripts, printed unchanged so that the CLI adds no second
 * description of them to keep in step.
 */
static int
run_explain(VdCliContext *ctx)
{
    g_autoptr(VdDomainRef) dom = vd_cli_lookup_domain(ctx, ctx->args[0]);
    bool json = vd_cli_out_is_json(ctx->out);
    g_autoptr(GError) err = NULL;
    g_autofree char *text = NULL;

    if (dom == NULL)
        return 1;
    text = vd_domain_explain(ctx->conn, dom, json ? VD_EXPLAIN_JSON : 0, &err);
    if (text == NULL) {
        vd_cli_error("failed to explain domain '%s': %s", dom->name,
                     err->message);
        return 1;
    }
    if (!json && *text == '\0')
        printf("Domain '%s' has no disks: the policy decided nothing.\n",
               dom->name);
    print_verbatim(text);
    return 0;
}

const VdCliCommand vd_cli_cmd_explain = {
    .name = "explain",
    .usage = "DOM [--json]",
    .summary = "show the safety policy's decisions and why",
    .min_args = 1, .max_args = 1,
    .needs_connection = true,
    .run = run_explain,
};

static int
run_migrate_check(VdCliContext *ctx)
{
    g_autoptr(VdDomainRef) dom = vd_cli_lookup_domain(ctx, ctx->args[0]);
    g_autoptr(GError) err = NULL;
    char uuid[VD_UUID_STRING_LEN];

    if (dom == NULL)
        return 1;
    if (!vd_domain_migrate_check(ctx->conn, dom, &err)) {
        if (err->code == VD_ERR_MIGRATE_UNSAFE)
            vd_cli_error("domain '%s' cannot be migrated safely: %s",
                         dom->name, err->message);
        else
            vd_cli_error("failed to check the migration of domain '%s': %s",
                         dom->name, err->message);
        return 1;
    }
    if (!vd_cli_out_is_json(ctx->out)) {
        printf("Migration of domain '%s' is safe for its disks.\n", dom->name);
        return 0;
    }
    vd_uuid_format(dom->uuid, uuid);
    vd_cli_out_begin_record(ctx->out);
    vd_cli_out_str(ctx->out, NULL, "name", dom->name);
    vd_cli_out_str(ctx->out, NULL, "uuid", uuid);
    vd_cli_out_bool(ctx->out, NULL, "safe", true, NULL, NULL);
    vd_cli_out_end_record(ctx->out);
    return 0;
}

const VdCliCommand vd_cli_cmd_migrate_check = {
    .name = "migrate-check",
    .usage = "DOM [--json]",
    .summary = "check that live migration is safe for the disks",
    .min_args = 1, .max_args = 1,
    .needs_connection = true,
    .run = run_migrate_check,
};
