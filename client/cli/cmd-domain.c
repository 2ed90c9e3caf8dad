/* Verbs that change the set of domains: define, undefine. */
#include "config.h"

#include <stdio.h>

#include "client/cli/commands.h"

enum { DEFINE_OPT_UNSAFE = 1 << 0 };

/* What define and undefine print: a sentence, or the domain for scripts. */
static void
print_done(VdCliOut *out, const VdDomainRef *dom, const char *sentence)
{
    char uuid[VD_UUID_STRING_LEN];

    if (!vd_cli_out_is_json(out)) {
        puts(sentence);
        return;
    }
    vd_client_uuid_format(dom->uuid, uuid);
    vd_cli_out_begin_record(out);
    vd_cli_out_str(out, NULL, "name", dom->name);
    vd_cli_out_str(out, NULL, "uuid", uuid);
    vd_cli_out_end_record(out);
}

static int
run_define(VdCliContext *ctx)
{
    const char *file = ctx->args[0];
    g_autoptr(GError) err = NULL;
    g_autoptr(VdDomainRef) dom = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *sentence = NULL;

    if (!g_file_get_contents(file, &xml, NULL, &err)) {
        vd_cli_error("%s", err->message);
        return 1;
    }
    /* DEFINE_XML as virsh sends it; the flags call only when a flag is
     * given, so that a daemon without it still serves plain defines. */
    if (ctx->opts & DEFINE_OPT_UNSAFE)
        dom = vd_domain_define_xml_flags(ctx->conn, xml, VD_DEFINE_UNSAFE,
                                         &err);
    else
        dom = vd_domain_define_xml(ctx->conn, xml, &err);
    if (dom == NULL) {
        vd_cli_error("failed to define a domain from %s: %s", file,
                     err->message);
        return 1;
    }
    sentence = g_strdup_printf("Domain '%s' defined from %s", dom->name, file);
    print_done(ctx->out, dom, sentence);
    return 0;
}

static const VdCliOption define_options[] = {
    { "--unsafe", "define even what the safety policy refuses" },
    { NULL, NULL },
};

const VdCliCommand vd_cli_cmd_define = {
    .name = "define",
    .usage = "FILE [--unsafe]",
    .summary = "define (or redefine) a domain from an XML file",
    .min_args = 1, .max_args = 1,
    .options = define_options,
    .needs_connection = true,
    .run = run_define,
};

static int
run_undefine(VdCliContext *ctx)
{
    g_autoptr(VdDomainRef) dom = vd_cli_lookup_domain(ctx, ctx->args[0]);
    g_autoptr(GError) err = NULL;
    g_autofree char *sentence = NULL;
    bool ok;

    if (dom == NULL)
        return 1;
    /* UNDEFINE_FLAGS as virsh sends it, and the old call for a daemon
     * that does not know it, as virsh falls back. */
    ok = vd_domain_undefine_flags(ctx->conn, dom, 0, &err);
    if (!ok && vd_error_is_unsupported(err)) {
        g_clear_error(&err);
        ok = vd_domain_undefine(ctx->conn, dom, &err);
    }
    if (!ok) {
        vd_cli_error("failed to undefine domain '%s': %s", dom->name,
                     err->message);
        return 1;
    }
    sentence = g_strdup_printf("Domain '%s' has been undefined", dom->name);
    print_done(ctx->out, dom, sentence);
    return 0;
}

const VdCliCommand vd_cli_cmd_undefine = {
    .name = "undefine",
    .usage = "DOM",
    .summary = "remove a domain's definition",
    .min_args = 1, .max_args = 1,
    .needs_connection = true,
    .run = run_undefine,
};
