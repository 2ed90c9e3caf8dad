/* RPC dispatch; see dispatch.h. */
#include "config.h"

#include "common/rpc/message.h"
#include "common/rpc/protocol.h"
#include "common/rpc/remote-types.h"
#include "common/util/error.h"
#include "daemon/dispatch.h"

struct VdPendingReply {
    VdClient *client;
    VdRpcHeader call;
};

static const VdProcDef *
find_proc(const VdProcDef *table, int proc)
{
    for (; table->func; table++)
        if (table->proc == proc)
            return table;
    return NULL;
}

/* The remote program's procedures, split by concern over several tables. */
static const VdProcDef *
find_remote_proc(int proc)
{
    const VdProcDef *tables[] = {
        vd_connect_procs, vd_domain_procs, vd_lifecycle_procs, vd_stats_procs,
    };

    for (size_t i = 0; i < G_N_ELEMENTS(tables); i++) {
        const VdProcDef *def = find_proc(tables[i], proc);

        if (def)
            return def;
    }
    return NULL;
}

static void
send_reply(VdClient *client, const VdRpcHeader *call, VdRpcStatus status,
           GByteArray *payload)
{
    VdRpcHeader h = *call;
    GByteArray *msg;

    h.type = VD_RPC_REPLY;
    h.status = status;
    msg = vd_rpc_message_new(&h);
    g_byte_array_append(msg, payload->data, payload->len);
    if (!vd_rpc_message_seal(msg)) {
        g_autoptr(GError) err = g_error_new(VD_ERROR_RPC, VD_ERR_RPC,
                                            "reply of procedure %d too large",
                                            call->proc);
        g_byte_array_unref(msg);
        h.status = VD_RPC_ERROR;
        msg = vd_rpc_message_new(&h);
        vd_remote_error_put_gerror(msg, err);
        vd_rpc_message_seal(msg);
    }
    vd_client_send(client, msg);
}

static void
send_error(VdClient *client, const VdRpcHeader *call, const GError *err)
{
    g_autoptr(GByteArray) payload = g_byte_array_new();

    vd_remote_error_put_gerror(payload, err);
    send_reply(client, call, VD_RPC_ERROR, payload);
}

static void
send_rpc_error(VdClient *client, const VdRpcHeader *call, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

static void
send_rpc_error(VdClient *client, const VdRpcHeader *call, const char *fmt, ...)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    err = g_error_new_literal(VD_ERROR_RPC, VD_ERR_RPC, msg);
    send_error(client, call, err);
}

/* Keepalive: answer PING with PONG; PONG needs nothing. */
static bool
dispatch_keepalive(VdClient *client, const VdRpcHeader *h)
{
    VdRpcHeader pong = {
        VD_KEEPALIVE_PROGRAM, VD_KEEPALIVE_VERSION, VD_KEEPALIVE_PROC_PONG,
        VD_RPC_MESSAGE, 0, VD_RPC_OK
    };
    GByteArray *msg;

    if (h->type != VD_RPC_MESSAGE)
        return false;
    if (h->proc == VD_KEEPALIVE_PROC_PING) {
        msg = vd_rpc_message_new(&pong);
        vd_rpc_message_seal(msg);
        vd_client_send(client, msg);
    }
    return true;
}

static void
dispatch_call(VdClient *client, const VdRpcHeader *h, const VdProcDef *def,
              VdXdrReader *args)
{
    VdCallCtx ctx = { .daemon = client->daemon, .client = client, .call = h };
    g_autoptr(GByteArray) ret = g_byte_array_new();
    g_autoptr(GError) err = NULL;

    if (!client->opened && !(def->flags & VD_PROC_FLAG_BEFORE_OPEN)) {
        err = g_error_new(VD_ERROR_RPC, VD_ERR_INTERNAL_ERROR,
                          "connection not open");
    } else if (client->readonly && (def->flags & VD_PROC_FLAG_MUTATES)) {
        err = g_error_new(VD_ERROR_DOMAIN, VD_ERR_OPERATION_DENIED,
                          "operation forbidden: read only access prevents %s",
                          def->api);
    } else if (def->func(&ctx, args, ret, &err)) {
        /* A handler must have read its arguments whole before acting. */
        g_warn_if_fail(vd_xdr_reader_done(args));
        if (ctx.pending)
            return;
        send_reply(client, h, VD_RPC_OK, ret);
        return;
    }
    g_warn_if_fail(ctx.pending == NULL);
    send_error(client, h, err);
}

bool
vd_dispatch_message(VdClient *client, const guint8 *data, gsize len)
{
    VdXdrReader r;
    VdRpcHeader h;
    const VdProcDef *def = NULL;

    vd_xdr_reader_init(&r, data, len);
    if (!vd_rpc_header_decode(&r, &h))
        return false;

    if (h.prog == VD_KEEPALIVE_PROGRAM && h.vers == VD_KEEPALIVE_VERSION)
        return dispatch_keepalive(client, &h);

    /* Only calls are expected from a client: a reply or a stream has no
     * meaning here and the connection cannot be trusted further. */
    if (h.type != VD_RPC_CALL && h.type != VD_RPC_CALL_WITH_FDS) {
        g_info("client pid %d: unexpected message type %d, closing",
               (int)client->pid, h.type);
        return false;
    }
    if (h.prog == VD_REMOTE_PROGRAM && h.vers == VD_REMOTE_VERSION)
        def = find_remote_proc(h.proc);
    else if (h.prog == VD_VDISK_PROGRAM && h.vers == VD_VDISK_VERSION)
        def = find_proc(vd_vdisk_procs, h.proc);
    else {
        send_rpc_error(client, &h, "Cannot find program %u version %u",
                       h.prog, h.vers);
        return true;
    }

    if (h.type == VD_RPC_CALL_WITH_FDS)
        send_rpc_error(client, &h, "file descriptor passing is not supported");
    else if (h.status != VD_RPC_OK)
        send_rpc_error(client, &h, "call with status %d", h.status);
    else if (!def)
        send_rpc_error(client, &h, "unknown procedure: %d", h.proc);
    else
        dispatch_call(client, &h, def, &r);
    return true;
}

VdPendingReply *
vd_call_defer(VdCallCtx *ctx)
{
    g_assert(ctx->pending == NULL);
    ctx->pending = g_new0(VdPendingReply, 1);
    ctx->pending->client = vd_client_ref(ctx->client);
    ctx->pending->call = *ctx->call;
    return ctx->pending;
}

void
vd_pending_reply_ok(VdPendingReply *p, GByteArray *ret)
{
    g_autoptr(GByteArray) empty = g_byte_array_new();

    send_reply(p->client, &p->call, VD_RPC_OK, ret ? ret : empty);
    vd_client_unref(p->client);
    g_free(p);
}

void
vd_pending_reply_error(VdPendingReply *p, const GError *err)
{
    send_error(p->client, &p->call, err);
    vd_client_unref(p->client);
    g_free(p);
}

gboolean
vd_dispatch_args_end(VdXdrReader *args, GError **error)
{
    if (vd_xdr_reader_done(args))
        return TRUE;
    if (vd_xdr_reader_ok(args))
        g_set_error(error, VD_ERROR_RPC, VD_ERR_RPC,
                    "Unable to decode message payload: %zu trailing bytes",
                    vd_xdr_reader_remaining(args));
    else
        g_set_error_literal(error, VD_ERROR_RPC, VD_ERR_RPC,
                            "Unable to decode message payload");
    return FALSE;
}

gboolean
vd_dispatch_check_flags(unsigned flags, unsigned known, const char *api,
                        GError **error)
{
    if ((flags & ~known) == 0)
        return TRUE;
    g_set_error(error, VD_ERROR_DOMAIN, VD_ERR_INVALID_ARG,
                "unsupported flags (0x%x) in function %s", flags & ~known, api);
    return FALSE;
}
