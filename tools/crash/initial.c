/*
 * The image before the run, as the guest saw it: read once through the
 * real open path (with its backing file, if it has one), so that the
 * oracle knows what each block held from the start. A block must hold
 * zeroes or one workload generation throughout (vdisk-crash-fill makes
 * backing files so).
 */
#include "config.h"

#include "common/util/error.h"
#include "tools/crash/block.h"
#include "tools/crash/initial.h"

/* The generation all of @bytes hold, or -1 when they differ or are not
 * the workload's. */
static int64_t
block_gen(const uint8_t *bytes, uint64_t offset)
{
    int64_t gen = vd_crash_sector_gen(bytes, offset, 0);

    for (unsigned i = 1; i < VD_CRASH_SECTORS && gen >= 0; i++)
        if (vd_crash_sector_gen(bytes + i * VD_CRASH_SECTOR, offset, i) != gen)
            return -1;
    return gen;
}

gboolean
vd_crash_initial_load(VdCrashChecker *c, VdOracle *o, GError **err)
{
    uint64_t n = vd_oracle_n_blocks(o);
    g_autofree uint64_t *blocks = g_new(uint64_t, MAX(n, 1));
    g_autofree uint8_t *buf = g_malloc(MAX(n, 1) * VD_CRASH_BLOCK);
    VdLayerCheckResult check;

    for (uint64_t b = 0; b < n; b++)
        blocks[b] = b;
    if (!vd_crash_checker_run(c, blocks, n, buf, &check, err)) {
        g_prefix_error(err, "the image before the run: ");
        return FALSE;
    }
    for (uint64_t b = 0; b < n; b++) {
        int64_t gen = block_gen(buf + b * VD_CRASH_BLOCK, b * VD_CRASH_BLOCK);

        if (gen < 0) {
            g_set_error(err, VD_ERROR_STORAGE, VD_ERR_OPERATION_FAILED,
                        "the image before the run holds, at %" G_GUINT64_FORMAT
                        ", bytes that are neither zeroes nor one workload "
                        "block", b * VD_CRASH_BLOCK);
            return FALSE;
        }
        if (!vd_oracle_set_initial(o, b, (uint64_t)gen, err))
            return FALSE;
    }
    return TRUE;
}
