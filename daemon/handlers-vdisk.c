/*
 * vdisk's own program: what libvirt has no procedure for. The daemon's
 * identity, define with the policy's warnings, the policy's decisions
 * (explain) and the migration safety check.
 */
#include "config.h"

#include <unistd.h>

#include "common/rpc/protocol.h"
#include "common/util/error.h"
#include "daemon/call-args.h"
#include "daemon/dispatch.h"
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

const VdProcDef vd_vdisk_procs[] = {
    { VD_VPROC_DAEMON_INFO, "vdDaemonInfo", proc_daemon_info, 0 },
    { VD_VPROC_DOMAIN_DEFINE, "vdDomainDefine", proc_define,
      VD_PROC_FLAG_MUTATES },
    { VD_VPROC_DOMAIN_EXPLAIN, "vdDomainExplain", proc_explain, 0 },
    { VD_VPROC_DOMAIN_MIGRATE_CHECK, "vdDomainMigrateCheck",
      proc_migrate_check, 0 },
    { 0, NULL, NULL, 0 },
};
