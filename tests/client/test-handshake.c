/*
 * vd_connect() against a scripted daemon on a real socket: the calls and
 * serials of virsh's handshake, the name and flags of CONNECT_OPEN, and
 * the refusals.
 */
#include "config.h"

#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <check.h>

#include "client/libvdisk-private.h"
#include "common/rpc/message.h"
#include "tests/common/check-run.h"

/* A daemon on a real socket for the handshake: it records the calls it
 * gets and answers each; it stops after CONNECT_CLOSE or a hang-up. */
typedef struct {
    int listen_fd;
    int32_t auth_type;          /* the one scheme AUTH_LIST offers */
    GArray *procs;              /* of int32_t, in arrival order */
    GArray *serials;            /* of uint32_t */
    char *open_name;
    uint32_t open_flags;
} Daemon;

/* One message, without assertions: this runs off the test's thread. */
static GByteArray *
daemon_read(int fd, VdRpcHeader *h)
{
    uint8_t word[4];
    GByteArray *msg;
    VdXdrReader r;
    uint32_t len;

    if (recv(fd, word, 4, MSG_WAITALL) != 4 ||
        (len = vd_rpc_frame_length(word)) == 0)
        return NULL;
    msg = g_byte_array_sized_new(len - 4);
    g_byte_array_set_size(msg, len - 4);
    if (recv(fd, msg->data, msg->len, MSG_WAITALL) != (ssize_t)msg->len) {
        g_byte_array_unref(msg);
        return NULL;
    }
    vd_xdr_reader_init(&r, msg->data, msg->len);
    vd_rpc_header_decode(&r, h);
    g_byte_array_remove_range(msg, 0, 24);
    return msg;
}

static gpointer
daemon_thread(gpointer data)
{
    Daemon *d = data;
    int fd = accept(d->listen_fd, NULL, NULL);
    VdRpcHeader h;
    GByteArray *args;

    while (fd >= 0 && (args = daemon_read(fd, &h)) != NULL) {
        g_autoptr(GByteArray) ret = g_byte_array_new();
        VdXdrReader r;

        g_array_append_val(d->procs, h.proc);
        g_array_append_val(d->serials, h.serial);
        vd_xdr_reader_init(&r, args->data, args->len);
        if (h.proc == VD_PROC_AUTH_LIST) {
            vd_xdr_put_u32(ret, 1);
            vd_xdr_put_i32(ret, d->auth_type);
        } else if (h.proc == VD_PROC_CONNECT_SUPPORTS_FEATURE) {
            vd_xdr_put_i32(ret, 1);
        } else if (h.proc == VD_PROC_CONNECT_OPEN) {
            d->open_name = vd_xdr_get_opt_string(&r, 1024);
            d->open_flags = vd_xdr_get_u32(&r);
        }
        g_byte_array_unref(args);
        h.type = VD_RPC_REPLY;
        {
            g_autoptr(GByteArray) msg = vd_rpc_message_new(&h);

            g_byte_array_append(msg, ret->data, ret->len);
            vd_rpc_message_seal(msg);
            if (write(fd, msg->data, msg->len) != (ssize_t)msg->len)
                break;
        }
        if (h.proc == VD_PROC_CONNECT_CLOSE)
            break;
    }
    if (fd >= 0)
        close(fd);
    return NULL;
}

/* Listen in a fresh directory; *uri receives the URI that reaches it. */
static void
daemon_start(Daemon *d, char **dir, char **uri)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    g_autofree char *path = NULL;

    *dir = g_dir_make_tmp("vdisk-client-XXXXXX", NULL);
    ck_assert_ptr_nonnull(*dir);
    path = g_build_filename(*dir, "sock", NULL);
    g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
    d->listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
    ck_assert_int_eq(bind(d->listen_fd, (struct sockaddr *)&addr,
                          sizeof(addr)), 0);
    ck_assert_int_eq(listen(d->listen_fd, 1), 0);
    d->procs = g_array_new(FALSE, FALSE, sizeof(int32_t));
    d->serials = g_array_new(FALSE, FALSE, sizeof(uint32_t));
    *uri = g_strdup_printf("vdisk+unix:///system?socket=%s", path);
}

static void
daemon_stop(Daemon *d, char *dir)
{
    g_autofree char *path = g_build_filename(dir, "sock", NULL);

    close(d->listen_fd);
    unlink(path);
    rmdir(dir);
    g_free(dir);
    g_array_unref(d->procs);
    g_array_unref(d->serials);
    g_free(d->open_name);
}

START_TEST(test_handshake_as_virsh)
{
    Daemon d = { .auth_type = 0 };
    g_autoptr(GError) err = NULL;
    g_autofree char *uri = NULL;
    static const int32_t want[] = {
        VD_PROC_AUTH_LIST, VD_PROC_CONNECT_SUPPORTS_FEATURE,
        VD_PROC_CONNECT_OPEN, VD_PROC_CONNECT_CLOSE,
    };
    VdConnect *conn;
    GThread *t;
    char *dir;

    daemon_start(&d, &dir, &uri);
    t = g_thread_new("daemon", daemon_thread, &d);
    conn = vd_connect(uri, VD_CONNECT_RO, &err);
    ck_assert_msg(conn != NULL, "%s", err ? err->message : "");
    vd_connect_close(conn);
    g_thread_join(t);

    ck_assert_uint_eq(d.procs->len, G_N_ELEMENTS(want));
    for (guint i = 0; i < d.procs->len; i++) {
        ck_assert_int_eq(g_array_index(d.procs, int32_t, i), want[i]);
        ck_assert_uint_eq(g_array_index(d.serials, uint32_t, i), i);
    }
    ck_assert_str_eq(d.open_name, "vdisk:///system");
    ck_assert_uint_eq(d.open_flags, VD_CONNECT_RO);
    daemon_stop(&d, dir);
}
END_TEST

START_TEST(test_handshake_refuses_sasl)
{
    Daemon d = { .auth_type = 1 };
    g_autoptr(GError) err = NULL;
    g_autofree char *uri = NULL;
    VdConnect *conn;
    GThread *t;
    char *dir;

    daemon_start(&d, &dir, &uri);
    t = g_thread_new("daemon", daemon_thread, &d);
    conn = vd_connect(uri, 0, &err);
    g_thread_join(t);
    ck_assert_ptr_null(conn);
    ck_assert(g_error_matches(err, vd_error_quark(VD_FROM_REMOTE),
                              VD_ERR_AUTH_FAILED));
    ck_assert_uint_eq(d.procs->len, 1);
    daemon_stop(&d, dir);
}
END_TEST

START_TEST(test_no_daemon)
{
    g_autoptr(GError) err = NULL;
    VdConnect *conn;

    conn = vd_connect("vdisk+unix:///system?socket=/nonexistent/sock", 0, &err);
    ck_assert_ptr_null(conn);
    ck_assert(g_error_matches(err, VD_ERROR_RPC, VD_ERR_SYSTEM_ERROR));
    ck_assert_msg(strstr(err->message, "/nonexistent/sock") != NULL, "%s",
                  err->message);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("handshake");
    TCase *tc = tcase_create("connect");

    tcase_add_test(tc, test_handshake_as_virsh);
    tcase_add_test(tc, test_handshake_refuses_sasl);
    tcase_add_test(tc, test_no_daemon);
    suite_add_tcase(s, tc);
    return vd_test_run(s);
}
