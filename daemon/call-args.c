/* Shared call arguments; see call-args.h. */
#include "config.h"

#include "common/rpc/remote-types.h"
#include "common/util/error.h"
#include "daemon/call-args.h"

gboolean
vd_call_no_domain(GError **error, const char *what, const char *value)
{
    g_set_error(error, VD_ERROR_DOMAIN, VD_ERR_NO_DOMAIN,
                "Domain not found: no domain with matching %s '%s'", what, value);
    return FALSE;
}

VdDomainObj *
vd_call_get_domain(VdCallCtx *ctx, VdXdrReader *args, GError **error)
{
    VdRemoteDomain dom = { 0 };
    VdDomainObj *obj;
    char uuidstr[VD_UUID_STRING_LEN];

    vd_remote_domain_get(args, &dom);
    if (!vd_xdr_reader_ok(args)) {
        vd_remote_domain_clear(&dom);
        vd_dispatch_args_end(args, error);
        return NULL;
    }
    obj = vd_domain_registry_find_uuid(ctx->daemon->domains, dom.uuid);
    if (!obj) {
        vd_uuid_format(dom.uuid, uuidstr);
        vd_call_no_domain(error, "uuid", uuidstr);
    }
    vd_remote_domain_clear(&dom);
    return obj;
}

void
vd_call_put_domain(GByteArray *ret, const VdDomainObj *obj)
{
    vd_remote_domain_put(ret, obj->def->name, obj->def->uuid, obj->id);
}
