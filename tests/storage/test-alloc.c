/*
 * The hot path does not allocate once the pool is warm. Every allocation
 * call made by vdisk's own code (malloc and friends, GLib's g_malloc
 * family) goes through the linker's --wrap into the counters below; calls
 * from any thread but the test's own count. After a warm-up, the same
 * mix of requests (aligned, RMW, flushes, discards, zeroes, one big
 * request above what a slot keeps excluded) runs again with no new
 * allocation, for each engine. The same for QED: allocating writes, with
 * more tables in use than its cache holds.
 */
#include "config.h"

#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "storage/layers/qed-create.h"
#include "storage/request.h"
#include "tests/common/check-run.h"
#include "tests/storage/storage-test.h"

static pthread_t test_thread;
static atomic_ulong allocations;

static void
count(void)
{
    if (!pthread_equal(pthread_self(), test_thread))
        atomic_fetch_add(&allocations, 1);
}

#define WRAP(ret, name, params, args) \
    ret __real_##name params; \
    ret __wrap_##name params; \
    ret __wrap_##name params { count(); return __real_##name args; }

WRAP(void *, malloc, (size_t n), (n))
WRAP(void *, calloc, (size_t n, size_t s), (n, s))
WRAP(void *, realloc, (void *p, size_t n), (p, n))
WRAP(int, posix_memalign, (void **p, size_t a, size_t n), (p, a, n))
WRAP(void *, aligned_alloc, (size_t a, size_t n), (a, n))
WRAP(gpointer, g_malloc, (gsize n), (n))
WRAP(gpointer, g_malloc0, (gsize n), (n))
WRAP(gpointer, g_malloc_n, (gsize n, gsize s), (n, s))
WRAP(gpointer, g_malloc0_n, (gsize n, gsize s), (n, s))
WRAP(gpointer, g_realloc, (gpointer p, gsize n), (p, n))
WRAP(gpointer, g_try_malloc, (gsize n), (n))
WRAP(gpointer, g_slice_alloc, (gsize n), (n))
WRAP(gpointer, g_slice_alloc0, (gsize n), (n))

static const struct {
    VdCacheMode cache;
    VdIoMode io;
} combos[] = {
    { VD_CACHE_NONE, VD_IO_NATIVE },
    { VD_CACHE_NONE, VD_IO_URING },
    { VD_CACHE_DIRECTSYNC, VD_IO_THREADS },
    { VD_CACHE_WRITEBACK, VD_IO_THREADS },
    { VD_CACHE_WRITETHROUGH, VD_IO_URING },
};

enum { N = 48, LEN = 16384 };

static void
run_mix(VdDisk *d, VdTestIo *ios, void *buf)
{
    for (unsigned i = 0; i < N; i++) {
        uint64_t off = (uint64_t)(i % 16) * 65536;
        switch (i % 8) {
        case 0: case 1: case 2:
            ios[i] = (VdTestIo){ .type = VD_REQ_WRITE, .off = off,
                                 .len = LEN, .buf = buf };
            break;
        case 3:
            /* Partial blocks: RMW with its bounce and reads. */
            ios[i] = (VdTestIo){ .type = VD_REQ_WRITE, .flags = VD_REQ_FUA,
                                 .off = off + 100, .len = 1000, .buf = buf };
            break;
        case 4:
            ios[i] = (VdTestIo){ .type = VD_REQ_READ, .off = off + 3,
                                 .len = 5000, .buf = buf };
            break;
        case 5:
            ios[i] = (VdTestIo){ .type = VD_REQ_FLUSH };
            break;
        case 6:
            ios[i] = (VdTestIo){ .type = VD_REQ_DISCARD, .off = off,
                                 .len = 8192 };
            break;
        default:
            ios[i] = (VdTestIo){ .type = VD_REQ_WRITE_ZEROES, .off = off + 512,
                                 .len = 4096 };
            break;
        }
    }
    vd_test_batch(d, ios, N, NULL);
    for (unsigned i = 0; i < N; i++)
        ck_assert_int_eq(ios[i].ret, 0);
}

START_TEST(test_no_allocation_when_warm)
{
    VdTestEnv *env;
    VdDisk *d;
    VdTestIo ios[N];
    void *buf = vd_test_buf(LEN, 0);
    unsigned long before;

    test_thread = pthread_self();
    env = vd_test_env_new(1u << 20);
    d = vd_test_disk_open(env, combos[_i].cache, combos[_i].io, NULL);
    memset(buf, 0x33, LEN);
    for (unsigned k = 0; k < 3; k++)
        run_mix(d, ios, buf);

    before = atomic_load(&allocations);
    for (unsigned k = 0; k < 10; k++)
        run_mix(d, ios, buf);
    ck_assert_uint_eq(atomic_load(&allocations), before);

    /* The check can fail: a step posted to the I/O thread allocates. */
    vd_test_main_settle(env->thread);
    ck_assert_int_eq(vd_disk_close(d), 0);
    vd_test_env_free(env);
    vd_test_buf_free(buf, 0);
}
END_TEST

/*
 * QED: every round allocates new clusters in 16 tables through a cache
 * of 4 (tables written back, dropped, read again), with flushes. Warm-up
 * creates the tables; then nothing is allocated.
 */
static void
run_qed_round(VdDisk *d, VdTestIo *ios, void *buf, unsigned round)
{
    for (unsigned i = 0; i < N; i++) {
        unsigned table = i % 16;
        uint64_t off = (uint64_t)table * (4u << 20) +
                       (uint64_t)(round * 3 + i / 16) * 4096;
        if (i % 12 == 11)
            ios[i] = (VdTestIo){ .type = VD_REQ_FLUSH };
        else
            ios[i] = (VdTestIo){ .type = (i % 5 == 4) ? VD_REQ_READ
                                                      : VD_REQ_WRITE,
                                 .off = off, .len = 4096, .buf = buf };
    }
    vd_test_batch(d, ios, N, NULL);
    for (unsigned i = 0; i < N; i++)
        ck_assert_int_eq(ios[i].ret, 0);
}

START_TEST(test_qed_no_allocation_when_warm)
{
    VdDiskConfig cfg = { .format = "qed", .qed_cache_tables = 4 };
    VdTestEnv *env;
    VdDisk *d;
    VdTestIo ios[N];
    void *buf = vd_test_buf(LEN, 0);
    unsigned long before;
    VdQedIo *io;
    int fd;

    test_thread = pthread_self();
    env = vd_test_env_new(0);
    fd = open(env->path, O_RDWR | O_TRUNC);
    ck_assert_int_ge(fd, 0);
    io = vd_qed_io_fd_new(fd);
    ck_assert_int_eq(vd_qed_create(io, &(VdQedCreateOptions){
        .size = 64u << 20, .cluster_size = 4096, .table_size = 2 }, NULL), 0);
    g_free(io);
    close(fd);
    d = vd_test_disk_open(env, combos[_i].cache, combos[_i].io, &cfg);
    memset(buf, 0x44, LEN);
    for (unsigned k = 0; k < 4; k++)
        run_qed_round(d, ios, buf, k);

    before = atomic_load(&allocations);
    for (unsigned k = 4; k < 14; k++)
        run_qed_round(d, ios, buf, k);
    ck_assert_uint_eq(atomic_load(&allocations), before);

    vd_test_main_settle(env->thread);
    ck_assert_int_eq(vd_disk_close(d), 0);
    vd_test_env_free(env);
    vd_test_buf_free(buf, 0);
}
END_TEST

START_TEST(test_counter_sees_io_thread)
{
    /* The wrapper counts what storage code allocates in the I/O thread
     * (here: a slot's buffer, on first use). */
    VdRequestPool *pool = vd_request_pool_new(1 << 16, 8);
    VdRequest *r;
    unsigned long before;
    pthread_t other;

    test_thread = pthread_self();
    before = atomic_load(&allocations);
    ck_assert_int_eq(pthread_create(&other, NULL,
                                    (void *(*)(void *))vd_request_get, pool), 0);
    ck_assert_int_eq(pthread_join(other, (void **)&r), 0);
    ck_assert_uint_gt(atomic_load(&allocations), before);
    vd_request_put(r);
    vd_request_pool_free(pool);
}
END_TEST

static Suite *
alloc_suite(void)
{
    Suite *s = suite_create("alloc");
    TCase *tc = tcase_create("alloc");

    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_no_allocation_when_warm, 0,
                        G_N_ELEMENTS(combos));
    tcase_add_loop_test(tc, test_qed_no_allocation_when_warm, 0,
                        G_N_ELEMENTS(combos));
    tcase_add_test(tc, test_counter_sees_io_thread);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return vd_test_run(alloc_suite());
}
