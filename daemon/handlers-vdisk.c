/*
 * vdisk's own program: what libvirt has no procedure for. The daemon's
 * identity, define with the policy's warnings, the policy's decisions
 * (explain) and the migration safety check.
 */
#include "config.h"

#include <unistd.h>

#include "common/rpc/block-kinds.h"
#include "common/rpc/protocol.h"
#include "common/util/error.h"
#include "daemon/call-args.h"
#include "daemon/dispatch.h"
#include "daemon/domain-runtime.h"
#include "daemon/domain-store.h"
#include "drivers/driver.h"

static gboolean
proc_daemon_info(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret,
                 GError **error)
{
    if (!vd_dispatch_args_end(args, error))
        return FALSE;
    vd_xdr_put_string(ret, PACKAGE_VERSION);
    vd_xdr_put_string(ret, vd_state_dir_path(ctx->daemon->state));
    vd_xdr_put_i64(ret, getpid());
    return TRUE;
}

static gboolean
proc_define(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret, GError **error)
{
    g_autofree char *xml = vd_xdr_get_string(args, VD_REMOTE_STRING_MAX);
    unsigned flags = vd_xdr_get_u32(args);
    g_autoptr(GPtrArray) warnings = NULL;
    VdDomainObj *obj;

    if (!vd_dispatch_args_end(args, error) ||
        !vd_dispatch_check_flags(flags, VD_DEFINE_VALIDATE | VD_DEFINE_UNSAFE,
                                 "vdDomainDefine", error))
        return FALSE;
    obj = vd_domain_store_define(ctx->daemon, xml, flags, &warnings, error);
    if (!obj)
        return FALSE;
    vd_call_put_domain(ret, obj);
    vd_xdr_put_u32(ret, MIN(warnings->len, VD_REMOTE_STRING_LIST_MAX));
    for (guint i = 0; i < warnings->len && i < VD_REMOTE_STRING_LIST_MAX; i++)
        vd_xdr_put_string(ret, warnings->pdata[i]);
    return TRUE;
}

static gboolean
proc_explain(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret, GError **error)
{
    VdDomainObj *obj = vd_call_get_domain(ctx, args, error);
    unsigned flags = vd_xdr_get_u32(args);
    g_autoptr(GPtrArray) decisions = NULL;
    g_autoptr(GString) text = NULL;

    if (!obj || !vd_dispatch_args_end(args, error) ||
        !vd_dispatch_check_flags(flags, VD_EXPLAIN_JSON, "vdDomainExplain", error))
        return FALSE;
    decisions = vd_driver_explain(obj->def, error);
    if (!decisions)
        return FALSE;
    text = (flags & VD_EXPLAIN_JSON) ? vd_explain_json(obj->def, decisions)
                                     : vd_explain_text(decisions);
    vd_xdr_put_string(ret, text->str);
    return TRUE;
}

static gboolean
proc_migrate_check(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret,
                   GError **error)
{
    VdDomainObj *obj = vd_call_get_domain(ctx, args, error);

    if (!obj || !vd_dispatch_args_end(args, error))
        return FALSE;
    return vd_driver_migrate_check(obj->def, error);
}

/* The extended statistics go out in VdReqType order, and clients read
 * them in VdBlockKind order: the two must be one list. */
G_STATIC_ASSERT(VD_BLOCK_KIND_COUNT == (int)VD_REQ_N_TYPES);
G_STATIC_ASSERT(VD_BLOCK_KIND_READ == (int)VD_REQ_READ);
G_STATIC_ASSERT(VD_BLOCK_KIND_WRITE == (int)VD_REQ_WRITE);
G_STATIC_ASSERT(VD_BLOCK_KIND_FLUSH == (int)VD_REQ_FLUSH);
G_STATIC_ASSERT(VD_BLOCK_KIND_DISCARD == (int)VD_REQ_DISCARD);
G_STATIC_ASSERT(VD_BLOCK_KIND_WRITE_ZEROES == (int)VD_REQ_WRITE_ZEROES);

static void
put_stats_ext(GByteArray *ret, const char *target, VdDisk *disk)
{
    VdBlockStats s;

    vd_disk_get_stats(disk, &s);
    vd_xdr_put_string(ret, target);
    for (int k = 0; k < VD_REQ_N_TYPES; k++) {
        const VdBlockStatsKind *kind = &s.kind[k];

        vd_xdr_put_u64(ret, kind->ops);
        vd_xdr_put_u64(ret, kind->bytes);
        vd_xdr_put_u64(ret, kind->total_ns);
        vd_xdr_put_u64(ret, kind->errors);
        vd_xdr_put_u64(ret, kind->in_flight);
        vd_xdr_put_u64(ret, kind->p50_ns);
        vd_xdr_put_u64(ret, kind->p99_ns);
        vd_xdr_put_u64(ret, kind->p999_ns);
    }
}

static gboolean
proc_block_stats_ext(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret,
                     GError **error)
{
    VdDomainObj *obj = vd_call_get_domain(ctx, args, error);
    g_autofree char *path = vd_xdr_get_string(args, VD_REMOTE_STRING_MAX);
    guint count;

    if (!obj || !vd_dispatch_args_end(args, error))
        return FALSE;
    count = vd_domain_run_disk_count(obj);
    if (count == 0)
        return vd_domain_run_not_running(obj, error);
    if (*path) {
        VdDisk *disk = vd_domain_run_find_disk(obj, path);
        VdDiskDef *def = vd_domain_def_find_disk(obj->def, path);

        if (!disk || !def) {
            g_set_error(error, VD_ERROR_DOMAIN, VD_ERR_INVALID_ARG,
                        "invalid argument: invalid path: %s not assigned to "
                        "domain '%s'", path, obj->def->name);
            return FALSE;
        }
        vd_xdr_put_u32(ret, 1);
        put_stats_ext(ret, def->target_dev, disk);
        return TRUE;
    }
    vd_xdr_put_u32(ret, count);
    for (guint i = 0; i < count; i++) {
        VdRunDiskInfo info;

        vd_domain_run_disk_info(obj, i, &info);
        put_stats_ext(ret, info.target, info.disk);
    }
    return TRUE;
}

static gboolean
proc_nbd_uris(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret,
              GError **error)
{
    VdDomainObj *obj = vd_call_get_domain(ctx, args, error);
    guint count;

    if (!obj || !vd_dispatch_args_end(args, error))
        return FALSE;
    count = vd_domain_run_disk_count(obj);
    vd_xdr_put_u32(ret, count);
    for (guint i = 0; i < count; i++) {
        VdRunDiskInfo info;
        g_autofree char *uri = NULL;

        vd_domain_run_disk_info(obj, i, &info);
        /* The export name is the target; the socket path goes in the
         * query, as libnbd and QEMU spell NBD over unix sockets. */
        uri = g_strdup_printf("nbd+unix:///%s?socket=%s", info.target,
                              info.socket_path);
        vd_xdr_put_string(ret, info.target);
        vd_xdr_put_string(ret, uri);
    }
    return TRUE;
}

const VdProcDef vd_vdisk_procs[] = {
    { VD_VPROC_DAEMON_INFO, "vdDaemonInfo", proc_daemon_info, 0 },
    { VD_VPROC_DOMAIN_DEFINE, "vdDomainDefine", proc_define,
      VD_PROC_FLAG_MUTATES },
    { VD_VPROC_DOMAIN_EXPLAIN, "vdDomainExplain", proc_explain, 0 },
    { VD_VPROC_DOMAIN_MIGRATE_CHECK, "vdDomainMigrateCheck",
      proc_migrate_check, 0 },
    { VD_VPROC_DOMAIN_BLOCK_STATS_EXT, "vdDomainBlockStatsExt",
      proc_block_stats_ext, 0 },
    { VD_VPROC_DOMAIN_NBD_URIS, "vdDomainNbdUris", proc_nbd_uris, 0 },
    { 0, NULL, NULL, 0 },
};
