/* Choosing a crash state's writes; see states.h. */
#include "config.h"

#include <glib.h>

#include "tools/crash/states.h"

typedef struct {
    uint64_t s;
} Rng;

static uint64_t
rng_next(Rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static Rng
rng_for(uint64_t seed, uint64_t k, uint64_t i)
{
    Rng r = { .s = seed };

    r.s ^= rng_next(&r) ^ k;
    r.s ^= rng_next(&r) ^ i;
    rng_next(&r);
    return r;
}

static bool
exhaustive(uint64_t n, unsigned per_prefix)
{
    return n < 63 && ((1ULL << n) - 1) <= per_prefix;
}

uint64_t
vd_crash_states_for(uint64_t n, unsigned per_prefix)
{
    if (n == 0)
        return 0;
    return exhaustive(n, per_prefix) ? (1ULL << n) - 1 : per_prefix;
}

/* Put entry @e whole, or torn: each sector kept with chance 1/2. */
static void
put_entry(VdCrashOverlay *ov, const VdLogEntry *e, uint32_t ss, bool torn,
          Rng *r)
{
    for (uint64_t j = 0; j < e->nr_sectors; j++) {
        if (torn && (rng_next(r) & 1))
            continue;
        vd_crash_overlay_put(ov, e->sector + j,
                             e->data ? e->data + j * ss : NULL, e->t_submit);
    }
}

void
vd_crash_state_build(VdCrashOverlay *ov, const VdLogReader *log,
                     const uint64_t *vol, uint64_t n, uint64_t seed,
                     uint64_t k, uint64_t i, unsigned per_prefix,
                     unsigned tear_percent)
{
    uint32_t ss = vd_logreader_sectorsize(log);
    Rng r = rng_for(seed, k, i);
    bool all = exhaustive(n, per_prefix);
    bool in_order = !all && rng_next(&r) % 4 == 0;
    uint64_t upto = in_order ? 1 + rng_next(&r) % n : n;

    for (uint64_t j = 0; j < n; j++) {
        bool chosen;

        if (all)
            chosen = (i >> j) & 1;
        else if (in_order)
            chosen = j < upto;
        else
            chosen = rng_next(&r) & 1;
        if (chosen)
            put_entry(ov, vd_logreader_entry(log, vol[j]), ss,
                      rng_next(&r) % 100 < tear_percent, &r);
    }
}
