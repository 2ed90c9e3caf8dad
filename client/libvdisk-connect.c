/*
 * Opening and closing a connection, and the calls about the connection
 * itself rather than a domain.
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "client/libvdisk-private.h"

#define REMOTE_AUTH_NONE 0

bool
vd_connect_is_broken(const VdConnect *conn)
{
    return conn->broken;
}

/*
 * AUTH_LIST, first as virsh sends it: vdiskd trusts the peer's uid, so
 * the only schemes we can go on with are none (an empty list too) and an
 * old server that does not know the call.
 */
static bool
check_auth(VdConnect *conn, GError **error)
{
    g_autoptr(GError) local = NULL;
    g_autoptr(GByteArray) reply =
        vd_remote_call(conn, VD_PROC_AUTH_LIST, NULL, &local);
    VdXdrReader r;
    uint32_t n;
    bool none = false;

    if (reply == NULL) {
        if (!conn->broken && vd_error_is_unsupported(local))
            return true;
        g_propagate_error(error, g_steal_pointer(&local));
        return false;
    }
    vd_xdr_reader_init(&r, reply->data, reply->len);
    n = vd_xdr_get_array_len(&r, VD_REMOTE_AUTH_TYPE_LIST_MAX, 4);
    for (uint32_t i = 0; i < n; i++)
        none |= vd_xdr_get_i32(&r) == REMOTE_AUTH_NONE;
    if (!vd_transport_reply_done(conn, &r, VD_PROC_AUTH_LIST, error))
        return false;
    if (n > 0 && !none) {
        g_set_error(error, vd_error_quark(VD_FROM_REMOTE), VD_ERR_AUTH_FAILED,
                    "the daemon requires authentication (SASL or polkit), "
                    "which vdisk does not support");
        return false;
    }
    return true;
}

static bool
open_connection(VdConnect *conn, const char *name, unsigned int flags,
                GError **error)
{
    g_autoptr(GByteArray) args = g_byte_array_new();
    g_autoptr(GByteArray) reply = NULL;

    vd_xdr_put_opt_string(args, name);
    vd_xdr_put_u32(args, flags);
    reply = vd_remote_call(conn, VD_PROC_CONNECT_OPEN, args, error);
    return vd_transport_reply_void(conn, reply, VD_PROC_CONNECT_OPEN, error);
}

VdConnect *
vd_connect(const char *uri, unsigned int flags, GError **error)
{
    VdUriTarget target;
    VdConnect *conn;
    bool ok;

    if ((flags & ~VD_CONNECT_RO) != 0) {
        g_set_error(error, vd_error_quark(VD_FROM_REMOTE), VD_ERR_INVALID_ARG,
                    "unsupported connect flags 0x%x",
                    flags & ~VD_CONNECT_RO);
        return NULL;
    }
    if (!vd_uri_resolve(uri, (flags & VD_CONNECT_RO) != 0, &target, error))
        return NULL;

    conn = g_new0(VdConnect, 1);
    conn->fd = vd_transport_open(target.socket_path, error);
    /* The keepalive answer is asked as virsh asks it, before the open: a
     * daemon that says yes starts pinging, and vd_transport_call answers
     * every PING whatever the answer was, so it needs no keeping. */
    ok = conn->fd >= 0 && check_auth(conn, error) &&
         vd_connect_supports_feature(conn, VD_FEATURE_PROGRAM_KEEPALIVE,
                                     error) >= 0 &&
         open_connection(conn, target.name, flags, error);
    vd_uri_target_clear(&target);
    if (!ok) {
        if (conn->fd >= 0)
            close(conn->fd);
        g_free(conn);
        return NULL;
    }
    return conn;
}

void
vd_connect_close(VdConnect *conn)
{
    if (conn == NULL)
        return;
    /* A failed CONNECT_CLOSE changes nothing for us: the socket is closed
     * right after, and the daemon cleans up on hang-up either way. */
    if (!conn->broken) {
        g_autoptr(GByteArray) reply =
            vd_remote_call(conn, VD_PROC_CONNECT_CLOSE, NULL, NULL);
    }
    close(conn->fd);
    g_free(conn);
}

int
vd_connect_supports_feature(VdConnect *conn, int feature, GError **error)
{
    g_autoptr(GByteArray) args = g_byte_array_new();
    g_autoptr(GByteArray) reply = NULL;
    VdXdrReader r;
    int32_t supported;

    vd_xdr_put_i32(args, feature);
    reply = vd_remote_call(conn, VD_PROC_CONNECT_SUPPORTS_FEATURE, args, error);
    if (reply == NULL)
        return -1;
    vd_xdr_reader_init(&r, reply->data, reply->len);
    supported = vd_xdr_get_i32(&r);
    if (!vd_transport_reply_done(conn, &r, VD_PROC_CONNECT_SUPPORTS_FEATURE,
                                 error))
        return -1;
    return supported != 0;
}

/* A call with no arguments whose reply is one string. */
static char *
call_string(VdConnect *conn, int32_t proc, GError **error)
{
    g_autoptr(GByteArray) reply = vd_remote_call(conn, proc, NULL, error);

    return vd_transport_reply_string(conn, reply, proc, error);
}

/* A call with no arguments whose reply is one unsigned hyper. */
static bool
call_u64(VdConnect *conn, int32_t proc, uint64_t *out, GError **error)
{
    g_autoptr(GByteArray) reply = vd_remote_call(conn, proc, NULL, error);
    VdXdrReader r;

    if (reply == NULL)
        return false;
    vd_xdr_reader_init(&r, reply->data, reply->len);
    *out = vd_xdr_get_u64(&r);
    return vd_transport_reply_done(conn, &r, proc, error);
}

char *
vd_connect_get_type(VdConnect *conn, GError **error)
{
    return call_string(conn, VD_PROC_CONNECT_GET_TYPE, error);
}

bool
vd_connect_get_version(VdConnect *conn, uint64_t *version, GError **error)
{
    return call_u64(conn, VD_PROC_CONNECT_GET_VERSION, version, error);
}

bool
vd_connect_get_lib_version(VdConnect *conn, uint64_t *version, GError **error)
{
    return call_u64(conn, VD_PROC_CONNECT_GET_LIB_VERSION, version, error);
}

char *
vd_connect_get_hostname(VdConnect *conn, GError **error)
{
    return call_string(conn, VD_PROC_CONNECT_GET_HOSTNAME, error);
}

char *
vd_connect_get_uri(VdConnect *conn, GError **error)
{
    return call_string(conn, VD_PROC_CONNECT_GET_URI, error);
}

bool
vd_connect_get_daemon_info(VdConnect *conn, VdDaemonInfo *info, GError **error)
{
    g_autoptr(GByteArray) reply = NULL;
    VdXdrReader r;

    memset(info, 0, sizeof(*info));
    reply = vd_vdisk_call(conn, VD_VPROC_DAEMON_INFO, NULL, error);
    if (reply == NULL)
        return false;
    vd_xdr_reader_init(&r, reply->data, reply->len);
    info->version = vd_xdr_get_string(&r, VD_REMOTE_STRING_MAX);
    info->state_dir = vd_xdr_get_string(&r, VD_REMOTE_STRING_MAX);
    info->pid = vd_xdr_get_i64(&r);
    if (!vd_transport_reply_done(conn, &r, VD_VPROC_DAEMON_INFO, error)) {
        vd_daemon_info_clear(info);
        return false;
    }
    return true;
}

void
vd_daemon_info_clear(VdDaemonInfo *info)
{
    g_clear_pointer(&info->version, g_free);
    g_clear_pointer(&info->state_dir, g_free);
}
