/*
 * The cache-mode table of DURABILITY.md, checked at the system-call
 * level: the engine spy under the file layer sees every write (with or
 * without RWF_DSYNC), fdatasync and fallocate, and knows at each
 * completion whether the request's bytes were durable. The open flags are
 * read back from /proc/self/fdinfo.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "tests/common/check-run.h"
#include "tests/storage/storage-test.h"

#define IMG_SIZE (1u << 20)

typedef struct {
    VdCacheMode cache;
    VdIoMode io;
    bool direct;          /* opened with O_DIRECT */
    bool write_durable;   /* every write durable when completed */
    bool flush_syncs;     /* a flush reaches fdatasync */
    bool write_cache;     /* the guest is told of a volatile cache */
} Mode;

static const Mode modes[] = {
    { VD_CACHE_DIRECTSYNC, VD_IO_NATIVE, true, true, true, false },
    { VD_CACHE_DIRECTSYNC, VD_IO_THREADS, true, true, true, false },
    { VD_CACHE_DIRECTSYNC, VD_IO_URING, true, true, true, false },
    { VD_CACHE_WRITETHROUGH, VD_IO_THREADS, false, true, true, false },
    { VD_CACHE_WRITETHROUGH, VD_IO_URING, false, true, true, false },
    { VD_CACHE_NONE, VD_IO_NATIVE, true, false, true, true },
    { VD_CACHE_NONE, VD_IO_THREADS, true, false, true, true },
    { VD_CACHE_NONE, VD_IO_URING, true, false, true, true },
    { VD_CACHE_WRITEBACK, VD_IO_THREADS, false, false, true, true },
    { VD_CACHE_WRITEBACK, VD_IO_URING, false, false, true, true },
    { VD_CACHE_UNSAFE, VD_IO_THREADS, false, false, false, true },
    { VD_CACHE_UNSAFE, VD_IO_URING, false, false, false, true },
};
#define N_MODES (sizeof(modes) / sizeof(modes[0]))

static VdTestEnv *env;
static VdDisk *disk;
static VdTestSpy *spy;
static const Mode *mode;

static void
open_mode(int i, VdDiskConfig *cfg)
{
    VdDiskConfig c = { 0 };

    if (cfg)
        c = *cfg;
    mode = &modes[i];
    c.engine_wrap = vd_test_spy_wrap;
    c.engine_wrap_data = &spy;
    env = vd_test_env_new(IMG_SIZE);
    disk = vd_test_disk_open(env, mode->cache, mode->io, &c);
    ck_assert(spy != NULL);
}

static VdTestSpyCounts
counts(void)
{
    VdTestSpyCounts c;

    vd_test_spy_counts(env->thread, spy, &c);
    return c;
}

/* One request through the disk, with the spy's view at its completion. */
static VdTestIo
io(VdReqType type, uint32_t flags, uint64_t off, uint64_t len, void *buf)
{
    VdTestIo t = { .type = type, .flags = flags, .off = off, .len = len,
                   .buf = buf };

    vd_test_batch(disk, &t, 1, spy);
    return t;
}

static int
fd_flags(int fd)
{
    g_autofree char *path = g_strdup_printf("/proc/self/fdinfo/%d", fd);
    FILE *f = fopen(path, "r");
    char line[256];
    int flags = -1;

    ck_assert_msg(f != NULL, "cannot open %s", path);
    while (fgets(line, sizeof(line), f)) {
        if (sscanf(line, "flags: %o", (unsigned *)&flags) == 1)
            break;
    }
    fclose(f);
    ck_assert_int_ne(flags, -1);
    return flags;
}

START_TEST(test_open_flags)
{
    open_mode(_i, NULL);
    ck_assert_int_eq((fd_flags(counts().fd) & O_DIRECT) != 0, mode->direct);
    ck_assert_int_eq(vd_disk_has_write_cache(disk), mode->write_cache);
    ck_assert_int_eq(vd_disk_close(disk), 0);
    vd_test_env_free(env);
}
END_TEST

START_TEST(test_writes_and_flush)
{
    void *buf = vd_test_buf(8192, 0);
    VdTestSpyCounts before, after;
    VdTestIo t;

    open_mode(_i, NULL);
    vd_test_fill(buf, 8192, 0, 1);

    /* A plain write: durable on completion exactly in the modes without
     * a write cache, and then without a separate fdatasync. */
    before = counts();
    t = io(VD_REQ_WRITE, 0, 0, 4096, buf);
    ck_assert_int_eq(t.ret, 0);
    ck_assert_int_eq(t.durable_at_done, mode->write_durable);
    after = counts();
    ck_assert_uint_eq(after.fua_writes - before.fua_writes,
                      mode->write_durable ? 1 : 0);
    ck_assert_uint_eq(after.plain_writes - before.plain_writes,
                      mode->write_durable ? 0 : 1);
    ck_assert_uint_eq(after.fdatasyncs, before.fdatasyncs);

    /* A flush: reaches fdatasync unless unsafe, and then leaves no
     * completed write unsynced. */
    before = counts();
    t = io(VD_REQ_FLUSH, 0, 0, 0, NULL);
    ck_assert_int_eq(t.ret, 0);
    after = counts();
    ck_assert_uint_eq(after.fdatasyncs - before.fdatasyncs,
                      mode->flush_syncs ? 1 : 0);
    ck_assert_int_eq(t.flush_done_all, mode->flush_syncs);

    /* A FUA write: durable on completion, except that unsafe ignores it. */
    t = io(VD_REQ_WRITE, VD_REQ_FUA, 4096, 4096, (char *)buf + 4096);
    ck_assert_int_eq(t.ret, 0);
    ck_assert_int_eq(t.durable_at_done, mode->flush_syncs);

    /* A partial-block write (RMW on O_DIRECT) follows the same rule. */
    t = io(VD_REQ_WRITE, 0, 16384 + 100, 300, buf);
    ck_assert_int_eq(t.ret, 0);
    ck_assert_int_eq(t.durable_at_done, mode->write_durable);
    t = io(VD_REQ_WRITE, VD_REQ_FUA, 20480 + 7, 3000, buf);
    ck_assert_int_eq(t.ret, 0);
    ck_assert_int_eq(t.durable_at_done, mode->flush_syncs);

    ck_assert_int_eq(vd_disk_close(disk), 0);
    vd_test_buf_free(buf, 0);
    vd_test_env_free(env);
}
END_TEST

START_TEST(test_fallocate_durability)
{
    VdTestSpyCounts before, after;
    VdTestIo t;

    open_mode(_i, NULL);
    /* Write-zeroes and discard are fallocate, which RWF_DSYNC cannot
     * cover: durable ones need an fdatasync after them. */
    before = counts();
    t = io(VD_REQ_WRITE_ZEROES, VD_REQ_NO_HOLE, 65536, 65536, NULL);
    ck_assert_int_eq(t.ret, 0);
    ck_assert_int_eq(t.durable_at_done, mode->write_durable);
    after = counts();
    ck_assert_uint_eq(after.zero_ranges - before.zero_ranges, 1);
    ck_assert_uint_eq(after.fdatasyncs - before.fdatasyncs,
                      mode->write_durable ? 1 : 0);

    before = counts();
    t = io(VD_REQ_WRITE_ZEROES, 0, 131072, 65536, NULL);
    ck_assert_int_eq(t.ret, 0);
    ck_assert_int_eq(t.durable_at_done, mode->write_durable);
    after = counts();
    ck_assert_uint_eq(after.punches - before.punches, 1);

    t = io(VD_REQ_WRITE_ZEROES, VD_REQ_FUA, 196608, 4096, NULL);
    ck_assert_int_eq(t.ret, 0);
    ck_assert_int_eq(t.durable_at_done, mode->flush_syncs);

    t = io(VD_REQ_DISCARD, 0, 262144, 65536, NULL);
    ck_assert_int_eq(t.ret, 0);
    ck_assert_int_eq(t.durable_at_done, mode->write_durable);
    t = io(VD_REQ_DISCARD, VD_REQ_FUA, 327680, 65536, NULL);
    ck_assert_int_eq(t.ret, 0);
    ck_assert_int_eq(t.durable_at_done, mode->flush_syncs);

    ck_assert_int_eq(vd_disk_close(disk), 0);
    vd_test_env_free(env);
}
END_TEST

START_TEST(test_fua_emulated)
{
    /* A kernel without RWF_DSYNC: durable writes become write then
     * fdatasync, still durable before their completion. */
    void *buf = vd_test_buf(4096, 0);
    VdTestSpyCounts before, after;
    VdTestIo t;

    open_mode(_i, NULL);
    vd_test_spy_refuse_fua(env->thread, spy, true);
    vd_test_fill(buf, 4096, 0, 3);
    for (unsigned k = 0; k < 2; k++) {
        before = counts();
        t = io(VD_REQ_WRITE, VD_REQ_FUA, 8192 * k, 4096, buf);
        ck_assert_int_eq(t.ret, 0);
        ck_assert_int_eq(t.durable_at_done, mode->flush_syncs);
        after = counts();
        ck_assert_uint_eq(after.fdatasyncs - before.fdatasyncs,
                          mode->flush_syncs ? 1 : 0);
        ck_assert_uint_eq(after.fua_writes, 0);
    }
    ck_assert_int_eq(vd_disk_close(disk), 0);
    vd_test_buf_free(buf, 0);
    vd_test_env_free(env);
}
END_TEST

static bool got_failed;
static int failed_error;

static void
on_event(VdDisk *d, const VdDiskEvent *ev, void *data)
{
    if (ev->type == VD_DISK_EVENT_FAILED) {
        got_failed = true;
        failed_error = ev->error;
    }
}

START_TEST(test_failed_fdatasync_is_sticky)
{
    void *buf = vd_test_buf(4096, 0);
    VdTestSpyCounts before, after;

    open_mode(_i, NULL);
    if (!mode->flush_syncs) {
        /* unsafe never calls fdatasync: nothing can fail. */
        ck_assert_int_eq(vd_disk_close(disk), 0);
        vd_test_env_free(env);
        vd_test_buf_free(buf, 0);
        return;
    }
    got_failed = false;
    vd_disk_set_event_handler(disk, on_event, NULL);
    vd_test_fill(buf, 4096, 0, 5);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_WRITE, 0, 0, 4096, buf), 0);

    vd_test_spy_fail(env->thread, spy, VD_REQ_FLUSH, -EIO, 1);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_FLUSH, 0, 0, 0, NULL), -EIO);
    ck_assert_int_eq(vd_disk_failed(disk), -EIO);
    vd_test_main_wait(&got_failed);
    ck_assert_int_eq(failed_error, -EIO);

    /* The next fdatasync would succeed, but the pages the failed one
     * dropped are gone: no flush and no durable write may succeed. */
    before = counts();
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_FLUSH, 0, 0, 0, NULL), -EIO);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_WRITE, VD_REQ_FUA, 0, 4096, buf),
                     -EIO);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_WRITE_ZEROES, VD_REQ_FUA, 0, 4096,
                                NULL), -EIO);
    after = counts();
    ck_assert_uint_eq(after.fdatasyncs, before.fdatasyncs);
    /* Writes that promise nothing, and reads, still work. */
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_WRITE, 0, 0, 4096, buf),
                     mode->write_durable ? -EIO : 0);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_READ, 0, 0, 4096, buf), 0);
    /* Closing says so too. */
    ck_assert_int_eq(vd_disk_close(disk), -EIO);
    vd_test_buf_free(buf, 0);
    vd_test_env_free(env);
}
END_TEST

START_TEST(test_failed_durable_write_is_sticky)
{
    void *buf = vd_test_buf(4096, 0);

    open_mode(_i, NULL);
    if (!mode->flush_syncs) {
        ck_assert_int_eq(vd_disk_close(disk), 0);
        vd_test_env_free(env);
        vd_test_buf_free(buf, 0);
        return;
    }
    vd_test_fill(buf, 4096, 0, 6);
    vd_test_spy_fail(env->thread, spy, VD_REQ_WRITE, -EIO, 1);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_WRITE, VD_REQ_FUA, 0, 4096, buf),
                     -EIO);
    ck_assert_int_eq(vd_disk_failed(disk), -EIO);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_FLUSH, 0, 0, 0, NULL), -EIO);
    ck_assert_int_eq(vd_disk_close(disk), -EIO);
    vd_test_buf_free(buf, 0);
    vd_test_env_free(env);
}
END_TEST

START_TEST(test_plain_write_error_not_sticky)
{
    /* ENOSPC on a write loses nothing that was acknowledged. */
    void *buf = vd_test_buf(4096, 0);

    open_mode(_i, NULL);
    vd_test_spy_fail(env->thread, spy, VD_REQ_WRITE, -ENOSPC, 1);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_WRITE, 0, 0, 4096, buf), -ENOSPC);
    ck_assert_int_eq(vd_disk_failed(disk), 0);
    ck_assert_int_eq(vd_test_io(disk, VD_REQ_FLUSH, 0, 0, 0, NULL), 0);
    ck_assert_int_eq(vd_disk_close(disk), 0);
    vd_test_buf_free(buf, 0);
    vd_test_env_free(env);
}
END_TEST

static Suite *
cache_modes_suite(void)
{
    Suite *s = suite_create("cache-modes");
    TCase *tc = tcase_create("modes");

    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_open_flags, 0, N_MODES);
    tcase_add_loop_test(tc, test_writes_and_flush, 0, N_MODES);
    tcase_add_loop_test(tc, test_fallocate_durability, 0, N_MODES);
    tcase_add_loop_test(tc, test_fua_emulated, 0, N_MODES);
    tcase_add_loop_test(tc, test_failed_fdatasync_is_sticky, 0, N_MODES);
    tcase_add_loop_test(tc, test_failed_durable_write_is_sticky, 0, N_MODES);
    tcase_add_loop_test(tc, test_plain_write_error_not_sticky, 0, N_MODES);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return vd_test_run(cache_modes_suite());
}
