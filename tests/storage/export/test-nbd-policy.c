/* Transmission flags, block limits and the check of every request. */
#include "config.h"

#include "storage/export/nbd-policy.h"
#include "tests/common/check-run.h"

#define CACHE_FLAGS (VD_NBD_FLAG_SEND_FLUSH | VD_NBD_FLAG_SEND_FUA)
#define SIZE (UINT64_C(1) << 30)

static VdNbdExportInfo rw, ro;

static void
setup(void)
{
    rw = (VdNbdExportInfo){ .name = "", .size = SIZE,
                            .tflags = vd_nbd_transmission_flags(true, false, true) };
    vd_nbd_block_limits(1, 4096, 0, &rw);
    ro = rw;
    ro.tflags = vd_nbd_transmission_flags(true, true, true);
}

static uint32_t
check(uint16_t type, uint16_t flags, uint64_t offset, uint32_t length,
      const VdNbdExportInfo *info)
{
    VdNbdRequest r = { .flags = flags, .type = type, .cookie = 1,
                       .offset = offset, .length = length };

    return vd_nbd_check_request(&r, info);
}

START_TEST(test_flags_follow_write_cache)
{
    /* cache none, writeback, unsafe: the guest is told to flush, may FUA. */
    uint16_t f = vd_nbd_transmission_flags(true, false, true);
    ck_assert_uint_eq(f & CACHE_FLAGS, CACHE_FLAGS);
    /* writethrough, directsync: no cache to flush, so neither flag. */
    f = vd_nbd_transmission_flags(false, false, true);
    ck_assert_uint_eq(f & CACHE_FLAGS, 0);
    ck_assert(f & VD_NBD_FLAG_HAS_FLAGS);
}
END_TEST

START_TEST(test_flags_exact)
{
    ck_assert_uint_eq(vd_nbd_transmission_flags(true, false, true),
                      0x0001 | 0x0004 | 0x0008 | 0x0020 | 0x0040 | 0x0100);
    ck_assert_uint_eq(vd_nbd_transmission_flags(false, false, true),
                      0x0001 | 0x0020 | 0x0040 | 0x0100);
    /* discard=ignore: no SEND_TRIM, zeroes still work. */
    ck_assert_uint_eq(vd_nbd_transmission_flags(false, false, false),
                      0x0001 | 0x0040 | 0x0100);
    /* Read-only: no TRIM or WRITE_ZEROES, both write. */
    ck_assert_uint_eq(vd_nbd_transmission_flags(false, true, true),
                      0x0001 | 0x0002 | 0x0100);
    ck_assert_uint_eq(vd_nbd_transmission_flags(true, true, true),
                      0x0001 | 0x0002 | 0x0004 | 0x0008 | 0x0100);
}
END_TEST

START_TEST(test_block_limits)
{
    VdNbdExportInfo i;

    vd_nbd_block_limits(1, 4096, 0, &i);
    ck_assert_uint_eq(i.block_min, 1);
    ck_assert_uint_eq(i.block_preferred, 4096);
    ck_assert_uint_eq(i.block_max, VD_NBD_MAX_PAYLOAD);
    /* O_DIRECT without read-modify-write: qemu-storage-daemon's 512/4096/32M. */
    vd_nbd_block_limits(512, 4096, 64u << 20, &i);
    ck_assert_uint_eq(i.block_min, 512);
    ck_assert_uint_eq(i.block_preferred, 4096);
    ck_assert_uint_eq(i.block_max, 32u << 20);
    /* Out-of-spec values from a disk are made to fit. */
    vd_nbd_block_limits(3, 100, 1000000, &i);
    ck_assert_uint_eq(i.block_min, 1);
    ck_assert_uint_eq(i.block_preferred, 4096);
    ck_assert_uint_eq(i.block_max, 1000000);
    vd_nbd_block_limits(4096, 512, 1000000, &i);
    ck_assert_uint_eq(i.block_min, 4096);
    ck_assert_uint_eq(i.block_preferred, 4096);
    ck_assert_uint_eq(i.block_max, 999424);   /* a multiple of the minimum */
    vd_nbd_block_limits(1u << 17, 0, 0, &i);
    ck_assert_uint_eq(i.block_min, 1);
    ck_assert_uint_eq(i.block_preferred, 4096);
}
END_TEST

START_TEST(test_valid_requests)
{
    ck_assert_uint_eq(check(VD_NBD_CMD_READ, 0, 0, 4096, &rw), 0);
    ck_assert_uint_eq(check(VD_NBD_CMD_READ, 0, SIZE - 1, 1, &rw), 0);
    ck_assert_uint_eq(check(VD_NBD_CMD_READ, 0, 3, 5, &rw), 0); /* minimum 1 */
    ck_assert_uint_eq(check(VD_NBD_CMD_READ, 0, 0, VD_NBD_MAX_PAYLOAD, &rw), 0);
    ck_assert_uint_eq(check(VD_NBD_CMD_READ, 0, SIZE, 0, &rw), 0);
    ck_assert_uint_eq(check(VD_NBD_CMD_WRITE, VD_NBD_CMD_FLAG_FUA, 512, 512, &rw), 0);
    ck_assert_uint_eq(check(VD_NBD_CMD_FLUSH, 0, 0, 0, &rw), 0);
    ck_assert_uint_eq(check(VD_NBD_CMD_TRIM, VD_NBD_CMD_FLAG_FUA, 0, SIZE, &rw), 0);
    ck_assert_uint_eq(check(VD_NBD_CMD_WRITE_ZEROES,
                            VD_NBD_CMD_FLAG_FUA | VD_NBD_CMD_FLAG_NO_HOLE,
                            0, 1u << 20, &rw), 0);
    /* Clients set FUA on reads too; the spec says to accept it. */
    ck_assert_uint_eq(check(VD_NBD_CMD_READ, VD_NBD_CMD_FLAG_FUA, 0, 1, &rw), 0);
    /* Reads and flushes on a read-only export. */
    ck_assert_uint_eq(check(VD_NBD_CMD_READ, 0, 0, 4096, &ro), 0);
    ck_assert_uint_eq(check(VD_NBD_CMD_FLUSH, 0, 0, 0, &ro), 0);
    ck_assert_uint_eq(check(VD_NBD_CMD_DISC, 0, 0, 0, &ro), 0);
}
END_TEST

START_TEST(test_unknown_commands_and_flags)
{
    ck_assert_uint_eq(check(VD_NBD_CMD_CACHE, 0, 0, 4096, &rw), VD_NBD_EINVAL);
    ck_assert_uint_eq(check(VD_NBD_CMD_BLOCK_STATUS, 0, 0, 4096, &rw), VD_NBD_EINVAL);
    ck_assert_uint_eq(check(8, 0, 0, 0, &rw), VD_NBD_EINVAL);
    ck_assert_uint_eq(check(0xffff, 0, 0, 0, &rw), VD_NBD_EINVAL);
    /* NO_HOLE belongs to WRITE_ZEROES only. */
    ck_assert_uint_eq(check(VD_NBD_CMD_WRITE, VD_NBD_CMD_FLAG_NO_HOLE, 0, 512, &rw),
                      VD_NBD_EINVAL);
    /* DF and FAST_ZERO were never advertised. */
    ck_assert_uint_eq(check(VD_NBD_CMD_READ, VD_NBD_CMD_FLAG_DF, 0, 512, &rw),
                      VD_NBD_EINVAL);
    ck_assert_uint_eq(check(VD_NBD_CMD_WRITE_ZEROES, VD_NBD_CMD_FLAG_FAST_ZERO, 0, 512,
                            &rw), VD_NBD_EINVAL);
    ck_assert_uint_eq(check(VD_NBD_CMD_READ, 0x8000, 0, 512, &rw), VD_NBD_EINVAL);
    /* FLUSH's offset and length are reserved, must be zero. */
    ck_assert_uint_eq(check(VD_NBD_CMD_FLUSH, 0, 512, 0, &rw), VD_NBD_EINVAL);
    ck_assert_uint_eq(check(VD_NBD_CMD_FLUSH, 0, 0, 512, &rw), VD_NBD_EINVAL);
}
END_TEST

START_TEST(test_read_only)
{
    ck_assert_uint_eq(check(VD_NBD_CMD_WRITE, 0, 0, 512, &ro), VD_NBD_EPERM);
    ck_assert_uint_eq(check(VD_NBD_CMD_TRIM, 0, 0, 512, &ro), VD_NBD_EPERM);
    ck_assert_uint_eq(check(VD_NBD_CMD_WRITE_ZEROES, 0, 0, 512, &ro), VD_NBD_EPERM);
}
END_TEST

START_TEST(test_out_of_range)
{
    /* Read and trim past the end: EINVAL; write and zero: ENOSPC. */
    ck_assert_uint_eq(check(VD_NBD_CMD_READ, 0, SIZE, 1, &rw), VD_NBD_EINVAL);
    ck_assert_uint_eq(check(VD_NBD_CMD_READ, 0, SIZE - 1, 2, &rw), VD_NBD_EINVAL);
    ck_assert_uint_eq(check(VD_NBD_CMD_TRIM, 0, SIZE - 512, 1024, &rw), VD_NBD_EINVAL);
    ck_assert_uint_eq(check(VD_NBD_CMD_WRITE, 0, SIZE, 512, &rw), VD_NBD_ENOSPC);
    ck_assert_uint_eq(check(VD_NBD_CMD_WRITE_ZEROES, 0, SIZE - 1, 512, &rw),
                      VD_NBD_ENOSPC);
    /* offset + length wraps around 2^64: still past the end. */
    ck_assert_uint_eq(check(VD_NBD_CMD_READ, 0, UINT64_MAX - 10, 4096, &rw),
                      VD_NBD_EINVAL);
    ck_assert_uint_eq(check(VD_NBD_CMD_WRITE, 0, UINT64_MAX, 1, &rw), VD_NBD_ENOSPC);
    /* An offset past the end with length 0. */
    ck_assert_uint_eq(check(VD_NBD_CMD_READ, 0, SIZE + 1, 0, &rw), VD_NBD_EINVAL);
}
END_TEST

START_TEST(test_oversized)
{
    ck_assert_uint_eq(check(VD_NBD_CMD_READ, 0, 0, VD_NBD_MAX_PAYLOAD + 1, &rw),
                      VD_NBD_EINVAL);
    ck_assert_uint_eq(check(VD_NBD_CMD_WRITE, 0, 0, VD_NBD_MAX_PAYLOAD + 512, &rw),
                      VD_NBD_EINVAL);
    ck_assert_uint_eq(check(VD_NBD_CMD_WRITE_ZEROES, 0, 0, UINT32_MAX, &rw),
                      VD_NBD_EINVAL);
    /* TRIM has no payload and no maximum. */
    ck_assert_uint_eq(check(VD_NBD_CMD_TRIM, 0, 0, SIZE, &rw), 0);
}
END_TEST

START_TEST(test_misaligned)
{
    VdNbdExportInfo i = rw;

    vd_nbd_block_limits(512, 4096, 0, &i);
    ck_assert_uint_eq(check(VD_NBD_CMD_READ, 0, 512, 4096, &i), 0);
    ck_assert_uint_eq(check(VD_NBD_CMD_READ, 0, 100, 512, &i), VD_NBD_EINVAL);
    ck_assert_uint_eq(check(VD_NBD_CMD_WRITE, 0, 0, 100, &i), VD_NBD_EINVAL);
    ck_assert_uint_eq(check(VD_NBD_CMD_TRIM, 0, 1, 512, &i), VD_NBD_EINVAL);
}
END_TEST

START_TEST(test_payload)
{
    VdNbdRequest w = { .type = VD_NBD_CMD_WRITE, .length = 10 };
    VdNbdRequest z = { .type = VD_NBD_CMD_WRITE_ZEROES, .length = 10 };

    ck_assert(vd_nbd_request_has_payload(&w));
    ck_assert(!vd_nbd_request_has_payload(&z));
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("nbd-policy");
    TCase *tc = tcase_create("policy");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_flags_follow_write_cache);
    tcase_add_test(tc, test_flags_exact);
    tcase_add_test(tc, test_block_limits);
    tcase_add_test(tc, test_misaligned);
    tcase_add_test(tc, test_valid_requests);
    tcase_add_test(tc, test_unknown_commands_and_flags);
    tcase_add_test(tc, test_read_only);
    tcase_add_test(tc, test_out_of_range);
    tcase_add_test(tc, test_oversized);
    tcase_add_test(tc, test_payload);
    suite_add_tcase(s, tc);
    return vd_test_run(s);
}
