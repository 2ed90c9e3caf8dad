/*
 * The socket under a connection: one call at a time, framed as libvirt
 * frames it, with the daemon's keepalive PINGs answered while we wait.
 *
 * Since only one call is ever outstanding, the only REPLY that may arrive
 * is the one to that call: anything else means the two sides disagree on
 * the stream, which cannot be repaired, so the connection is marked
 * broken instead of guessing.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "client/libvdisk-private.h"
#include "common/rpc/message.h"
#include "common/rpc/remote-types.h"

void
vd_transport_fail(VdConnect *conn, GError **error, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    conn->broken = true;
    g_set_error_literal(error, VD_ERROR_RPC, VD_ERR_RPC, msg);
}

int
vd_transport_open(const char *path, GError **error)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof(addr.sun_path)) {
        g_set_error(error, VD_ERROR_RPC, VD_ERR_SYSTEM_ERROR,
                    "socket path '%s' is too long for a unix socket", path);
        return -1;
    }
    strcpy(addr.sun_path, path);

    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        g_set_error(error, VD_ERROR_RPC, VD_ERR_SYSTEM_ERROR,
                    "cannot create a socket: %s", g_strerror(errno));
        return -1;
    }
    while (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        int e = errno;

        if (e == EINTR)
            continue;
        close(fd);
        g_set_error(error, VD_ERROR_RPC, VD_ERR_SYSTEM_ERROR,
                    "cannot connect to '%s': %s%s", path, g_strerror(e),
                    e == ENOENT || e == ECONNREFUSED ?
                        " (is vdiskd running?)" : "");
        return -1;
    }
    return fd;
}

static bool
write_all(VdConnect *conn, const uint8_t *data, size_t len, GError **error)
{
    while (len > 0) {
        /* MSG_NOSIGNAL: a daemon that went away must be an error here,
         * not a SIGPIPE that kills the caller. */
        ssize_t n = send(conn->fd, data, len, MSG_NOSIGNAL);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            vd_transport_fail(conn, error, "cannot send to vdiskd: %s",
                              g_strerror(errno));
            return false;
        }
        data += n;
        len -= n;
    }
    return true;
}

static bool
read_all(VdConnect *conn, uint8_t *data, size_t len, GError **error)
{
    while (len > 0) {
        ssize_t n = read(conn->fd, data, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            vd_transport_fail(conn, error, "cannot receive from vdiskd: %s",
                              g_strerror(errno));
            return false;
        }
        if (n == 0) {
            vd_transport_fail(conn, error, "vdiskd closed the connection");
            return false;
        }
        data += n;
        len -= n;
    }
    return true;
}

/* The next whole message, without its length word. */
static GByteArray *
read_message(VdConnect *conn, GError **error)
{
    uint8_t word[VD_RPC_LEN_SIZE];
    g_autoptr(GByteArray) msg = NULL;
    uint32_t len;

    if (!read_all(conn, word, sizeof(word), error))
        return NULL;
    /* Checked before allocating: a peer must not make us buffer more than
     * libvirt's limit, and past a bad length the stream is lost. */
    len = vd_rpc_frame_length(word);
    if (len == 0) {
        vd_transport_fail(conn, error,
                          "vdiskd sent a message of invalid length (over "
                          "%u bytes or under a header)", VD_RPC_MESSAGE_MAX);
        return NULL;
    }
    msg = g_byte_array_sized_new(len - VD_RPC_LEN_SIZE);
    g_byte_array_set_size(msg, len - VD_RPC_LEN_SIZE);
    if (!read_all(conn, msg->data, msg->len, error))
        return NULL;
    return g_steal_pointer(&msg);
}

static bool
send_message(VdConnect *conn, const VdRpcHeader *hdr, const GByteArray *payload,
             GError **error)
{
    g_autoptr(GByteArray) msg = vd_rpc_message_new(hdr);

    if (payload != NULL)
        g_byte_array_append(msg, payload->data, payload->len);
    if (!vd_rpc_message_seal(msg)) {
        /* Not a broken stream: nothing was sent. */
        g_set_error(error, vd_error_quark(VD_FROM_REMOTE), VD_ERR_INVALID_ARG,
                    "call of %u bytes is over the %u byte message limit",
                    msg->len, VD_RPC_MESSAGE_MAX);
        return false;
    }
    return write_all(conn, msg->data, msg->len, error);
}

static bool
send_pong(VdConnect *conn, GError **error)
{
    VdRpcHeader pong = {
        .prog = VD_KEEPALIVE_PROGRAM, .vers = VD_KEEPALIVE_VERSION,
        .proc = VD_KEEPALIVE_PROC_PONG, .type = VD_RPC_MESSAGE,
        .serial = 0, .status = VD_RPC_OK,
    };

    return send_message(conn, &pong, NULL, error);
}

/* The daemon's remote_error, as a GError with its numbers unchanged. */
static void
set_remote_error(VdConnect *conn, VdXdrReader *r, int32_t proc, GError **error)
{
    VdRemoteError e;

    vd_remote_error_get(r, &e);
    if (!vd_xdr_reader_done(r)) {
        vd_transport_fail(conn, error,
                          "malformed error reply from vdiskd to procedure %d",
                          proc);
    } else {
        g_set_error_literal(error, vd_error_quark(e.domain), e.code,
                            e.message != NULL ? e.message : "unknown error");
    }
    vd_remote_error_clear(&e);
}

GByteArray *
vd_transport_call(VdConnect *conn, uint32_t prog, uint32_t vers, int32_t proc,
                  const GByteArray *args, GError **error)
{
    VdRpcHeader call = {
        .prog = prog, .vers = vers, .proc = proc, .type = VD_RPC_CALL,
        .serial = conn->next_serial, .status = VD_RPC_OK,
    };

    if (conn->broken) {
        g_set_error(error, VD_ERROR_RPC, VD_ERR_RPC,
                    "the connection to vdiskd is broken");
        return NULL;
    }
    if (!send_message(conn, &call, args, error))
        return NULL;
    conn->next_serial++;

    for (;;) {
        g_autoptr(GByteArray) msg = read_message(conn, error);
        VdXdrReader r;
        VdRpcHeader h;

        if (msg == NULL)
            return NULL;
        vd_xdr_reader_init(&r, msg->data, msg->len);
        if (!vd_rpc_header_decode(&r, &h)) {
            vd_transport_fail(conn, error, "truncated message from vdiskd");
            return NULL;
        }

        if (h.type == VD_RPC_MESSAGE) {
            /* Keepalive, or an event we never asked for: neither is the
             * reply, keep waiting. */
            if (h.prog == VD_KEEPALIVE_PROGRAM &&
                h.proc == VD_KEEPALIVE_PROC_PING && !send_pong(conn, error))
                return NULL;
            continue;
        }
        if (h.type != VD_RPC_REPLY || h.prog != prog || h.vers != vers ||
            h.proc != proc || h.serial != call.serial) {
            vd_transport_fail(conn, error,
                              "unexpected message from vdiskd (program 0x%x "
                              "procedure %d type %d serial %u) while waiting "
                              "for the reply to procedure %d serial %u",
                              h.prog, h.proc, h.type, h.serial, proc,
                              call.serial);
            return NULL;
        }
        if (h.status == VD_RPC_ERROR) {
            set_remote_error(conn, &r, proc, error);
            return NULL;
        }
        if (h.status != VD_RPC_OK) {
            vd_transport_fail(conn, error,
                              "reply to procedure %d has status %d", proc,
                              h.status);
            return NULL;
        }
        g_byte_array_remove_range(msg, 0, VD_RPC_HEADER_SIZE);
        return g_steal_pointer(&msg);
    }
}

bool
vd_transport_reply_done(VdConnect *conn, const VdXdrReader *r, int32_t proc,
                        GError **error)
{
    if (vd_xdr_reader_done(r))
        return true;
    vd_transport_fail(conn, error, "malformed reply from vdiskd to procedure %d",
                      proc);
    return false;
}

bool
vd_transport_reply_void(VdConnect *conn, const GByteArray *reply, int32_t proc,
                        GError **error)
{
    VdXdrReader r;

    if (reply == NULL)
        return false;
    vd_xdr_reader_init(&r, reply->data, reply->len);
    return vd_transport_reply_done(conn, &r, proc, error);
}

char *
vd_transport_reply_string(VdConnect *conn, const GByteArray *reply,
                          int32_t proc, GError **error)
{
    g_autofree char *s = NULL;
    VdXdrReader r;

    if (reply == NULL)
        return NULL;
    vd_xdr_reader_init(&r, reply->data, reply->len);
    s = vd_xdr_get_string(&r, VD_REMOTE_STRING_MAX);
    if (!vd_transport_reply_done(conn, &r, proc, error))
        return NULL;
    return g_steal_pointer(&s);
}

GByteArray *
vd_remote_call(VdConnect *conn, int32_t proc, const GByteArray *args,
               GError **error)
{
    return vd_transport_call(conn, VD_REMOTE_PROGRAM, VD_REMOTE_VERSION, proc,
                             args, error);
}

GByteArray *
vd_vdisk_call(VdConnect *conn, int32_t proc, const GByteArray *args,
              GError **error)
{
    return vd_transport_call(conn, VD_VDISK_PROGRAM, VD_VDISK_VERSION, proc,
                             args, error);
}
