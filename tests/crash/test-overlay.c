/*
 * Crash states as overlays: the base image moves forward by submission
 * time, not log order; a state's sectors shadow the base only when newer;
 * a disk opened on the overlay reads the state and writes (a format's
 * repair) into the overlay, never into the base; clearing the overlay
 * gives the base back.
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <check.h>

#include "tests/common/check-run.h"
#include "tests/storage/storage-test.h"
#include "tools/crash/image.h"
#include "tools/crash/overlay.h"

#define SIZE (64 * 1024)
#define S 512

static uint8_t sec_a[S], sec_b[S], sec_c[S];

static void
fill(void)
{
    memset(sec_a, 'a', S);
    memset(sec_b, 'b', S);
    memset(sec_c, 'c', S);
}

static void
base_read(VdCrashImage *im, void *buf, size_t len, off_t off)
{
    ck_assert_int_eq(pread(vd_crash_image_fd(im), buf, len, off),
                     (ssize_t)len);
}

START_TEST(test_base_by_submission_time)
{
    g_autoptr(VdCrashImage) im = vd_crash_image_new(NULL, SIZE, S, NULL);
    VdLogEntry newer = { .sector = 2, .nr_sectors = 1, .t_submit = 20,
                         .data = sec_b };
    VdLogEntry older = { .sector = 2, .nr_sectors = 2, .t_submit = 10,
                         .data = NULL };
    uint8_t buf[2 * S], zero[S] = { 0 };

    fill();
    older.data = g_malloc(2 * S);
    memcpy((uint8_t *)older.data, sec_a, S);
    memcpy((uint8_t *)older.data + S, sec_a, S);
    ck_assert_int_eq(vd_crash_image_apply(im, &newer, NULL, NULL), 0);
    /* Logged later, submitted earlier: loses sector 2, wins sector 3. */
    ck_assert_int_eq(vd_crash_image_apply(im, &older, NULL, NULL), 0);
    base_read(im, buf, 2 * S, 2 * S);
    ck_assert_mem_eq(buf, sec_b, S);
    ck_assert_mem_eq(buf + S, sec_a, S);
    ck_assert_uint_eq(vd_crash_image_version(im, 2), 20);
    ck_assert_uint_eq(vd_crash_image_version(im, 3), 10);
    /* A discard zeroes where it is newer. */
    {
        VdLogEntry d = { .sector = 3, .nr_sectors = 1, .t_submit = 30,
                         .flags = VD_LOGWRITES_DISCARD };
        ck_assert_int_eq(vd_crash_image_apply(im, &d, NULL, NULL), 0);
        base_read(im, buf, S, 3 * S);
        ck_assert_mem_eq(buf, zero, S);
    }
    g_free((void *)older.data);
}
END_TEST

START_TEST(test_overlay_puts_only_newer)
{
    g_autoptr(VdCrashImage) im = vd_crash_image_new(NULL, SIZE, S, NULL);
    VdCrashOverlay *ov = vd_crash_overlay_new(im);
    VdLogEntry e = { .sector = 1, .nr_sectors = 1, .t_submit = 50,
                     .data = sec_a };

    fill();
    ck_assert_int_eq(vd_crash_image_apply(im, &e, NULL, NULL), 0);
    vd_crash_overlay_put(ov, 1, sec_b, 40);     /* older than the base */
    ck_assert_uint_eq(vd_crash_overlay_count(ov), 0);
    vd_crash_overlay_put(ov, 1, sec_b, 60);
    vd_crash_overlay_put(ov, 1, sec_c, 55);     /* older than the overlay's */
    ck_assert_uint_eq(vd_crash_overlay_count(ov), 1);
    ck_assert_ptr_eq(vd_crash_overlay_data(ov, 0), sec_b);
    vd_crash_overlay_put(ov, 200, NULL, 70);    /* past the base's end */
    ck_assert_uint_eq(vd_crash_overlay_end(ov), 201 * S);
    vd_crash_overlay_clear(ov);
    ck_assert_uint_eq(vd_crash_overlay_count(ov), 0);
    ck_assert_uint_eq(vd_crash_overlay_end(ov), SIZE);
    vd_crash_overlay_free(ov);
}
END_TEST

START_TEST(test_disk_on_the_overlay)
{
    VdTestEnv *env = vd_test_env_new(4096);
    g_autoptr(VdCrashImage) im = vd_crash_image_new(NULL, SIZE, S, NULL);
    VdCrashOverlay *ov = vd_crash_overlay_new(im);
    VdLogEntry e = { .sector = 0, .nr_sectors = 1, .t_submit = 5,
                     .data = sec_a };
    VdDiskConfig cfg = {
        .path = vd_crash_image_path(im), .cache = VD_CACHE_WRITEBACK,
        .io = VD_IO_THREADS, .engine_wrap = vd_crash_overlay_wrap,
        .engine_wrap_data = ov,
    };
    g_autoptr(GError) err = NULL;
    uint8_t *buf = vd_test_buf(3 * S, 0), base[S];
    VdDisk *d;

    fill();
    ck_assert_int_eq(vd_crash_image_apply(im, &e, NULL, NULL), 0);
    vd_crash_overlay_put(ov, 1, sec_b, 10);
    d = vd_disk_open(env->thread, &cfg, &err);
    ck_assert_msg(d != NULL, "%s", err ? err->message : "");
    /* The base's sector 0, the overlay's 1, the base's (zero) 2. */
    ck_assert_int_eq(vd_test_io(d, VD_REQ_READ, 0, 0, 3 * S, buf), 0);
    ck_assert_mem_eq(buf, sec_a, S);
    ck_assert_mem_eq(buf + S, sec_b, S);
    ck_assert(!vd_crash_overlay_written(ov));
    /* A partial write lands in the overlay, merged with what was there. */
    memcpy(buf, sec_c, 100);
    ck_assert_int_eq(vd_test_io(d, VD_REQ_WRITE, 0, 10, 100, buf), 0);
    ck_assert_int_eq(vd_test_io(d, VD_REQ_FLUSH, 0, 0, 0, NULL), 0);
    ck_assert_int_eq(vd_test_io(d, VD_REQ_READ, 0, 0, S, buf), 0);
    ck_assert_mem_eq(buf, sec_a, 10);
    ck_assert_mem_eq(buf + 10, sec_c, 100);
    ck_assert_mem_eq(buf + 110, sec_a, S - 110);
    ck_assert(vd_crash_overlay_written(ov));
    ck_assert_int_eq(vd_disk_close(d), 0);
    base_read(im, base, S, 0);
    ck_assert_mem_eq(base, sec_a, S);

    vd_crash_overlay_free(ov);
    vd_test_buf_free(buf, 0);
    vd_test_env_free(env);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("crash-overlay");
    TCase *tc = tcase_create("overlay");

    tcase_add_test(tc, test_base_by_submission_time);
    tcase_add_test(tc, test_overlay_puts_only_newer);
    tcase_add_test(tc, test_disk_on_the_overlay);
    suite_add_tcase(s, tc);
    return vd_test_run(s);
}
