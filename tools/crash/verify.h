/*
 * Judging what a crash state's block reads back as, sector by sector,
 * against the oracle (oracle.h):
 *   GARBAGE  a sector holds bytes no write of the workload put at that
 *            offset, nor held before the run (torn inside a sector,
 *            another offset's data, junk);
 *   LOST     a sector holds an older generation than the latest write
 *            the contract had made durable (zeroes count as generation 0).
 * A sector may hold a newer generation than required: an unflushed write
 * may have reached the disk.
 *
 * Pure; any thread.
 */
#ifndef VD_CRASH_VERIFY_H
#define VD_CRASH_VERIFY_H

#include <stdint.h>

#include "tools/crash/oracle.h"

typedef enum {
    VD_CRASH_OK,
    VD_CRASH_GARBAGE,
    VD_CRASH_LOST,
} VdCrashVerdict;

typedef struct {
    VdCrashVerdict verdict;
    unsigned sector;        /* in the block */
    int64_t found;          /* generation found (GARBAGE: VD_CRASH_FOREIGN
                             * or one the guest never wrote here) */
    uint64_t required;
} VdCrashFinding;

/* The first finding in @block's 4 KiB @bytes, or VD_CRASH_OK. */
VdCrashFinding vd_crash_verify_block(const VdOracle *o, uint64_t block,
                                     const uint8_t *bytes);

/* A sentence on @f for reports (g_free it). */
char *vd_crash_finding_describe(const VdOracle *o, uint64_t block,
                                const VdCrashFinding *f,
                                const uint8_t *bytes);

#endif /* VD_CRASH_VERIFY_H */
