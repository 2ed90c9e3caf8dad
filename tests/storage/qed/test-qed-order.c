/*
 * The QED layer's write ordering, checked on a trace of every system call
 * (qed-trace.h) rather than by crashing: each promise of qed.h is a rule
 * over the trace, "write A was durable before write B was sent":
 *  - NEED_CHECK reaches the disk, durably, before any other write;
 *  - a log slot naming an L2 table is durable before the table is written;
 *  - with a backing file, the clusters an L2 block maps are durable before
 *    the block is sent;
 *  - a completed FLUSH, FUA write or write-through write leaves nothing
 *    written before it undurable.
 */
#include "config.h"

#include <string.h>

#include <check.h>

#include "storage/layers/qed-format.h"
#include "storage/layers/qed-log.h"
#include "tests/common/check-run.h"
#include "tests/storage/qed/qed-image-test.h"
#include "tests/storage/qed/qed-trace.h"
#include "tests/storage/storage-test.h"

#define MiB (1ull << 20)
#define CS 4096u                 /* small clusters: a table maps 2 MiB */

static VdTestEnv *env;
static VdTestTrace *trace;

static void
setup(void)
{
    env = vd_test_env_new(0);
    trace = NULL;
}

static void
teardown(void)
{
    vd_test_trace_free(trace);
    vd_test_env_free(env);
}

static VdDisk *
open_traced(VdCacheMode cache)
{
    VdDiskConfig cfg = {
        .format = "qed",
        .engine_wrap = vd_test_trace_wrap,
        .engine_wrap_data = &trace,
    };

    return vd_test_disk_open(env, cache, VD_IO_THREADS, &cfg);
}

static void
write_at(VdDisk *d, uint64_t off, size_t len, uint32_t flags)
{
    void *buf = vd_test_buf(len, 0);

    vd_test_fill(buf, len, off, 1);
    ck_assert_int_eq(vd_test_io(d, VD_REQ_WRITE, flags, off, len, buf), 0);
    vd_test_buf_free(buf, 0);
}

static uint64_t
header_bytes(void)
{
    return (uint64_t)(vd_test_file_u64(env->path, 8) >> 32) * CS;
}

START_TEST(test_need_check_first)
{
    const VdTestTraceEvent *ev, *mark = NULL;
    unsigned n;
    VdDisk *d;

    vd_test_qed_create(env->path, &(VdQedCreateOptions){
        .size = 16 * MiB, .cluster_size = CS, .table_size = 1 });
    d = open_traced(VD_CACHE_WRITEBACK);
    for (unsigned i = 0; i < 8; i++)
        write_at(d, i * 3 * MiB / 2, 8192, 0);
    ev = vd_test_trace_events(trace, &n);
    for (unsigned i = 0; i < n && !mark; i++) {
        if (ev[i].type == VD_REQ_WRITE && ev[i].off == 0 &&
            (ev[i].data[16] & VD_QED_F_NEED_CHECK))
            mark = &ev[i];
    }
    ck_assert_msg(mark, "no header write set NEED_CHECK");
    for (unsigned i = 0; i < n; i++) {
        if (ev[i].type != VD_REQ_WRITE || ev[i].off < header_bytes())
            continue;
        ck_assert_msg(vd_test_trace_durable_before(trace, mark, ev[i].submitted),
                      "write at %llu went before NEED_CHECK was durable",
                      (unsigned long long)ev[i].off);
    }
    ck_assert_int_eq(vd_disk_close(d), 0);
}
END_TEST

/* The L2 table of L1 entry @l1 as the closed image has it. */
static uint64_t
table_of(unsigned l1)
{
    return vd_test_file_u64(env->path, header_bytes() + 8ull * l1);
}

/* Whether a durable log slot named @l1 before clock @at. */
static bool
log_named_before(uint64_t log_off, unsigned l1, uint64_t at)
{
    VdQedGeom g = { .entries = CS / 8, .cluster_size = CS };
    unsigned n;
    const VdTestTraceEvent *ev = vd_test_trace_events(trace, &n);

    for (unsigned i = 0; i < n; i++) {
        VdQedLog log;
        if (ev[i].type != VD_REQ_WRITE || ev[i].off < log_off ||
            ev[i].off >= log_off + 2 * VD_QED_LOG_SLOT || !ev[i].data ||
            !vd_qed_log_decode(ev[i].data, &g, &log))
            continue;
        if (vd_qed_log_test(&log, l1) &&
            vd_test_trace_durable_before(trace, &ev[i], at))
            return true;
    }
    return false;
}

START_TEST(test_log_before_tables)
{
    uint64_t log_off;
    const VdTestTraceEvent *ev;
    unsigned n, checked = 0;
    VdDisk *d;

    vd_test_qed_create(env->path, &(VdQedCreateOptions){
        .size = 16 * MiB, .cluster_size = CS, .table_size = 1 });
    log_off = header_bytes() - 2 * VD_QED_LOG_SLOT;
    d = open_traced(VD_CACHE_NONE);
    for (unsigned round = 0; round < 3; round++) {
        for (unsigned i = 0; i < 8; i++)
            write_at(d, i * 2 * MiB + round * 65536, 4096, 0);
        ck_assert_int_eq(vd_test_io(d, VD_REQ_FLUSH, 0, 0, 0, NULL), 0);
    }
    ck_assert_int_eq(vd_disk_close(d), 0);
    ev = vd_test_trace_events(trace, &n);
    for (unsigned l1 = 0; l1 < 8; l1++) {
        uint64_t t = table_of(l1);
        ck_assert_uint_ne(t, 0);
        for (unsigned i = 0; i < n; i++) {
            if (ev[i].type != VD_REQ_WRITE || ev[i].off < t || ev[i].off >= t + CS)
                continue;
            ck_assert_msg(log_named_before(log_off, l1, ev[i].submitted),
                          "table %u written before a log named it", l1);
            checked++;
        }
    }
    ck_assert_uint_ge(checked, 8);
}
END_TEST

START_TEST(test_backing_data_first)
{
    g_autofree char *base = g_build_filename(env->dir, "base.raw", NULL);
    const VdTestTraceEvent *ev;
    unsigned n, checked = 0;
    uint64_t t;
    VdDisk *d;

    vd_test_file_resize(base, 16 * MiB);
    vd_test_qed_create(env->path, &(VdQedCreateOptions){
        .size = 16 * MiB, .cluster_size = CS, .table_size = 1,
        .backing_file = "base.raw", .backing_format = "raw" });
    d = open_traced(VD_CACHE_NONE);
    for (unsigned i = 0; i < 16; i++)
        write_at(d, i * 8192 + 512, 512, 0);       /* filled from the base */
    ck_assert_int_eq(vd_test_io(d, VD_REQ_FLUSH, 0, 0, 0, NULL), 0);
    ck_assert_int_eq(vd_disk_close(d), 0);
    t = table_of(0);
    ev = vd_test_trace_events(trace, &n);
    for (unsigned i = 0; i < n; i++) {
        if (ev[i].type != VD_REQ_WRITE || ev[i].off < t || ev[i].off >= t + CS)
            continue;
        for (unsigned j = 0; j < CS / 8; j++) {
            uint64_t e;
            memcpy(&e, ev[i].data + 8 * j, 8);
            e = le64toh(e);
            if (e <= VD_QED_ZERO_CLUSTER)
                continue;
            for (unsigned k = 0; k < i; k++) {
                if (ev[k].type != VD_REQ_WRITE || ev[k].off + ev[k].len <= e ||
                    ev[k].off >= e + CS)
                    continue;
                ck_assert_msg(vd_test_trace_durable_before(trace, &ev[k],
                                                           ev[i].submitted),
                              "cluster %llu mapped before its data was durable",
                              (unsigned long long)e);
                checked++;
            }
        }
    }
    ck_assert_uint_ge(checked, 16);
}
END_TEST

/* Everything completed before the marker is durable at the marker. */
static void
expect_all_durable(void)
{
    unsigned n;
    const VdTestTraceEvent *ev = vd_test_trace_events(trace, &n);
    uint64_t at = 0;

    vd_test_trace_mark(trace, 1);
    ev = vd_test_trace_events(trace, &n);
    at = ev[n - 1].submitted;
    for (unsigned i = 0; i < n - 1; i++) {
        if (ev[i].type != VD_REQ_WRITE || !ev[i].completed)
            continue;
        ck_assert_msg(vd_test_trace_durable_before(trace, &ev[i], at),
                      "write at %llu not durable when the guest was told",
                      (unsigned long long)ev[i].off);
    }
}

START_TEST(test_flush_covers)
{
    VdDisk *d;

    vd_test_qed_create(env->path, &(VdQedCreateOptions){
        .size = 16 * MiB, .cluster_size = CS, .table_size = 1 });
    d = open_traced(VD_CACHE_NONE);
    write_at(d, 0, 4096, 0);
    write_at(d, 5 * MiB, 4096, 0);
    ck_assert_int_eq(vd_test_io(d, VD_REQ_FLUSH, 0, 0, 0, NULL), 0);
    expect_all_durable();
    write_at(d, 7 * MiB, 4096, VD_REQ_FUA);
    expect_all_durable();
    ck_assert_int_eq(vd_test_io(d, VD_REQ_WRITE_ZEROES, VD_REQ_FUA, 0, 4096,
                                NULL), 0);
    expect_all_durable();
    ck_assert_int_eq(vd_disk_close(d), 0);
}
END_TEST

START_TEST(test_writethrough)
{
    VdDisk *d;

    vd_test_qed_create(env->path, &(VdQedCreateOptions){
        .size = 16 * MiB, .cluster_size = CS, .table_size = 1 });
    d = open_traced(VD_CACHE_WRITETHROUGH);
    ck_assert(!vd_disk_has_write_cache(d));
    write_at(d, 3 * MiB, 8192, 0);
    expect_all_durable();
    write_at(d, 9 * MiB + 512, 512, 0);
    expect_all_durable();
    ck_assert_int_eq(vd_disk_close(d), 0);
}
END_TEST

/*
 * A FUA write into a cluster that an earlier, plain write allocated: the
 * mapping is not durable yet, and the FUA write is lost without it. Its
 * table and the L1 entry pointing at it must be durable when it is
 * answered. (The crash explorer found this one.)
 */
START_TEST(test_fua_into_new_cluster)
{
    const VdTestTraceEvent *ev;
    uint64_t at, l1_entry, table;
    unsigned n, covered = 0;
    VdDisk *d;

    vd_test_qed_create(env->path, &(VdQedCreateOptions){
        .size = 16 * MiB, .cluster_size = CS, .table_size = 1 });
    d = open_traced(VD_CACHE_NONE);
    write_at(d, 3 * MiB, 512, 0);
    write_at(d, 3 * MiB + 1024, 512, VD_REQ_FUA);
    vd_test_trace_mark(trace, 1);
    ev = vd_test_trace_events(trace, &n);
    at = ev[n - 1].submitted;
    ck_assert_int_eq(vd_disk_close(d), 0);
    /* Where the closed image keeps them. */
    l1_entry = header_bytes() + 8ull * (3 * MiB / (CS / 8 * CS));
    table = table_of(3 * MiB / (CS / 8 * CS));
    ck_assert_uint_ne(table, 0);
    for (unsigned i = 0; i < n; i++) {
        const VdTestTraceEvent *w = &ev[i];
        uint64_t want[2] = { l1_entry, table };

        if (w->type != VD_REQ_WRITE || !w->completed || w->completed > at)
            continue;
        for (unsigned k = 0; k < 2; k++) {
            if (want[k] < w->off || want[k] >= w->off + w->len)
                continue;
            ck_assert_msg(vd_test_trace_durable_before(trace, w, at),
                          "the mapping at %llu was not durable when the "
                          "FUA write was answered",
                          (unsigned long long)want[k]);
            covered |= 1u << k;
        }
    }
    ck_assert_msg(covered == 3, "the mapping was not written (%u) before the "
                  "FUA write was answered", covered);
}
END_TEST

static Suite *
qed_order_suite(void)
{
    Suite *s = suite_create("qed-order");
    TCase *tc = tcase_create("order");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_need_check_first);
    tcase_add_test(tc, test_log_before_tables);
    tcase_add_test(tc, test_backing_data_first);
    tcase_add_test(tc, test_flush_covers);
    tcase_add_test(tc, test_writethrough);
    tcase_add_test(tc, test_fua_into_new_cluster);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return vd_test_run(qed_order_suite());
}
