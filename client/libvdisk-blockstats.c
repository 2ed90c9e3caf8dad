/*
 * Block device calls: libvirt's block statistics and block info, and
 * vdisk's extended statistics and NBD addresses of running disks. Field
 * order as in section 3.2 of the protocol reference and, for vdisk's own
 * calls, common/rpc/protocol.h.
 */
#include "config.h"

#include <string.h>

#include "client/libvdisk-private.h"

/* Smallest typed parameter on the wire: empty name, type, an int. */
#define TYPED_PARAM_MIN_SIZE 12
/* Smallest disk of the vdisk replies: an empty target, and the rest. */
#define DISK_STATS_MIN_SIZE (4 + VD_BLOCK_KIND_COUNT * 8 * 8)
#define NBD_URI_MIN_SIZE (4 + 4)
/* Neither reply has a limit of its own: the reply's size bounds them. */
#define DISK_LIST_MAX VD_REMOTE_DOMAIN_LIST_MAX

/* The arguments of the calls that name a disk: the domain and path. */
static GByteArray *
disk_args(const VdDomainRef *dom, const char *path)
{
    GByteArray *args = vd_domain_args(dom);

    vd_xdr_put_string(args, path != NULL ? path : "");
    return args;
}

bool
vd_domain_block_stats(VdConnect *conn, const VdDomainRef *dom,
                      const char *path, VdBlockStatsRec *stats,
                      GError **error)
{
    g_autoptr(GByteArray) args = disk_args(dom, path);
    g_autoptr(GByteArray) reply = NULL;
    VdXdrReader r;

    reply = vd_remote_call(conn, VD_PROC_DOMAIN_BLOCK_STATS, args, error);
    if (reply == NULL)
        return false;
    vd_xdr_reader_init(&r, reply->data, reply->len);
    stats->rd_req = vd_xdr_get_i64(&r);
    stats->rd_bytes = vd_xdr_get_i64(&r);
    stats->wr_req = vd_xdr_get_i64(&r);
    stats->wr_bytes = vd_xdr_get_i64(&r);
    stats->errs = vd_xdr_get_i64(&r);
    return vd_transport_reply_done(conn, &r, VD_PROC_DOMAIN_BLOCK_STATS,
                                   error);
}

void
vd_block_stat_params_free(VdBlockStatParam *params, size_t nparams)
{
    for (size_t i = 0; i < nparams; i++)
        g_free(params[i].field);
    g_free(params);
}

/* An integer parameter as a counter; false for any other type. */
static bool
param_value(const VdTypedParam *p, int64_t *value)
{
    switch (p->type) {
    case VD_TYPED_PARAM_INT:
        *value = p->value.i;
        return true;
    case VD_TYPED_PARAM_UINT:
        *value = p->value.ui;
        return true;
    case VD_TYPED_PARAM_LLONG:
        *value = p->value.l;
        return true;
    case VD_TYPED_PARAM_ULLONG:
        *value = (int64_t)MIN(p->value.ul, (uint64_t)G_MAXINT64);
        return true;
    default:
        return false;
    }
}

/*
 * One step of BLOCK_STATS_FLAGS: ask for up to asked counters; the
 * counters go to list, and *count gets how many the daemon has (its
 * answer to asked == 0).
 */
static bool
block_stats_step(VdConnect *conn, const VdDomainRef *dom, const char *path,
                 unsigned int flags, int32_t asked, GArray *list,
                 int32_t *count, GError **error)
{
    g_autoptr(GByteArray) args = disk_args(dom, path);
    g_autoptr(GByteArray) reply = NULL;
    const int32_t proc = VD_PROC_DOMAIN_BLOCK_STATS_FLAGS;
    VdXdrReader r;
    uint32_t n;

    vd_xdr_put_i32(args, asked);
    vd_xdr_put_u32(args, flags);
    reply = vd_remote_call(conn, proc, args, error);
    if (reply == NULL)
        return false;
    vd_xdr_reader_init(&r, reply->data, reply->len);
    n = vd_xdr_get_array_len(&r, VD_REMOTE_TYPED_PARAM_MAX,
                             TYPED_PARAM_MIN_SIZE);
    for (uint32_t i = 0; i < n && vd_xdr_reader_ok(&r); i++) {
        VdTypedParam p;
        VdBlockStatParam stat;

        vd_typed_param_get(&r, &p);
        if (vd_xdr_reader_ok(&r) && param_value(&p, &stat.value)) {
            stat.field = g_steal_pointer(&p.field);
            g_array_append_val(list, stat);
        }
        vd_typed_param_clear(&p);
    }
    *count = vd_xdr_get_i32(&r);
    if (!vd_transport_reply_done(conn, &r, proc, error))
        return false;
    /* libvirt's client refuses more than it asked for, and so do we: the
     * caller sized nothing for them, and the daemon broke the protocol. */
    if (n > (uint32_t)asked) {
        vd_transport_fail(conn, error, "vdiskd sent %u block statistics "
                          "when %d were asked for", n, asked);
        return false;
    }
    return true;
}

static void
clear_param(gpointer p)
{
    g_free(((VdBlockStatParam *)p)->field);
}

bool
vd_domain_block_stats_flags(VdConnect *conn, const VdDomainRef *dom,
                            const char *path, unsigned int flags,
                            VdBlockStatParam **params, size_t *nparams,
                            GError **error)
{
    g_autoptr(GArray) list = g_array_new(FALSE, TRUE, sizeof(VdBlockStatParam));
    int32_t count = 0;
    int32_t ignored;

    *params = NULL;
    *nparams = 0;
    /* Frees the names of a failed call; a kept array is not cleared. */
    g_array_set_clear_func(list, clear_param);
    /* First how many there are, then those: libvirt's two steps. */
    if (!block_stats_step(conn, dom, path, flags, 0, list, &count, error))
        return false;
    if (count > 0 &&
        !block_stats_step(conn, dom, path, flags,
                          MIN(count, (int32_t)VD_REMOTE_TYPED_PARAM_MAX),
                          list, &ignored, error))
        return false;
    if (list->len == 0)
        return true;
    *nparams = list->len;
    *params = (VdBlockStatParam *)(void *)g_array_free(g_steal_pointer(&list),
                                                       FALSE);
    return true;
}

bool
vd_domain_get_block_info(VdConnect *conn, const VdDomainRef *dom,
                         const char *path, unsigned int flags,
                         VdBlockInfo *info, GError **error)
{
    g_autoptr(GByteArray) args = disk_args(dom, path);
    g_autoptr(GByteArray) reply = NULL;
    VdXdrReader r;

    vd_xdr_put_u32(args, flags);
    reply = vd_remote_call(conn, VD_PROC_DOMAIN_GET_BLOCK_INFO, args, error);
    if (reply == NULL)
        return false;
    vd_xdr_reader_init(&r, reply->data, reply->len);
    info->allocation = vd_xdr_get_u64(&r);
    info->capacity = vd_xdr_get_u64(&r);
    info->physical = vd_xdr_get_u64(&r);
    return vd_transport_reply_done(conn, &r, VD_PROC_DOMAIN_GET_BLOCK_INFO,
                                   error);
}

void
vd_disk_stats_array_free(VdDiskStats *disks, size_t ndisks)
{
    for (size_t i = 0; i < ndisks; i++)
        g_free(disks[i].target);
    g_free(disks);
}

static void
get_kind_stats(VdXdrReader *r, VdBlockKindStats *k)
{
    k->ops = vd_xdr_get_u64(r);
    k->bytes = vd_xdr_get_u64(r);
    k->total_ns = vd_xdr_get_u64(r);
    k->errors = vd_xdr_get_u64(r);
    k->in_flight = vd_xdr_get_u64(r);
    k->p50_ns = vd_xdr_get_u64(r);
    k->p99_ns = vd_xdr_get_u64(r);
    k->p999_ns = vd_xdr_get_u64(r);
}

bool
vd_domain_block_stats_ext(VdConnect *conn, const VdDomainRef *dom,
                          const char *path, VdDiskStats **disks,
                          size_t *ndisks, GError **error)
{
    g_autoptr(GByteArray) args = disk_args(dom, path);
    g_autoptr(GByteArray) reply = NULL;
    const int32_t proc = VD_VPROC_DOMAIN_BLOCK_STATS_EXT;
    VdDiskStats *list;
    VdXdrReader r;
    uint32_t n;

    *disks = NULL;
    *ndisks = 0;
    reply = vd_vdisk_call(conn, proc, args, error);
    if (reply == NULL)
        return false;
    vd_xdr_reader_init(&r, reply->data, reply->len);
    n = vd_xdr_get_array_len(&r, DISK_LIST_MAX, DISK_STATS_MIN_SIZE);
    list = g_new0(VdDiskStats, n > 0 ? n : 1);
    for (uint32_t i = 0; i < n; i++) {
        list[i].target = vd_xdr_get_string(&r, VD_REMOTE_STRING_MAX);
        for (int k = 0; k < VD_BLOCK_KIND_COUNT; k++)
            get_kind_stats(&r, &list[i].kind[k]);
    }
    if (!vd_transport_reply_done(conn, &r, proc, error)) {
        vd_disk_stats_array_free(list, n);
        return false;
    }
    if (n == 0) {
        g_free(list);
        return true;
    }
    *disks = list;
    *ndisks = n;
    return true;
}

void
vd_nbd_uri_array_free(VdNbdUri *uris, size_t nuris)
{
    for (size_t i = 0; i < nuris; i++) {
        g_free(uris[i].target);
        g_free(uris[i].uri);
    }
    g_free(uris);
}

bool
vd_domain_get_nbd_uris(VdConnect *conn, const VdDomainRef *dom,
                       VdNbdUri **uris, size_t *nuris, GError **error)
{
    g_autoptr(GByteArray) args = vd_domain_args(dom);
    g_autoptr(GByteArray) reply = NULL;
    const int32_t proc = VD_VPROC_DOMAIN_NBD_URIS;
    VdNbdUri *list;
    VdXdrReader r;
    uint32_t n;

    *uris = NULL;
    *nuris = 0;
    reply = vd_vdisk_call(conn, proc, args, error);
    if (reply == NULL)
        return false;
    vd_xdr_reader_init(&r, reply->data, reply->len);
    n = vd_xdr_get_array_len(&r, DISK_LIST_MAX, NBD_URI_MIN_SIZE);
    list = g_new0(VdNbdUri, n > 0 ? n : 1);
    for (uint32_t i = 0; i < n; i++) {
        list[i].target = vd_xdr_get_string(&r, VD_REMOTE_STRING_MAX);
        list[i].uri = vd_xdr_get_string(&r, VD_REMOTE_STRING_MAX);
    }
    if (!vd_transport_reply_done(conn, &r, proc, error)) {
        vd_nbd_uri_array_free(list, n);
        return false;
    }
    if (n == 0) {
        g_free(list);
        return true;
    }
    *uris = list;
    *nuris = n;
    return true;
}
