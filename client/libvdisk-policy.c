/*
 * The safety policy's calls, in vdisk's own program: define with the
 * policy's warnings, explain, and the migration check. Field order as in
 * common/rpc/protocol.h.
 */
#include "config.h"

#include "client/libvdisk-private.h"

/* The smallest string on the wire: its length word. */
#define XDR_STRING_MIN_SIZE 4

/* string warnings<VD_REMOTE_STRING_LIST_MAX>; on a short or malformed
 * reply the reader fails and the strings read so far are returned. */
static char **
get_warnings(VdXdrReader *r)
{
    uint32_t n = vd_xdr_get_array_len(r, VD_REMOTE_STRING_LIST_MAX,
                                      XDR_STRING_MIN_SIZE);
    GPtrArray *list = g_ptr_array_new_full(n + 1, g_free);

    for (uint32_t i = 0; i < n; i++) {
        char *w = vd_xdr_get_string(r, VD_REMOTE_STRING_MAX);

        if (w == NULL)
            break;
        g_ptr_array_add(list, w);
    }
    g_ptr_array_add(list, NULL);
    return (char **)g_ptr_array_free(list, FALSE);
}

VdDomainRef *
vd_domain_define(VdConnect *conn, const char *xml, unsigned int flags,
                 char ***warnings, GError **error)
{
    g_autoptr(GByteArray) args = g_byte_array_new();
    g_autoptr(GByteArray) reply = NULL;
    g_auto(GStrv) list = NULL;
    VdRemoteDomain rd = { 0 };
    VdDomainRef *dom;
    VdXdrReader r;

    if (warnings != NULL)
        *warnings = NULL;
    vd_xdr_put_string(args, xml);
    vd_xdr_put_u32(args, flags);
    reply = vd_vdisk_call(conn, VD_VPROC_DOMAIN_DEFINE, args, error);
    if (reply == NULL)
        return NULL;
    vd_xdr_reader_init(&r, reply->data, reply->len);
    vd_remote_domain_get(&r, &rd);
    list = get_warnings(&r);
    if (!vd_transport_reply_done(conn, &r, VD_VPROC_DOMAIN_DEFINE, error)) {
        vd_remote_domain_clear(&rd);
        return NULL;
    }
    dom = g_new0(VdDomainRef, 1);
    vd_domain_ref_take(dom, &rd);
    if (warnings != NULL)
        *warnings = g_steal_pointer(&list);
    return dom;
}

char *
vd_domain_explain(VdConnect *conn, const VdDomainRef *dom, unsigned int flags,
                  GError **error)
{
    g_autoptr(GByteArray) args = vd_domain_args(dom);
    g_autoptr(GByteArray) reply = NULL;

    vd_xdr_put_u32(args, flags);
    reply = vd_vdisk_call(conn, VD_VPROC_DOMAIN_EXPLAIN, args, error);
    return vd_transport_reply_string(conn, reply, VD_VPROC_DOMAIN_EXPLAIN,
                                     error);
}

bool
vd_domain_migrate_check(VdConnect *conn, const VdDomainRef *dom,
                        GError **error)
{
    g_autoptr(GByteArray) args = vd_domain_args(dom);
    g_autoptr(GByteArray) reply =
        vd_vdisk_call(conn, VD_VPROC_DOMAIN_MIGRATE_CHECK, args, error);

    return vd_transport_reply_void(conn, reply, VD_VPROC_DOMAIN_MIGRATE_CHECK,
                                   error);
}
