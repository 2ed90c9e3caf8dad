/*
 * A domain's definition as the CLI reads it: from the XML the daemon
 * sends, parsed on this side, as virsh builds domblklist from the XML.
 * The daemon needs no query of its own for what the XML already says.
 */
#include "config.h"

#include <string.h>

#include "client/cli/commands.h"

VdDomainDef *
vd_cli_get_domain_def(VdCliContext *ctx, const VdDomainRef *dom)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = vd_domain_get_xml_desc(ctx->conn, dom, 0, &err);
    VdDomainDef *def;

    if (xml == NULL) {
        vd_cli_error("failed to get the XML of domain '%s': %s", dom->name,
                     err->message);
        return NULL;
    }
    def = vd_domain_def_parse(xml, strlen(xml), &err);
    if (def == NULL)
        vd_cli_error("cannot read the XML of domain '%s': %s", dom->name,
                     err->message);
    return def;
}
