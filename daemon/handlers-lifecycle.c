/*
 * Lifecycle procedures: start, shutdown, destroy, suspend and resume.
 * Stopping and pausing wait for the disks' I/O, so their replies are
 * deferred until the domain has reached its new state; shutdown replies
 * once every acknowledged write is durable and the disks are closed.
 */
#include "config.h"

#include "common/rpc/protocol.h"
#include "common/util/error.h"
#include "daemon/call-args.h"
#include "daemon/dispatch.h"
#include "daemon/domain-runtime.h"

/* How a deferred reply carries the domain (CREATE_WITH_FLAGS returns it). */
typedef struct {
    VdPendingReply *reply;
    bool with_domain;
} Deferred;

static Deferred *
defer(VdCallCtx *ctx, bool with_domain)
{
    Deferred *d = g_new0(Deferred, 1);

    d->reply = vd_call_defer(ctx);
    d->with_domain = with_domain;
    return d;
}

static void
deferred_done(VdDomainObj *obj, const GError *err, gpointer data)
{
    Deferred *d = data;
    g_autoptr(GByteArray) ret = g_byte_array_new();

    if (err) {
        vd_pending_reply_error(d->reply, err);
    } else {
        if (d->with_domain)
            vd_call_put_domain(ret, obj);
        vd_pending_reply_ok(d->reply, ret);
    }
    g_free(d);
}

/* A step that answers through done once the domain got there: on a
 * refusal, the error is the reply at once. */
static gboolean
reply_when_done(gboolean started, Deferred *d, GError **error)
{
    if (started)
        return TRUE;
    vd_pending_reply_error(d->reply, *error);
    g_free(d);
    g_clear_error(error);
    return TRUE;
}

static gboolean
start(VdCallCtx *ctx, VdXdrReader *args, bool with_flags, GByteArray *ret,
      GError **error)
{
    VdDomainObj *obj = vd_call_get_domain(ctx, args, error);
    unsigned flags = with_flags ? vd_xdr_get_u32(args) : 0;

    /* BYPASS_CACHE and FORCE_BOOT concern saved memory, which vdisk has
     * none of: nothing to do for them. */
    if (!obj || !vd_dispatch_args_end(args, error) ||
        !vd_dispatch_check_flags(flags, VD_START_PAUSED | 4u | 8u,
                                 "virDomainCreateWithFlags", error))
        return FALSE;
    if (!vd_domain_run_start(ctx->daemon, obj, error))
        return FALSE;
    if (flags & VD_START_PAUSED) {
        Deferred *d = defer(ctx, with_flags);

        return reply_when_done(vd_domain_run_suspend(ctx->daemon, obj,
                                                     deferred_done, d, error),
                               d, error);
    }
    if (with_flags)
        vd_call_put_domain(ret, obj);
    return TRUE;
}

static gboolean
proc_create(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret, GError **error)
{
    return start(ctx, args, false, ret, error);
}

static gboolean
proc_create_with_flags(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret,
                       GError **error)
{
    return start(ctx, args, true, ret, error);
}

static gboolean
stop(VdCallCtx *ctx, VdXdrReader *args, bool with_flags, VdStopMode mode,
     GError **error)
{
    VdDomainObj *obj = vd_call_get_domain(ctx, args, error);
    unsigned flags = with_flags ? vd_xdr_get_u32(args) : 0;
    /* Destroy's GRACEFUL changes nothing here: destroy never loses an
     * acknowledged durable write either. Shutdown modes are guest agent
     * or ACPI choices vdisk has no guest for: every one means the same. */
    unsigned known = mode == VD_STOP_DESTROY ? VD_DESTROY_GRACEFUL : 0x1fu;
    Deferred *d;

    if (!obj || !vd_dispatch_args_end(args, error) ||
        !vd_dispatch_check_flags(flags, known, mode == VD_STOP_DESTROY
                                 ? "virDomainDestroyFlags"
                                 : "virDomainShutdownFlags", error))
        return FALSE;
    d = defer(ctx, false);
    return reply_when_done(vd_domain_run_stop(ctx->daemon, obj, mode,
                                              deferred_done, d, error),
                           d, error);
}

static gboolean
proc_destroy(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret, GError **error)
{
    return stop(ctx, args, false, VD_STOP_DESTROY, error);
}

static gboolean
proc_destroy_flags(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret,
                   GError **error)
{
    return stop(ctx, args, true, VD_STOP_DESTROY, error);
}

static gboolean
proc_shutdown(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret, GError **error)
{
    return stop(ctx, args, false, VD_STOP_SHUTDOWN, error);
}

static gboolean
proc_shutdown_flags(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret,
                    GError **error)
{
    return stop(ctx, args, true, VD_STOP_SHUTDOWN, error);
}

static gboolean
proc_suspend(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret, GError **error)
{
    VdDomainObj *obj = vd_call_get_domain(ctx, args, error);
    Deferred *d;

    if (!obj || !vd_dispatch_args_end(args, error))
        return FALSE;
    d = defer(ctx, false);
    return reply_when_done(vd_domain_run_suspend(ctx->daemon, obj,
                                                 deferred_done, d, error),
                           d, error);
}

static gboolean
proc_resume(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret, GError **error)
{
    VdDomainObj *obj = vd_call_get_domain(ctx, args, error);

    if (!obj || !vd_dispatch_args_end(args, error))
        return FALSE;
    return vd_domain_run_resume(ctx->daemon, obj, error);
}

const VdProcDef vd_lifecycle_procs[] = {
    { VD_PROC_DOMAIN_CREATE, "virDomainCreate", proc_create,
      VD_PROC_FLAG_MUTATES },
    { VD_PROC_DOMAIN_CREATE_WITH_FLAGS, "virDomainCreateWithFlags",
      proc_create_with_flags, VD_PROC_FLAG_MUTATES },
    { VD_PROC_DOMAIN_DESTROY, "virDomainDestroy", proc_destroy,
      VD_PROC_FLAG_MUTATES },
    { VD_PROC_DOMAIN_DESTROY_FLAGS, "virDomainDestroyFlags",
      proc_destroy_flags, VD_PROC_FLAG_MUTATES },
    { VD_PROC_DOMAIN_SHUTDOWN, "virDomainShutdown", proc_shutdown,
      VD_PROC_FLAG_MUTATES },
    { VD_PROC_DOMAIN_SHUTDOWN_FLAGS, "virDomainShutdownFlags",
      proc_shutdown_flags, VD_PROC_FLAG_MUTATES },
    { VD_PROC_DOMAIN_SUSPEND, "virDomainSuspend", proc_suspend,
      VD_PROC_FLAG_MUTATES },
    { VD_PROC_DOMAIN_RESUME, "virDomainResume", proc_resume,
      VD_PROC_FLAG_MUTATES },
    { 0, NULL, NULL, 0 },
};
