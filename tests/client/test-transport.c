/*
 * libvdisk's transport against a scripted peer: keepalive while waiting,
 * remote errors, and the protocol violations that must break a connection.
 *
 * Most cases need no second thread: the peer's messages are written into
 * a socketpair before the call, and what the client sent is read back
 * after it.
 */
#include "config.h"

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <check.h>

#include "client/libvdisk-private.h"
#include "common/rpc/message.h"
#include "common/rpc/remote-types.h"
#include "tests/common/check-run.h"

typedef struct {
    VdConnect conn;
    int peer;
} Pair;

static Pair
pair_new(void)
{
    Pair p = { 0 };
    int sv[2];

    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    p.conn.fd = sv[0];
    p.peer = sv[1];
    return p;
}

static void
pair_close(Pair *p)
{
    close(p->conn.fd);
    if (p->peer >= 0)
        close(p->peer);
}

static void
write_bytes(int fd, const void *data, size_t len)
{
    ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
}

/* Send a message from the peer: header fields and an optional payload. */
static void
peer_send(int fd, uint32_t prog, int32_t proc, int32_t type, uint32_t serial,
          int32_t status, const GByteArray *payload)
{
    VdRpcHeader h = { prog, 1, proc, type, serial, status };
    g_autoptr(GByteArray) msg = vd_rpc_message_new(&h);

    if (payload != NULL)
        g_byte_array_append(msg, payload->data, payload->len);
    ck_assert(vd_rpc_message_seal(msg));
    write_bytes(fd, msg->data, msg->len);
}

static void
peer_reply(int fd, int32_t proc, uint32_t serial, const GByteArray *payload)
{
    peer_send(fd, VD_REMOTE_PROGRAM, proc, VD_RPC_REPLY, serial, VD_RPC_OK,
              payload);
}

/* Read one message the client sent; its payload into *payload if asked. */
static VdRpcHeader
peer_read(int fd, GByteArray **payload)
{
    uint8_t word[4];
    g_autoptr(GByteArray) msg = g_byte_array_new();
    VdXdrReader r;
    VdRpcHeader h;
    uint32_t len;

    ck_assert_int_eq(read(fd, word, 4), 4);
    len = vd_rpc_frame_length(word);
    ck_assert_uint_ge(len, 28);
    g_byte_array_set_size(msg, len - 4);
    ck_assert_int_eq(recv(fd, msg->data, msg->len, MSG_WAITALL),
                     (ssize_t)msg->len);
    vd_xdr_reader_init(&r, msg->data, msg->len);
    ck_assert(vd_rpc_header_decode(&r, &h));
    if (payload != NULL)
        *payload = g_byte_array_append(g_byte_array_new(), msg->data + 24,
                                       msg->len - 24);
    return h;
}

static GByteArray *
int_payload(int32_t v)
{
    GByteArray *b = g_byte_array_new();

    vd_xdr_put_i32(b, v);
    return b;
}

START_TEST(test_ping_answered_while_waiting)
{
    Pair p = pair_new();
    g_autoptr(GByteArray) one = int_payload(1);
    g_autoptr(GError) err = NULL;
    g_autoptr(GByteArray) args = NULL;
    VdRpcHeader h;

    peer_send(p.peer, VD_KEEPALIVE_PROGRAM, VD_KEEPALIVE_PROC_PING,
              VD_RPC_MESSAGE, 0, VD_RPC_OK, NULL);
    peer_reply(p.peer, VD_PROC_CONNECT_SUPPORTS_FEATURE, 0, one);
    ck_assert_int_eq(vd_connect_supports_feature(&p.conn, 10, &err), 1);

    h = peer_read(p.peer, &args);
    ck_assert_int_eq(h.proc, VD_PROC_CONNECT_SUPPORTS_FEATURE);
    ck_assert_int_eq(h.type, VD_RPC_CALL);
    ck_assert_uint_eq(h.serial, 0);
    ck_assert_uint_eq(args->len, 4);
    ck_assert_int_eq(args->data[3], 10);

    h = peer_read(p.peer, NULL);
    ck_assert_uint_eq(h.prog, VD_KEEPALIVE_PROGRAM);
    ck_assert_int_eq(h.proc, VD_KEEPALIVE_PROC_PONG);
    ck_assert_int_eq(h.type, VD_RPC_MESSAGE);
    ck_assert_uint_eq(h.serial, 0);
    pair_close(&p);
}
END_TEST

START_TEST(test_serials_increase)
{
    Pair p = pair_new();
    g_autoptr(GByteArray) zero = int_payload(0);

    peer_reply(p.peer, VD_PROC_CONNECT_SUPPORTS_FEATURE, 0, zero);
    peer_reply(p.peer, VD_PROC_CONNECT_SUPPORTS_FEATURE, 1, zero);
    ck_assert_int_eq(vd_connect_supports_feature(&p.conn, 9, NULL), 0);
    ck_assert_int_eq(vd_connect_supports_feature(&p.conn, 9, NULL), 0);
    ck_assert_uint_eq(peer_read(p.peer, NULL).serial, 0);
    ck_assert_uint_eq(peer_read(p.peer, NULL).serial, 1);
    pair_close(&p);
}
END_TEST

START_TEST(test_remote_error_keeps_numbers)
{
    Pair p = pair_new();
    g_autoptr(GByteArray) payload = g_byte_array_new();
    g_autoptr(GError) err = NULL;
    g_autoptr(VdDomainRef) dom = NULL;

    vd_remote_error_put(payload, VD_ERR_NO_DOMAIN, VD_FROM_QEMU,
                        "Domain not found: no domain with matching name 'x'");
    peer_send(p.peer, VD_REMOTE_PROGRAM, VD_PROC_DOMAIN_LOOKUP_BY_NAME,
              VD_RPC_REPLY, 0, VD_RPC_ERROR, payload);
    dom = vd_domain_lookup_by_name(&p.conn, "x", &err);
    ck_assert_ptr_null(dom);
    ck_assert(g_error_matches(err, vd_error_quark(VD_FROM_QEMU),
                              VD_ERR_NO_DOMAIN));
    ck_assert_str_eq(err->message,
                     "Domain not found: no domain with matching name 'x'");
    ck_assert(!vd_connect_is_broken(&p.conn));
    pair_close(&p);
}
END_TEST

START_TEST(test_unknown_procedure_is_unsupported)
{
    Pair p = pair_new();
    g_autoptr(GByteArray) payload = g_byte_array_new();
    g_autoptr(GError) err = NULL;
    g_autofree char *host = NULL;

    vd_remote_error_put(payload, VD_ERR_RPC, VD_FROM_RPC,
                        "unknown procedure: 59");
    peer_send(p.peer, VD_REMOTE_PROGRAM, VD_PROC_CONNECT_GET_HOSTNAME,
              VD_RPC_REPLY, 0, VD_RPC_ERROR, payload);
    host = vd_connect_get_hostname(&p.conn, &err);
    ck_assert_ptr_null(host);
    ck_assert(vd_error_is_unsupported(err));
    pair_close(&p);
}
END_TEST

/* After a violation, the call fails and so does every later one, without
 * touching the socket. */
static void
assert_broken_after(Pair *p, const char *needle)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GError) again = NULL;

    ck_assert_int_eq(vd_connect_supports_feature(&p->conn, 10, &err), -1);
    ck_assert(g_error_matches(err, VD_ERROR_RPC, VD_ERR_RPC));
    ck_assert_msg(strstr(err->message, needle) != NULL, "%s", err->message);
    ck_assert(vd_connect_is_broken(&p->conn));

    ck_assert_int_eq(vd_connect_supports_feature(&p->conn, 10, &again), -1);
    ck_assert_msg(strstr(again->message, "broken") != NULL, "%s",
                  again->message);
}

START_TEST(test_oversized_reply_breaks)
{
    Pair p = pair_new();
    /* Length of 32 MiB + header + length word + 1: one byte too many. */
    uint32_t len = VD_RPC_MESSAGE_MAX + 4 + 1;
    uint8_t word[4] = { len >> 24, len >> 16, len >> 8, len };

    write_bytes(p.peer, word, sizeof(word));
    assert_broken_after(&p, "invalid length");
    pair_close(&p);
}
END_TEST

/* Writes a whole buffer from another thread, for peers whose messages do
 * not fit in the socket buffer or must wait for the client's calls. */
typedef struct {
    int fd;
    GByteArray *msg;
} Writer;

static gpointer
write_thread(gpointer data)
{
    Writer *w = data;
    size_t off = 0;

    while (off < w->msg->len) {
        ssize_t n = write(w->fd, w->msg->data + off, w->msg->len - off);

        if (n <= 0)
            break;
        off += n;
    }
    return NULL;
}

START_TEST(test_largest_reply_accepted)
{
    Pair p = pair_new();
    VdRpcHeader h = { VD_REMOTE_PROGRAM, 1, VD_PROC_CONNECT_GET_TYPE,
                      VD_RPC_REPLY, 0, VD_RPC_OK };
    g_autoptr(GByteArray) msg = vd_rpc_message_new(&h);
    g_autoptr(GByteArray) reply = NULL;
    g_autoptr(GError) err = NULL;
    Writer w = { p.peer, msg };
    GThread *writer;

    /* Exactly VD_RPC_MESSAGE_MAX bytes after the length word. */
    g_byte_array_set_size(msg, VD_RPC_MESSAGE_MAX + VD_RPC_LEN_SIZE);
    ck_assert(vd_rpc_message_seal(msg));
    writer = g_thread_new("peer", write_thread, &w);
    reply = vd_transport_call(&p.conn, VD_REMOTE_PROGRAM, VD_REMOTE_VERSION,
                              VD_PROC_CONNECT_GET_TYPE, NULL, &err);
    g_thread_join(writer);
    ck_assert_msg(reply != NULL, "%s", err->message);
    ck_assert_uint_eq(reply->len, VD_RPC_MESSAGE_MAX - VD_RPC_HEADER_SIZE);
    ck_assert(!vd_connect_is_broken(&p.conn));
    pair_close(&p);
}
END_TEST

START_TEST(test_mismatched_serial_breaks)
{
    Pair p = pair_new();
    g_autoptr(GByteArray) one = int_payload(1);

    peer_reply(p.peer, VD_PROC_CONNECT_SUPPORTS_FEATURE, 7, one);
    assert_broken_after(&p, "unexpected message");
    pair_close(&p);
}
END_TEST

START_TEST(test_mismatched_procedure_breaks)
{
    Pair p = pair_new();
    g_autoptr(GByteArray) one = int_payload(1);

    peer_reply(p.peer, VD_PROC_CONNECT_GET_TYPE, 0, one);
    assert_broken_after(&p, "unexpected message");
    pair_close(&p);
}
END_TEST

START_TEST(test_trailing_bytes_break)
{
    Pair p = pair_new();
    g_autoptr(GByteArray) payload = int_payload(1);

    vd_xdr_put_i32(payload, 2);
    peer_reply(p.peer, VD_PROC_CONNECT_SUPPORTS_FEATURE, 0, payload);
    assert_broken_after(&p, "malformed reply");
    pair_close(&p);
}
END_TEST

START_TEST(test_short_reply_breaks)
{
    Pair p = pair_new();

    peer_reply(p.peer, VD_PROC_CONNECT_SUPPORTS_FEATURE, 0, NULL);
    assert_broken_after(&p, "malformed reply");
    pair_close(&p);
}
END_TEST

START_TEST(test_hangup_breaks)
{
    Pair p = pair_new();

    close(p.peer);
    p.peer = -1;
    assert_broken_after(&p, "");
    pair_close(&p);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("transport");
    TCase *tc = tcase_create("calls");
    TCase *broken = tcase_create("broken");

    tcase_add_test(tc, test_ping_answered_while_waiting);
    tcase_add_test(tc, test_serials_increase);
    tcase_add_test(tc, test_remote_error_keeps_numbers);
    tcase_add_test(tc, test_unknown_procedure_is_unsupported);
    suite_add_tcase(s, tc);

    tcase_add_test(broken, test_oversized_reply_breaks);
    tcase_add_test(broken, test_largest_reply_accepted);
    tcase_add_test(broken, test_mismatched_serial_breaks);
    tcase_add_test(broken, test_mismatched_procedure_breaks);
    tcase_add_test(broken, test_trailing_bytes_break);
    tcase_add_test(broken, test_short_reply_breaks);
    tcase_add_test(broken, test_hangup_breaks);
    suite_add_tcase(s, broken);
    return vd_test_run(s);
}
