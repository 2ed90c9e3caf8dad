/*
 * The NBD codec against byte vectors written by hand from the spec
 * (doc/proto.md), field by field, so that a swapped field or a wrong
 * width shows up as a byte difference.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "storage/export/nbd-proto.h"
#include "tests/common/check-run.h"

/* Hex digits with spaces and '|' between fields, for readability. */
static size_t
from_hex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0;

    for (const char *p = hex; *p; ) {
        if (*p == ' ' || *p == '|') {
            p++;
            continue;
        }
        unsigned v;
        ck_assert(sscanf(p, "%2x", &v) == 1);
        ck_assert_uint_lt(n, cap);
        out[n++] = (uint8_t)v;
        p += 2;
    }
    return n;
}

static void
assert_bytes(const uint8_t *got, size_t got_len, const char *hex)
{
    uint8_t want[256];
    size_t n = from_hex(hex, want, sizeof(want));

    ck_assert_uint_eq(got_len, n);
    ck_assert_mem_eq(got, want, n);
}

START_TEST(test_greeting)
{
    uint8_t out[VD_NBD_GREETING_LEN];
    size_t n = vd_nbd_encode_greeting(out, VD_NBD_FLAG_FIXED_NEWSTYLE |
                                           VD_NBD_FLAG_NO_ZEROES);

    /* "NBDMAGIC" "IHAVEOPT" then the u16 handshake flags. */
    assert_bytes(out, n, "4e42444d41474943 | 49484156454f5054 | 0003");
}
END_TEST

START_TEST(test_client_flags)
{
    const uint8_t in[] = { 0, 0, 0, 3 };

    ck_assert_uint_eq(vd_nbd_decode_client_flags(in),
                      VD_NBD_FLAG_C_FIXED_NEWSTYLE | VD_NBD_FLAG_C_NO_ZEROES);
}
END_TEST

START_TEST(test_option_header)
{
    uint8_t in[VD_NBD_OPTION_HEADER_LEN];
    VdNbdOptionHeader h;

    /* IHAVEOPT, NBD_OPT_GO (7), length 0x0106. */
    from_hex("49484156454f5054 | 00000007 | 00000106", in, sizeof(in));
    ck_assert_int_eq(vd_nbd_decode_option_header(in, &h), 0);
    ck_assert_uint_eq(h.option, VD_NBD_OPT_GO);
    ck_assert_uint_eq(h.length, 0x106);

    in[0] = 0x4f; /* not IHAVEOPT */
    ck_assert_int_eq(vd_nbd_decode_option_header(in, &h), -EPROTO);
}
END_TEST

START_TEST(test_option_reply)
{
    uint8_t out[VD_NBD_OPTION_REPLY_HEADER_LEN];
    size_t n;

    n = vd_nbd_encode_option_reply(out, VD_NBD_OPT_STRUCTURED_REPLY, VD_NBD_REP_ACK, 0);
    assert_bytes(out, n, "0003e889045565a9 | 00000008 | 00000001 | 00000000");

    /* An unknown option 0x42 gets NBD_REP_ERR_UNSUP, 2^31 + 1. */
    n = vd_nbd_encode_option_reply(out, 0x42, VD_NBD_REP_ERR_UNSUP, 0);
    assert_bytes(out, n, "0003e889045565a9 | 00000042 | 80000001 | 00000000");

    n = vd_nbd_encode_option_reply(out, VD_NBD_OPT_INFO, VD_NBD_REP_INFO, 12);
    assert_bytes(out, n, "0003e889045565a9 | 00000006 | 00000003 | 0000000c");
}
END_TEST

START_TEST(test_reply_error_values)
{
    ck_assert_uint_eq(VD_NBD_REP_ERR_POLICY, 0x80000002u);
    ck_assert_uint_eq(VD_NBD_REP_ERR_INVALID, 0x80000003u);
    ck_assert_uint_eq(VD_NBD_REP_ERR_UNKNOWN, 0x80000006u);
    ck_assert_uint_eq(VD_NBD_REP_ERR_SHUTDOWN, 0x80000007u);
    ck_assert_uint_eq(VD_NBD_REP_ERR_TOO_BIG, 0x80000009u);
}
END_TEST

START_TEST(test_export_name_reply)
{
    uint8_t out[VD_NBD_EXPORT_NAME_REPLY_MAX];
    size_t n;

    memset(out, 0xff, sizeof(out));
    /* 1 GiB, HAS_FLAGS | SEND_FLUSH | SEND_FUA. */
    n = vd_nbd_encode_export_name_reply(out, 1u << 30, 0x000d, true);
    assert_bytes(out, n, "0000000040000000 | 000d");

    n = vd_nbd_encode_export_name_reply(out, 1u << 30, 0x000d, false);
    ck_assert_uint_eq(n, 134);
    assert_bytes(out, 10, "0000000040000000 | 000d");
    for (size_t i = 10; i < n; i++)
        ck_assert_uint_eq(out[i], 0);
}
END_TEST

START_TEST(test_info_request)
{
    uint8_t in[64];
    VdNbdInfoRequest r;
    /* name "disk0" (5), two requests: NBD_INFO_NAME, NBD_INFO_BLOCK_SIZE */
    size_t n = from_hex("00000005 | 6469736b30 | 0002 | 0001 0003", in, sizeof(in));

    ck_assert_int_eq(vd_nbd_parse_info_request(in, n, &r), 0);
    ck_assert_uint_eq(r.name_len, 5);
    ck_assert_mem_eq(r.name, "disk0", 5);
    ck_assert_uint_eq(r.n_requests, 2);
    ck_assert_uint_eq(vd_nbd_info_request_type(&r, 0), VD_NBD_INFO_NAME);
    ck_assert_uint_eq(vd_nbd_info_request_type(&r, 1), VD_NBD_INFO_BLOCK_SIZE);
}
END_TEST

START_TEST(test_info_request_empty_name)
{
    uint8_t in[16];
    VdNbdInfoRequest r;
    size_t n = from_hex("00000000 | 0000", in, sizeof(in));

    ck_assert_int_eq(vd_nbd_parse_info_request(in, n, &r), 0);
    ck_assert_uint_eq(r.name_len, 0);
    ck_assert_uint_eq(r.n_requests, 0);
}
END_TEST

START_TEST(test_info_request_invalid)
{
    uint8_t in[64];
    VdNbdInfoRequest r;
    size_t n;

    /* Shorter than the fixed 6 bytes. */
    n = from_hex("00000000 | 00", in, sizeof(in));
    ck_assert_int_eq(vd_nbd_parse_info_request(in, n, &r), -EINVAL);
    /* Name length past the data (the spec: at most length - 6). */
    n = from_hex("00000006 | 6469736b30 | 0000", in, sizeof(in));
    ck_assert_int_eq(vd_nbd_parse_info_request(in, n, &r), -EINVAL);
    /* A name length near 2^32 must not wrap the bounds check. */
    n = from_hex("fffffffe | 0000", in, sizeof(in));
    ck_assert_int_eq(vd_nbd_parse_info_request(in, n, &r), -EINVAL);
    /* Count says 2 items, one present. */
    n = from_hex("00000001 | 61 | 0002 | 0001", in, sizeof(in));
    ck_assert_int_eq(vd_nbd_parse_info_request(in, n, &r), -EINVAL);
    /* A stray byte after the items. */
    n = from_hex("00000001 | 61 | 0001 | 0001 | 00", in, sizeof(in));
    ck_assert_int_eq(vd_nbd_parse_info_request(in, n, &r), -EINVAL);
}
END_TEST

START_TEST(test_info_items)
{
    uint8_t out[VD_NBD_INFO_BLOCK_SIZE_LEN];
    size_t n;

    n = vd_nbd_encode_info_export(out, UINT64_C(0x123456789a), 0x0143);
    assert_bytes(out, n, "0000 | 000000123456789a | 0143");
    n = vd_nbd_encode_info_block_size(out, 1, 4096, 32u << 20);
    assert_bytes(out, n, "0003 | 00000001 | 00001000 | 02000000");
    n = vd_nbd_encode_info_string_type(out, VD_NBD_INFO_NAME);
    assert_bytes(out, n, "0001");
    n = vd_nbd_encode_rep_server_name_len(out, 5);
    assert_bytes(out, n, "00000005");
}
END_TEST

START_TEST(test_request)
{
    uint8_t in[VD_NBD_REQUEST_LEN];
    VdNbdRequest r;

    /* WRITE with FUA, cookie, offset 1 MiB, length 64 KiB. */
    from_hex("25609513 | 0001 | 0001 | 0102030405060708 | 0000000000100000 | 00010000",
             in, sizeof(in));
    ck_assert_int_eq(vd_nbd_decode_request(in, &r), 0);
    ck_assert_uint_eq(r.flags, VD_NBD_CMD_FLAG_FUA);
    ck_assert_uint_eq(r.type, VD_NBD_CMD_WRITE);
    ck_assert_uint_eq(r.cookie, UINT64_C(0x0102030405060708));
    ck_assert_uint_eq(r.offset, 1u << 20);
    ck_assert_uint_eq(r.length, 1u << 16);

    /* WRITE_ZEROES with NO_HOLE at the top of the 64-bit range. */
    from_hex("25609513 | 0002 | 0006 | ffffffffffffffff | fffffffffffffe00 | ffffffff",
             in, sizeof(in));
    ck_assert_int_eq(vd_nbd_decode_request(in, &r), 0);
    ck_assert_uint_eq(r.flags, VD_NBD_CMD_FLAG_NO_HOLE);
    ck_assert_uint_eq(r.type, VD_NBD_CMD_WRITE_ZEROES);
    ck_assert_uint_eq(r.cookie, UINT64_MAX);
    ck_assert_uint_eq(r.offset, UINT64_C(0xfffffffffffffe00));
    ck_assert_uint_eq(r.length, UINT32_MAX);

    /* The old reply magic in a request is a protocol error. */
    from_hex("67446698", in, 4);
    ck_assert_int_eq(vd_nbd_decode_request(in, &r), -EPROTO);
}
END_TEST

START_TEST(test_simple_reply)
{
    uint8_t out[VD_NBD_SIMPLE_REPLY_LEN];
    size_t n;

    n = vd_nbd_encode_simple_reply(out, 0, UINT64_C(0xdeadbeefcafe0001));
    assert_bytes(out, n, "67446698 | 00000000 | deadbeefcafe0001");
    n = vd_nbd_encode_simple_reply(out, VD_NBD_ENOSPC, 7);
    assert_bytes(out, n, "67446698 | 0000001c | 0000000000000007");
}
END_TEST

START_TEST(test_structured_chunks)
{
    uint8_t out[VD_NBD_OFFSET_DATA_HEADER_LEN];
    size_t n;

    /* NBD_REPLY_TYPE_NONE with DONE. */
    n = vd_nbd_encode_chunk_header(out, VD_NBD_REPLY_FLAG_DONE, VD_NBD_REPLY_TYPE_NONE,
                                   9, 0);
    assert_bytes(out, n, "668e33ef | 0001 | 0000 | 0000000000000009 | 00000000");

    /* OFFSET_DATA of 4096 bytes at 8192: payload length 8 + 4096. */
    n = vd_nbd_encode_offset_data(out, VD_NBD_REPLY_FLAG_DONE, 10, 8192, 4096);
    assert_bytes(out, n, "668e33ef | 0001 | 0001 | 000000000000000a | 00001008"
                         " | 0000000000002000");

    /* ERROR (2^15 + 1), EIO, empty message: payload 4 + 2 bytes. */
    n = vd_nbd_encode_error_chunk(out, VD_NBD_REPLY_FLAG_DONE, 11, VD_NBD_EIO);
    assert_bytes(out, n, "668e33ef | 0001 | 8001 | 000000000000000b | 00000006"
                         " | 00000005 | 0000");
}
END_TEST

START_TEST(test_errno_mapping)
{
    ck_assert_uint_eq(vd_nbd_error_from_errno(0), 0);
    ck_assert_uint_eq(vd_nbd_error_from_errno(-EPERM), VD_NBD_EPERM);
    ck_assert_uint_eq(vd_nbd_error_from_errno(-EROFS), VD_NBD_EPERM);
    ck_assert_uint_eq(vd_nbd_error_from_errno(-EIO), VD_NBD_EIO);
    ck_assert_uint_eq(vd_nbd_error_from_errno(-ENOSPC), VD_NBD_ENOSPC);
    ck_assert_uint_eq(vd_nbd_error_from_errno(-EDQUOT), VD_NBD_ENOSPC);
    ck_assert_uint_eq(vd_nbd_error_from_errno(-EFBIG), VD_NBD_ENOSPC);
    ck_assert_uint_eq(vd_nbd_error_from_errno(-EINVAL), VD_NBD_EINVAL);
    ck_assert_uint_eq(vd_nbd_error_from_errno(-ENOTSUP), VD_NBD_EINVAL);
    ck_assert_uint_eq(vd_nbd_error_from_errno(-EOVERFLOW), VD_NBD_EINVAL);
    ck_assert_uint_eq(vd_nbd_error_from_errno(-ESHUTDOWN), VD_NBD_ESHUTDOWN);
    ck_assert_uint_eq(vd_nbd_error_from_errno(-EBADF), VD_NBD_EIO);
    ck_assert_uint_eq(vd_nbd_error_from_errno(-ENODEV), VD_NBD_EIO);
}
END_TEST

START_TEST(test_names)
{
    ck_assert_str_eq(vd_nbd_option_name(VD_NBD_OPT_GO), "GO");
    ck_assert_str_eq(vd_nbd_option_name(0x42), "unknown");
    ck_assert_str_eq(vd_nbd_command_name(VD_NBD_CMD_WRITE_ZEROES), "WRITE_ZEROES");
    ck_assert_str_eq(vd_nbd_command_name(99), "unknown");
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("nbd-proto");
    TCase *tc = tcase_create("codec");

    tcase_add_test(tc, test_greeting);
    tcase_add_test(tc, test_client_flags);
    tcase_add_test(tc, test_option_header);
    tcase_add_test(tc, test_option_reply);
    tcase_add_test(tc, test_reply_error_values);
    tcase_add_test(tc, test_export_name_reply);
    tcase_add_test(tc, test_info_request);
    tcase_add_test(tc, test_info_request_empty_name);
    tcase_add_test(tc, test_info_request_invalid);
    tcase_add_test(tc, test_info_items);
    tcase_add_test(tc, test_request);
    tcase_add_test(tc, test_simple_reply);
    tcase_add_test(tc, test_structured_chunks);
    tcase_add_test(tc, test_errno_mapping);
    tcase_add_test(tc, test_names);
    suite_add_tcase(s, tc);
    return vd_test_run(s);
}
