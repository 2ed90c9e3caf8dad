/*
 * Block statistics and block info: libvirt's DOMAIN_BLOCK_STATS(_FLAGS)
 * and GET_BLOCK_INFO, and vdisk's extended statistics and NBD addresses.
 * Counters are read with atomics from the running disks, without
 * stopping their I/O.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "common/rpc/protocol.h"
#include "common/rpc/remote-types.h"
#include "common/util/error.h"
#include "daemon/call-args.h"
#include "daemon/dispatch.h"
#include "daemon/domain-runtime.h"

static void
add_stats(VdBlockStats *sum, const VdBlockStats *s)
{
    sum->rd_req += s->rd_req;
    sum->rd_bytes += s->rd_bytes;
    sum->wr_req += s->wr_req;
    sum->wr_bytes += s->wr_bytes;
    sum->errs += s->errs;
    sum->flush_operations += s->flush_operations;
    sum->rd_total_times += s->rd_total_times;
    sum->wr_total_times += s->wr_total_times;
    sum->flush_total_times += s->flush_total_times;
}

/* Statistics of the disk named path (target or source), or of every
 * disk for "", as libvirt allows drivers to. */
static gboolean
get_stats(VdDomainObj *obj, const char *path, VdBlockStats *out, GError **error)
{
    VdDisk *disk;

    memset(out, 0, sizeof(*out));
    if (vd_domain_run_disk_count(obj) == 0 && obj->id < 0)
        return vd_domain_run_not_running(obj, error);
    if (*path == '\0') {
        for (guint i = 0; i < vd_domain_run_disk_count(obj); i++) {
            VdRunDiskInfo info;
            VdBlockStats s;

            vd_domain_run_disk_info(obj, i, &info);
            vd_disk_get_stats(info.disk, &s);
            add_stats(out, &s);
        }
        return TRUE;
    }
    disk = vd_domain_run_find_disk(obj, path);
    if (!disk) {
        g_set_error(error, VD_ERROR_DOMAIN, VD_ERR_INVALID_ARG,
                    "invalid argument: invalid path: %s not assigned to "
                    "domain '%s'", path, obj->def->name);
        return FALSE;
    }
    vd_disk_get_stats(disk, out);
    return TRUE;
}

static gboolean
proc_block_stats(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret,
                 GError **error)
{
    VdDomainObj *obj = vd_call_get_domain(ctx, args, error);
    g_autofree char *path = vd_xdr_get_string(args, VD_REMOTE_STRING_MAX);
    VdBlockStats s;

    if (!obj || !vd_dispatch_args_end(args, error) ||
        !get_stats(obj, path, &s, error))
        return FALSE;
    vd_xdr_put_i64(ret, s.rd_req);
    vd_xdr_put_i64(ret, s.rd_bytes);
    vd_xdr_put_i64(ret, s.wr_req);
    vd_xdr_put_i64(ret, s.wr_bytes);
    vd_xdr_put_i64(ret, s.errs);
    return TRUE;
}

static gboolean
proc_block_stats_flags(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret,
                       GError **error)
{
    VdDomainObj *obj = vd_call_get_domain(ctx, args, error);
    g_autofree char *path = vd_xdr_get_string(args, VD_REMOTE_STRING_MAX);
    int nparams = vd_xdr_get_i32(args);
    unsigned flags = vd_xdr_get_u32(args);
    VdBlockStats s;
    const struct { const char *field; const int64_t *value; } params[] = {
        { "rd_operations", &s.rd_req },
        { "rd_bytes", &s.rd_bytes },
        { "rd_total_times", &s.rd_total_times },
        { "wr_operations", &s.wr_req },
        { "wr_bytes", &s.wr_bytes },
        { "wr_total_times", &s.wr_total_times },
        { "flush_operations", &s.flush_operations },
        { "flush_total_times", &s.flush_total_times },
        { "errs", &s.errs },
    };
    guint n;

    if (!obj || !vd_dispatch_args_end(args, error) ||
        !vd_dispatch_check_flags(flags, VD_TYPED_PARAM_STRING_OKAY,
                                 "virDomainBlockStatsFlags", error))
        return FALSE;
    if (nparams < 0 || nparams > (int)VD_REMOTE_TYPED_PARAM_MAX) {
        g_set_error(error, VD_ERROR_RPC, VD_ERR_RPC,
                    "nparams too large: %d", nparams);
        return FALSE;
    }
    if (!get_stats(obj, path, &s, error))
        return FALSE;
    /* The two-step protocol: nparams 0 asks how many there are. */
    n = MIN((guint)nparams, G_N_ELEMENTS(params));
    vd_xdr_put_u32(ret, n);
    for (guint i = 0; i < n; i++) {
        VdTypedParam p = { .field = (char *)params[i].field,
                           .type = VD_TYPED_PARAM_LLONG,
                           .value.l = *params[i].value };

        vd_typed_param_put(ret, &p);
    }
    vd_xdr_put_i32(ret, nparams == 0 ? (int)G_N_ELEMENTS(params) : 0);
    return TRUE;
}

static gboolean
proc_get_block_info(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret,
                    GError **error)
{
    VdDomainObj *obj = vd_call_get_domain(ctx, args, error);
    g_autofree char *path = vd_xdr_get_string(args, VD_REMOTE_STRING_MAX);
    unsigned flags = vd_xdr_get_u32(args);
    VdDiskDef *def;
    VdDisk *disk;
    struct stat st;

    if (!obj || !vd_dispatch_args_end(args, error) ||
        !vd_dispatch_check_flags(flags, 0, "virDomainGetBlockInfo", error))
        return FALSE;
    def = vd_domain_def_find_disk(obj->def, path);
    if (!def || !def->source) {
        g_set_error(error, VD_ERROR_DOMAIN, VD_ERR_INVALID_ARG,
                    "invalid argument: invalid path %s not assigned to "
                    "domain '%s'", path, obj->def->name);
        return FALSE;
    }
    if (stat(def->source, &st) < 0) {
        g_set_error(error, VD_ERROR_STORAGE, VD_ERR_SYSTEM_ERROR,
                    "cannot stat '%s': %s", def->source, g_strerror(errno));
        return FALSE;
    }
    disk = vd_domain_run_find_disk(obj, def->target_dev);
    vd_xdr_put_u64(ret, (guint64)st.st_blocks * 512);             /* allocation */
    vd_xdr_put_u64(ret, disk ? vd_disk_size(disk) : (guint64)st.st_size);
    vd_xdr_put_u64(ret, (guint64)st.st_size);                     /* physical */
    return TRUE;
}

const VdProcDef vd_stats_procs[] = {
    { VD_PROC_DOMAIN_BLOCK_STATS, "virDomainBlockStats", proc_block_stats, 0 },
    { VD_PROC_DOMAIN_BLOCK_STATS_FLAGS, "virDomainBlockStatsFlags",
      proc_block_stats_flags, 0 },
    { VD_PROC_DOMAIN_GET_BLOCK_INFO, "virDomainGetBlockInfo",
      proc_get_block_info, 0 },
    { 0, NULL, NULL, 0 },
};
