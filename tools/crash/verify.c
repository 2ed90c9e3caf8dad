/* Judging blocks against the oracle; see verify.h. */
#include "config.h"

#include "tools/crash/block.h"
#include "tools/crash/verify.h"

VdCrashFinding
vd_crash_verify_block(const VdOracle *o, uint64_t block, const uint8_t *bytes)
{
    uint64_t offset = block * VD_CRASH_BLOCK;
    uint64_t required = vd_oracle_required(o, block);
    VdCrashFinding f = { .verdict = VD_CRASH_OK, .required = required };

    for (unsigned i = 0; i < VD_CRASH_SECTORS; i++) {
        int64_t gen = vd_crash_sector_gen(bytes + i * VD_CRASH_SECTOR, offset,
                                          i);
        const VdGuestOp *w = gen > 0 ? vd_oracle_write(o, (uint64_t)gen)
                                     : NULL;

        f.sector = i;
        f.found = gen;
        /* Some write of the run put it there, or it was there before. */
        if (gen == VD_CRASH_FOREIGN ||
            (gen > 0 && (!w || w->offset != offset) &&
             (uint64_t)gen != vd_oracle_initial(o, block))) {
            f.verdict = VD_CRASH_GARBAGE;
            return f;
        }
        if ((uint64_t)gen < required) {
            f.verdict = VD_CRASH_LOST;
            return f;
        }
    }
    f.verdict = VD_CRASH_OK;
    return f;
}

static char *
describe_found(const uint8_t *sec)
{
    uint64_t off, gen;
    unsigned idx;

    if (vd_crash_sector_parse(sec, &off, &gen, &idx))
        return g_strdup_printf("generation %" G_GUINT64_FORMAT " of offset %"
                               G_GUINT64_FORMAT " (sector %u)", gen, off, idx);
    return g_strdup("bytes of no workload sector");
}

char *
vd_crash_finding_describe(const VdOracle *o, uint64_t block,
                          const VdCrashFinding *f, const uint8_t *bytes)
{
    uint64_t offset = block * VD_CRASH_BLOCK;
    const VdGuestOp *w = vd_oracle_write(o, f->required);
    g_autofree char *found = NULL;

    if (f->verdict == VD_CRASH_GARBAGE) {
        found = describe_found(bytes + f->sector * VD_CRASH_SECTOR);
        return g_strdup_printf("offset %" G_GUINT64_FORMAT " sector %u holds "
                               "%s: no write put that there", offset,
                               f->sector, found);
    }
    return g_strdup_printf(
        "offset %" G_GUINT64_FORMAT " sector %u holds generation %"
        G_GINT64_FORMAT " but generation %" G_GUINT64_FORMAT " (%s write, "
        "acknowledged at %" G_GUINT64_FORMAT " ns, promised durable at %"
        G_GUINT64_FORMAT " ns) was durable: a durable write was lost",
        offset, f->sector, f->found, f->required,
        w && w->fua ? "a FUA" : "a", w ? w->ack_ns : 0,
        vd_oracle_promised_at(o, f->required));
}
