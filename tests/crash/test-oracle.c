/*
 * The oracle: when each write becomes promised durable, per cache mode,
 * and the requirements a crash instant makes; the record's round trip.
 */
#include "config.h"

#include <check.h>

#include "tests/common/check-run.h"
#include "tests/tmpdir.h"
#include "tools/crash/block.h"
#include "tools/crash/oracle.h"

#define NEVER G_MAXUINT64

static void
add(VdGuestRecord *rec, bool flush, uint64_t block, uint64_t gen, bool fua,
    uint64_t sub_seq, uint64_t ack_seq, uint64_t ack_ns, int ret)
{
    VdGuestOp op = {
        .is_flush = flush, .fua = fua, .offset = block * VD_CRASH_BLOCK,
        .gen = gen, .sub_seq = sub_seq, .sub_ns = sub_seq * 10,
        .ack_seq = ack_seq, .ack_ns = ack_ns, .ret = ret,
    };

    g_array_append_val(rec->ops, op);
}

/*
 * seq: 1 W1 sent, 2 W2(FUA) sent, 3 W1 acked, 4 F1 sent, 5 W2 acked,
 * 6 W3 sent, 7 F2 sent, 8 W3 acked, 9 F2 acked (fails), 10 F1 acked,
 * 11 W4 sent, never answered, 12 F3 sent, 13 W5 sent, 14 W5 acked,
 * 15 F3 acked.
 */
static VdGuestRecord *
history(void)
{
    VdGuestRecord *rec = vd_guest_record_new();

    rec->size = 16 * VD_CRASH_BLOCK;
    rec->can_flush = rec->can_fua = true;
    add(rec, false, 0, 1, false, 1, 3, 300, 0);
    add(rec, false, 1, 2, true, 2, 5, 500, 0);
    add(rec, true, 0, 0, false, 4, 10, 1000, 0);
    add(rec, false, 0, 3, false, 6, 8, 800, 0);
    add(rec, true, 0, 0, false, 7, 9, 900, -5);
    add(rec, false, 2, 4, false, 11, 0, 0, 0);
    add(rec, true, 0, 0, false, 12, 15, 1500, 0);
    add(rec, false, 3, 5, false, 13, 14, 1400, 0);
    return rec;
}

START_TEST(test_writeback_promises)
{
    g_autoptr(VdGuestRecord) rec = history();
    g_autoptr(GError) err = NULL;
    g_autoptr(VdOracle) o = vd_oracle_new(rec, VD_CACHE_WRITEBACK, &err);

    ck_assert_msg(o != NULL, "%s", err ? err->message : "");
    /* W1 acked before F1 was sent: F1's answer. */
    ck_assert_uint_eq(vd_oracle_promised_at(o, 1), 1000);
    /* FUA: its own answer. */
    ck_assert_uint_eq(vd_oracle_promised_at(o, 2), 500);
    /* W3: F2 failed, F3 was sent after W3's answer. */
    ck_assert_uint_eq(vd_oracle_promised_at(o, 3), 1500);
    /* Never answered; and answered after the last flush was sent. */
    ck_assert_uint_eq(vd_oracle_promised_at(o, 4), NEVER);
    ck_assert_uint_eq(vd_oracle_promised_at(o, 5), NEVER);

    vd_oracle_advance(o, 500, NULL, NULL);
    ck_assert_uint_eq(vd_oracle_required(o, 1), 0);
    vd_oracle_advance(o, 501, NULL, NULL);
    ck_assert_uint_eq(vd_oracle_required(o, 1), 2);
    ck_assert_uint_eq(vd_oracle_required(o, 0), 0);
    vd_oracle_advance(o, 1001, NULL, NULL);
    ck_assert_uint_eq(vd_oracle_required(o, 0), 1);
    vd_oracle_advance(o, NEVER, NULL, NULL);
    ck_assert_uint_eq(vd_oracle_required(o, 0), 3);
    ck_assert_uint_eq(vd_oracle_required(o, 2), 0);
    ck_assert_uint_eq(vd_oracle_required(o, 3), 0);
}
END_TEST

/* A flush sent later but answered first promises earlier. */
START_TEST(test_flush_answered_out_of_order)
{
    g_autoptr(VdGuestRecord) rec = vd_guest_record_new();
    g_autoptr(VdOracle) o = NULL;

    rec->size = 4 * VD_CRASH_BLOCK;
    add(rec, false, 0, 1, false, 1, 2, 200, 0);
    add(rec, true, 0, 0, false, 3, 6, 900, 0);
    add(rec, true, 0, 0, false, 4, 5, 700, 0);
    o = vd_oracle_new(rec, VD_CACHE_NONE, NULL);
    ck_assert_uint_eq(vd_oracle_promised_at(o, 1), 700);
}
END_TEST

START_TEST(test_write_through_and_unsafe)
{
    g_autoptr(VdGuestRecord) rec = history();
    g_autoptr(VdOracle) wt = vd_oracle_new(rec, VD_CACHE_WRITETHROUGH, NULL);
    g_autoptr(VdOracle) ds = vd_oracle_new(rec, VD_CACHE_DIRECTSYNC, NULL);
    g_autoptr(VdOracle) un = vd_oracle_new(rec, VD_CACHE_UNSAFE, NULL);

    /* Every acknowledged write, from its answer. */
    ck_assert_uint_eq(vd_oracle_promised_at(wt, 1), 300);
    ck_assert_uint_eq(vd_oracle_promised_at(ds, 3), 800);
    ck_assert_uint_eq(vd_oracle_promised_at(wt, 5), 1400);
    ck_assert_uint_eq(vd_oracle_promised_at(wt, 4), NEVER);
    /* unsafe promises nothing. */
    for (uint64_t g = 1; g <= 5; g++)
        ck_assert_uint_eq(vd_oracle_promised_at(un, g), NEVER);
    vd_oracle_advance(un, NEVER, NULL, NULL);
    ck_assert_uint_eq(vd_oracle_required(un, 0), 0);
}
END_TEST

START_TEST(test_record_round_trip)
{
    g_autofree char *dir = vd_test_tmpdir_new();
    g_autofree char *path = g_build_filename(dir, "guest.rec", NULL);
    g_autoptr(VdGuestRecord) rec = history();
    g_autoptr(VdGuestRecord) back = NULL;
    g_autoptr(GError) err = NULL;

    rec->seed = 99;
    ck_assert(vd_guest_record_save(rec, path, &err));
    back = vd_guest_record_load(path, &err);
    ck_assert_msg(back != NULL, "%s", err ? err->message : "");
    ck_assert_uint_eq(back->size, rec->size);
    ck_assert_uint_eq(back->seed, 99);
    ck_assert(back->can_flush && back->can_fua);
    ck_assert_uint_eq(back->ops->len, rec->ops->len);
    for (guint i = 0; i < rec->ops->len; i++) {
        const VdGuestOp *a = &g_array_index(rec->ops, VdGuestOp, i);
        const VdGuestOp *b = &g_array_index(back->ops, VdGuestOp, i);

        ck_assert(a->is_flush == b->is_flush && a->fua == b->fua);
        ck_assert(a->offset == b->offset && a->gen == b->gen);
        ck_assert(a->sub_seq == b->sub_seq && a->sub_ns == b->sub_ns);
        ck_assert(a->ack_seq == b->ack_seq && a->ack_ns == b->ack_ns);
        ck_assert_int_eq(a->ret, b->ret);
    }
    ck_assert(g_file_set_contents(path, "vdisk-crash-guest 1\nsize 4096\n"
                                  "seed 1\ncan_flush 1\ncan_fua 0\nW x\n",
                                  -1, NULL));
    ck_assert_ptr_null(vd_guest_record_load(path, NULL));
    vd_test_tmpdir_remove(dir);
}
END_TEST

/* Writes out of the disk, or a generation twice, are refused. */
START_TEST(test_bad_records)
{
    g_autoptr(VdGuestRecord) rec = vd_guest_record_new();
    g_autoptr(GError) err = NULL;

    rec->size = 2 * VD_CRASH_BLOCK;
    add(rec, false, 1, 1, false, 1, 2, 20, 0);
    add(rec, false, 0, 1, false, 3, 4, 40, 0);
    ck_assert_ptr_null(vd_oracle_new(rec, VD_CACHE_NONE, &err));
    ck_assert_ptr_nonnull(strstr(err->message, "twice"));
    g_clear_error(&err);
    g_array_set_size(rec->ops, 0);
    add(rec, false, 2, 1, false, 1, 2, 20, 0);
    ck_assert_ptr_null(vd_oracle_new(rec, VD_CACHE_NONE, &err));
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("crash-oracle");
    TCase *tc = tcase_create("oracle");

    tcase_add_test(tc, test_writeback_promises);
    tcase_add_test(tc, test_flush_answered_out_of_order);
    tcase_add_test(tc, test_write_through_and_unsafe);
    tcase_add_test(tc, test_record_round_trip);
    tcase_add_test(tc, test_bad_records);
    suite_add_tcase(s, tc);
    return vd_test_run(s);
}
