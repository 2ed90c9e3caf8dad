/*
 * The write recorder and the dm-log-writes format: a known sequence
 * through a real disk gives a byte-exact log; dm-log-writes' ordering
 * rule on a hand-driven engine (its documentation's own example); the
 * reader gives back what was written, with times; bad logs are refused.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "storage/layers/logwrites.h"
#include "storage/layers/recorder.h"
#include "tests/common/check-run.h"
#include "tests/storage/storage-test.h"
#include "tests/tmpdir.h"

#define IMG_SIZE (1u << 20)
#define S 512u

/* ---- an independent encoder of the expected log ---- */

typedef struct {
    GByteArray *bytes;
    uint64_t n;
} Expect;

static void
le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void
expect_entry(Expect *x, uint64_t sector, uint64_t nr, uint64_t flags,
             const void *data, const char *mark)
{
    uint8_t h[S] = { 0 };

    le64(h, sector);
    le64(h + 8, nr);
    le64(h + 16, flags);
    le64(h + 24, mark ? strlen(mark) : 0);
    if (mark)
        memcpy(h + 32, mark, strlen(mark));
    g_byte_array_append(x->bytes, h, S);
    if (data)
        g_byte_array_append(x->bytes, data, (guint)(nr * S));
    x->n++;
}

static GByteArray *
expect_finish(Expect *x)
{
    uint8_t *p = x->bytes->data;

    le64(p, 0x6a736677736872ULL);
    le64(p + 8, 1);
    le64(p + 16, x->n);
    p[24] = S & 0xff;
    p[25] = S >> 8;
    return x->bytes;
}

static Expect
expect_new(void)
{
    Expect x = { .bytes = g_byte_array_new() };
    uint8_t super[S] = { 0 };

    g_byte_array_append(x.bytes, super, S);
    return x;
}

static GByteArray *
read_file(const char *path)
{
    g_autoptr(GError) err = NULL;
    char *data;
    gsize len;

    ck_assert_msg(g_file_get_contents(path, &data, &len, &err), "%s",
                  err ? err->message : "");
    return g_byte_array_new_take((guint8 *)data, len);
}

/* ---- a known sequence through a disk ---- */

START_TEST(test_known_sequence_byte_exact)
{
    VdTestEnv *env = vd_test_env_new(IMG_SIZE);
    g_autofree char *log = g_build_filename(env->dir, "disk.log", NULL);
    g_autoptr(GError) err = NULL;
    VdRecorder *rec = vd_recorder_new(log, &err);
    VdDiskConfig cfg = { .engine_wrap = vd_recorder_wrap,
                         .engine_wrap_data = rec };
    uint8_t *a = vd_test_buf(4096, 0), *b = vd_test_buf(512, 0);
    uint8_t *c = vd_test_buf(100, 0), *cs = g_malloc0(2 * S);
    GByteArray *want, *got;
    Expect x = expect_new();
    VdDisk *d;

    ck_assert_msg(rec != NULL, "%s", err ? err->message : "");
    d = vd_test_disk_open(env, VD_CACHE_WRITEBACK, VD_IO_THREADS, &cfg);
    vd_test_fill(a, 4096, 0, 1);
    vd_test_fill(b, 512, 8192, 2);
    vd_test_fill(c, 100, 1000, 3);

    /* One at a time, so that the order is the test's. */
    ck_assert_int_eq(vd_test_io(d, VD_REQ_WRITE, 0, 0, 4096, a), 0);
    ck_assert_int_eq(vd_test_io(d, VD_REQ_WRITE, VD_REQ_FUA, 8192, 512, b), 0);
    ck_assert_int_eq(vd_test_io(d, VD_REQ_FLUSH, 0, 0, 0, NULL), 0);
    ck_assert_int_eq(vd_test_io(d, VD_REQ_WRITE, 0, 1000, 100, c), 0);
    ck_assert_int_eq(vd_test_io(d, VD_REQ_DISCARD, 0, 65536, 8192, NULL), 0);
    ck_assert_int_eq(vd_test_io(d, VD_REQ_WRITE_ZEROES, VD_REQ_NO_HOLE,
                                131072, 4096, NULL), 0);
    ck_assert_int_eq(vd_disk_close(d), 0);
    ck_assert_int_eq(vd_recorder_free(rec), 0);

    /* FUA first (logged on completion), then the write its flush
     * covered, the flush; the rest was never flushed: logged at the
     * end, the unaligned write in the whole sectors around it. */
    expect_entry(&x, 16, 1, VD_LOGWRITES_FUA, b, NULL);
    expect_entry(&x, 0, 8, 0, a, NULL);
    expect_entry(&x, 0, 0, VD_LOGWRITES_FLUSH, NULL, NULL);
    /* The two sectors as the file holds them: a, with c over it. */
    memcpy(cs, a + S, 2 * S);
    memcpy(cs + (1000 - S), c, 100);
    expect_entry(&x, 1, 2, 0, cs, NULL);
    expect_entry(&x, 128, 16, VD_LOGWRITES_DISCARD, NULL, NULL);
    expect_entry(&x, 256, 8, VD_LOGWRITES_DISCARD, NULL, NULL);
    expect_entry(&x, 0, 0, VD_LOGWRITES_MARK, NULL, VD_LOGWRITES_END_MARK);
    want = expect_finish(&x);
    got = read_file(log);
    ck_assert_uint_eq(got->len, want->len);
    ck_assert_mem_eq(got->data, want->data, want->len);

    g_byte_array_unref(want);
    g_byte_array_unref(got);
    g_free(cs);
    vd_test_buf_free(a, 0);
    vd_test_buf_free(b, 0);
    vd_test_buf_free(c, 0);
    vd_test_env_free(env);
}
END_TEST

/* ---- dm-log-writes' rule, on an engine the test completes by hand ---- */

typedef struct {
    VdEngine base;
    VdRequest *held[8];
    unsigned n_held;
} HandEngine;

static void
hand_submit(VdEngine *e, VdRequest *req)
{
    HandEngine *h = (HandEngine *)e;

    ck_assert_uint_lt(h->n_held, 8);
    h->held[h->n_held++] = req;
}

static void
hand_free(VdEngine *e)
{
    g_free(e);
}

static const VdEngineOps hand_ops = {
    .name = "hand", .submit = hand_submit, .free = hand_free,
};

typedef struct {
    unsigned completed;
    int last_ret;
} Up;

static void
up_done(VdEngine *e, VdRequest *req, int ret, void *opaque)
{
    Up *up = opaque;

    up->completed++;
    up->last_ret = ret;
}

static VdRequest *
make_req(VdRequestPool *pool, VdReqType type, uint64_t off, uint8_t *buf)
{
    VdRequest *r = vd_request_get(pool);

    r->type = type;
    r->offset = off;
    r->len = type == VD_REQ_FLUSH ? 0 : S;
    r->buf = type == VD_REQ_FLUSH ? NULL : buf;
    return r;
}

START_TEST(test_logging_rule)
{
    g_autofree char *dir = vd_test_tmpdir_new();
    g_autofree char *log = g_build_filename(dir, "rule.log", NULL);
    g_autoptr(GError) err = NULL;
    VdRecorder *rec = vd_recorder_new(log, &err);
    HandEngine *hand = g_new0(HandEngine, 1);
    VdRequestPool *pool = vd_request_pool_new(4096, 8);
    uint8_t data[4][S];
    VdRequest *w1, *w2, *w3, *fl;
    Up up = { 0 };
    VdEngine *e;
    g_autoptr(VdLogReader) r = NULL;
    static const uint64_t want_sector[] = { 3, 2, 0, 1 };

    hand->base.ops = &hand_ops;
    hand->base.fd = -1;
    e = vd_recorder_wrap(&hand->base, rec);
    vd_engine_set_complete(e, up_done, &up);
    for (int i = 0; i < 4; i++)
        memset(data[i], 'a' + i, S);

    /* W1, W2, W3, C3, C2, Wflush, C1, Cflush: logged W3, W2, flush, W1. */
    w1 = make_req(pool, VD_REQ_WRITE, 1 * S, data[1]);
    w2 = make_req(pool, VD_REQ_WRITE, 2 * S, data[2]);
    w3 = make_req(pool, VD_REQ_WRITE, 3 * S, data[3]);
    fl = make_req(pool, VD_REQ_FLUSH, 0, NULL);
    vd_engine_submit(e, w1);
    vd_engine_submit(e, w2);
    vd_engine_submit(e, w3);
    vd_engine_done(&hand->base, w3, 0);
    vd_engine_done(&hand->base, w2, 0);
    vd_engine_submit(e, fl);
    vd_engine_done(&hand->base, w1, 0);
    ck_assert_uint_eq(vd_recorder_n_entries(rec), 0);
    vd_engine_done(&hand->base, fl, 0);
    ck_assert_uint_eq(vd_recorder_n_entries(rec), 3);
    ck_assert_uint_eq(up.completed, 4);
    ck_assert_int_eq(up.last_ret, 0);
    vd_engine_free(e);
    ck_assert_int_eq(vd_recorder_free(rec), 0);

    r = vd_logreader_open(log, &err);
    ck_assert_msg(r != NULL, "%s", err ? err->message : "");
    ck_assert(vd_logreader_has_times(r));
    ck_assert_uint_eq(vd_logreader_n_entries(r), 5);   /* + end mark */
    for (uint64_t i = 0; i < 4; i++) {
        const VdLogEntry *le = vd_logreader_entry(r, i);

        ck_assert_uint_eq(le->sector, want_sector[i]);
        ck_assert_uint_le(le->t_submit, le->t_logged);
        if (i == 2) {
            ck_assert_uint_eq(le->flags, VD_LOGWRITES_FLUSH);
            ck_assert_ptr_null(le->data);
            continue;
        }
        ck_assert_uint_eq(le->flags, 0);
        ck_assert_uint_eq(le->nr_sectors, 1);
        ck_assert_mem_eq(le->data, data[le->sector], S);
    }
    /* W3 and W2 became durable with the flush, W1 only at the end. */
    ck_assert_uint_eq(vd_logreader_entry(r, 0)->t_logged,
                      vd_logreader_entry(r, 2)->t_logged);
    ck_assert_uint_ge(vd_logreader_entry(r, 3)->t_logged,
                      vd_logreader_entry(r, 2)->t_logged);
    ck_assert_uint_eq(vd_logreader_entry(r, 4)->flags, VD_LOGWRITES_MARK);
    ck_assert_mem_eq(vd_logreader_entry(r, 4)->data, VD_LOGWRITES_END_MARK,
                     strlen(VD_LOGWRITES_END_MARK));

    vd_request_put(w1);
    vd_request_put(w2);
    vd_request_put(w3);
    vd_request_put(fl);
    vd_request_pool_free(pool);
    vd_test_tmpdir_remove(dir);
}
END_TEST

START_TEST(test_failed_flush_covers_nothing)
{
    g_autofree char *dir = vd_test_tmpdir_new();
    g_autofree char *log = g_build_filename(dir, "fail.log", NULL);
    g_autoptr(GError) err = NULL;
    VdRecorder *rec = vd_recorder_new(log, &err);
    HandEngine *hand = g_new0(HandEngine, 1);
    VdRequestPool *pool = vd_request_pool_new(4096, 8);
    uint8_t data[S];
    Up up = { 0 };
    VdRequest *w, *fl;
    VdEngine *e;
    g_autoptr(VdLogReader) r = NULL;

    hand->base.ops = &hand_ops;
    hand->base.fd = -1;
    e = vd_recorder_wrap(&hand->base, rec);
    vd_engine_set_complete(e, up_done, &up);
    memset(data, 'x', S);
    w = make_req(pool, VD_REQ_WRITE, 0, data);
    fl = make_req(pool, VD_REQ_FLUSH, 0, NULL);
    vd_engine_submit(e, w);
    vd_engine_done(&hand->base, w, 0);
    vd_engine_submit(e, fl);
    /* A failed flush logs nothing, and passes its error up. */
    vd_engine_done(&hand->base, fl, -EIO);
    ck_assert_int_eq(up.last_ret, -EIO);
    ck_assert_uint_eq(vd_recorder_n_entries(rec), 0);
    vd_engine_free(e);
    ck_assert_int_eq(vd_recorder_free(rec), 0);

    r = vd_logreader_open(log, &err);
    ck_assert_msg(r != NULL, "%s", err ? err->message : "");
    /* The write, then the end mark: no flush entry anywhere. */
    ck_assert_uint_eq(vd_logreader_n_entries(r), 2);
    ck_assert_uint_eq(vd_logreader_entry(r, 0)->flags, 0);
    ck_assert_uint_eq(vd_logreader_entry(r, 1)->flags, VD_LOGWRITES_MARK);
    vd_request_put(w);
    vd_request_put(fl);
    vd_request_pool_free(pool);
    vd_test_tmpdir_remove(dir);
}
END_TEST

/* Two flushes in flight: the one sent second finishes first, and the
 * write both cover is durable from then. */
START_TEST(test_second_flush_first)
{
    g_autofree char *dir = vd_test_tmpdir_new();
    g_autofree char *log = g_build_filename(dir, "two.log", NULL);
    g_autoptr(GError) err = NULL;
    VdRecorder *rec = vd_recorder_new(log, &err);
    HandEngine *hand = g_new0(HandEngine, 1);
    VdRequestPool *pool = vd_request_pool_new(4096, 8);
    uint8_t data[S];
    Up up = { 0 };
    VdRequest *w, *f1, *f2;
    VdEngine *e;
    g_autoptr(VdLogReader) r = NULL;

    hand->base.ops = &hand_ops;
    hand->base.fd = -1;
    e = vd_recorder_wrap(&hand->base, rec);
    vd_engine_set_complete(e, up_done, &up);
    memset(data, 'y', S);
    w = make_req(pool, VD_REQ_WRITE, 0, data);
    f1 = make_req(pool, VD_REQ_FLUSH, 0, NULL);
    f2 = make_req(pool, VD_REQ_FLUSH, 0, NULL);
    vd_engine_submit(e, w);
    vd_engine_done(&hand->base, w, 0);
    vd_engine_submit(e, f1);
    vd_engine_submit(e, f2);
    vd_engine_done(&hand->base, f2, 0);
    ck_assert_uint_eq(vd_recorder_n_entries(rec), 2);
    vd_engine_done(&hand->base, f1, 0);
    ck_assert_uint_eq(vd_recorder_n_entries(rec), 3);
    vd_engine_free(e);
    ck_assert_int_eq(vd_recorder_free(rec), 0);

    r = vd_logreader_open(log, &err);
    ck_assert_msg(r != NULL, "%s", err ? err->message : "");
    ck_assert_uint_eq(vd_logreader_entry(r, 0)->flags, 0);
    ck_assert_uint_eq(vd_logreader_entry(r, 1)->flags, VD_LOGWRITES_FLUSH);
    ck_assert_uint_eq(vd_logreader_entry(r, 2)->flags, VD_LOGWRITES_FLUSH);
    /* Logged with f2, which was submitted after f1. */
    ck_assert_uint_eq(vd_logreader_entry(r, 0)->t_logged,
                      vd_logreader_entry(r, 1)->t_logged);
    ck_assert_uint_gt(vd_logreader_entry(r, 1)->t_submit,
                      vd_logreader_entry(r, 2)->t_submit);
    vd_request_put(w);
    vd_request_put(f1);
    vd_request_put(f2);
    vd_request_pool_free(pool);
    vd_test_tmpdir_remove(dir);
}
END_TEST

/* ---- the reader refuses what is not a log ---- */

static void
write_bytes(const char *path, const void *data, size_t len)
{
    g_autoptr(GError) err = NULL;

    ck_assert_msg(g_file_set_contents(path, data, (gssize)len, &err), "%s",
                  err ? err->message : "");
}

START_TEST(test_reader_refuses_bad_logs)
{
    g_autofree char *dir = vd_test_tmpdir_new();
    g_autofree char *log = g_build_filename(dir, "bad.log", NULL);
    Expect x = expect_new();
    uint8_t data[S] = { 1 };
    GByteArray *good;
    g_autoptr(GError) err = NULL;
    VdLogReader *r;

    expect_entry(&x, 4, 1, 0, data, NULL);
    good = expect_finish(&x);

    /* The good one reads, without times (no sidecar). */
    write_bytes(log, good->data, good->len);
    r = vd_logreader_open(log, &err);
    ck_assert_msg(r != NULL, "%s", err ? err->message : "");
    ck_assert(!vd_logreader_has_times(r));
    ck_assert_uint_eq(vd_logreader_entry(r, 0)->sector, 4);
    vd_logreader_free(r);

    /* Truncated data, a wrong magic, a silly sector size, empty. */
    write_bytes(log, good->data, good->len - 1);
    ck_assert_ptr_null(vd_logreader_open(log, NULL));
    good->data[0] ^= 1;
    write_bytes(log, good->data, good->len);
    ck_assert_ptr_null(vd_logreader_open(log, NULL));
    good->data[0] ^= 1;
    good->data[24] = 0x10;
    write_bytes(log, good->data, good->len);
    ck_assert_ptr_null(vd_logreader_open(log, NULL));
    write_bytes(log, "", 0);
    ck_assert_ptr_null(vd_logreader_open(log, &err));
    ck_assert_ptr_nonnull(strstr(err->message, "not a usable write log"));

    g_byte_array_unref(good);
    vd_test_tmpdir_remove(dir);
}
END_TEST

static Suite *
recorder_suite(void)
{
    Suite *s = suite_create("recorder");
    TCase *tc = tcase_create("recorder");

    tcase_add_test(tc, test_known_sequence_byte_exact);
    tcase_add_test(tc, test_logging_rule);
    tcase_add_test(tc, test_failed_flush_covers_nothing);
    tcase_add_test(tc, test_second_flush_first);
    tcase_add_test(tc, test_reader_refuses_bad_logs);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return vd_test_run(recorder_suite());
}
