/*
 * The oracle: what the durability contract (DURABILITY.md) requires of
 * a disk after a crash at a given instant, from the guest's record and
 * the cache mode the disk ran with.
 *
 * A write w acknowledged with success is promised durable from:
 *   writethrough, directsync  its acknowledgement;
 *   none, writeback           its acknowledgement if it was FUA, else the
 *                             acknowledgement of the first-answered
 *                             successful flush sent after w was
 *                             acknowledged (ACK_SEQ(w) < SUB_SEQ(flush));
 *   unsafe                    never (only a clean shutdown saves data).
 * A crash at instant T (CLOCK_MONOTONIC, as the write log's times) then
 * requires every block to hold at least the generation of the latest
 * write to it promised before T: that write's data, or a later write's
 * (generations grow with time; the workload never writes one block twice
 * at once). What a block held before the run (zeroes, generation 0, or
 * a backing file's workload block, of a generation below every write of
 * the run) is required from the start: it was durable already.
 *
 * One thread.
 */
#ifndef VD_CRASH_ORACLE_H
#define VD_CRASH_ORACLE_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

#include "common/conf/disk-conf.h"
#include "tools/crash/guest-record.h"

typedef struct VdOracle VdOracle;

/* Block @block's required generation rose (vd_oracle_advance). */
typedef void (*VdOracleChanged)(uint64_t block, void *data);

/* The oracle for @rec (kept; must outlive it) written with @cache. */
VdOracle *vd_oracle_new(const VdGuestRecord *rec, VdCacheMode cache,
                        GError **err);
void vd_oracle_free(VdOracle *o);

/* Blocks in the guest's disk. */
uint64_t vd_oracle_n_blocks(const VdOracle *o);

/*
 * Before the run @block held generation @gen (0: zeroes). Call before
 * vd_oracle_advance; FALSE with @err when @gen is not below every
 * generation the guest wrote (the two could not be told apart).
 */
gboolean vd_oracle_set_initial(VdOracle *o, uint64_t block, uint64_t gen,
                               GError **err);

/* What @block held before the run (0: zeroes). */
uint64_t vd_oracle_initial(const VdOracle *o, uint64_t block);

/*
 * Move the crash instant to just before @t (never backwards): writes
 * promised before @t become required. @changed (may be NULL) hears of
 * each block whose requirement rose.
 */
void vd_oracle_advance(VdOracle *o, uint64_t t, VdOracleChanged changed,
                       void *data);

/* The generation @block must hold at least now (0: nothing required). */
uint64_t vd_oracle_required(const VdOracle *o, uint64_t block);

/* The write of generation @gen, or NULL when the guest sent none. */
const VdGuestOp *vd_oracle_write(const VdOracle *o, uint64_t gen);

/* When @gen's write became promised durable (G_MAXUINT64: never). */
uint64_t vd_oracle_promised_at(const VdOracle *o, uint64_t gen);

/* Every block the guest wrote (sorted, no duplicates). */
const uint64_t *vd_oracle_written_blocks(const VdOracle *o, size_t *n);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(VdOracle, vd_oracle_free)

#endif /* VD_CRASH_ORACLE_H */
