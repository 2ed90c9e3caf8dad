/*
 * The domain procedures: one wrapper per call, each encoding its
 * arguments and decoding its reply in the field order of section 3 of
 * the protocol reference.
 */
#include "config.h"

#include <string.h>

#include "client/libvdisk-private.h"

void
vd_domain_ref_free(VdDomainRef *dom)
{
    if (dom == NULL)
        return;
    g_free(dom->name);
    g_free(dom);
}

void
vd_domain_ref_array_free(VdDomainRef *doms, size_t ndoms)
{
    for (size_t i = 0; i < ndoms; i++)
        g_free(doms[i].name);
    g_free(doms);
}

void
vd_domain_summary_array_free(VdDomainSummary *sums, size_t nsums)
{
    for (size_t i = 0; i < nsums; i++)
        g_free(sums[i].dom.name);
    g_free(sums);
}

GByteArray *
vd_domain_args(const VdDomainRef *dom)
{
    GByteArray *args = g_byte_array_new();

    vd_remote_domain_put(args, dom->name, dom->uuid, dom->id);
    return args;
}

void
vd_domain_ref_take(VdDomainRef *dom, VdRemoteDomain *rd)
{
    dom->name = g_steal_pointer(&rd->name);
    memcpy(dom->uuid, rd->uuid, VD_UUID_LEN);
    dom->id = rd->id;
}

bool
vd_remote_call_void(VdConnect *conn, int32_t proc, const GByteArray *args,
                    GError **error)
{
    g_autoptr(GByteArray) reply = vd_remote_call(conn, proc, args, error);

    return vd_transport_reply_void(conn, reply, proc, error);
}

/* A call whose reply is n ints. */
static bool
call_ints(VdConnect *conn, int32_t proc, const GByteArray *args, int32_t *out,
          size_t n, GError **error)
{
    g_autoptr(GByteArray) reply = vd_remote_call(conn, proc, args, error);
    VdXdrReader r;

    if (reply == NULL)
        return false;
    vd_xdr_reader_init(&r, reply->data, reply->len);
    for (size_t i = 0; i < n; i++)
        out[i] = vd_xdr_get_i32(&r);
    return vd_transport_reply_done(conn, &r, proc, error);
}

/* A call whose reply is an int read as a yes/no answer: 1, 0 or -1. */
static int
call_bool(VdConnect *conn, int32_t proc, const GByteArray *args, GError **error)
{
    int32_t v;

    if (!call_ints(conn, proc, args, &v, 1, error))
        return -1;
    return v != 0;
}

static char *
call_string(VdConnect *conn, int32_t proc, const GByteArray *args,
            GError **error)
{
    g_autoptr(GByteArray) reply = vd_remote_call(conn, proc, args, error);

    return vd_transport_reply_string(conn, reply, proc, error);
}

VdDomainRef *
vd_remote_call_domain(VdConnect *conn, int32_t proc, const GByteArray *args,
                      GError **error)
{
    g_autoptr(GByteArray) reply = vd_remote_call(conn, proc, args, error);
    VdRemoteDomain rd = { 0 };
    VdDomainRef *dom;
    VdXdrReader r;

    if (reply == NULL)
        return NULL;
    vd_xdr_reader_init(&r, reply->data, reply->len);
    vd_remote_domain_get(&r, &rd);
    if (!vd_transport_reply_done(conn, &r, proc, error)) {
        vd_remote_domain_clear(&rd);
        return NULL;
    }
    dom = g_new0(VdDomainRef, 1);
    vd_domain_ref_take(dom, &rd);
    return dom;
}

bool
vd_connect_list_all_domains(VdConnect *conn, unsigned int flags,
                            VdDomainRef **doms, size_t *ndoms, GError **error)
{
    g_autoptr(GByteArray) args = g_byte_array_new();
    g_autoptr(GByteArray) reply = NULL;
    VdDomainRef *list;
    VdXdrReader r;
    uint32_t n;

    *doms = NULL;
    *ndoms = 0;
    vd_xdr_put_i32(args, 1);    /* need_results */
    vd_xdr_put_u32(args, flags);
    reply = vd_remote_call(conn, VD_PROC_CONNECT_LIST_ALL_DOMAINS, args, error);
    if (reply == NULL)
        return false;

    vd_xdr_reader_init(&r, reply->data, reply->len);
    /* Bounded by what the reply can hold before anything is allocated. */
    n = vd_xdr_get_array_len(&r, VD_REMOTE_DOMAIN_LIST_MAX,
                             VD_REMOTE_DOMAIN_MIN_SIZE);
    list = g_new0(VdDomainRef, n > 0 ? n : 1);
    for (uint32_t i = 0; i < n; i++) {
        VdRemoteDomain rd = { 0 };

        vd_remote_domain_get(&r, &rd);
        vd_domain_ref_take(&list[i], &rd);
    }
    (void)vd_xdr_get_u32(&r);   /* ret: the count again */
    if (!vd_transport_reply_done(conn, &r, VD_PROC_CONNECT_LIST_ALL_DOMAINS,
                                 error)) {
        vd_domain_ref_array_free(list, n);
        return false;
    }
    if (n == 0) {
        g_free(list);
        return true;
    }
    *doms = list;
    *ndoms = n;
    return true;
}

bool
vd_connect_list_domain_summaries(VdConnect *conn, unsigned int flags,
                                 VdDomainSummary **out, size_t *nout,
                                 GError **error)
{
    VdDomainRef *doms;
    size_t ndoms;
    VdDomainSummary *sums;
    size_t n = 0;

    *out = NULL;
    *nout = 0;
    if (!vd_connect_list_all_domains(conn, flags, &doms, &ndoms, error))
        return false;
    sums = g_new0(VdDomainSummary, ndoms > 0 ? ndoms : 1);
    for (size_t i = 0; i < ndoms; i++) {
        g_autoptr(GError) local = NULL;
        VdDomainSummary *s = &sums[n];

        if (!vd_domain_get_state(conn, &doms[i], 0, &s->state, &s->reason,
                                 &local)) {
            /* Gone since the list was made: not an error of the list. */
            if (local->code == VD_ERR_NO_DOMAIN && !conn->broken)
                continue;
            g_propagate_error(error, g_steal_pointer(&local));
            vd_domain_summary_array_free(sums, n);
            vd_domain_ref_array_free(doms, ndoms);
            return false;
        }
        s->dom = doms[i];
        doms[i].name = NULL;   /* moved into the summary */
        n++;
    }
    vd_domain_ref_array_free(doms, ndoms);
    if (n == 0) {
        g_free(sums);
        return true;
    }
    *out = sums;
    *nout = n;
    return true;
}

VdDomainRef *
vd_domain_lookup_by_name(VdConnect *conn, const char *name, GError **error)
{
    g_autoptr(GByteArray) args = g_byte_array_new();

    vd_xdr_put_string(args, name);
    return vd_remote_call_domain(conn, VD_PROC_DOMAIN_LOOKUP_BY_NAME, args,
                                 error);
}

VdDomainRef *
vd_domain_lookup_by_uuid(VdConnect *conn, const unsigned char uuid[VD_UUID_LEN],
                         GError **error)
{
    g_autoptr(GByteArray) args = g_byte_array_new();

    vd_xdr_put_fixed_opaque(args, uuid, VD_UUID_LEN);
    return vd_remote_call_domain(conn, VD_PROC_DOMAIN_LOOKUP_BY_UUID, args,
                                 error);
}

VdDomainRef *
vd_domain_lookup_by_id(VdConnect *conn, int id, GError **error)
{
    g_autoptr(GByteArray) args = g_byte_array_new();

    vd_xdr_put_i32(args, id);
    return vd_remote_call_domain(conn, VD_PROC_DOMAIN_LOOKUP_BY_ID, args,
                                 error);
}

/* Whether a lookup that failed with err may be retried another way. */
static bool
try_next_lookup(VdConnect *conn, GError **err)
{
    if (conn->broken || (*err)->code != VD_ERR_NO_DOMAIN)
        return false;
    g_clear_error(err);
    return true;
}

VdDomainRef *
vd_domain_lookup(VdConnect *conn, const char *name_or_uuid, GError **error)
{
    g_autoptr(GError) local = NULL;
    unsigned char uuid[VD_UUID_LEN];
    VdDomainRef *dom;
    guint64 id;

    if (g_ascii_string_to_unsigned(name_or_uuid, 10, 0, G_MAXINT32, &id,
                                   NULL)) {
        dom = vd_domain_lookup_by_id(conn, (int)id, &local);
        if (dom != NULL || !try_next_lookup(conn, &local))
            goto done;
    }
    if (vd_uuid_parse(name_or_uuid, uuid)) {
        dom = vd_domain_lookup_by_uuid(conn, uuid, &local);
        if (dom != NULL || !try_next_lookup(conn, &local))
            goto done;
    }
    dom = vd_domain_lookup_by_name(conn, name_or_uuid, &local);
done:
    if (dom == NULL)
        g_propagate_error(error, g_steal_pointer(&local));
    return dom;
}

VdDomainRef *
vd_domain_define_xml(VdConnect *conn, const char *xml, GError **error)
{
    g_autoptr(GByteArray) args = g_byte_array_new();

    vd_xdr_put_string(args, xml);
    return vd_remote_call_domain(conn, VD_PROC_DOMAIN_DEFINE_XML, args, error);
}

VdDomainRef *
vd_domain_define_xml_flags(VdConnect *conn, const char *xml,
                           unsigned int flags, GError **error)
{
    g_autoptr(GByteArray) args = g_byte_array_new();

    vd_xdr_put_string(args, xml);
    vd_xdr_put_u32(args, flags);
    return vd_remote_call_domain(conn, VD_PROC_DOMAIN_DEFINE_XML_FLAGS, args,
                                 error);
}

bool
vd_domain_undefine(VdConnect *conn, const VdDomainRef *dom, GError **error)
{
    g_autoptr(GByteArray) args = vd_domain_args(dom);

    return vd_remote_call_void(conn, VD_PROC_DOMAIN_UNDEFINE, args, error);
}

bool
vd_domain_undefine_flags(VdConnect *conn, const VdDomainRef *dom,
                         unsigned int flags, GError **error)
{
    g_autoptr(GByteArray) args = vd_domain_args(dom);

    vd_xdr_put_u32(args, flags);
    return vd_remote_call_void(conn, VD_PROC_DOMAIN_UNDEFINE_FLAGS, args,
                               error);
}

char *
vd_domain_get_xml_desc(VdConnect *conn, const VdDomainRef *dom,
                       unsigned int flags, GError **error)
{
    g_autoptr(GByteArray) args = vd_domain_args(dom);

    vd_xdr_put_u32(args, flags);
    return call_string(conn, VD_PROC_DOMAIN_GET_XML_DESC, args, error);
}

char *
vd_domain_get_os_type(VdConnect *conn, const VdDomainRef *dom, GError **error)
{
    g_autoptr(GByteArray) args = vd_domain_args(dom);

    return call_string(conn, VD_PROC_DOMAIN_GET_OS_TYPE, args, error);
}

bool
vd_domain_get_info(VdConnect *conn, const VdDomainRef *dom,
                   VdDomainInfoRec *info, GError **error)
{
    g_autoptr(GByteArray) args = vd_domain_args(dom);
    g_autoptr(GByteArray) reply = NULL;
    VdXdrReader r;

    reply = vd_remote_call(conn, VD_PROC_DOMAIN_GET_INFO, args, error);
    if (reply == NULL)
        return false;
    vd_xdr_reader_init(&r, reply->data, reply->len);
    /* uchar and ushort travel as 4-byte words (rpcgen). */
    info->state = (unsigned char)vd_xdr_get_u32(&r);
    info->max_mem_kib = vd_xdr_get_u64(&r);
    info->mem_kib = vd_xdr_get_u64(&r);
    info->nr_vcpu = (unsigned short)vd_xdr_get_u32(&r);
    info->cpu_time = vd_xdr_get_u64(&r);
    return vd_transport_reply_done(conn, &r, VD_PROC_DOMAIN_GET_INFO, error);
}

bool
vd_domain_get_state(VdConnect *conn, const VdDomainRef *dom, unsigned int flags,
                    int *state, int *reason, GError **error)
{
    g_autoptr(GByteArray) args = vd_domain_args(dom);
    int32_t v[2];

    vd_xdr_put_u32(args, flags);
    if (!call_ints(conn, VD_PROC_DOMAIN_GET_STATE, args, v, 2, error))
        return false;
    *state = v[0];
    *reason = v[1];
    return true;
}

int
vd_domain_is_active(VdConnect *conn, const VdDomainRef *dom, GError **error)
{
    g_autoptr(GByteArray) args = vd_domain_args(dom);

    return call_bool(conn, VD_PROC_DOMAIN_IS_ACTIVE, args, error);
}

int
vd_domain_is_persistent(VdConnect *conn, const VdDomainRef *dom,
                        GError **error)
{
    g_autoptr(GByteArray) args = vd_domain_args(dom);

    return call_bool(conn, VD_PROC_DOMAIN_IS_PERSISTENT, args, error);
}

int
vd_domain_get_autostart(VdConnect *conn, const VdDomainRef *dom, GError **error)
{
    g_autoptr(GByteArray) args = vd_domain_args(dom);

    return call_bool(conn, VD_PROC_DOMAIN_GET_AUTOSTART, args, error);
}

int
vd_domain_has_managed_save_image(VdConnect *conn, const VdDomainRef *dom,
                                 unsigned int flags, GError **error)
{
    g_autoptr(GByteArray) args = vd_domain_args(dom);

    vd_xdr_put_u32(args, flags);
    return call_bool(conn, VD_PROC_DOMAIN_HAS_MANAGED_SAVE_IMAGE, args, error);
}

int
vd_domain_snapshot_num(VdConnect *conn, const VdDomainRef *dom,
                       unsigned int flags, GError **error)
{
    g_autoptr(GByteArray) args = vd_domain_args(dom);
    int32_t num;

    vd_xdr_put_u32(args, flags);
    if (!call_ints(conn, VD_PROC_DOMAIN_SNAPSHOT_NUM, args, &num, 1, error))
        return -1;
    if (num < 0) {
        vd_transport_fail(conn, error, "vdiskd sent a negative snapshot count");
        return -1;
    }
    return num;
}
