/*
 * The QED header: every field checked, with an error that names it;
 * sizes that overflow; the images vdisk creates (QEMU's layout, with room
 * for the log); opening them, and what open refuses.
 */
#include "config.h"

#include <string.h>

#include <check.h>

#include "storage/layers/qed-format.h"
#include "tests/common/check-run.h"
#include "tests/storage/qed/qed-image-test.h"
#include "tests/tmpdir.h"

static VdQedHeader
good_header(void)
{
    return (VdQedHeader){
        .magic = VD_QED_MAGIC,
        .cluster_size = 65536,
        .table_size = 4,
        .header_size = 1,
        .l1_table_offset = 65536,
        .image_size = 1ull << 30,
    };
}

#define FILE_SIZE (65536 + 4 * 65536)

static void
expect_bad(const VdQedHeader *h, uint64_t file_size, const char *text)
{
    g_autoptr(GError) err = NULL;
    VdQedGeom g;

    ck_assert_msg(!vd_qed_header_parse(h, file_size, &g, &err),
                  "accepted a header that should say '%s'", text);
    ck_assert_msg(strstr(err->message, text), "'%s' does not say '%s'",
                  err->message, text);
}

START_TEST(test_good_geometry)
{
    VdQedHeader h = good_header();
    g_autoptr(GError) err = NULL;
    VdQedGeom g;

    ck_assert_msg(vd_qed_header_parse(&h, FILE_SIZE, &g, &err), "%s",
                  err ? err->message : "");
    ck_assert_uint_eq(g.cluster_bits, 16);
    ck_assert_uint_eq(g.entries, 32768);
    ck_assert_uint_eq(g.entry_bits, 15);
    ck_assert_uint_eq(g.table_bytes, 4 * 65536);
    ck_assert_uint_eq(g.l1_used, 1);          /* one L2 maps 2 GiB */
    ck_assert_uint_eq(vd_qed_l2_span(&g), 2ull << 30);
    ck_assert_uint_eq(vd_qed_l1_index(&g, (2ull << 30) + 5), 1);
    ck_assert_uint_eq(vd_qed_l2_index(&g, 3 * 65536 + 17), 3);
    ck_assert_uint_eq(vd_qed_in_cluster(&g, 3 * 65536 + 17), 17);
    ck_assert_uint_eq(vd_qed_max_image_size(65536, 4), 64ull << 40);
}
END_TEST

START_TEST(test_bad_fields)
{
    VdQedHeader h;

    h = good_header(); h.magic = 0x12345678;
    expect_bad(&h, FILE_SIZE, "bad magic");
    h = good_header(); h.features = 0x100;
    expect_bad(&h, FILE_SIZE, "unknown incompatible feature bits 0x100");
    h = good_header(); h.cluster_size = 65535;
    expect_bad(&h, FILE_SIZE, "cluster size 65535");
    h = good_header(); h.cluster_size = 2048;
    expect_bad(&h, FILE_SIZE, "cluster size 2048");
    h = good_header(); h.cluster_size = 128u << 20;
    expect_bad(&h, FILE_SIZE, "cluster size");
    h = good_header(); h.table_size = 3;
    expect_bad(&h, FILE_SIZE, "table size 3");
    h = good_header(); h.table_size = 32;
    expect_bad(&h, FILE_SIZE, "table size 32");
    h = good_header(); h.table_size = 0;
    expect_bad(&h, FILE_SIZE, "table size 0");
    h = good_header(); h.header_size = 0;
    expect_bad(&h, FILE_SIZE, "header size of 0 clusters");
    h = good_header(); h.header_size = 0x10000;   /* 4 GiB: over 32 bits */
    expect_bad(&h, FILE_SIZE, "header size of 65536 clusters");
    h = good_header(); h.image_size = 1000;
    expect_bad(&h, FILE_SIZE, "not a multiple of 512");
    h = good_header(); h.image_size = (64ull << 40) + 512;
    expect_bad(&h, FILE_SIZE, "over the");
    h = good_header(); h.l1_table_offset = 65536 + 512;
    expect_bad(&h, FILE_SIZE, "not aligned");
    h = good_header(); h.l1_table_offset = 0;
    expect_bad(&h, FILE_SIZE, "inside the header");
    h = good_header();
    expect_bad(&h, FILE_SIZE - 65536, "past the end of the file");
    h = good_header(); h.l1_table_offset = UINT64_MAX & ~0xffffull;
    expect_bad(&h, FILE_SIZE, "past the end of the file");
    h = good_header(); h.features = VD_QED_F_BACKING_FILE;
    expect_bad(&h, FILE_SIZE, "name is empty");
    h.backing_name_offset = 64; h.backing_name_size = 70000;
    expect_bad(&h, FILE_SIZE, "longer than 4095");
    h.backing_name_offset = 65530; h.backing_name_size = 10;
    expect_bad(&h, FILE_SIZE, "not inside the header clusters");
    h.backing_name_offset = 0xfffffff0u; h.backing_name_size = 0x20;
    expect_bad(&h, FILE_SIZE, "not inside the header clusters");
    h.backing_name_offset = 8; h.backing_name_size = 4;
    expect_bad(&h, FILE_SIZE, "not inside the header clusters");
}
END_TEST

/* Geometries whose tables would be huge, and whose size QEMU wraps. */
START_TEST(test_absurd_sizes)
{
    VdQedHeader h = good_header();

    h.cluster_size = 64u << 20;
    h.table_size = 16;
    expect_bad(&h, FILE_SIZE, "over vdisk's limit");
    /* 2 MiB x 16 wraps QEMU's maximum to 0; ours saturates. */
    ck_assert_uint_eq(vd_qed_max_image_size(2u << 20, 16), UINT64_MAX);
    ck_assert_uint_eq(vd_qed_max_image_size(4096, 1), 1ull << 30);
}
END_TEST

START_TEST(test_encode_roundtrip)
{
    VdQedHeader h = good_header(), back;
    uint8_t buf[64];

    h.features = VD_QED_F_BACKING_FILE | VD_QED_F_BACKING_NO_PROBE;
    h.autoclear_features = VD_QED_AC_DIRTY_LOG;
    h.backing_name_offset = 64;
    h.backing_name_size = 8;
    vd_qed_header_encode(&h, buf);
    ck_assert_mem_eq(buf, "QED\0", 4);
    vd_qed_header_decode(buf, &back);
    ck_assert_mem_eq(&h, &back, sizeof(h));
}
END_TEST

static char *dir;

static void
setup(void)
{
    dir = vd_test_tmpdir_new();
}

static void
teardown(void)
{
    vd_test_tmpdir_remove(dir);
    g_free(dir);
}

/* What qemu-img create makes, and what we make for small clusters. */
START_TEST(test_create_layout)
{
    g_autofree char *a = g_build_filename(dir, "a.qed", NULL);
    g_autofree char *b = g_build_filename(dir, "b.qed", NULL);
    g_autoptr(GError) err = NULL;
    VdQedImage *img;

    vd_test_qed_create(a, &(VdQedCreateOptions){ .size = 1ull << 30 });
    ck_assert_uint_eq(vd_test_file_size(a), 327680);   /* as qemu-img */
    img = vd_test_qed_open(a, 0, &err);
    ck_assert_msg(img, "%s", err ? err->message : "");
    ck_assert_uint_eq(img->hdr.header_size, 1);
    ck_assert_uint_eq(img->g.l1_offset, 65536);
    ck_assert_uint_eq(img->log_offset, 65536 - 8192);
    ck_assert_ptr_null(img->backing_name);
    vd_test_qed_close(img);

    vd_test_qed_create(b, &(VdQedCreateOptions){
        .size = 1ull << 20, .cluster_size = 4096, .table_size = 1,
        .backing_file = "base.raw", .backing_format = "raw" });
    img = vd_test_qed_open(b, 0, &err);
    ck_assert_msg(img, "%s", err ? err->message : "");
    ck_assert_uint_eq(img->hdr.header_size, 3);         /* 12 KiB */
    ck_assert_uint_eq(img->log_offset, 4096);
    ck_assert_str_eq(img->backing_name, "base.raw");
    ck_assert(img->hdr.features & VD_QED_F_BACKING_NO_PROBE);
    vd_test_qed_close(img);
}
END_TEST

START_TEST(test_create_refuses)
{
    g_autoptr(GError) err = NULL;
    VdQedHeader h;

    ck_assert(!vd_qed_create_header(&(VdQedCreateOptions){ .size = 1000 },
                                    &h, &err));
    g_clear_error(&err);
    ck_assert(!vd_qed_create_header(&(VdQedCreateOptions){
        .size = 2ull << 30, .cluster_size = 4096, .table_size = 1 }, &h, &err));
    ck_assert(strstr(err->message, "can map"));
    g_clear_error(&err);
    ck_assert(!vd_qed_create_header(&(VdQedCreateOptions){
        .size = 1 << 20, .cluster_size = 3000 }, &h, &err));
}
END_TEST

/* Open refuses what it cannot use, and says where. */
START_TEST(test_open_refuses)
{
    g_autofree char *a = g_build_filename(dir, "a.qed", NULL);
    g_autoptr(GError) err = NULL;

    /* 4 KiB clusters: a header of 3 clusters that an entry can hit. */
    vd_test_qed_create(a, &(VdQedCreateOptions){ .size = 1 << 20,
                                                 .cluster_size = 4096 });
    vd_test_file_set_u64(a, 3 * 4096 + 8 * 2, 4096);
    ck_assert_ptr_null(vd_test_qed_open(a, 0, &err));
    ck_assert_msg(strstr(err->message, "L1 entry 2") &&
                  strstr(err->message, "into the header"), "%s", err->message);
    g_clear_error(&err);

    /* A misaligned L1 entry, then one past the end. */
    vd_test_qed_create(a, &(VdQedCreateOptions){ .size = 1ull << 30 });
    vd_test_file_set_u64(a, 65536 + 8 * 5, 4096 * 2);
    ck_assert_ptr_null(vd_test_qed_open(a, 0, &err));
    ck_assert_msg(strstr(err->message, "L1 entry 5") &&
                  strstr(err->message, "not aligned"), "%s", err->message);
    g_clear_error(&err);
    vd_test_file_set_u64(a, 65536 + 8 * 5, 1ull << 40);
    ck_assert_ptr_null(vd_test_qed_open(a, 0, &err));
    ck_assert_msg(strstr(err->message, "past the end"), "%s", err->message);
    g_clear_error(&err);
    /* Two L1 entries to one table. */
    vd_test_file_resize(a, 327680 + 4 * 65536);
    vd_test_file_set_u64(a, 65536 + 8 * 5, 327680);
    vd_test_file_set_u64(a, 65536 + 8 * 6, 327680);
    ck_assert_ptr_null(vd_test_qed_open(a, 0, &err));
    ck_assert_msg(strstr(err->message, "overlap"), "%s", err->message);
    g_clear_error(&err);
    /* A file too short for a header. */
    vd_test_file_resize(a, 10);
    ck_assert_ptr_null(vd_test_qed_open(a, 0, &err));
    ck_assert_msg(strstr(err->message, "fewer than a header"), "%s",
                  err->message);
}
END_TEST

/* QEMU's rule: unknown autoclear bits go on a writable open; ours stays. */
START_TEST(test_autoclear)
{
    g_autofree char *a = g_build_filename(dir, "a.qed", NULL);
    g_autoptr(GError) err = NULL;
    VdQedImage *img;

    vd_test_qed_create(a, &(VdQedCreateOptions){ .size = 1ull << 30 });
    vd_test_file_set_u64(a, 32, 0x3 | VD_QED_AC_DIRTY_LOG);
    img = vd_test_qed_open(a, VD_QED_OPEN_READ_ONLY, &err);
    ck_assert_ptr_nonnull(img);
    vd_test_qed_close(img);
    ck_assert_uint_eq(vd_test_file_u64(a, 32), 0x3 | VD_QED_AC_DIRTY_LOG);
    img = vd_test_qed_open(a, 0, &err);
    ck_assert_ptr_nonnull(img);
    vd_test_qed_close(img);
    ck_assert_uint_eq(vd_test_file_u64(a, 32), VD_QED_AC_DIRTY_LOG);
}
END_TEST

static Suite *
qed_header_suite(void)
{
    Suite *s = suite_create("qed-header");
    TCase *tc = tcase_create("header");
    TCase *img = tcase_create("image");

    tcase_add_test(tc, test_good_geometry);
    tcase_add_test(tc, test_bad_fields);
    tcase_add_test(tc, test_absurd_sizes);
    tcase_add_test(tc, test_encode_roundtrip);
    suite_add_tcase(s, tc);
    tcase_add_checked_fixture(img, setup, teardown);
    tcase_add_test(img, test_create_layout);
    tcase_add_test(img, test_create_refuses);
    tcase_add_test(img, test_open_refuses);
    tcase_add_test(img, test_autoclear);
    suite_add_tcase(s, img);
    return s;
}

int
main(void)
{
    return vd_test_run(qed_header_suite());
}
