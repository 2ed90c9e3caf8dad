/*
 * The explorer on hand-written histories: a write log (through the real
 * writer) and a guest record, both small enough to know every state.
 * Correct histories give no violation and the expected number of states;
 * each way of breaking the contract is found, and reported with what
 * reproduces it; one state is reproduced alone.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "storage/layers/logwrites.h"
#include "tests/common/check-run.h"
#include "tests/tmpdir.h"
#include "tools/crash/block.h"
#include "tools/crash/explore.h"
#include "tools/crash/guest-record.h"

#define BLOCKS 64
#define SPB (VD_CRASH_BLOCK / 512)   /* log sectors per block */

typedef struct {
    char *dir;
    char *log;
    char *record;
    VdLogWriter *w;
    VdGuestRecord *rec;
    uint64_t seq;
    char *report;
    size_t report_len;
} Scenario;

static Scenario *
scenario_new(void)
{
    Scenario *sc = g_new0(Scenario, 1);
    g_autoptr(GError) err = NULL;

    sc->dir = vd_test_tmpdir_new();
    sc->log = g_build_filename(sc->dir, "disk.log", NULL);
    sc->record = g_build_filename(sc->dir, "guest.rec", NULL);
    sc->w = vd_logwriter_new(sc->log, 512, &err);
    ck_assert_msg(sc->w != NULL, "%s", err ? err->message : "");
    sc->rec = vd_guest_record_new();
    sc->rec->size = BLOCKS * VD_CRASH_BLOCK;
    sc->rec->can_flush = sc->rec->can_fua = true;
    return sc;
}

static void
scenario_free(Scenario *sc)
{
    vd_guest_record_free(sc->rec);
    vd_test_tmpdir_remove(sc->dir);
    g_free(sc->dir);
    g_free(sc->log);
    g_free(sc->record);
    free(sc->report);
    g_free(sc);
}

/* The storage saw generation @gen of @block (its data, or @data). */
static void
log_write(Scenario *sc, uint64_t block, uint64_t gen, uint64_t flags,
          uint64_t t_submit, uint64_t t_logged, const uint8_t *data)
{
    uint8_t buf[VD_CRASH_BLOCK];
    VdLogEntry e = {
        .sector = block * SPB, .nr_sectors = SPB, .flags = flags,
        .t_submit = t_submit, .t_logged = t_logged, .data = data ? data : buf,
    };

    vd_crash_block_fill(buf, block * VD_CRASH_BLOCK, gen);
    ck_assert_int_eq(vd_logwriter_append(sc->w, &e), 0);
}

static void
log_flush(Scenario *sc, uint64_t t_submit, uint64_t t_logged)
{
    VdLogEntry e = {
        .flags = VD_LOGWRITES_FLUSH, .t_submit = t_submit,
        .t_logged = t_logged,
    };

    ck_assert_int_eq(vd_logwriter_append(sc->w, &e), 0);
}

/* The guest sent a write at @sub_ns and was answered at @ack_ns. */
static void
guest_write(Scenario *sc, uint64_t block, uint64_t gen, bool fua,
            uint64_t sub_ns, uint64_t ack_ns)
{
    VdGuestOp op = {
        .fua = fua, .offset = block * VD_CRASH_BLOCK, .gen = gen,
        .sub_seq = ++sc->seq, .sub_ns = sub_ns,
    };

    op.ack_seq = ++sc->seq;
    op.ack_ns = ack_ns;
    g_array_append_val(sc->rec->ops, op);
}

static void
guest_flush(Scenario *sc, uint64_t sub_ns, uint64_t ack_ns)
{
    VdGuestOp op = { .is_flush = true, .sub_seq = ++sc->seq,
                     .sub_ns = sub_ns };

    op.ack_seq = ++sc->seq;
    op.ack_ns = ack_ns;
    g_array_append_val(sc->rec->ops, op);
}

static VdExploreStats
run_opts(Scenario *sc, VdExploreOptions *o)
{
    g_autoptr(GError) err = NULL;
    VdExploreStats st;
    FILE *out;

    if (sc->w) {
        ck_assert_int_eq(vd_logwriter_mark(sc->w, VD_LOGWRITES_END_MARK,
                                           100000), 0);
        ck_assert_int_eq(vd_logwriter_close(sc->w), 0);
        sc->w = NULL;
        ck_assert(vd_guest_record_save(sc->rec, sc->record, NULL));
    }
    free(sc->report);
    sc->report = NULL;
    out = open_memstream(&sc->report, &sc->report_len);
    o->log = sc->log;
    o->record = sc->record;
    o->out = out;
    ck_assert_msg(vd_explore_run(o, &st, &err), "%s",
                  err ? err->message : "");
    fclose(out);
    return st;
}

static VdExploreStats
run(Scenario *sc, VdCacheMode cache)
{
    VdExploreOptions o;

    vd_explore_options_init(&o);
    o.cache = cache;
    return run_opts(sc, &o);
}

/*
 * A correct writeback history. Guest: W1 (block 0) answered at 200,
 * flush sent at 240, answered at 310; W2 FUA (block 1) answered at 460;
 * W3 (block 0) answered at 520, never flushed. Storage: W1 submitted at
 * 100, flush submitted at 250 and done at 300 (logging W1 then); W2
 * submitted at 410, done at 450; W3 submitted at 510, logged at the end.
 */
static Scenario *
good_history(bool fua_early, bool drop_flush)
{
    Scenario *sc = scenario_new();

    guest_write(sc, 0, 1, false, 90, 200);
    guest_flush(sc, 240, 310);
    guest_write(sc, 1, 2, true, 400, 460);
    guest_write(sc, 0, 3, false, 505, 520);
    if (!drop_flush) {
        log_write(sc, 0, 1, 0, 100, 300, NULL);
        log_flush(sc, 250, 300);
    }
    if (!fua_early)
        log_write(sc, 1, 2, VD_LOGWRITES_FUA, 410, 450, NULL);
    if (drop_flush)
        log_write(sc, 0, 1, 0, 100, 1000, NULL);
    log_write(sc, 0, 3, 0, 510, 1000, NULL);
    if (fua_early)
        log_write(sc, 1, 2, 0, 410, 1000, NULL);
    return sc;
}

START_TEST(test_good_history)
{
    Scenario *sc = good_history(false, false);
    VdExploreStats st = run(sc, VD_CACHE_WRITEBACK);

    ck_assert_msg(st.violations == 0, "%s", sc->report);
    /* Prefixes: empty, to the flush, to the FUA write. Each has one
     * write in doubt (W1, W2, W3): one more state each. */
    ck_assert_uint_eq(st.prefixes, 3);
    ck_assert_uint_eq(st.states, 6);
    scenario_free(sc);
}
END_TEST

START_TEST(test_fua_answered_early_is_found)
{
    Scenario *sc = good_history(true, false);
    VdExploreStats st = run(sc, VD_CACHE_WRITEBACK);

    ck_assert_uint_gt(st.violations, 0);
    ck_assert_ptr_nonnull(strstr(sc->report, "offset 4096 sector 0 holds "
                                 "generation 0 but generation 2 (a FUA "
                                 "write"));
    ck_assert_ptr_nonnull(strstr(sc->report, "reproduce: --seed 1 --prefix"));
    scenario_free(sc);
}
END_TEST

START_TEST(test_dropped_flush_is_found)
{
    Scenario *sc = good_history(false, true);
    VdExploreStats st = run(sc, VD_CACHE_WRITEBACK);

    ck_assert_uint_gt(st.violations, 0);
    ck_assert_ptr_nonnull(strstr(sc->report, "offset 0 sector 0 holds "
                                 "generation 0 but generation 1"));
    scenario_free(sc);
}
END_TEST

/* unsafe promises nothing: the same losses are no violation. */
START_TEST(test_unsafe_checks_consistency_only)
{
    Scenario *sc = good_history(true, true);
    VdExploreStats st = run(sc, VD_CACHE_UNSAFE);

    ck_assert_msg(st.violations == 0, "%s", sc->report);
    scenario_free(sc);
}
END_TEST

/* Bytes that no write put there: garbage, even where nothing is due. */
START_TEST(test_garbage_is_found)
{
    Scenario *sc = scenario_new();
    uint8_t junk[VD_CRASH_BLOCK];
    VdExploreStats st;

    memset(junk, 0x5a, sizeof(junk));
    log_write(sc, 5, 0, VD_LOGWRITES_FUA, 10, 20, junk);
    st = run(sc, VD_CACHE_WRITEBACK);
    ck_assert_uint_gt(st.violations, 0);
    ck_assert_ptr_nonnull(strstr(sc->report, "offset 20480 sector 0 holds "
                                 "bytes of no workload sector"));
    scenario_free(sc);
}
END_TEST

/*
 * A FUA write overtakes an earlier plain write of the same block: the
 * plain one is logged after it (at the next flush), yet the newer data
 * must win, as it does on a disk.
 */
START_TEST(test_newer_write_wins)
{
    Scenario *sc = scenario_new();
    VdExploreStats st;

    guest_write(sc, 3, 1, false, 10, 30);
    guest_write(sc, 3, 2, true, 40, 70);
    guest_flush(sc, 80, 110);
    log_write(sc, 3, 2, VD_LOGWRITES_FUA, 45, 60, NULL);
    log_write(sc, 3, 1, 0, 15, 100, NULL);
    log_flush(sc, 90, 100);
    st = run(sc, VD_CACHE_NONE);
    ck_assert_msg(st.violations == 0, "%s", sc->report);
    scenario_free(sc);
}
END_TEST

/* Every write acknowledged is due in writethrough: a plain entry is not
 * durable, so its loss is found. */
START_TEST(test_write_through)
{
    Scenario *sc = scenario_new();
    VdExploreStats st;

    guest_write(sc, 0, 1, false, 10, 40);
    guest_write(sc, 1, 2, false, 50, 90);
    log_write(sc, 0, 1, VD_LOGWRITES_FUA, 20, 30, NULL);
    log_write(sc, 1, 2, VD_LOGWRITES_FUA, 60, 80, NULL);
    st = run(sc, VD_CACHE_WRITETHROUGH);
    ck_assert_msg(st.violations == 0, "%s", sc->report);
    scenario_free(sc);

    sc = scenario_new();
    guest_write(sc, 0, 1, false, 10, 40);
    log_write(sc, 0, 1, 0, 20, 1000, NULL);
    st = run(sc, VD_CACHE_WRITETHROUGH);
    ck_assert_uint_gt(st.violations, 0);
    scenario_free(sc);
}
END_TEST

/* --prefix K --state I checks that state alone, and finds the same. */
START_TEST(test_one_state_reproduced)
{
    Scenario *sc = good_history(true, false);
    VdExploreOptions o;
    VdExploreStats st;

    /* W2 (FUA, answered at 460) is not durable before the end of the
     * log: the state of the last prefix, 1.0, lacks it. */
    st = run(sc, VD_CACHE_WRITEBACK);
    ck_assert_ptr_nonnull(strstr(sc->report, "VIOLATION in state 1.0 "
                                 "(reproduce: --seed 1 --prefix 1 --state 0)"));
    vd_explore_options_init(&o);
    o.cache = VD_CACHE_WRITEBACK;
    o.only_prefix = 1;
    o.only_state = 0;
    st = run_opts(sc, &o);
    ck_assert_uint_eq(st.states, 1);
    ck_assert_uint_gt(st.violations, 0);
    ck_assert_ptr_nonnull(strstr(sc->report, "state 1.0"));
    scenario_free(sc);
}
END_TEST

/* Torn writes: some states hold part of a write in doubt; all are fine
 * as long as nothing due is older. */
START_TEST(test_torn_states)
{
    Scenario *sc = scenario_new();
    VdExploreOptions o;
    VdExploreStats st;

    for (uint64_t b = 0; b < 12; b++) {
        guest_write(sc, b, b + 1, false, 10 + b, 100 + b);
        log_write(sc, b, b + 1, 0, 20 + b, 1000, NULL);
    }
    vd_explore_options_init(&o);
    o.cache = VD_CACHE_NONE;
    o.tear_percent = 100;
    o.states_per_prefix = 50;
    st = run_opts(sc, &o);
    ck_assert_msg(st.violations == 0, "%s", sc->report);
    ck_assert_uint_eq(st.states, 51);
    scenario_free(sc);
}
END_TEST

/* An image a real crash left: what was due is checked, every block. */
START_TEST(test_image_after_a_crash)
{
    Scenario *sc = scenario_new();
    g_autofree char *img = g_build_filename(sc->dir, "disk.img", NULL);
    uint8_t *bytes = g_malloc0(BLOCKS * VD_CRASH_BLOCK);
    g_autoptr(GError) err = NULL;
    VdExploreOptions o;
    VdExploreStats st;
    FILE *out;

    guest_write(sc, 2, 1, true, 10, 20);      /* FUA: due */
    guest_write(sc, 3, 2, false, 30, 40);     /* never flushed */
    ck_assert(vd_guest_record_save(sc->rec, sc->record, NULL));
    vd_crash_block_fill(bytes + 2 * VD_CRASH_BLOCK, 2 * VD_CRASH_BLOCK, 1);
    ck_assert(g_file_set_contents(img, (char *)bytes,
                                  BLOCKS * VD_CRASH_BLOCK, NULL));
    vd_explore_options_init(&o);
    o.record = sc->record;
    o.cache = VD_CACHE_NONE;
    out = open_memstream(&sc->report, &sc->report_len);
    o.out = out;
    ck_assert_msg(vd_explore_image(&o, img, &st, &err), "%s",
                  err ? err->message : "");
    ck_assert_uint_eq(st.violations, 0);
    ck_assert_uint_eq(st.blocks_read, BLOCKS);

    /* Lose the FUA write's last sector, put junk in an unwritten block. */
    memset(bytes + 3 * VD_CRASH_BLOCK - 512, 0, 512);
    memset(bytes + 9 * VD_CRASH_BLOCK, 1, 512);
    ck_assert(g_file_set_contents(img, (char *)bytes,
                                  BLOCKS * VD_CRASH_BLOCK, NULL));
    ck_assert(vd_explore_image(&o, img, &st, &err));
    fclose(out);
    ck_assert_uint_eq(st.violations, 2);
    ck_assert_ptr_nonnull(strstr(sc->report, "offset 8192 sector 7 holds "
                                 "generation 0 but generation 1"));
    ck_assert_ptr_nonnull(strstr(sc->report, "offset 36864 sector 0"));
    ck_assert_int_eq(vd_logwriter_close(sc->w), 0);
    g_free(bytes);
    scenario_free(sc);
}
END_TEST

/* The image before the run: its blocks are due from the start. */
static char *
write_init(Scenario *sc, uint64_t block, uint64_t gen, bool junk)
{
    char *path = g_build_filename(sc->dir, "init.img", NULL);
    uint8_t *bytes = g_malloc0(BLOCKS * VD_CRASH_BLOCK);

    vd_crash_block_fill(bytes + block * VD_CRASH_BLOCK, block * VD_CRASH_BLOCK,
                        gen);
    if (junk)
        bytes[(block + 1) * VD_CRASH_BLOCK] = 1;
    ck_assert(g_file_set_contents(path, (char *)bytes, BLOCKS * VD_CRASH_BLOCK,
                                  NULL));
    g_free(bytes);
    return path;
}

START_TEST(test_initial_content_is_due)
{
    Scenario *sc = scenario_new();
    g_autofree char *init = write_init(sc, 4, 1, false);
    VdLogEntry punch = {
        .sector = 4 * SPB, .nr_sectors = SPB,
        .flags = VD_LOGWRITES_DISCARD | VD_LOGWRITES_FUA,
        .t_submit = 30, .t_logged = 40,
    };
    VdExploreOptions o;
    VdExploreStats st;

    /* The guest writes block 6 (gen 2); the storage zeroes block 4,
     * which the guest never touched: its old data is lost. */
    guest_write(sc, 6, 2, true, 10, 25);
    log_write(sc, 6, 2, VD_LOGWRITES_FUA, 12, 20, NULL);
    ck_assert_int_eq(vd_logwriter_append(sc->w, &punch), 0);
    vd_explore_options_init(&o);
    o.cache = VD_CACHE_NONE;
    o.init = init;
    st = run_opts(sc, &o);
    ck_assert_uint_gt(st.violations, 0);
    ck_assert_ptr_nonnull(strstr(sc->report, "offset 16384 sector 0 holds "
                                 "generation 0 but generation 1"));
    ck_assert_ptr_null(strstr(sc->report, "offset 24576"));
    scenario_free(sc);
}
END_TEST

START_TEST(test_initial_content_checked)
{
    Scenario *sc = scenario_new();
    g_autofree char *junk = write_init(sc, 2, 1, true);
    g_autoptr(GError) err = NULL;
    VdExploreOptions o;
    VdExploreStats st;

    guest_write(sc, 6, 5, false, 10, 25);
    ck_assert_int_eq(vd_logwriter_close(sc->w), 0);
    sc->w = NULL;
    ck_assert(vd_guest_record_save(sc->rec, sc->record, NULL));
    vd_explore_options_init(&o);
    o.log = sc->log;
    o.record = sc->record;
    o.cache = VD_CACHE_NONE;
    o.init = junk;
    /* Junk before the run: refused, not explored. */
    ck_assert(!vd_explore_run(&o, &st, &err));
    ck_assert_msg(strstr(err->message, "neither zeroes nor one workload "
                         "block"), "%s", err->message);
    g_clear_error(&err);
    /* A generation the guest also wrote: they could not be told apart. */
    {
        g_autofree char *same = write_init(sc, 2, 5, false);
        o.init = same;
        ck_assert(!vd_explore_run(&o, &st, &err));
        ck_assert_ptr_nonnull(strstr(err->message, "not below the guest's "
                                     "first"));
    }
    scenario_free(sc);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("crash-explore");
    TCase *tc = tcase_create("explore");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_good_history);
    tcase_add_test(tc, test_fua_answered_early_is_found);
    tcase_add_test(tc, test_dropped_flush_is_found);
    tcase_add_test(tc, test_unsafe_checks_consistency_only);
    tcase_add_test(tc, test_garbage_is_found);
    tcase_add_test(tc, test_newer_write_wins);
    tcase_add_test(tc, test_write_through);
    tcase_add_test(tc, test_one_state_reproduced);
    tcase_add_test(tc, test_torn_states);
    tcase_add_test(tc, test_image_after_a_crash);
    tcase_add_test(tc, test_initial_content_is_due);
    tcase_add_test(tc, test_initial_content_checked);
    suite_add_tcase(s, tc);
    return vd_test_run(s);
}
