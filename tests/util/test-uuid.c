/* UUID text: both forms libvirt reads, what is refused, generated UUIDs. */
#include "config.h"

#include <string.h>
#include <check.h>
#include <glib.h>

#include "common/util/uuid.h"
#include "tests/common/check-run.h"

static const unsigned char known[VD_UUID_LEN] = {
    0x0d, 0x6c, 0x8a, 0x53, 0x5f, 0x5a, 0x4c, 0x4b,
    0x9c, 0x3e, 0x2b, 0x1f, 0x0e, 0x7a, 0x9d, 0x11,
};

START_TEST(test_uuid_forms)
{
    unsigned char uuid[VD_UUID_LEN];
    char str[VD_UUID_STRING_LEN];

    ck_assert(vd_uuid_parse("0d6c8a53-5f5a-4c4b-9c3e-2b1f0e7a9d11", uuid));
    ck_assert_mem_eq(uuid, known, VD_UUID_LEN);
    memset(uuid, 0, sizeof(uuid));
    ck_assert(vd_uuid_parse("0D6C8A535F5A4C4B9C3E2B1F0E7A9D11", uuid));
    ck_assert_mem_eq(uuid, known, VD_UUID_LEN);
    vd_uuid_format(uuid, str);
    ck_assert_str_eq(str, "0d6c8a53-5f5a-4c4b-9c3e-2b1f0e7a9d11");
}
END_TEST

START_TEST(test_uuid_refused)
{
    static const char *const bad[] = {
        "",
        "0d6c8a53-5f5a-4c4b-9c3e-2b1f0e7a9d1",     /* one digit short */
        "0d6c8a53-5f5a-4c4b-9c3e-2b1f0e7a9d111",   /* one digit long */
        "0d6c8a535-f5a-4c4b-9c3e-2b1f0e7a9d11",    /* hyphen moved */
        "0d6c8a53-5f5a-4c4b-9c3e+2b1f0e7a9d11",    /* not a hyphen */
        "0d6c8a53-5f5a-4c4b-9c3e-2b1f0e7a9d1g",    /* not hex */
        "0d6c8a535f5a4c4b9c3e2b1f0e7a9d1",         /* 31 digits */
        "0d6c8a535f5a4c4b9c3e2b1f0e7a9d11a",       /* 33 digits */
        " 0d6c8a535f5a4c4b9c3e2b1f0e7a9d1",        /* blank inside */
    };
    unsigned char uuid[VD_UUID_LEN];

    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++)
        ck_assert_msg(!vd_uuid_parse(bad[i], uuid), "accepted '%s'", bad[i]);
}
END_TEST

START_TEST(test_uuid_generate)
{
    unsigned char a[VD_UUID_LEN];
    unsigned char b[VD_UUID_LEN];

    vd_uuid_generate(a);
    vd_uuid_generate(b);
    ck_assert_int_eq(a[6] >> 4, 4);
    ck_assert_int_eq(a[8] >> 6, 2);
    ck_assert_int_eq(b[6] >> 4, 4);
    ck_assert_int_eq(b[8] >> 6, 2);
    ck_assert(memcmp(a, b, VD_UUID_LEN) != 0);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("uuid");
    TCase *tc = tcase_create("uuid");

    tcase_add_test(tc, test_uuid_forms);
    tcase_add_test(tc, test_uuid_refused);
    tcase_add_test(tc, test_uuid_generate);
    suite_add_tcase(s, tc);
    return vd_test_run(s);
}
