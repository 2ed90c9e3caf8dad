/*
 * Checking an image after a real crash (vdiskd killed), rather than a
 * crash state built from a log: the crash came after every answer the
 * guest recorded, so everything the contract promised by then is due.
 * The image is opened like any state (check.h), on a copy in memory so
 * that a format's recovery leaves the evidence alone, and every block of
 * the guest's disk is read and judged (verify.h). With o->init, what the
 * disk held before the run (a backing file's blocks) is due too.
 */
#include "config.h"

#include <string.h>

#include "tools/crash/block.h"
#include "tools/crash/check.h"
#include "tools/crash/explore.h"
#include "tools/crash/initial.h"
#include "tools/crash/oracle.h"
#include "tools/crash/verify.h"

static void
report(const VdExploreOptions *o, VdExploreStats *st, const char *what)
{
    st->violations++;
    if (st->violations <= o->max_reports)
        fprintf(o->out, "VIOLATION in the image after the crash: %s\n", what);
}

/* What the disk held before the run: o->init's blocks (none: zeroes). */
static gboolean
load_initial(const VdExploreOptions *o, VdOracle *oracle, GError **err)
{
    g_autoptr(VdCrashImage) im = NULL;
    g_autoptr(VdCrashChecker) checker = NULL;
    VdCrashOverlay *ov;
    gboolean ok;

    if (!o->init)
        return TRUE;
    im = vd_crash_image_new(o->init, 0, VD_CRASH_SECTOR, err);
    if (!im)
        return FALSE;
    ov = vd_crash_overlay_new(im);
    checker = vd_crash_checker_new(o->format, im, ov, err);
    ok = checker && vd_crash_initial_load(checker, oracle, err);
    vd_crash_checker_free(g_steal_pointer(&checker));
    vd_crash_overlay_free(ov);
    return ok;
}

static void
judge(const VdExploreOptions *o, VdExploreStats *st, const VdOracle *oracle,
      const uint64_t *blocks, size_t n, const uint8_t *buf)
{
    for (size_t j = 0; j < n; j++) {
        const uint8_t *bytes = buf + j * VD_CRASH_BLOCK;
        VdCrashFinding f = vd_crash_verify_block(oracle, blocks[j], bytes);

        if (f.verdict != VD_CRASH_OK) {
            g_autofree char *what = vd_crash_finding_describe(oracle, blocks[j],
                                                              &f, bytes);
            report(o, st, what);
        }
    }
}

gboolean
vd_explore_image(const VdExploreOptions *o, const char *image,
                 VdExploreStats *st, GError **err)
{
    g_autoptr(VdGuestRecord) rec = NULL;
    g_autoptr(VdOracle) oracle = NULL;
    g_autoptr(VdCrashImage) im = NULL;
    g_autoptr(VdCrashChecker) checker = NULL;
    g_autoptr(GTimer) timer = g_timer_new();
    g_autoptr(GError) open_err = NULL;
    g_autofree uint64_t *blocks = NULL;
    g_autofree uint8_t *buf = NULL;
    VdCrashOverlay *ov = NULL;
    VdLayerCheckResult check;
    uint64_t n;

    memset(st, 0, sizeof(*st));
    if (!(rec = vd_guest_record_load(o->record, err)) ||
        !(oracle = vd_oracle_new(rec, o->cache, err)) ||
        !load_initial(o, oracle, err) ||
        !(im = vd_crash_image_new(image, 0, VD_CRASH_SECTOR, err)))
        return FALSE;
    ov = vd_crash_overlay_new(im);
    checker = vd_crash_checker_new(o->format, im, ov, err);
    if (!checker) {
        vd_crash_overlay_free(ov);
        return FALSE;
    }
    vd_oracle_advance(oracle, G_MAXUINT64, NULL, NULL);
    n = vd_oracle_n_blocks(oracle);
    blocks = g_new(uint64_t, n);
    for (uint64_t b = 0; b < n; b++)
        blocks[b] = b;
    buf = g_malloc(n * VD_CRASH_BLOCK);
    st->prefixes = 1;
    st->states = 1;
    st->blocks_read = n;
    if (!vd_crash_checker_run(checker, blocks, n, buf, &check, &open_err)) {
        g_autofree char *what = g_strdup_printf(
            "it does not open and read: %s", open_err->message);
        report(o, st, what);
    } else if (check.corruptions > 0) {
        g_autofree char *what = g_strdup_printf(
            "the format's check finds %" G_GUINT64_FORMAT " corruptions",
            check.corruptions);
        report(o, st, what);
        judge(o, st, oracle, blocks, n, buf);
    } else {
        judge(o, st, oracle, blocks, n, buf);
    }
    st->seconds = g_timer_elapsed(timer, NULL);
    vd_crash_checker_free(g_steal_pointer(&checker));
    vd_crash_overlay_free(ov);
    return TRUE;
}
