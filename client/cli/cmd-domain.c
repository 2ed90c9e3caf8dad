/* Verbs that change the set of domains: define, undefine. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "client/cli/commands.h"

enum { DEFINE_OPT_UNSAFE = 1 << 0 };

/*
 * What define and undefine print: a sentence, or the domain for scripts,
 * with define's warnings (NULL for undefine, which has none).
 */
static void
print_done(VdCliOut *out, const VdDomainRef *dom, const char *const *warnings,
           const char *sentence)
{
    char uuid[VD_UUID_STRING_LEN];

    if (!vd_cli_out_is_json(out)) {
        puts(sentence);
        return;
    }
    vd_uuid_format(dom->uuid, uuid);
    vd_cli_out_begin_record(out);
    vd_cli_out_str(out, NULL, "name", dom->name);
    vd_cli_out_str(out, NULL, "uuid", uuid);
    if (warnings != NULL)
        vd_cli_out_strv(out, NULL, "warnings", warnings);
    vd_cli_out_end_record(out);
}

/*
 * The daemon words each warning "SEVERITY: disk ...": a severity that is
 * itself "warning" is not said twice.
 */
static void
print_warnings(const char *const *warnings)
{
    for (size_t i = 0; warnings[i] != NULL; i++) {
        const char *w = warnings[i];

        if (g_str_has_prefix(w, "warning: "))
            w += strlen("warning: ");
        vd_cli_warning("%s", w);
    }
}

/* vdisk's define: the policy's warnings come back with the domain. */
static int
run_define(VdCliContext *ctx)
{
    const char *file = ctx->args[0];
    unsigned int flags = (ctx->opts & DEFINE_OPT_UNSAFE) ? VD_DEFINE_UNSAFE : 0;
    g_autoptr(GError) err = NULL;
    g_autoptr(VdDomainRef) dom = NULL;
    g_auto(GStrv) warnings = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *sentence = NULL;

    if (!g_file_get_contents(file, &xml, NULL, &err)) {
        vd_cli_error("%s", err->message);
        return 1;
    }
    dom = vd_domain_define(ctx->conn, xml, flags, &warnings, &err);
    if (dom == NULL) {
        vd_cli_error("failed to define a domain from %s: %s", file,
                     err->message);
        return 1;
    }
    print_warnings((const char *const *)warnings);
    sentence = g_strdup_printf("Domain '%s' defined from %s", dom->name, file);
    print_done(ctx->out, dom, (const char *const *)warnings, sentence);
    return 0;
}

static const VdCliOption define_options[] = {
    { "--unsafe", "define even what the safety policy refuses", NULL },
    { NULL, NULL, NULL },
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
    print_done(ctx->out, dom, NULL, sentence);
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
