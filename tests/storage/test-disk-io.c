/*
 * Round trips through a whole disk (stats -> raw -> file -> engine) for
 * every engine and every cache mode: read, write (plain and FUA), flush,
 * discard, write-zeroes (with and without NO_HOLE), aligned and not; and
 * the range and read-only checks.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <check.h>

#include "tests/common/check-run.h"
#include "tests/storage/storage-test.h"

#define IMG_SIZE (4u << 20)

typedef struct {
    VdCacheMode cache;
    VdIoMode io;
    const char *engine;     /* the engine that must end up in use */
} Combo;

static const Combo combos[] = {
    { VD_CACHE_NONE, VD_IO_NATIVE, "libaio" },
    { VD_CACHE_NONE, VD_IO_THREADS, "threads" },
    { VD_CACHE_NONE, VD_IO_URING, "io_uring" },
    { VD_CACHE_DIRECTSYNC, VD_IO_NATIVE, "libaio" },
    { VD_CACHE_DIRECTSYNC, VD_IO_THREADS, "threads" },
    { VD_CACHE_DIRECTSYNC, VD_IO_URING, "io_uring" },
    { VD_CACHE_WRITETHROUGH, VD_IO_THREADS, "threads" },
    { VD_CACHE_WRITETHROUGH, VD_IO_URING, "io_uring" },
    { VD_CACHE_WRITEBACK, VD_IO_THREADS, "threads" },
    { VD_CACHE_WRITEBACK, VD_IO_URING, "io_uring" },
    { VD_CACHE_WRITEBACK, VD_IO_DEFAULT, "threads" },
    { VD_CACHE_NONE, VD_IO_DEFAULT, "libaio" },
    { VD_CACHE_UNSAFE, VD_IO_THREADS, "threads" },
    { VD_CACHE_UNSAFE, VD_IO_URING, "io_uring" },
};
#define N_COMBOS (sizeof(combos) / sizeof(combos[0]))

static VdTestEnv *env;
static VdDisk *disk;

static void
open_combo(int i)
{
    env = vd_test_env_new(IMG_SIZE);
    disk = vd_test_disk_open(env, combos[i].cache, combos[i].io, NULL);
    ck_assert_str_eq(vd_disk_engine_name(disk), combos[i].engine);
}

static void
close_combo(void)
{
    ck_assert_int_eq(vd_disk_close(disk), 0);
    vd_test_env_free(env);
}

static void
write_and_check(uint64_t off, size_t len, size_t misalign, uint32_t flags,
                unsigned seed)
{
    void *w = vd_test_buf(len, misalign);
    void *r = vd_test_buf(len, misalign);

    vd_test_fill(w, len, off, seed);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_WRITE, flags, off, len, w), 0);
    memset(r, 0xee, len);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_READ, 0, off, len, r), 0);
    ck_assert_msg(memcmp(w, r, len) == 0, "read back differs at %llu+%zu",
                  (unsigned long long)off, len);
    vd_test_buf_free(w, misalign);
    vd_test_buf_free(r, misalign);
}

static void
assert_zeroes(uint64_t off, size_t len)
{
    unsigned char *r = vd_test_buf(len, 0);

    memset(r, 0xee, len);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_READ, 0, off, len, r), 0);
    for (size_t i = 0; i < len; i++)
        ck_assert_msg(r[i] == 0, "byte %zu of %llu+%zu is %u, not 0", i,
                      (unsigned long long)off, len, r[i]);
    vd_test_buf_free(r, 0);
}

START_TEST(test_round_trips)
{
    open_combo(_i);
    ck_assert_uint_eq(vd_disk_size(disk), IMG_SIZE);

    /* Aligned, then a partial block, a misaligned buffer, a large one. */
    write_and_check(0, 4096, 0, 0, 1);
    write_and_check(8192 + 100, 333, 0, 0, 2);
    write_and_check(65536, 8192, 7, 0, 3);
    write_and_check(1 << 20, 1 << 20, 0, 0, 4);
    write_and_check(IMG_SIZE - 4096, 4096, 0, VD_REQ_FUA, 5);
    write_and_check(12345, 70000, 3, VD_REQ_FUA, 6);

    ck_assert_int_eq(vd_test_io(disk, VD_REQ_FLUSH, 0, 0, 0, NULL), 0);

    /* Write-zeroes, hole allowed or not, aligned or not. */
    write_and_check(200000, 50000, 0, 0, 7);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_WRITE_ZEROES, 0, 204800, 8192,
                                NULL), 0);
    assert_zeroes(204800, 8192);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_WRITE_ZEROES, VD_REQ_NO_HOLE,
                                210001, 3000, NULL), 0);
    assert_zeroes(210001, 3000);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_WRITE_ZEROES,
                                VD_REQ_NO_HOLE | VD_REQ_FUA, 220000, 1000,
                                NULL), 0);
    assert_zeroes(220000, 1000);
    {
        /* The neighbours of the zeroed ranges are intact. */
        unsigned char *want = vd_test_buf(50000, 0);
        unsigned char *got = vd_test_buf(50000, 0);
        vd_test_fill(want, 50000, 200000, 7);
        memset(want + (204800 - 200000), 0, 8192);
        memset(want + (210001 - 200000), 0, 3000);
        memset(want + (220000 - 200000), 0, 1000);
        ck_assert_int_eq(vd_test_io(disk, VD_REQ_READ, 0, 200000, 50000, got),
                         0);
        ck_assert(memcmp(want, got, 50000) == 0);
        vd_test_buf_free(want, 0);
        vd_test_buf_free(got, 0);
    }

    /* Discard succeeds; what it leaves is unspecified, but not outside. */
    write_and_check(300000, 20000, 0, 0, 8);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_DISCARD, 0, 303104, 4096, NULL),
                     0);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_DISCARD, VD_REQ_FUA, 310001, 77,
                                NULL), 0);
    {
        unsigned char *want = vd_test_buf(3104, 0);
        unsigned char *got = vd_test_buf(3104, 0);
        vd_test_fill(want, 3104, 300000, 8);
        ck_assert_int_eq(vd_test_io(disk, VD_REQ_READ, 0, 300000, 3104, got),
                         0);
        ck_assert(memcmp(want, got, 3104) == 0);
        vd_test_buf_free(want, 0);
        vd_test_buf_free(got, 0);
    }
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_FLUSH, 0, 0, 0, NULL), 0);
    close_combo();
}
END_TEST

START_TEST(test_batch_round_trips)
{
    /* 64 writes in flight at once, then 64 reads at once. */
    enum { N = 64, LEN = 4096 };
    VdTestIo ios[N];
    void *bufs[N];

    open_combo(_i);
    for (unsigned i = 0; i < N; i++) {
        uint64_t off = (uint64_t)((i * 37) % N) * LEN * 3;
        bufs[i] = vd_test_buf(LEN, 0);
        vd_test_fill(bufs[i], LEN, off, 100 + i);
        ios[i] = (VdTestIo){ .type = VD_REQ_WRITE, .off = off, .len = LEN,
                             .buf = bufs[i] };
    }
    vd_test_batch(disk, ios, N, NULL);
    for (unsigned i = 0; i < N; i++) {
        ck_assert_int_eq(ios[i].ret, 0);
        ios[i].type = VD_REQ_READ;
        ios[i].buf = vd_test_buf(LEN, 0);
    }
    vd_test_batch(disk, ios, N, NULL);
    for (unsigned i = 0; i < N; i++) {
        ck_assert_int_eq(ios[i].ret, 0);
        ck_assert(memcmp(ios[i].buf, bufs[i], LEN) == 0);
        vd_test_buf_free(ios[i].buf, 0);
        vd_test_buf_free(bufs[i], 0);
    }
    close_combo();
}
END_TEST

START_TEST(test_out_of_range)
{
    char buf[512];

    open_combo(_i);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_READ, 0, IMG_SIZE - 256, 512,
                                buf), -EINVAL);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_WRITE, 0, IMG_SIZE, 512, buf),
                     -ENOSPC);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_WRITE_ZEROES, 0, IMG_SIZE - 1,
                                2, NULL), -ENOSPC);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_READ, 0, UINT64_MAX - 10, 5,
                                buf), -EINVAL);
    close_combo();
}
END_TEST

START_TEST(test_read_only)
{
    VdDiskConfig cfg = { .read_only = true };
    char *buf = vd_test_buf(4096, 0);

    env = vd_test_env_new(IMG_SIZE);
    disk = vd_test_disk_open(env, VD_CACHE_NONE, VD_IO_NATIVE, &cfg);
    ck_assert(vd_disk_read_only(disk));
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_READ, 0, 0, 4096, buf), 0);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_WRITE, 0, 0, 4096, buf), -EPERM);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_DISCARD, 0, 0, 4096, NULL),
                     -EPERM);
    vd_test_buf_free(buf, 0);
    close_combo();
}
END_TEST

START_TEST(test_bad_config)
{
    static const struct {
        VdCacheMode cache;
        VdIoMode io;
        VdErrorPolicy policy;
        const char *format;
        const char *needle;
    } bad[] = {
        { VD_CACHE_WRITEBACK, VD_IO_NATIVE, 0, NULL, "io='native'" },
        { VD_CACHE_DEFAULT, VD_IO_THREADS, 0, NULL, "cache mode" },
        { VD_CACHE_NONE, VD_IO_NATIVE, VD_ERROR_POLICY_IGNORE, NULL, "ignore" },
        { VD_CACHE_NONE, VD_IO_NATIVE, 0, "qcow2", "qcow2" },
    };

    env = vd_test_env_new(IMG_SIZE);
    for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
        VdDiskConfig cfg = {
            .path = env->path, .cache = bad[i].cache, .io = bad[i].io,
            .error_policy = bad[i].policy, .format = bad[i].format,
        };
        g_autoptr(GError) err = NULL;
        ck_assert(vd_disk_open(env->thread, &cfg, &err) == NULL);
        ck_assert(err != NULL);
        ck_assert_msg(strstr(err->message, bad[i].needle) != NULL,
                      "'%s' lacks '%s'", err->message, bad[i].needle);
    }
    {
        VdDiskConfig cfg = { .path = "/nonexistent/disk.img",
                             .cache = VD_CACHE_NONE };
        g_autoptr(GError) err = NULL;
        ck_assert(vd_disk_open(env->thread, &cfg, &err) == NULL);
        ck_assert(strstr(err->message, "/nonexistent/disk.img") != NULL);
    }
    vd_test_env_free(env);
}
END_TEST

START_TEST(test_guest_errors)
{
    /* What a guest (through the export) can get wrong is an error, not an
     * assertion: flags a type does not take, oversized requests. */
    char *buf = vd_test_buf(4096, 0);

    open_combo(_i);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_READ, VD_REQ_FUA, 0, 4096, buf),
                     -EINVAL);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_WRITE, VD_REQ_NO_HOLE, 0, 4096,
                                buf), -EINVAL);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_FLUSH, VD_REQ_FUA, 0, 0, NULL),
                     -EINVAL);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_READ, 0, 0,
                                (uint64_t)vd_disk_max_request(disk) + 1, buf),
                     -EINVAL);
    /* Zero-length requests in range succeed; out of range they do not. */
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_WRITE_ZEROES, 0, 100, 0, NULL), 0);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_DISCARD, 0, IMG_SIZE, 0, NULL), 0);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_READ, 0, IMG_SIZE + 1, 0, buf),
                     -EINVAL);
    vd_test_buf_free(buf, 0);
    close_combo();
}
END_TEST

/* Make io_uring_setup fail with ENOSYS in this (forked) test process, as
 * it does where io_uring is disabled or filtered out. */
static void
deny_io_uring(void)
{
    struct sock_filter code[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = { .len = G_N_ELEMENTS(code), .filter = code };

    ck_assert_int_eq(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
    ck_assert_int_eq(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog), 0);
}

START_TEST(test_uring_fallback)
{
    static const struct {
        VdCacheMode cache;
        const char *engine;
    } cases[] = {
        { VD_CACHE_NONE, "libaio" },
        { VD_CACHE_WRITEBACK, "threads" },
    };

    deny_io_uring();
    env = vd_test_env_new(IMG_SIZE);
    disk = vd_test_disk_open(env, cases[_i].cache, VD_IO_URING, NULL);
    ck_assert_str_eq(vd_disk_engine_name(disk), cases[_i].engine);
    ck_assert_ptr_nonnull(vd_disk_engine_note(disk));
    ck_assert_msg(strstr(vd_disk_engine_note(disk), "io_uring unavailable") &&
                  strstr(vd_disk_engine_note(disk), cases[_i].engine),
                  "note: %s", vd_disk_engine_note(disk));
    write_and_check(4096, 4096, 0, VD_REQ_FUA, 1);
    close_combo();
}
END_TEST

START_TEST(test_engine_note_empty)
{
    open_combo(_i);
    ck_assert_ptr_null(vd_disk_engine_note(disk));
    close_combo();
}
END_TEST

static Suite *
disk_io_suite(void)
{
    Suite *s = suite_create("disk-io");
    TCase *tc = tcase_create("io");

    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_round_trips, 0, N_COMBOS);
    tcase_add_loop_test(tc, test_batch_round_trips, 0, N_COMBOS);
    tcase_add_loop_test(tc, test_out_of_range, 0, N_COMBOS);
    tcase_add_loop_test(tc, test_guest_errors, 0, N_COMBOS);
    tcase_add_loop_test(tc, test_uring_fallback, 0, 2);
    tcase_add_loop_test(tc, test_engine_note_empty, 0, N_COMBOS);
    tcase_add_test(tc, test_read_only);
    tcase_add_test(tc, test_bad_config);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return vd_test_run(disk_io_suite());
}
