/* Framing and shared structures against bytes observed from libvirt. */
#include "config.h"

#include <string.h>

#include "common/rpc/message.h"
#include "common/rpc/protocol.h"
#include "common/rpc/remote-types.h"
#include "common/util/error.h"
#include "tests/common/check-run.h"

static GByteArray *
from_hex(const char *hex)
{
    GByteArray *b = g_byte_array_new();

    for (const char *p = hex; *p; ) {
        if (*p == ' ' || *p == '|') {
            p++;
            continue;
        }
        guint8 v = (g_ascii_xdigit_value(p[0]) << 4) | g_ascii_xdigit_value(p[1]);
        g_byte_array_append(b, &v, 1);
        p += 2;
    }
    return b;
}

static void
assert_message(GByteArray *msg, const char *hex)
{
    g_autoptr(GByteArray) want = from_hex(hex);

    ck_assert_uint_eq(msg->len, want->len);
    ck_assert_mem_eq(msg->data, want->data, want->len);
}

START_TEST(test_auth_list_call_bytes)
{
    VdRpcHeader h = { VD_REMOTE_PROGRAM, 1, VD_PROC_AUTH_LIST, VD_RPC_CALL, 0, 0 };
    g_autoptr(GByteArray) msg = vd_rpc_message_new(&h);

    ck_assert(vd_rpc_message_seal(msg));
    assert_message(msg, "0000001c 20008086 00000001 00000042 00000000 00000000 00000000");
}
END_TEST

START_TEST(test_auth_list_reply_bytes)
{
    VdRpcHeader h = { VD_REMOTE_PROGRAM, 1, VD_PROC_AUTH_LIST, VD_RPC_REPLY, 0, VD_RPC_OK };
    g_autoptr(GByteArray) msg = vd_rpc_message_new(&h);

    vd_xdr_put_u32(msg, 1);
    vd_xdr_put_u32(msg, 0);
    ck_assert(vd_rpc_message_seal(msg));
    assert_message(msg, "00000024 20008086 00000001 00000042 00000001 00000000 00000000"
                        " | 00000001 00000000");
}
END_TEST

START_TEST(test_connect_open_call_decodes)
{
    g_autoptr(GByteArray) msg = from_hex(
        "00000038 20008086 00000001 00000001 00000000 00000002 00000000"
        " | 00000001 0000000f 71656d75 3a2f2f2f 73657373 696f6e00 | 00000000");
    VdRpcHeader h;
    VdXdrReader r;
    g_autofree char *name = NULL;

    ck_assert_uint_eq(vd_rpc_frame_length(msg->data), msg->len);
    vd_xdr_reader_init(&r, msg->data + 4, msg->len - 4);
    ck_assert(vd_rpc_header_decode(&r, &h));
    ck_assert_uint_eq(h.prog, VD_REMOTE_PROGRAM);
    ck_assert_int_eq(h.proc, VD_PROC_CONNECT_OPEN);
    ck_assert_uint_eq(h.serial, 2);
    name = vd_xdr_get_opt_string(&r, VD_REMOTE_STRING_MAX);
    ck_assert_str_eq(name, "qemu:///session");
    ck_assert_uint_eq(vd_xdr_get_u32(&r), 0);
    ck_assert(vd_xdr_reader_done(&r));
}
END_TEST

START_TEST(test_keepalive_ping_bytes)
{
    VdRpcHeader h = { VD_KEEPALIVE_PROGRAM, 1, VD_KEEPALIVE_PROC_PING, VD_RPC_MESSAGE, 0, 0 };
    g_autoptr(GByteArray) msg = vd_rpc_message_new(&h);

    ck_assert(vd_rpc_message_seal(msg));
    assert_message(msg, "0000001c 6b656570 00000001 00000001 00000002 00000000 00000000");
}
END_TEST

START_TEST(test_frame_length_limits)
{
    const uint8_t under[4] = { 0, 0, 0, 27 };
    const uint8_t least[4] = { 0, 0, 0, 28 };
    const uint8_t most[4] = { 0x02, 0, 0, 0x04 };   /* 32 MiB + 4 */
    const uint8_t over[4] = { 0x02, 0, 0, 0x05 };
    const uint8_t huge[4] = { 0xff, 0xff, 0xff, 0xff };

    ck_assert_uint_eq(vd_rpc_frame_length(under), 0);
    ck_assert_uint_eq(vd_rpc_frame_length(least), 28);
    ck_assert_uint_eq(vd_rpc_frame_length(most), VD_RPC_MESSAGE_MAX + 4);
    ck_assert_uint_eq(vd_rpc_frame_length(over), 0);
    ck_assert_uint_eq(vd_rpc_frame_length(huge), 0);
}
END_TEST

START_TEST(test_lookup_reply_domain)
{
    unsigned char uuid[16];
    g_autoptr(GByteArray) w = g_byte_array_new();
    g_autoptr(GByteArray) want = NULL;
    VdRemoteDomain dom = { 0 };
    VdXdrReader r;

    for (int i = 0; i < 16; i++)
        uuid[i] = i;
    vd_remote_domain_put(w, "vm1", uuid, -1);
    want = from_hex("00000003 766d3100 00010203 04050607 08090a0b 0c0d0e0f ffffffff");
    ck_assert_mem_eq(w->data, want->data, want->len);

    vd_xdr_reader_init(&r, w->data, w->len);
    vd_remote_domain_get(&r, &dom);
    ck_assert(vd_xdr_reader_done(&r));
    ck_assert_str_eq(dom.name, "vm1");
    ck_assert_int_eq(dom.id, -1);
    vd_remote_domain_clear(&dom);
}
END_TEST

START_TEST(test_error_roundtrip)
{
    g_autoptr(GError) err = g_error_new(VD_ERROR_DOMAIN, VD_ERR_NO_DOMAIN,
                                        "Domain not found: x");
    g_autoptr(GByteArray) w = g_byte_array_new();
    VdRemoteError e;
    VdXdrReader r;

    vd_remote_error_put_gerror(w, err);
    vd_xdr_reader_init(&r, w->data, w->len);
    vd_remote_error_get(&r, &e);
    ck_assert(vd_xdr_reader_done(&r));
    ck_assert_int_eq(e.code, 42);
    ck_assert_int_eq(e.domain, 20);
    ck_assert_int_eq(e.level, 2);
    ck_assert_str_eq(e.message, "Domain not found: x");
    ck_assert_int_eq(e.int1, -1);
    vd_remote_error_clear(&e);
}
END_TEST

START_TEST(test_typed_params_roundtrip)
{
    VdTypedParam in[] = {
        { .field = "rd_bytes", .type = VD_TYPED_PARAM_LLONG, .value.l = 4096 },
        { .field = "name", .type = VD_TYPED_PARAM_STRING, .value.s = "vda" },
        { .field = "ok", .type = VD_TYPED_PARAM_BOOLEAN, .value.b = true },
    };
    g_autoptr(GByteArray) w = g_byte_array_new();
    VdXdrReader r;

    for (size_t i = 0; i < G_N_ELEMENTS(in); i++)
        vd_typed_param_put(w, &in[i]);
    vd_xdr_reader_init(&r, w->data, w->len);
    for (size_t i = 0; i < G_N_ELEMENTS(in); i++) {
        VdTypedParam p;

        vd_typed_param_get(&r, &p);
        ck_assert(vd_xdr_reader_ok(&r));
        ck_assert_str_eq(p.field, in[i].field);
        ck_assert_int_eq(p.type, in[i].type);
        if (p.type == VD_TYPED_PARAM_STRING)
            ck_assert_str_eq(p.value.s, "vda");
        vd_typed_param_clear(&p);
    }
    ck_assert(vd_xdr_reader_done(&r));
}
END_TEST

START_TEST(test_typed_param_unknown_type_fails)
{
    g_autoptr(GByteArray) w = g_byte_array_new();
    VdTypedParam p;
    VdXdrReader r;

    vd_xdr_put_string(w, "x");
    vd_xdr_put_i32(w, 99);
    vd_xdr_reader_init(&r, w->data, w->len);
    vd_typed_param_get(&r, &p);
    ck_assert(!vd_xdr_reader_ok(&r));
    vd_typed_param_clear(&p);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("message");
    TCase *tc = tcase_create("framing");

    tcase_add_test(tc, test_auth_list_call_bytes);
    tcase_add_test(tc, test_auth_list_reply_bytes);
    tcase_add_test(tc, test_connect_open_call_decodes);
    tcase_add_test(tc, test_keepalive_ping_bytes);
    tcase_add_test(tc, test_frame_length_limits);
    tcase_add_test(tc, test_lookup_reply_domain);
    tcase_add_test(tc, test_error_roundtrip);
    tcase_add_test(tc, test_typed_params_roundtrip);
    tcase_add_test(tc, test_typed_param_unknown_type_fails);
    suite_add_tcase(s, tc);
    return vd_test_run(s);
}
