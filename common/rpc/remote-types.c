/* Shared remote protocol structures; see remote-types.h. */
#include "config.h"

#include <string.h>

#include "common/rpc/protocol.h"
#include "common/rpc/remote-types.h"
#include "common/util/error.h"

/* virErrorLevel VIR_ERR_ERROR */
#define VD_REMOTE_ERROR_LEVEL 2

void
vd_remote_domain_put(GByteArray *w, const char *name,
                     const unsigned char uuid[VD_REMOTE_UUID_LEN], int32_t id)
{
    vd_xdr_put_string(w, name);
    vd_xdr_put_fixed_opaque(w, uuid, VD_REMOTE_UUID_LEN);
    vd_xdr_put_i32(w, id);
}

void
vd_remote_domain_get(VdXdrReader *r, VdRemoteDomain *dom)
{
    dom->name = vd_xdr_get_string(r, VD_REMOTE_STRING_MAX);
    vd_xdr_get_fixed_opaque(r, dom->uuid, VD_REMOTE_UUID_LEN);
    dom->id = vd_xdr_get_i32(r);
}

void
vd_remote_domain_clear(VdRemoteDomain *dom)
{
    g_clear_pointer(&dom->name, g_free);
}

void
vd_remote_error_put(GByteArray *w, int32_t code, int32_t domain,
                    const char *message)
{
    vd_xdr_put_i32(w, code);
    vd_xdr_put_i32(w, domain);
    vd_xdr_put_opt_string(w, message);
    vd_xdr_put_i32(w, VD_REMOTE_ERROR_LEVEL);
    vd_xdr_put_bool(w, false);            /* dom: unused */
    vd_xdr_put_opt_string(w, message);    /* str1 */
    vd_xdr_put_opt_string(w, NULL);       /* str2 */
    vd_xdr_put_opt_string(w, NULL);       /* str3 */
    vd_xdr_put_i32(w, -1);                /* int1 */
    vd_xdr_put_i32(w, -1);                /* int2 */
    vd_xdr_put_bool(w, false);            /* net: unused */
}

void
vd_remote_error_put_gerror(GByteArray *w, const GError *err)
{
    vd_remote_error_put(w, vd_error_code(err), vd_error_from(err),
                        err->message);
}

/* Skip an optional remote_nonnull_domain or network (name + uuid [+ id]). */
static void
skip_opt_object(VdXdrReader *r, bool has_id)
{
    g_autofree char *name = NULL;
    unsigned char uuid[VD_REMOTE_UUID_LEN];

    if (!vd_xdr_get_bool(r))
        return;
    name = vd_xdr_get_string(r, VD_REMOTE_STRING_MAX);
    vd_xdr_get_fixed_opaque(r, uuid, sizeof(uuid));
    if (has_id)
        (void)vd_xdr_get_i32(r);
}

void
vd_remote_error_get(VdXdrReader *r, VdRemoteError *e)
{
    memset(e, 0, sizeof(*e));
    e->code = vd_xdr_get_i32(r);
    e->domain = vd_xdr_get_i32(r);
    e->message = vd_xdr_get_opt_string(r, VD_REMOTE_STRING_MAX);
    e->level = vd_xdr_get_i32(r);
    skip_opt_object(r, true);
    e->str1 = vd_xdr_get_opt_string(r, VD_REMOTE_STRING_MAX);
    e->str2 = vd_xdr_get_opt_string(r, VD_REMOTE_STRING_MAX);
    e->str3 = vd_xdr_get_opt_string(r, VD_REMOTE_STRING_MAX);
    e->int1 = vd_xdr_get_i32(r);
    e->int2 = vd_xdr_get_i32(r);
    skip_opt_object(r, false);
}

void
vd_remote_error_clear(VdRemoteError *e)
{
    g_clear_pointer(&e->message, g_free);
    g_clear_pointer(&e->str1, g_free);
    g_clear_pointer(&e->str2, g_free);
    g_clear_pointer(&e->str3, g_free);
}

void
vd_typed_param_put(GByteArray *w, const VdTypedParam *p)
{
    vd_xdr_put_string(w, p->field);
    vd_xdr_put_i32(w, p->type);
    switch (p->type) {
    case VD_TYPED_PARAM_INT:
        vd_xdr_put_i32(w, p->value.i);
        break;
    case VD_TYPED_PARAM_UINT:
        vd_xdr_put_u32(w, p->value.ui);
        break;
    case VD_TYPED_PARAM_LLONG:
        vd_xdr_put_i64(w, p->value.l);
        break;
    case VD_TYPED_PARAM_ULLONG:
        vd_xdr_put_u64(w, p->value.ul);
        break;
    case VD_TYPED_PARAM_DOUBLE:
        vd_xdr_put_double(w, p->value.d);
        break;
    case VD_TYPED_PARAM_BOOLEAN:
        vd_xdr_put_i32(w, p->value.b ? 1 : 0);
        break;
    case VD_TYPED_PARAM_STRING:
        vd_xdr_put_string(w, p->value.s);
        break;
    }
}

void
vd_typed_param_get(VdXdrReader *r, VdTypedParam *p)
{
    memset(p, 0, sizeof(*p));
    p->field = vd_xdr_get_string(r, VD_REMOTE_FIELD_LENGTH);
    p->type = vd_xdr_get_i32(r);
    switch (p->type) {
    case VD_TYPED_PARAM_INT:
        p->value.i = vd_xdr_get_i32(r);
        break;
    case VD_TYPED_PARAM_UINT:
        p->value.ui = vd_xdr_get_u32(r);
        break;
    case VD_TYPED_PARAM_LLONG:
        p->value.l = vd_xdr_get_i64(r);
        break;
    case VD_TYPED_PARAM_ULLONG:
        p->value.ul = vd_xdr_get_u64(r);
        break;
    case VD_TYPED_PARAM_DOUBLE:
        p->value.d = vd_xdr_get_double(r);
        break;
    case VD_TYPED_PARAM_BOOLEAN:
        p->value.b = vd_xdr_get_i32(r) != 0;
        break;
    case VD_TYPED_PARAM_STRING:
        p->value.s = vd_xdr_get_string(r, VD_REMOTE_STRING_MAX);
        break;
    default:
        r->failed = true;
        break;
    }
}

void
vd_typed_param_clear(VdTypedParam *p)
{
    g_clear_pointer(&p->field, g_free);
    if (p->type == VD_TYPED_PARAM_STRING)
        g_clear_pointer(&p->value.s, g_free);
}
