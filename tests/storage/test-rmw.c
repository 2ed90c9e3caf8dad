/*
 * Read-modify-write on O_DIRECT: many small writes into the same blocks,
 * all in flight at once, must each land without losing their neighbours'
 * bytes. Without the ordering in file-rmw.c every RMW of a batch reads
 * the block before any of them writes it back, and all but the last
 * writer's bytes are lost: these tests fail deterministically then.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <check.h>

#include "tests/common/check-run.h"
#include "tests/storage/storage-test.h"

#define IMG_SIZE (1u << 20)

static const VdIoMode direct_ios[] = { VD_IO_NATIVE, VD_IO_THREADS, VD_IO_URING };

static VdTestEnv *env;
static VdDisk *disk;

static void
open_direct(int i, VdCacheMode cache)
{
    env = vd_test_env_new(IMG_SIZE);
    disk = vd_test_disk_open(env, cache, direct_ios[i], NULL);
    /* The ordering is only needed, and only exercised, with a block. */
    ck_assert_uint_gt(vd_disk_min_block(disk), 1);
}

static void
close_direct(void)
{
    ck_assert_int_eq(vd_disk_close(disk), 0);
    vd_test_env_free(env);
}

static void
read_all(unsigned char *out, uint64_t off, size_t len)
{
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_READ, 0, off, len, out), 0);
}

/* Pieces of @piece bytes tiling [base, base + n * piece), all in flight. */
static void
check_tiling(uint64_t base, unsigned n, size_t piece, uint32_t flags)
{
    VdTestIo *ios = g_new0(VdTestIo, n);
    size_t total = n * piece;
    unsigned char *want = g_malloc(total);
    unsigned char *got = vd_test_buf(total, 0);

    for (unsigned i = 0; i < n; i++) {
        ios[i] = (VdTestIo){
            .type = VD_REQ_WRITE, .flags = flags, .off = base + i * piece,
            .len = piece, .buf = want + i * piece,
        };
        vd_test_fill(want + i * piece, piece, base + i * piece, 1000 + i);
    }
    vd_test_batch(disk, ios, n, NULL);
    for (unsigned i = 0; i < n; i++)
        ck_assert_int_eq(ios[i].ret, 0);
    read_all(got, base, total);
    for (unsigned i = 0; i < n; i++)
        ck_assert_msg(memcmp(want + i * piece, got + i * piece, piece) == 0,
                      "piece %u of %zu bytes at %llu lost", i, piece,
                      (unsigned long long)(base + i * piece));
    vd_test_buf_free(got, 0);
    g_free(want);
    g_free(ios);
}

START_TEST(test_tiles_in_one_block)
{
    open_direct(_i, VD_CACHE_NONE);
    /* 5 writes of 100 bytes inside the first 512-byte block, then 40
     * of 77 bytes across several blocks, unaligned at both ends. */
    check_tiling(0, 5, 100, 0);
    check_tiling(4096 + 13, 40, 77, 0);
    close_direct();
}
END_TEST

START_TEST(test_tiles_durable)
{
    /* directsync: each RMW write is also durable; the order still holds. */
    open_direct(_i, VD_CACHE_DIRECTSYNC);
    check_tiling(8192 + 1, 30, 129, 0);
    check_tiling(65536 + 500, 20, 1000, VD_REQ_FUA);
    close_direct();
}
END_TEST

START_TEST(test_rmw_against_aligned)
{
    /* Aligned writes of whole blocks race with partial writes to the
     * same blocks: every byte ends up from one of the writers that wrote
     * it, and bytes written by only one writer are that writer's. */
    enum { BLOCKS = 8 };
    unsigned align;
    VdTestIo ios[3 * BLOCKS];
    unsigned n = 0;
    unsigned char *full, *part_a, *part_b, *got;
    size_t len;

    open_direct(_i, VD_CACHE_NONE);
    align = vd_disk_min_block(disk);
    len = (size_t)align * BLOCKS;
    full = vd_test_buf(len, 0);
    part_a = g_malloc(len);
    part_b = g_malloc(len);
    got = vd_test_buf(len, 0);
    vd_test_fill(full, len, 0, 1);
    vd_test_fill(part_a, len, 0, 2);
    vd_test_fill(part_b, len, 0, 3);
    for (unsigned b = 0; b < BLOCKS; b++) {
        uint64_t off = (uint64_t)b * align;
        /* A partial write at the head of the block, the whole block,
         * then a partial write at its tail: submitted in that order. */
        ios[n++] = (VdTestIo){ .type = VD_REQ_WRITE, .off = off + 10,
                               .len = 50, .buf = part_a + off + 10 };
        ios[n++] = (VdTestIo){ .type = VD_REQ_WRITE, .off = off,
                               .len = align, .buf = full + off };
        ios[n++] = (VdTestIo){ .type = VD_REQ_WRITE, .off = off + align - 70,
                               .len = 60, .buf = part_b + off + align - 70 };
    }
    vd_test_batch(disk, ios, n, NULL);
    for (unsigned i = 0; i < n; i++)
        ck_assert_int_eq(ios[i].ret, 0);
    read_all(got, 0, len);
    for (unsigned b = 0; b < BLOCKS; b++) {
        size_t off = (size_t)b * align;
        for (size_t i = 0; i < align; i++) {
            size_t p = off + i;
            bool in_a = i >= 10 && i < 60;
            bool in_b = i >= align - 70 && i < align - 10;
            ck_assert_msg(got[p] == full[p] || (in_a && got[p] == part_a[p]) ||
                          (in_b && got[p] == part_b[p]),
                          "block %u byte %zu from no writer", b, i);
        }
        /* Serialised in arrival order: the whole block covers the head
         * write, and the tail write comes last. */
        ck_assert(memcmp(got + off, full + off, align - 70) == 0);
        ck_assert(memcmp(got + off + align - 70, part_b + off + align - 70,
                         60) == 0);
        ck_assert(memcmp(got + off + align - 10, full + off + align - 10,
                         10) == 0);
    }
    vd_test_buf_free(full, 0);
    vd_test_buf_free(got, 0);
    g_free(part_a);
    g_free(part_b);
    close_direct();
}
END_TEST

START_TEST(test_rmw_against_zeroes)
{
    /* Write-zeroes over part of a block races with a partial write to the
     * rest of it: both land. */
    unsigned char *data = g_malloc(300);
    unsigned char *got = vd_test_buf(4096, 0);
    VdTestIo ios[2];

    open_direct(_i, VD_CACHE_NONE);
    memset(got, 0xab, 4096);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_WRITE, 0, 0, 4096, got), 0);
    vd_test_fill(data, 300, 0, 9);
    ios[0] = (VdTestIo){ .type = VD_REQ_WRITE, .off = 100, .len = 300,
                         .buf = data };
    ios[1] = (VdTestIo){ .type = VD_REQ_WRITE_ZEROES, .flags = VD_REQ_NO_HOLE,
                         .off = 400, .len = 50 };
    vd_test_batch(disk, ios, 2, NULL);
    ck_assert_int_eq(ios[0].ret, 0);
    ck_assert_int_eq(ios[1].ret, 0);
    read_all(got, 0, 4096);
    ck_assert(memcmp(got + 100, data, 300) == 0);
    for (unsigned i = 400; i < 450; i++)
        ck_assert_uint_eq(got[i], 0);
    for (unsigned i = 0; i < 100; i++)
        ck_assert_uint_eq(got[i], 0xab);
    for (unsigned i = 450; i < 4096; i++)
        ck_assert_uint_eq(got[i], 0xab);
    vd_test_buf_free(got, 0);
    g_free(data);
    close_direct();
}
END_TEST

START_TEST(test_misaligned_reads)
{
    unsigned char *w = vd_test_buf(65536, 0);
    unsigned char *r = vd_test_buf(65536, 5);

    open_direct(_i, VD_CACHE_NONE);
    vd_test_fill(w, 65536, 0, 4);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_WRITE, 0, 0, 65536, w), 0);
    for (unsigned off = 1; off < 3000; off += 997) {
        ck_assert_int_eq(vd_test_io(disk, VD_REQ_READ, 0, off, 60000, r), 0);
        ck_assert(memcmp(r, w + off, 60000) == 0);
    }
    vd_test_buf_free(w, 0);
    vd_test_buf_free(r, 5);
    close_direct();
}
END_TEST

START_TEST(test_zero_writes_fallback)
{
    /* A file system without fallocate's PUNCH_HOLE and ZERO_RANGE: zeroes
     * are written, through RMW at the unaligned ends, in chunks. */
    enum { SPAN = 4u << 20 };
    VdTestSpy *spy = NULL;
    VdDiskConfig cfg = { .engine_wrap = vd_test_spy_wrap,
                         .engine_wrap_data = &spy };
    unsigned char *buf = vd_test_buf(SPAN, 0);
    unsigned char *want = g_malloc(SPAN);
    VdTestSpyCounts c;

    env = vd_test_env_new(SPAN);
    disk = vd_test_disk_open(env, VD_CACHE_NONE, direct_ios[_i], &cfg);
    vd_test_fill(want, SPAN, 0, 11);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_WRITE, 0, 0, SPAN, want), 0);
    vd_test_spy_fail(env->thread, spy, VD_REQ_WRITE_ZEROES, -EOPNOTSUPP, 100);
    vd_test_spy_fail(env->thread, spy, VD_REQ_DISCARD, -EOPNOTSUPP, 100);

    /* NO_HOLE: ZERO_RANGE refused once, then remembered. */
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_WRITE_ZEROES, VD_REQ_NO_HOLE,
                                1000, 20000, NULL), 0);
    memset(want + 1000, 0, 20000);
    /* Hole allowed: PUNCH_HOLE refused once; over a megabyte, unaligned. */
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_WRITE_ZEROES, 0, 100001,
                                (3u << 20) - 7, NULL), 0);
    memset(want + 100001, 0, (3u << 20) - 7);
    /* Discard now does nothing, successfully. */
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_DISCARD, 0, 0, 65536, NULL), 0);

    vd_test_spy_counts(env->thread, spy, &c);
    ck_assert_uint_eq(c.zero_ranges, 1);
    ck_assert_uint_eq(c.punches, 1);
    ck_assert_uint_ge(c.plain_writes, 5);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_READ, 0, 0, SPAN, buf), 0);
    ck_assert(memcmp(buf, want, SPAN) == 0);
    g_free(want);
    vd_test_buf_free(buf, 0);
    close_direct();
}
END_TEST

static Suite *
rmw_suite(void)
{
    Suite *s = suite_create("rmw");
    TCase *tc = tcase_create("rmw");
    int n = G_N_ELEMENTS(direct_ios);

    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_tiles_in_one_block, 0, n);
    tcase_add_loop_test(tc, test_tiles_durable, 0, n);
    tcase_add_loop_test(tc, test_rmw_against_aligned, 0, n);
    tcase_add_loop_test(tc, test_rmw_against_zeroes, 0, n);
    tcase_add_loop_test(tc, test_misaligned_reads, 0, n);
    tcase_add_loop_test(tc, test_zero_writes_fallback, 0, n);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return vd_test_run(rmw_suite());
}
