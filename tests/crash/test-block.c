/*
 * Self-describing blocks: every sector names its write; a byte changed,
 * another offset's sector or a sector torn from two writes is foreign.
 */
#include "config.h"

#include <string.h>

#include <check.h>

#include "tests/common/check-run.h"
#include "tools/crash/block.h"

START_TEST(test_sectors_name_their_write)
{
    uint8_t b[VD_CRASH_BLOCK];
    uint64_t off, gen;
    unsigned idx;

    vd_crash_block_fill(b, 8192, 42);
    for (unsigned i = 0; i < VD_CRASH_SECTORS; i++) {
        ck_assert_int_eq(vd_crash_sector_gen(b + i * VD_CRASH_SECTOR, 8192, i),
                         42);
        ck_assert(vd_crash_sector_parse(b + i * VD_CRASH_SECTOR, &off, &gen,
                                        &idx));
        ck_assert_uint_eq(off, 8192);
        ck_assert_uint_eq(gen, 42);
        ck_assert_uint_eq(idx, i);
    }
    /* Zeroes are generation 0 (never written). */
    memset(b, 0, sizeof(b));
    ck_assert_int_eq(vd_crash_sector_gen(b, 8192, 0), 0);
}
END_TEST

START_TEST(test_foreign_sectors)
{
    uint8_t a[VD_CRASH_BLOCK], c[VD_CRASH_BLOCK];

    vd_crash_block_fill(a, 4096, 7);
    vd_crash_block_fill(c, 4096, 8);
    /* Another offset's data, or another index's, is foreign here. */
    ck_assert_int_eq(vd_crash_sector_gen(a, 0, 0), VD_CRASH_FOREIGN);
    ck_assert_int_eq(vd_crash_sector_gen(a, 4096, 1), VD_CRASH_FOREIGN);
    /* One byte off, in the payload or in the header. */
    a[300] ^= 1;
    ck_assert_int_eq(vd_crash_sector_gen(a, 4096, 0), VD_CRASH_FOREIGN);
    a[300] ^= 1;
    a[16] ^= 1;
    ck_assert_int_eq(vd_crash_sector_gen(a, 4096, 0), VD_CRASH_FOREIGN);
    a[16] ^= 1;
    /* Half of one write's sector and half of the next one's. */
    memcpy(a + 256, c + 256, 256);
    ck_assert_int_eq(vd_crash_sector_gen(a, 4096, 0), VD_CRASH_FOREIGN);
    /* Whole sectors of two generations are each fine (a torn write). */
    ck_assert_int_eq(vd_crash_sector_gen(c + VD_CRASH_SECTOR, 4096, 1), 8);
    ck_assert_int_eq(vd_crash_sector_gen(a + VD_CRASH_SECTOR, 4096, 1), 7);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("crash-block");
    TCase *tc = tcase_create("block");

    tcase_add_test(tc, test_sectors_name_their_write);
    tcase_add_test(tc, test_foreign_sectors);
    suite_add_tcase(s, tc);
    return vd_test_run(s);
}
