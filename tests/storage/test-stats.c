/*
 * The statistics filter counts exactly what virDomainBlockStats reports:
 * a known sequence of requests gives known counters, failures count as
 * errors only, requests held in flight show in in_flight, and the
 * counters are read from this thread while the I/O thread runs.
 */
#include "config.h"

#include <errno.h>

#include <check.h>

#include "tests/common/check-run.h"
#include "tests/storage/storage-test.h"

#define IMG_SIZE (1u << 20)

static VdTestEnv *env;
static VdDisk *disk;
static VdLayer *filter;

static void
open_disk(void)
{
    VdLayer *filters[2] = { NULL, NULL };
    VdDiskConfig cfg = { .filters = filters };

    filters[0] = filter = vd_test_filter_new();
    env = vd_test_env_new(IMG_SIZE);
    disk = vd_test_disk_open(env, VD_CACHE_NONE, VD_IO_NATIVE, &cfg);
}

START_TEST(test_exact_counters)
{
    void *buf = vd_test_buf(65536, 0);
    VdBlockStats st;

    open_disk();
    vd_disk_get_stats(disk, &st);
    ck_assert_int_eq(st.rd_req + st.wr_req + st.flush_operations + st.errs, 0);

    for (unsigned i = 0; i < 3; i++)
        ck_assert_int_eq(vd_test_io(disk, VD_REQ_READ, 0, i * 4096, 4096, buf), 0);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_READ, 0, 100, 512, buf), 0);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_WRITE, 0, 0, 65536, buf), 0);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_WRITE, VD_REQ_FUA, 7, 1000, buf), 0);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_FLUSH, 0, 0, 0, NULL), 0);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_FLUSH, 0, 0, 0, NULL), 0);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_DISCARD, 0, 0, 8192, NULL), 0);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_WRITE_ZEROES, 0, 0, 8192, NULL), 0);
    /* Failures: one from the format (out of range), one injected. */
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_READ, 0, IMG_SIZE, 512, buf),
                     -EINVAL);
    vd_test_filter_fail(env->thread, filter, VD_REQ_WRITE, -EIO, 1);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_WRITE, 0, 0, 4096, buf), -EIO);

    vd_disk_get_stats(disk, &st);
    ck_assert_int_eq(st.rd_req, 4);
    ck_assert_int_eq(st.rd_bytes, 3 * 4096 + 512);
    ck_assert_int_eq(st.wr_req, 2);
    ck_assert_int_eq(st.wr_bytes, 65536 + 1000);
    ck_assert_int_eq(st.flush_operations, 2);
    ck_assert_int_eq(st.errs, 2);
    ck_assert_uint_eq(st.kind[VD_REQ_READ].errors, 1);
    ck_assert_uint_eq(st.kind[VD_REQ_WRITE].errors, 1);
    ck_assert_uint_eq(st.kind[VD_REQ_DISCARD].ops, 1);
    ck_assert_uint_eq(st.kind[VD_REQ_DISCARD].bytes, 0);
    ck_assert_uint_eq(st.kind[VD_REQ_WRITE_ZEROES].ops, 1);
    ck_assert_int_gt(st.rd_total_times, 0);
    ck_assert_int_gt(st.wr_total_times, 0);
    ck_assert_int_gt(st.flush_total_times, 0);
    for (unsigned t = 0; t < VD_REQ_N_TYPES; t++) {
        VdBlockStatsKind *k = &st.kind[t];
        ck_assert_uint_eq(k->in_flight, 0);
        ck_assert_uint_gt(k->p50_ns, 0);
        ck_assert_uint_le(k->p50_ns, k->p99_ns);
        ck_assert_uint_le(k->p99_ns, k->p999_ns);
        /* A percentile is a bucket bound at most 12.5% above a sample,
         * and no sample is above the sum of all. */
        ck_assert_uint_le(k->p999_ns, k->total_ns + k->total_ns / 8 + 8);
    }
    vd_test_buf_free(buf, 0);
    ck_assert_int_eq(vd_disk_close(disk), 0);
    vd_test_env_free(env);
}
END_TEST

START_TEST(test_in_flight)
{
    void *buf = vd_test_buf(4096, 0);
    VdTestIo ios[5];
    VdTestBatch *b;
    VdBlockStats st;

    open_disk();
    for (unsigned i = 0; i < 5; i++)
        ios[i] = (VdTestIo){ .type = i < 3 ? VD_REQ_READ : VD_REQ_FLUSH,
                             .off = 0, .len = i < 3 ? 4096 : 0,
                             .buf = i < 3 ? buf : NULL };
    vd_test_filter_hold(env->thread, filter, true);
    b = vd_test_batch_start(disk, ios, 5, NULL);
    vd_disk_get_stats(disk, &st);
    ck_assert_uint_eq(st.kind[VD_REQ_READ].in_flight, 3);
    ck_assert_uint_eq(st.kind[VD_REQ_FLUSH].in_flight, 2);
    ck_assert_int_eq(st.rd_req, 0);
    vd_test_filter_hold(env->thread, filter, false);
    vd_test_batch_wait(b);
    vd_disk_get_stats(disk, &st);
    ck_assert_uint_eq(st.kind[VD_REQ_READ].in_flight, 0);
    ck_assert_uint_eq(st.kind[VD_REQ_FLUSH].in_flight, 0);
    ck_assert_int_eq(st.rd_req, 3);
    ck_assert_int_eq(st.flush_operations, 2);
    vd_test_buf_free(buf, 0);
    ck_assert_int_eq(vd_disk_close(disk), 0);
    vd_test_env_free(env);
}
END_TEST

static Suite *
stats_suite(void)
{
    Suite *s = suite_create("stats");
    TCase *tc = tcase_create("stats");

    tcase_add_test(tc, test_exact_counters);
    tcase_add_test(tc, test_in_flight);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return vd_test_run(stats_suite());
}
