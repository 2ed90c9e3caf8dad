/*
 * The crash-state explorer: from a disk's write log (recorder.h) and its
 * guest's record (guest-record.h), build the states a crash could leave
 * and check each one as vdiskd would open it.
 *
 * States. The log's flush and FUA entries are the instants at which the
 * storage became guaranteed to hold a prefix of the log. For each such
 * prefix k (and the empty one), the crash falls anywhere before the next
 * such instant T_k; it is checked at the latest one, just before T_k,
 * where the contract requires the most:
 *   - the prefix itself ("state k.0"), then
 *   - states k.1, k.2, ...: the prefix plus some of the writes submitted
 *     to the storage before T_k that are not in it (written but not yet
 *     durable: any subset may have reached the media, in any order), some
 *     of them torn (only some of their sectors). Small sets are
 *     enumerated, larger ones sampled; each state's choices come from
 *     (seed, k, i) alone, so one state is reproduced on its own.
 * A sector always ends up with the newest version among those applied
 * (see image.h).
 *
 * Checks per state (check.h, verify.h): it opens and the format's check
 * finds it consistent; every block read back holds at least what the
 * contract made durable before T_k; no sector holds bytes no write put
 * at that offset. Only blocks that can have changed since they were last
 * checked are read (the prefix's new data and new requirements, the
 * state's own sectors); all of them at the last prefix. A format that
 * writes metadata has every written block read whenever metadata is in
 * play, since a mapping can move any block, and a sample of the others.
 *
 * One thread (plus the checker's I/O thread).
 */
#ifndef VD_CRASH_EXPLORE_H
#define VD_CRASH_EXPLORE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <glib.h>

#include "common/conf/disk-conf.h"

typedef struct {
    const char *log;             /* the write log (with its .times) */
    const char *record;          /* the guest's record */
    const char *format;          /* "raw" (default) */
    const char *init;            /* the image before the run (its backing
                                  * file too); NULL: zeroes */
    VdCacheMode cache;           /* the disk's while the log was recorded */
    uint64_t seed;
    unsigned states_per_prefix;  /* beyond the prefix's own (default 16) */
    unsigned tear_percent;       /* chosen writes that tear (default 25) */
    uint64_t max_states;         /* stop after this many; 0: no limit */
    int64_t only_prefix;         /* >= 0: check only this prefix's states */
    int64_t only_state;          /* >= 0, with only_prefix: only this one */
    unsigned max_reports;        /* violations described (default 20) */
    FILE *out;                   /* reports (default stdout) */
} VdExploreOptions;

typedef struct {
    uint64_t prefixes;           /* flush and FUA instants, + the empty one */
    uint64_t states;             /* states opened and checked */
    uint64_t violations;
    uint64_t blocks_read;
    double seconds;
} VdExploreStats;

void vd_explore_options_init(VdExploreOptions *o);

/*
 * Explore; FALSE with @err only when the inputs cannot be used (a
 * violation is a finding, counted in @st and reported to o->out).
 */
gboolean vd_explore_run(const VdExploreOptions *o, VdExploreStats *st,
                        GError **err);

/*
 * Check the image @image after a real crash (vdiskd killed) against
 * o->record: every block, with everything the contract had promised by
 * the guest's last answer due, and o->init's blocks (when given) from the
 * start (aftermath.c). o->log is not used.
 */
gboolean vd_explore_image(const VdExploreOptions *o, const char *image,
                          VdExploreStats *st, GError **err);

#endif /* VD_CRASH_EXPLORE_H */
