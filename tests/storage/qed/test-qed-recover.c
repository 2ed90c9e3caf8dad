/*
 * Recovery of images that were not closed cleanly. A copy of the image
 * taken while the disk is open is what a crash of the process leaves
 * (everything handed to the kernel, nothing after): it must open through
 * the dirty table log, reading only the tables the log names, and show
 * every write that was flushed. When the log cannot be trusted (QEMU
 * cleared its bit, its slots are torn) the full check does it instead.
 * What a crash cannot leave (a cluster mapped twice, a mapping into the
 * L1 table) makes open fail until a repair.
 */
#include "config.h"

#include <string.h>

#include <check.h>

#include "storage/layers/qed-format.h"
#include "storage/layers/qed-log.h"
#include "tests/common/check-run.h"
#include "tests/storage/qed/qed-image-test.h"
#include "tests/storage/storage-test.h"

#define MiB (1ull << 20)
#define CS 4096u

static VdTestEnv *env;
static char *copy;

static void
setup(void)
{
    env = vd_test_env_new(0);
    copy = g_build_filename(env->dir, "crash.qed", NULL);
    vd_test_qed_create(env->path, &(VdQedCreateOptions){
        .size = 64 * MiB, .cluster_size = CS, .table_size = 1 });
}

static void
teardown(void)
{
    g_free(copy);
    vd_test_env_free(env);
}

static VdDisk *
open_path(const char *path)
{
    VdDiskConfig cfg = { .format = "qed", .path = path,
                         .cache = VD_CACHE_WRITEBACK };
    g_autoptr(GError) err = NULL;
    VdDisk *d = vd_disk_open(env->thread, &cfg, &err);

    ck_assert_msg(d, "%s", err ? err->message : "");
    return d;
}

static void
write_at(VdDisk *d, uint64_t off, size_t len, unsigned seed)
{
    void *buf = vd_test_buf(len, 0);

    vd_test_fill(buf, len, off, seed);
    ck_assert_int_eq(vd_test_io(d, VD_REQ_WRITE, 0, off, len, buf), 0);
    vd_test_buf_free(buf, 0);
}

static void
expect_at(VdDisk *d, uint64_t off, size_t len, unsigned seed)
{
    void *buf = vd_test_buf(len, 0);
    void *want = vd_test_buf(len, 0);

    vd_test_fill(want, len, off, seed);
    ck_assert_int_eq(vd_test_io(d, VD_REQ_READ, 0, off, len, buf), 0);
    ck_assert_msg(memcmp(buf, want, len) == 0, "lost data at %llu",
                  (unsigned long long)off);
    vd_test_buf_free(buf, 0);
    vd_test_buf_free(want, 0);
}

/* Open the crash copy for writing: recovery runs; return how. */
static VdQedRecovery
recover_copy(unsigned flags)
{
    g_autoptr(GError) err = NULL;
    VdQedImage *img = vd_test_qed_open(copy, flags, &err);
    VdQedRecovery r;

    ck_assert_msg(img, "%s", err ? err->message : "");
    r = img->recovery;
    r.log_unused_why = g_strdup(r.log_unused_why);
    r.result.problems = NULL;
    vd_test_qed_close(img);
    ck_assert(!vd_test_qed_need_check(copy));
    return r;
}

/* The recovered copy holds what was flushed, and checks clean. */
static void
expect_recovered(unsigned tables)
{
    g_autoptr(GError) err = NULL;
    VdQedCheckResult res = { 0 };
    VdQedImage *img = vd_test_qed_open(copy, VD_QED_OPEN_READ_ONLY, &err);
    VdDisk *d;

    ck_assert_int_eq(vd_qed_check(img, false, &res), 0);
    ck_assert_msg(res.corruptions == 0, "%s",
                  res.problems ? (char *)res.problems->pdata[0] : "");
    vd_qed_check_result_clear(&res);
    vd_test_qed_close(img);
    d = open_path(copy);
    for (unsigned i = 0; i < tables; i++)
        expect_at(d, i * 2 * MiB + 8192, 4096, 10 + i);
    ck_assert_int_eq(vd_disk_close(d), 0);
}

/* Write into @tables tables, flush, then one more table, unflushed. */
static VdDisk *
dirty_image(unsigned tables)
{
    VdDisk *d = open_path(env->path);

    for (unsigned i = 0; i < tables; i++)
        write_at(d, i * 2 * MiB + 8192, 4096, 10 + i);
    ck_assert_int_eq(vd_test_io(d, VD_REQ_FLUSH, 0, 0, 0, NULL), 0);
    /* One more, in a table of its own: only the tables written since
     * the last flush stay named by the log. */
    write_at(d, 30 * MiB, 4096, 99);
    ck_assert_int_eq(vd_test_io(d, VD_REQ_FLUSH, 0, 0, 0, NULL), 0);
    write_at(d, 40 * MiB, 4096, 98);
    return d;
}

START_TEST(test_log_recovery)
{
    VdDisk *d = dirty_image(12);
    VdQedRecovery r;

    ck_assert(vd_test_qed_need_check(env->path));
    vd_test_file_copy(env->path, copy);
    ck_assert_int_eq(vd_disk_close(d), 0);
    r = recover_copy(0);
    ck_assert_int_eq(r.kind, VD_QED_RECOVERY_LOG);
    /* Not the 14 tables the image has: those a crash can have touched. */
    ck_assert_uint_le(r.tables_checked, 2);
    g_free(r.log_unused_why);
    expect_recovered(12);
}
END_TEST

/* QEMU opened the image for writing: it cleared the log's bit. */
START_TEST(test_full_when_bit_cleared)
{
    VdDisk *d = dirty_image(4);
    VdQedRecovery r;

    vd_test_file_copy(env->path, copy);
    ck_assert_int_eq(vd_disk_close(d), 0);
    vd_test_file_set_u64(copy, 32, 0);
    r = recover_copy(0);
    ck_assert_int_eq(r.kind, VD_QED_RECOVERY_FULL);
    ck_assert_msg(strstr(r.log_unused_why, "bit is clear"), "%s",
                  r.log_unused_why);
    g_free(r.log_unused_why);
    expect_recovered(4);
}
END_TEST

/* Both slots torn: the full check. One torn: the other one serves. */
START_TEST(test_torn_log)
{
    VdDisk *d = dirty_image(4);
    uint64_t log_off = 3 * CS - 2 * VD_QED_LOG_SLOT;
    VdQedRecovery r;

    vd_test_file_copy(env->path, copy);
    ck_assert_int_eq(vd_disk_close(d), 0);
    vd_test_file_set_u64(copy, log_off + 100, 0x1234);
    r = recover_copy(0);
    ck_assert_int_eq(r.kind, VD_QED_RECOVERY_LOG);
    g_free(r.log_unused_why);

    vd_test_file_copy(env->path, copy);
    vd_test_file_set_u64(copy, 16, VD_QED_F_NEED_CHECK);
    vd_test_file_set_u64(copy, 32, VD_QED_AC_DIRTY_LOG);
    vd_test_file_set_u64(copy, log_off + 100, 0x1234);
    vd_test_file_set_u64(copy, log_off + VD_QED_LOG_SLOT + 100, 0x1234);
    r = recover_copy(0);
    ck_assert_int_eq(r.kind, VD_QED_RECOVERY_FULL);
    ck_assert_msg(strstr(r.log_unused_why, "no valid"), "%s", r.log_unused_why);
    g_free(r.log_unused_why);
    expect_recovered(4);
}
END_TEST

/* Mappings past the end of the file: what a crash leaves; repaired. */
START_TEST(test_past_end_repaired)
{
    VdDisk *d = dirty_image(3);
    uint64_t t0, size;
    VdQedRecovery r;

    vd_test_file_copy(env->path, copy);
    ck_assert_int_eq(vd_disk_close(d), 0);
    /* L1 entry 15 (guest 30 MiB): a table the log names. */
    t0 = vd_test_file_u64(copy, 3 * CS + 8 * 15);
    size = vd_test_file_size(copy);
    /* It maps a cluster past the end. */
    vd_test_file_set_u64(copy, t0 + 8 * 100, size + 16 * CS);
    for (unsigned full = 0; full < 2; full++) {
        g_autofree char *keep = g_strconcat(copy, ".keep", NULL);
        if (full == 0)
            vd_test_file_copy(copy, keep);
        else
            vd_test_file_copy(keep, copy);
        r = recover_copy(full ? VD_QED_OPEN_NO_LOG : 0);
        ck_assert_int_eq(r.kind, full ? VD_QED_RECOVERY_FULL
                                      : VD_QED_RECOVERY_LOG);
        ck_assert_uint_eq(r.result.corruptions, 1);
        ck_assert_uint_eq(r.result.corruptions_fixed, 1);
        ck_assert_uint_eq(vd_test_file_u64(copy, t0 + 8 * 100), 0);
        g_free(r.log_unused_why);
        expect_recovered(3);
    }
}
END_TEST

/* A crash cannot map one cluster twice: open refuses until repaired. */
START_TEST(test_duplicate_refused)
{
    VdDisk *d = dirty_image(3);
    g_autoptr(GError) err = NULL;
    VdQedCheckResult res = { 0 };
    uint64_t t0, e;
    VdQedImage *img;

    vd_test_file_copy(env->path, copy);
    ck_assert_int_eq(vd_disk_close(d), 0);
    t0 = vd_test_file_u64(copy, 3 * CS + 8 * 15);
    e = vd_test_file_u64(copy, t0);             /* 30 MiB is mapped */
    ck_assert_uint_gt(e, 1);
    vd_test_file_set_u64(copy, t0 + 8 * 7, e);
    ck_assert_ptr_null(vd_test_qed_open(copy, 0, &err));
    ck_assert_msg(strstr(err->message, "mapped twice") &&
                  strstr(err->message, "--repair"), "%s", err->message);
    ck_assert(vd_test_qed_need_check(copy));
    img = vd_test_qed_open(copy, VD_QED_OPEN_NO_RECOVER, NULL);
    ck_assert_int_eq(vd_qed_check(img, true, &res), 0);
    ck_assert_uint_eq(res.corruptions, 1);
    ck_assert_uint_eq(res.corruptions_fixed, 1);
    vd_qed_check_result_clear(&res);
    vd_test_qed_close(img);
    ck_assert(!vd_test_qed_need_check(copy));
    expect_recovered(3);
    /* Both guest clusters read what the shared cluster held. */
    d = open_path(copy);
    {
        void *a = vd_test_buf(CS, 0), *b = vd_test_buf(CS, 0);
        ck_assert_int_eq(vd_test_io(d, VD_REQ_READ, 0, 30 * MiB, CS, a), 0);
        ck_assert_int_eq(vd_test_io(d, VD_REQ_READ, 0, 30 * MiB + 7 * CS, CS,
                                    b), 0);
        ck_assert(memcmp(a, b, CS) == 0);
        vd_test_buf_free(a, 0);
        vd_test_buf_free(b, 0);
    }
    ck_assert_int_eq(vd_disk_close(d), 0);
}
END_TEST

static Suite *
qed_recover_suite(void)
{
    Suite *s = suite_create("qed-recover");
    TCase *tc = tcase_create("recover");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_log_recovery);
    tcase_add_test(tc, test_full_when_bit_cleared);
    tcase_add_test(tc, test_torn_log);
    tcase_add_test(tc, test_past_end_repaired);
    tcase_add_test(tc, test_duplicate_refused);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return vd_test_run(qed_recover_suite());
}
