/*
 * Choosing a crash state's writes: of the writes a prefix's crash may or
 * may not have saved (in submission order), which ones state i holds and
 * which of their sectors.
 *
 * With n such writes and s states wanted per prefix: when 2^n - 1 <= s
 * every non-empty subset is one state (exhaustive, as B3 bounds it);
 * otherwise s states are drawn: a quarter are in-order prefixes of the
 * writes (a device that does not reorder), the rest random subsets
 * (one that does). In both, each chosen write tears with the given
 * chance: then each of its sectors is kept or not. Every choice comes
 * from (seed, prefix, state): a state is reproduced alone.
 *
 * Pure but for the overlay it fills; one thread.
 */
#ifndef VD_CRASH_STATES_H
#define VD_CRASH_STATES_H

#include <stdint.h>

#include "storage/layers/logwrites.h"
#include "tools/crash/overlay.h"

/* States to build (beyond the prefix's own) for @n writes in doubt. */
uint64_t vd_crash_states_for(uint64_t n, unsigned per_prefix);

/*
 * Put the sectors of state @i (1-based) of prefix @k into @ov: @vol are
 * @n entries of @log.
 */
void vd_crash_state_build(VdCrashOverlay *ov, const VdLogReader *log,
                          const uint64_t *vol, uint64_t n, uint64_t seed,
                          uint64_t k, uint64_t i, unsigned per_prefix,
                          unsigned tear_percent);

#endif /* VD_CRASH_STATES_H */
