/* Turning a DOM argument into a domain, for every verb that takes one. */
#include "config.h"

#include "client/cli/commands.h"

VdDomainRef *
vd_cli_lookup_domain(VdCliContext *ctx, const char *name)
{
    g_autoptr(GError) err = NULL;
    VdDomainRef *dom = vd_domain_lookup(ctx->conn, name, &err);

    if (dom == NULL)
        vd_cli_error("failed to get domain '%s': %s", name, err->message);
    return dom;
}
