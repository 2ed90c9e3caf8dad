/*
 * The QED layer through a whole disk: reads and writes of every shape,
 * allocating writes in parallel, write-zeroes and discard, backing files
 * (raw and QED, with and without the no-probe bit, names relative to the
 * image), and what close leaves: a clean image cut to its last cluster,
 * which our own check finds consistent and without leaks.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "storage/layers/qed-format.h"
#include "tests/common/check-run.h"
#include "tests/storage/qed/qed-image-test.h"
#include "tests/storage/storage-test.h"

#define MiB (1ull << 20)

static VdTestEnv *env;

static void
setup(void)
{
    env = vd_test_env_new(0);
}

static void
teardown(void)
{
    vd_test_env_free(env);
}

static VdDisk *
open_qed(VdCacheMode cache, VdIoMode io, VdDiskConfig *extra)
{
    VdDiskConfig cfg = { 0 };

    if (extra)
        cfg = *extra;
    cfg.format = "qed";
    return vd_test_disk_open(env, cache, io, &cfg);
}

static void
write_pattern(VdDisk *d, uint64_t off, size_t len, unsigned seed)
{
    void *buf = vd_test_buf(len, 0);

    vd_test_fill(buf, len, off, seed);
    ck_assert_int_eq(vd_test_io(d, VD_REQ_WRITE, 0, off, len, buf), 0);
    vd_test_buf_free(buf, 0);
}

/* Read [off, off + len) and compare with the pattern (seed 0: zeroes). */
static void
expect_pattern(VdDisk *d, uint64_t off, size_t len, unsigned seed)
{
    void *buf = vd_test_buf(len, 0);
    void *want = vd_test_buf(len, 0);

    if (seed)
        vd_test_fill(want, len, off, seed);
    else
        memset(want, 0, len);
    memset(buf, 0xee, len);
    ck_assert_int_eq(vd_test_io(d, VD_REQ_READ, 0, off, len, buf), 0);
    ck_assert_msg(memcmp(buf, want, len) == 0, "data differs at %llu+%zu",
                  (unsigned long long)off, len);
    vd_test_buf_free(buf, 0);
    vd_test_buf_free(want, 0);
}

/* Our own check after close: consistent, no leak, NEED_CHECK clear. */
static void
expect_clean(const char *path)
{
    g_autoptr(GError) err = NULL;
    VdQedCheckResult res = { 0 };
    VdQedImage *img;

    ck_assert(!vd_test_qed_need_check(path));
    img = vd_test_qed_open(path, VD_QED_OPEN_READ_ONLY, &err);
    ck_assert_msg(img, "%s", err ? err->message : "");
    ck_assert_int_eq(vd_qed_check(img, false, &res), 0);
    ck_assert_msg(res.corruptions == 0 && res.leaks == 0,
                  "%llu corruptions, %llu leaks: %s",
                  (unsigned long long)res.corruptions,
                  (unsigned long long)res.leaks,
                  res.problems ? (char *)res.problems->pdata[0] : "");
    /* Cut to the last cluster in use. */
    ck_assert_uint_eq(vd_test_file_size(path) % img->g.cluster_size, 0);
    vd_qed_check_result_clear(&res);
    vd_test_qed_close(img);
}

static const struct {
    VdCacheMode cache;
    VdIoMode io;
} modes[] = {
    { VD_CACHE_NONE, VD_IO_NATIVE },
    { VD_CACHE_WRITEBACK, VD_IO_THREADS },
    { VD_CACHE_WRITETHROUGH, VD_IO_URING },
    { VD_CACHE_UNSAFE, VD_IO_THREADS },
};

/* Every shape of request, small clusters and tables so that runs cross
 * clusters and tables; then the same data after a reopen. */
START_TEST(test_read_write)
{
    VdDisk *d;

    vd_test_qed_create(env->path, &(VdQedCreateOptions){
        .size = 64 * MiB, .cluster_size = 4096, .table_size = 1 });
    d = open_qed(modes[_i].cache, modes[_i].io, NULL);
    ck_assert_uint_eq(vd_disk_size(d), 64 * MiB);
    expect_pattern(d, 0, 128 * 1024, 0);
    write_pattern(d, 0, 4096, 1);
    write_pattern(d, 8192 + 512, 512, 2);           /* inside a cluster */
    write_pattern(d, 2 * MiB - 6144, 20480, 3);     /* across a table */
    write_pattern(d, 5 * MiB + 100, 3000, 4);       /* unaligned */
    write_pattern(d, 64 * MiB - 4096, 4096, 5);     /* the last cluster */
    write_pattern(d, 10 * MiB, 1 * MiB, 6);         /* many clusters */
    write_pattern(d, 10 * MiB + 4096, 8192, 7);     /* in place */
    expect_pattern(d, 0, 4096, 1);
    expect_pattern(d, 4096, 4096 + 512, 0);
    expect_pattern(d, 8192 + 512, 512, 2);
    expect_pattern(d, 2 * MiB - 6144, 20480, 3);
    expect_pattern(d, 5 * MiB + 100, 3000, 4);
    expect_pattern(d, 64 * MiB - 4096, 4096, 5);
    expect_pattern(d, 10 * MiB, 4096, 6);
    expect_pattern(d, 10 * MiB + 4096, 8192, 7);
    expect_pattern(d, 10 * MiB + 12288, 1 * MiB - 12288, 6);
    ck_assert_int_eq(vd_test_io(d, VD_REQ_FLUSH, 0, 0, 0, NULL), 0);
    {
        void *past = vd_test_buf(512, 0);
        ck_assert_int_eq(vd_test_io(d, VD_REQ_READ, 0, 64 * MiB, 512, past),
                         -EINVAL);
        vd_test_buf_free(past, 0);
    }
    ck_assert_int_eq(vd_disk_close(d), 0);
    expect_clean(env->path);

    d = open_qed(modes[_i].cache, modes[_i].io, NULL);
    expect_pattern(d, 0, 4096, 1);
    expect_pattern(d, 2 * MiB - 6144, 20480, 3);
    expect_pattern(d, 10 * MiB + 4096, 8192, 7);
    expect_pattern(d, 64 * MiB - 4096, 4096, 5);
    ck_assert_int_eq(vd_disk_close(d), 0);
    expect_clean(env->path);
}
END_TEST

/*
 * Many allocating writes at once: distinct clusters, the same new
 * cluster from two requests, reads beside them. Every write lands, no
 * cluster is allocated twice, none leaks.
 */
START_TEST(test_parallel_alloc)
{
    enum { N = 64 };
    VdTestIo ios[N];
    void *bufs[N];
    VdDisk *d;

    vd_test_qed_create(env->path, &(VdQedCreateOptions){ .size = 256 * MiB });
    d = open_qed(VD_CACHE_NONE, VD_IO_NATIVE, NULL);
    for (unsigned i = 0; i < N; i++) {
        /* Pairs 2k, 2k+1 share a new cluster, halves apart. */
        uint64_t cluster = (i / 2) * 7 % 97;
        uint64_t off = cluster * 65536 + (i % 2) * 32768;
        bufs[i] = vd_test_buf(32768, 0);
        vd_test_fill(bufs[i], 32768, off, 100 + i);
        ios[i] = (VdTestIo){ .type = (i % 8 == 7) ? VD_REQ_READ : VD_REQ_WRITE,
                             .off = off, .len = 32768, .buf = bufs[i] };
    }
    vd_test_batch(d, ios, N, NULL);
    for (unsigned i = 0; i < N; i++)
        ck_assert_int_eq(ios[i].ret, 0);
    for (unsigned i = 0; i < N; i++) {
        if (ios[i].type == VD_REQ_WRITE)
            expect_pattern(d, ios[i].off, 32768, 100 + i);
        vd_test_buf_free(bufs[i], 0);
    }
    ck_assert_int_eq(vd_disk_close(d), 0);
    expect_clean(env->path);
}
END_TEST

START_TEST(test_zero_and_discard)
{
    void *buf = vd_test_buf(65536, 0);
    uint64_t size_before;
    VdDisk *d;

    vd_test_qed_create(env->path, &(VdQedCreateOptions){ .size = 64 * MiB });
    d = open_qed(VD_CACHE_NONE, VD_IO_NATIVE, NULL);
    write_pattern(d, 0, 3 * 65536, 1);
    /* Mapped: zeroed in place, partly and whole. */
    ck_assert_int_eq(vd_test_io(d, VD_REQ_WRITE_ZEROES, 0, 4096, 8192, NULL), 0);
    ck_assert_int_eq(vd_test_io(d, VD_REQ_WRITE_ZEROES, VD_REQ_NO_HOLE, 65536,
                                65536, NULL), 0);
    expect_pattern(d, 0, 4096, 1);
    expect_pattern(d, 4096, 8192, 0);
    expect_pattern(d, 12288, 65536 - 12288, 1);
    expect_pattern(d, 65536, 65536, 0);
    /* Discarded: reads back as anything, here the hole's zeroes. */
    ck_assert_int_eq(vd_test_io(d, VD_REQ_DISCARD, 0, 131072, 65536, NULL), 0);
    /* Not mapped: nothing to do, and nothing allocated. */
    ck_assert_int_eq(vd_test_io(d, VD_REQ_WRITE_ZEROES, 0, 32 * MiB, 4 * MiB,
                                NULL), 0);
    ck_assert_int_eq(vd_test_io(d, VD_REQ_DISCARD, 0, 40 * MiB, MiB, NULL), 0);
    expect_pattern(d, 32 * MiB, 65536, 0);
    ck_assert_int_eq(vd_disk_close(d), 0);
    size_before = vd_test_file_size(env->path);
    ck_assert_uint_eq(size_before, 65536 + 4 * 65536 + 4 * 65536 + 3 * 65536);
    expect_clean(env->path);
    vd_test_buf_free(buf, 0);
}
END_TEST

/* A raw file of @size bytes with pattern @seed beside the image. */
static char *
make_raw(const char *name, uint64_t size, unsigned seed)
{
    char *path = g_build_filename(env->dir, name, NULL);
    void *buf = vd_test_buf(size, 0);
    g_autoptr(GError) err = NULL;

    vd_test_fill(buf, size, 0, seed);
    ck_assert(g_file_set_contents(path, buf, (gssize)size, &err));
    vd_test_buf_free(buf, 0);
    return path;
}

/*
 * Over a raw backing file, shorter than the image: partial writes keep
 * the backing data around them, write-zeroes hides it (whole clusters
 * become zero clusters, partial ones are filled), reads past its end
 * are zeroes.
 */
START_TEST(test_backing_raw)
{
    g_autofree char *base = make_raw("base.raw", 4 * MiB, 9);
    VdDisk *d;

    vd_test_qed_create(env->path, &(VdQedCreateOptions){
        .size = 8 * MiB, .backing_file = "base.raw", .backing_format = "raw" });
    d = open_qed(modes[_i].cache, modes[_i].io, NULL);
    expect_pattern(d, 0, 4 * MiB, 9);
    expect_pattern(d, 4 * MiB, 4 * MiB, 0);
    write_pattern(d, 65536 + 4096, 512, 1);
    write_pattern(d, 4 * MiB - 4096, 8192, 2);      /* across its end */
    ck_assert_int_eq(vd_test_io(d, VD_REQ_WRITE_ZEROES, 0, MiB, 2 * 65536,
                                NULL), 0);
    ck_assert_int_eq(vd_test_io(d, VD_REQ_WRITE_ZEROES, 0, 2 * MiB + 512,
                                1024, NULL), 0);
    expect_pattern(d, 65536, 4096, 9);
    expect_pattern(d, 65536 + 4096, 512, 1);
    expect_pattern(d, 65536 + 4608, 65536 - 4608, 9);
    expect_pattern(d, 4 * MiB - 65536, 65536 - 4096, 9);
    expect_pattern(d, 4 * MiB - 4096, 8192, 2);
    expect_pattern(d, MiB, 2 * 65536, 0);
    expect_pattern(d, 2 * MiB, 512, 9);
    expect_pattern(d, 2 * MiB + 512, 1024, 0);
    expect_pattern(d, 2 * MiB + 1536, 65536 - 1536, 9);
    ck_assert_int_eq(vd_disk_close(d), 0);
    expect_clean(env->path);
    /* Nothing was written to the backing file. */
    d = open_qed(VD_CACHE_WRITEBACK, VD_IO_THREADS, NULL);
    expect_pattern(d, MiB, 65536, 0);
    expect_pattern(d, 3 * MiB, 65536, 9);
    ck_assert_int_eq(vd_disk_close(d), 0);
}
END_TEST

/*
 * The backing name is relative to the image's directory, not to the
 * working directory; the no-probe bit means raw even when the file looks
 * like QED; without it a QED backing file is read as QED, down a chain.
 */
START_TEST(test_backing_chain)
{
    g_autofree char *base = make_raw("base.raw", 2 * MiB, 3);
    g_autofree char *mid = g_build_filename(env->dir, "mid.qed", NULL);
    g_autofree char *cwd = g_get_current_dir();
    VdDisk *d;

    vd_test_qed_create(mid, &(VdQedCreateOptions){
        .size = 2 * MiB, .backing_file = "base.raw", .backing_format = "raw" });
    /* mid: one cluster of its own over the base. */
    {
        char *saved = env->path;
        env->path = mid;
        d = open_qed(VD_CACHE_WRITEBACK, VD_IO_THREADS, NULL);
        write_pattern(d, 65536, 65536, 4);
        ck_assert_int_eq(vd_disk_close(d), 0);
        env->path = saved;
    }
    vd_test_qed_create(env->path, &(VdQedCreateOptions){
        .size = 4 * MiB, .backing_file = "mid.qed" });
    ck_assert_int_eq(chdir("/"), 0);
    d = open_qed(VD_CACHE_NONE, VD_IO_NATIVE, NULL);
    ck_assert_int_eq(chdir(cwd), 0);
    expect_pattern(d, 0, 65536, 3);
    expect_pattern(d, 65536, 65536, 4);
    expect_pattern(d, 131072, 2 * MiB - 131072, 3);
    expect_pattern(d, 2 * MiB, 2 * MiB, 0);
    write_pattern(d, 65536 + 512, 512, 5);
    expect_pattern(d, 65536, 512, 4);
    expect_pattern(d, 65536 + 512, 512, 5);
    expect_pattern(d, 65536 + 1024, 65536 - 1024, 4);
    ck_assert_int_eq(vd_disk_close(d), 0);
    expect_clean(env->path);

    /* With the no-probe bit, mid.qed is read as raw: its header shows. */
    vd_test_qed_create(env->path, &(VdQedCreateOptions){
        .size = 4 * MiB, .backing_file = "mid.qed", .backing_format = "raw" });
    d = open_qed(VD_CACHE_WRITEBACK, VD_IO_THREADS, NULL);
    {
        uint8_t head[4];
        ck_assert_int_eq(vd_test_io(d, VD_REQ_READ, 0, 0, 4, head), 0);
        ck_assert_mem_eq(head, "QED\0", 4);
    }
    ck_assert_int_eq(vd_disk_close(d), 0);
}
END_TEST

START_TEST(test_backing_refused)
{
    g_autoptr(GError) err = NULL;
    VdDiskConfig cfg = { .format = "qed", .cache = VD_CACHE_WRITEBACK };
    g_autofree char *q2 = make_raw("b.qcow2", 65536, 1);

    cfg.path = env->path;
    vd_test_qed_create(env->path, &(VdQedCreateOptions){
        .size = MiB, .backing_file = "missing.raw" });
    ck_assert_ptr_null(vd_disk_open(env->thread, &cfg, &err));
    ck_assert_msg(strstr(err->message, "missing.raw"), "%s", err->message);
    g_clear_error(&err);
    /* A loop: the image is its own backing file. */
    vd_test_qed_create(env->path, &(VdQedCreateOptions){
        .size = MiB, .backing_file = "disk.img" });
    ck_assert_ptr_null(vd_disk_open(env->thread, &cfg, &err));
    ck_assert_msg(strstr(err->message, "the image itself"), "%s", err->message);
    g_clear_error(&err);
    /* qcow2 is not read as raw. */
    vd_test_file_set_u64(q2, 0, 0xfb494651ull);
    vd_test_qed_create(env->path, &(VdQedCreateOptions){
        .size = MiB, .backing_file = "b.qcow2" });
    ck_assert_ptr_null(vd_disk_open(env->thread, &cfg, &err));
    ck_assert_msg(strstr(err->message, "qcow2"), "%s", err->message);
}
END_TEST

/* A read-only disk never writes: NEED_CHECK stays as it was. */
START_TEST(test_read_only)
{
    VdDiskConfig cfg = { .read_only = true };
    VdDisk *d;

    vd_test_qed_create(env->path, &(VdQedCreateOptions){ .size = MiB });
    vd_test_file_set_u64(env->path, 16, VD_QED_F_NEED_CHECK);
    d = open_qed(VD_CACHE_NONE, VD_IO_NATIVE, &cfg);
    ck_assert(vd_disk_read_only(d));
    expect_pattern(d, 0, 65536, 0);
    ck_assert_int_eq(vd_disk_close(d), 0);
    ck_assert(vd_test_qed_need_check(env->path));
}
END_TEST

static Suite *
qed_io_suite(void)
{
    Suite *s = suite_create("qed-io");
    TCase *tc = tcase_create("io");

    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_read_write, 0, G_N_ELEMENTS(modes));
    tcase_add_test(tc, test_parallel_alloc);
    tcase_add_test(tc, test_zero_and_discard);
    tcase_add_loop_test(tc, test_backing_raw, 0, G_N_ELEMENTS(modes));
    tcase_add_test(tc, test_backing_chain);
    tcase_add_test(tc, test_backing_refused);
    tcase_add_test(tc, test_read_only);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return vd_test_run(qed_io_suite());
}
