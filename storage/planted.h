/*
 * Planted bugs: known ways of breaking the durability contract, so that
 * the crash tests can show that they catch them (a checker that cannot
 * fail proves nothing).
 *
 * They exist only in a test build compiled with VD_PLANTED_BUGS (the
 * crash tests' tests/crash/vdiskd-planted); in every other build
 * vd_planted() is false at compile time and the code it guards is gone.
 * In the test build they stay off until vdiskd's --test-planted-bugs=LIST
 * turns some on, before any disk is opened.
 */
#ifndef VD_STORAGE_PLANTED_H
#define VD_STORAGE_PLANTED_H

#include <stdbool.h>
#include <glib.h>

typedef enum {
    /* The file layer answers a FUA write once written, not durable. */
    VD_BUG_FUA_EARLY = 1u << 0,
    /* The file layer answers a flush without an fdatasync. */
    VD_BUG_DROP_FLUSH = 1u << 1,
    /* QED writes L2 tables back without the flush before them (of the
     * log that names them, and of clusters filled from the backing). */
    VD_BUG_QED_L2_EARLY = 1u << 2,
} VdPlantedBug;

#ifdef VD_PLANTED_BUGS
extern unsigned vd_planted_bugs;

static inline bool
vd_planted(VdPlantedBug bug)
{
    return G_UNLIKELY(vd_planted_bugs & bug);
}

/* Turn on the comma-separated bugs of @list ("fua-early,drop-flush",
 * "qed-l2-early"). */
gboolean vd_planted_enable(const char *list, GError **err);
#else
#define vd_planted(bug) false
#endif

#endif /* VD_STORAGE_PLANTED_H */
