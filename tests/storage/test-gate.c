/*
 * The disk's gate and error policies. The test filter holds requests in
 * flight for as long as a test needs, or fails chosen ones, so nothing
 * here depends on timing: "not yet" is checked after a round trip through
 * the I/O thread and the main loop has run everything posted to it.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <check.h>

#include "tests/common/check-run.h"
#include "tests/storage/storage-test.h"

#define IMG_SIZE (1u << 20)

static VdTestEnv *env;
static VdDisk *disk;
static VdLayer *filter;

static void
open_disk(VdErrorPolicy policy)
{
    VdLayer *filters[2];
    VdDiskConfig cfg = { .error_policy = policy, .filters = filters };

    filter = vd_test_filter_new();
    filters[0] = filter;
    filters[1] = NULL;
    env = vd_test_env_new(IMG_SIZE);
    disk = vd_test_disk_open(env, VD_CACHE_WRITEBACK, VD_IO_THREADS, &cfg);
}

static void
close_disk(int expect)
{
    ck_assert_int_eq(vd_disk_close(disk), expect);
    vd_test_env_free(env);
}

typedef struct {
    bool ran;
    VdTestBatch *batch;           /* how far it was when the step ran */
    unsigned completed_then;
} Drained;

static void
on_drained(VdDisk *d, void *data)
{
    Drained *dr = data;

    dr->ran = true;
    if (dr->batch)
        dr->completed_then = vd_test_batch_completed(dr->batch);
}

static VdTestIo
write_io(uint64_t off, void *buf)
{
    return (VdTestIo){ .type = VD_REQ_WRITE, .off = off, .len = 4096,
                       .buf = buf };
}

START_TEST(test_quiesce_drains_and_holds)
{
    void *buf = vd_test_buf(4096, 0);
    VdTestIo first[3], later[1];
    VdTestBatch *b1, *b2;
    Drained dr = { 0 };

    open_disk(VD_ERROR_POLICY_REPORT);
    vd_test_fill(buf, 4096, 0, 1);
    for (unsigned i = 0; i < 3; i++)
        first[i] = write_io(i * 4096, buf);
    later[0] = write_io(3 * 4096, buf);

    /* Three requests in flight, held below the gate by the filter. */
    vd_test_filter_hold(env->thread, filter, true);
    b1 = vd_test_batch_start(disk, first, 3, NULL);
    ck_assert_uint_eq(vd_test_filter_held(env->thread, filter), 3);

    dr.batch = b1;
    vd_disk_quiesce(disk, on_drained, &dr);
    vd_test_main_settle(env->thread);
    ck_assert_msg(!dr.ran, "drained with requests in flight");

    /* A new request waits at the gate: it never reaches the filter. */
    b2 = vd_test_batch_start(disk, later, 1, NULL);
    ck_assert_uint_eq(vd_test_filter_seen(env->thread, filter), 3);

    /* Let the three finish: the drained step runs after all of them. */
    vd_test_filter_hold(env->thread, filter, false);
    vd_test_main_wait(&dr.ran);
    ck_assert_uint_eq(dr.completed_then, 3);
    vd_test_main_settle(env->thread);
    ck_assert_uint_eq(vd_test_batch_completed(b2), 0);
    ck_assert_uint_eq(vd_test_filter_seen(env->thread, filter), 3);

    /* Resume lets the held request through. */
    vd_disk_resume(disk);
    vd_test_batch_wait(b2);
    ck_assert_int_eq(later[0].ret, 0);
    vd_test_batch_wait(b1);
    for (unsigned i = 0; i < 3; i++)
        ck_assert_int_eq(first[i].ret, 0);
    ck_assert_uint_eq(vd_test_filter_seen(env->thread, filter), 4);
    vd_test_buf_free(buf, 0);
    close_disk(0);
}
END_TEST

START_TEST(test_quiesce_nests)
{
    void *buf = vd_test_buf(4096, 0);
    VdTestIo io = write_io(0, buf);
    VdTestBatch *b;
    Drained d1 = { 0 }, d2 = { 0 };

    open_disk(VD_ERROR_POLICY_REPORT);
    vd_disk_quiesce(disk, on_drained, &d1);
    vd_disk_quiesce(disk, on_drained, &d2);
    vd_test_main_wait(&d1.ran);
    vd_test_main_wait(&d2.ran);
    b = vd_test_batch_start(disk, &io, 1, NULL);
    vd_disk_resume(disk);
    vd_test_main_settle(env->thread);
    ck_assert_uint_eq(vd_test_filter_seen(env->thread, filter), 0);
    vd_disk_resume(disk);
    vd_test_batch_wait(b);
    ck_assert_int_eq(io.ret, 0);
    vd_test_buf_free(buf, 0);
    close_disk(0);
}
END_TEST

typedef struct {
    bool done;
    int ret;
} FlushResult;

static void
on_flushed(VdDisk *d, int ret, void *data)
{
    FlushResult *r = data;

    r->ret = ret;
    r->done = true;
}

START_TEST(test_flush_while_quiesced)
{
    Drained dr = { 0 };
    FlushResult fr = { .ret = 1 };

    open_disk(VD_ERROR_POLICY_STOP);
    vd_disk_quiesce(disk, on_drained, &dr);
    vd_test_main_wait(&dr.ran);
    /* The coordinator's flush passes the closed gate. */
    vd_disk_flush(disk, on_flushed, &fr);
    vd_test_main_wait(&fr.done);
    ck_assert_int_eq(fr.ret, 0);
    /* And its error comes back to it even under the stop policy. */
    fr.done = false;
    vd_test_filter_fail(env->thread, filter, VD_REQ_FLUSH, -EIO, 1);
    vd_disk_flush(disk, on_flushed, &fr);
    vd_test_main_wait(&fr.done);
    ck_assert_int_eq(fr.ret, -EIO);
    ck_assert(!vd_disk_stopped(disk));
    vd_disk_resume(disk);
    close_disk(0);
}
END_TEST

START_TEST(test_policy_report)
{
    void *buf = vd_test_buf(4096, 0);
    VdBlockStats st;

    open_disk(VD_ERROR_POLICY_DEFAULT);
    vd_test_filter_fail(env->thread, filter, VD_REQ_WRITE, -EIO, 1);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_WRITE, 0, 0, 4096, buf), -EIO);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_WRITE, 0, 0, 4096, buf), 0);
    ck_assert(!vd_disk_stopped(disk));
    vd_disk_get_stats(disk, &st);
    ck_assert_int_eq(st.errs, 1);
    ck_assert_int_eq(st.wr_req, 1);
    vd_test_buf_free(buf, 0);
    close_disk(0);
}
END_TEST

static unsigned n_stopped;
static int stopped_error;

static void
on_event(VdDisk *d, const VdDiskEvent *ev, void *data)
{
    if (ev->type == VD_DISK_EVENT_STOPPED) {
        n_stopped++;
        stopped_error = ev->error;
    }
}

static void
wait_stopped(unsigned n)
{
    while (n_stopped < n)
        g_main_context_iteration(NULL, TRUE);
}

START_TEST(test_policy_stop_and_retry)
{
    unsigned char *w = vd_test_buf(4096, 0);
    unsigned char *r = vd_test_buf(4096, 0);
    VdTestIo wio = write_io(8192, w);
    VdTestIo rio = { .type = VD_REQ_READ, .off = 8192, .len = 4096, .buf = r };
    VdTestBatch *bw, *br;
    VdBlockStats st;

    open_disk(VD_ERROR_POLICY_STOP);
    n_stopped = 0;
    vd_disk_set_event_handler(disk, on_event, NULL);
    vd_test_fill(w, 4096, 8192, 2);

    /* The write fails twice: the disk stops, holding it. */
    vd_test_filter_fail(env->thread, filter, VD_REQ_WRITE, -EIO, 2);
    bw = vd_test_batch_start(disk, &wio, 1, NULL);
    wait_stopped(1);
    ck_assert_int_eq(stopped_error, -EIO);
    ck_assert(vd_disk_stopped(disk));
    vd_test_main_settle(env->thread);
    ck_assert_uint_eq(vd_test_batch_completed(bw), 0);

    /* Requests after it are held too. */
    br = vd_test_batch_start(disk, &rio, 1, NULL);
    ck_assert_uint_eq(vd_test_filter_seen(env->thread, filter), 1);

    /* Retry: fails again, stops again. */
    vd_disk_retry(disk);
    wait_stopped(2);
    vd_test_main_settle(env->thread);
    ck_assert_uint_eq(vd_test_batch_completed(bw), 0);
    ck_assert_uint_eq(vd_test_batch_completed(br), 0);
    ck_assert_uint_eq(vd_test_filter_seen(env->thread, filter), 2);

    /* Retry: the write goes through, then the held read. Both were in
     * flight together, so the read may see the data before or after the
     * write (NBD orders nothing between requests in flight); a read sent
     * after the write's reply must see it. */
    vd_disk_retry(disk);
    vd_test_batch_wait(bw);
    vd_test_batch_wait(br);
    ck_assert_int_eq(wio.ret, 0);
    ck_assert_int_eq(rio.ret, 0);
    memset(r, 0, 4096);
    rio.ret = -1;
    br = vd_test_batch_start(disk, &rio, 1, NULL);
    vd_test_batch_wait(br);
    ck_assert_int_eq(rio.ret, 0);
    ck_assert(memcmp(w, r, 4096) == 0);
    ck_assert(!vd_disk_stopped(disk));
    vd_disk_get_stats(disk, &st);
    ck_assert_int_eq(st.errs, 2);
    ck_assert_int_eq(st.wr_req, 1);
    ck_assert_int_eq(st.rd_req, 2);
    vd_test_buf_free(w, 0);
    vd_test_buf_free(r, 0);
    close_disk(0);
}
END_TEST

START_TEST(test_policy_enospace)
{
    void *buf = vd_test_buf(4096, 0);
    VdTestIo io = write_io(0, buf);
    VdTestBatch *b;

    open_disk(VD_ERROR_POLICY_ENOSPACE);
    n_stopped = 0;
    vd_disk_set_event_handler(disk, on_event, NULL);
    /* EIO is reported... */
    vd_test_filter_fail(env->thread, filter, VD_REQ_WRITE, -EIO, 1);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_WRITE, 0, 0, 4096, buf), -EIO);
    ck_assert(!vd_disk_stopped(disk));
    /* ...ENOSPC stops the disk. */
    vd_test_filter_fail(env->thread, filter, VD_REQ_WRITE, -ENOSPC, 1);
    b = vd_test_batch_start(disk, &io, 1, NULL);
    wait_stopped(1);
    ck_assert_int_eq(stopped_error, -ENOSPC);
    vd_disk_retry(disk);
    vd_test_batch_wait(b);
    ck_assert_int_eq(io.ret, 0);
    vd_test_buf_free(buf, 0);
    close_disk(0);
}
END_TEST

START_TEST(test_close_answers_held)
{
    void *buf = vd_test_buf(4096, 0);
    VdTestIo io = write_io(0, buf);
    VdTestBatch *b;

    open_disk(VD_ERROR_POLICY_STOP);
    n_stopped = 0;
    vd_disk_set_event_handler(disk, on_event, NULL);
    vd_test_filter_fail(env->thread, filter, VD_REQ_WRITE, -EIO, 1);
    b = vd_test_batch_start(disk, &io, 1, NULL);
    wait_stopped(1);
    ck_assert_int_eq(vd_disk_close(disk), 0);
    vd_test_batch_wait(b);
    ck_assert_int_eq(io.ret, -ESHUTDOWN);
    vd_test_main_settle(env->thread);
    vd_test_env_free(env);
    vd_test_buf_free(buf, 0);
}
END_TEST

START_TEST(test_discard_ignore)
{
    VdLayer *filters[2] = { NULL, NULL };
    VdDiskConfig cfg = { .discard = VD_DISCARD_IGNORE, .filters = filters };
    VdTestSpy *spy = NULL;
    VdTestSpyCounts c;

    filters[0] = filter = vd_test_filter_new();
    cfg.engine_wrap = vd_test_spy_wrap;
    cfg.engine_wrap_data = &spy;
    env = vd_test_env_new(IMG_SIZE);
    disk = vd_test_disk_open(env, VD_CACHE_WRITEBACK, VD_IO_THREADS, &cfg);
    ck_assert(!vd_disk_can_discard(disk));
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_DISCARD, 0, 0, 65536, NULL), 0);
    /* Write-zeroes must not punch holes either. */
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_WRITE_ZEROES, 0, 0, 65536, NULL),
                     0);
    vd_test_spy_counts(env->thread, spy, &c);
    ck_assert_uint_eq(c.punches, 0);
    ck_assert_uint_eq(c.zero_ranges, 1);
    ck_assert_uint_eq(vd_test_filter_seen(env->thread, filter), 1);
    close_disk(0);
}
END_TEST

static Suite *
gate_suite(void)
{
    Suite *s = suite_create("gate");
    TCase *tc = tcase_create("gate");

    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_quiesce_drains_and_holds);
    tcase_add_test(tc, test_quiesce_nests);
    tcase_add_test(tc, test_flush_while_quiesced);
    tcase_add_test(tc, test_policy_report);
    tcase_add_test(tc, test_policy_stop_and_retry);
    tcase_add_test(tc, test_policy_enospace);
    tcase_add_test(tc, test_close_answers_held);
    tcase_add_test(tc, test_discard_ignore);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return vd_test_run(gate_suite());
}
