/*
 * Fault injection under the file layer: the rules' syntax, the Nth
 * request failing and no other, byte ranges, errors other than EIO, and
 * what a failed fdatasync does to the disk above it (every later flush
 * and durable write fails until it is reopened). A failed write never
 * reaches the image.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "storage/layers/fault.h"
#include "tests/common/check-run.h"
#include "tests/storage/storage-test.h"

#define IMG_SIZE (1u << 20)

static VdFaultRules *
rules_of(const char *spec)
{
    const char *specs[] = { spec, NULL };
    g_autoptr(GError) err = NULL;
    VdFaultRules *r = vd_fault_rules_new(specs, &err);

    ck_assert_msg(r != NULL, "%s", err ? err->message : "");
    return r;
}

START_TEST(test_rule_syntax)
{
    static const char *good[] = {
        "op=write", "op=flush,nth=2,count=0", "offset=0x1000,len=512",
        "op=read,errno=ENOSPC", "op=zeroes,nth=1,count=3,errno=EIO", "",
    };
    static const char *bad[] = {
        "op=bogus", "nth=0", "write", "len=0", "errno=EFOO", "nth=-1",
        "offset=1,len=18446744073709551615", "count=x",
    };

    for (gsize i = 0; i < G_N_ELEMENTS(good); i++)
        vd_fault_rules_free(rules_of(good[i]));
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        const char *specs[] = { bad[i], NULL };
        g_autoptr(GError) err = NULL;

        ck_assert_msg(vd_fault_rules_new(specs, &err) == NULL, "%s", bad[i]);
        ck_assert_ptr_nonnull(strstr(err->message, "fault rule"));
    }
}
END_TEST

typedef struct {
    VdTestEnv *env;
    VdFaultRules *rules;
    VdFault *fault;
    VdDisk *disk;
} Rig;

static void
rig_open(Rig *r, VdCacheMode cache)
{
    VdDiskConfig cfg = { .engine_wrap = vd_fault_wrap };

    r->fault = vd_fault_new(r->rules);
    cfg.engine_wrap_data = r->fault;
    r->disk = vd_test_disk_open(r->env, cache, VD_IO_THREADS, &cfg);
}

static int
rig_close(Rig *r)
{
    int ret = vd_disk_close(r->disk);

    vd_fault_free(r->fault);
    r->disk = NULL;
    r->fault = NULL;
    return ret;
}

static Rig
rig_new(const char *spec, VdCacheMode cache)
{
    Rig r = { .env = vd_test_env_new(IMG_SIZE), .rules = rules_of(spec) };

    rig_open(&r, cache);
    return r;
}

static void
rig_free(Rig *r)
{
    if (r->disk)
        rig_close(r);
    vd_fault_rules_free(r->rules);
    vd_test_env_free(r->env);
}

/* The image's bytes at @off, read around the disk. */
static void
image_read(Rig *r, void *buf, size_t len, off_t off)
{
    int fd = open(r->env->path, O_RDONLY | O_CLOEXEC);

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(pread(fd, buf, len, off), (ssize_t)len);
    close(fd);
}

START_TEST(test_nth_write_fails)
{
    Rig r = rig_new("op=write,nth=2", VD_CACHE_WRITEBACK);
    uint8_t *buf = vd_test_buf(4096, 0), back[4096], zero[4096] = { 0 };

    memset(buf, 0xab, 4096);
    ck_assert_int_eq(vd_test_io(r.disk, VD_REQ_WRITE, 0, 0, 4096, buf), 0);
    ck_assert_int_eq(vd_test_io(r.disk, VD_REQ_WRITE, 0, 4096, 4096, buf),
                     -EIO);
    ck_assert_int_eq(vd_test_io(r.disk, VD_REQ_WRITE, 0, 8192, 4096, buf), 0);
    ck_assert_uint_eq(vd_fault_rules_injected(r.rules), 1);
    /* Reads are not writes; the failed one never reached the image. */
    ck_assert_int_eq(vd_test_io(r.disk, VD_REQ_READ, 0, 0, 4096, buf), 0);
    ck_assert_int_eq(rig_close(&r), 0);
    image_read(&r, back, 4096, 4096);
    ck_assert_mem_eq(back, zero, 4096);
    vd_test_buf_free(buf, 0);
    rig_free(&r);
}
END_TEST

START_TEST(test_range_fails_with_enospc)
{
    Rig r = rig_new("op=write,offset=8192,len=4096,errno=ENOSPC,count=0",
                    VD_CACHE_NONE);
    uint8_t *buf = vd_test_buf(8192, 0);

    memset(buf, 1, 8192);
    ck_assert_int_eq(vd_test_io(r.disk, VD_REQ_WRITE, 0, 0, 8192, buf), 0);
    ck_assert_int_eq(vd_test_io(r.disk, VD_REQ_WRITE, 0, 8192, 4096, buf),
                     -ENOSPC);
    ck_assert_int_eq(vd_test_io(r.disk, VD_REQ_WRITE, 0, 4096, 8192, buf),
                     -ENOSPC);
    ck_assert_int_eq(vd_test_io(r.disk, VD_REQ_WRITE, 0, 8192, 4096, buf),
                     -ENOSPC);
    ck_assert_int_eq(vd_test_io(r.disk, VD_REQ_WRITE, 0, 12288, 4096, buf), 0);
    ck_assert_uint_eq(vd_fault_rules_injected(r.rules), 3);
    vd_test_buf_free(buf, 0);
    rig_free(&r);
}
END_TEST

/*
 * One failed fdatasync: the kernel may have dropped the dirty pages, so
 * no later flush or durable write may succeed, though the storage no
 * longer fails, until the disk is reopened.
 */
START_TEST(test_failed_fdatasync_until_reopened)
{
    Rig r = rig_new("op=flush,nth=1", VD_CACHE_WRITEBACK);
    uint8_t *buf = vd_test_buf(4096, 0);

    memset(buf, 7, 4096);
    ck_assert_int_eq(vd_test_io(r.disk, VD_REQ_WRITE, 0, 0, 4096, buf), 0);
    ck_assert_int_eq(vd_test_io(r.disk, VD_REQ_FLUSH, 0, 0, 0, NULL), -EIO);
    ck_assert_int_eq(vd_disk_failed(r.disk), -EIO);
    ck_assert_int_eq(vd_test_io(r.disk, VD_REQ_FLUSH, 0, 0, 0, NULL), -EIO);
    ck_assert_int_eq(vd_test_io(r.disk, VD_REQ_WRITE, VD_REQ_FUA, 0, 4096,
                                buf), -EIO);
    ck_assert_int_eq(vd_test_io(r.disk, VD_REQ_WRITE, 0, 4096, 4096, buf), 0);
    ck_assert_uint_eq(vd_fault_rules_injected(r.rules), 1);
    /* Closing says durability was lost. */
    ck_assert_int_eq(rig_close(&r), -EIO);
    /* Reopened: the rule has had its one flush, and flushes work. */
    rig_open(&r, VD_CACHE_WRITEBACK);
    ck_assert_int_eq(vd_disk_failed(r.disk), 0);
    ck_assert_int_eq(vd_test_io(r.disk, VD_REQ_FLUSH, 0, 0, 0, NULL), 0);
    vd_test_buf_free(buf, 0);
    rig_free(&r);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("fault");
    TCase *tc = tcase_create("fault");

    tcase_add_test(tc, test_rule_syntax);
    tcase_add_test(tc, test_nth_write_fails);
    tcase_add_test(tc, test_range_fails_with_enospc);
    tcase_add_test(tc, test_failed_fdatasync_until_reopened);
    suite_add_tcase(s, tc);
    return vd_test_run(s);
}
