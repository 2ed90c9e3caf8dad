/*
 * The statistics filter: counts what virDomainBlockStats and
 * virDomainBlockStatsFlags report, for any backend, plus requests in
 * flight and latency percentiles per kind of request.
 *
 * Counting rules (tests hold them exact):
 *  - ops and bytes count requests that completed successfully; a failed
 *    request counts once in `errors` of its kind and nowhere else;
 *  - total_ns sums the latency (submit to completion, as seen by this
 *    layer) of the successful requests, so total_ns / ops is their mean;
 *  - READ and WRITE count into rd_* and wr_*; FLUSH into flush_*;
 *    DISCARD and WRITE_ZEROES are kept apart (they move no bytes, so
 *    folding them into wr_bytes would lie), under their own kinds;
 *  - errs is the sum of the errors of every kind;
 *  - latency percentiles come from a log-linear histogram (8 sub-buckets
 *    per power of two: values are upper bounds, at most 12.5% high),
 *    over all successful requests since the disk was opened.
 *
 * The counters have a single writer (the disk's I/O thread) and are read
 * with atomics from any thread, without stopping I/O.
 */
#ifndef VD_STORAGE_LAYERS_STATS_H
#define VD_STORAGE_LAYERS_STATS_H

#include <stdint.h>

#include "storage/layer.h"

typedef struct {
    uint64_t ops;
    uint64_t bytes;
    uint64_t total_ns;
    uint64_t errors;
    uint64_t in_flight;
    uint64_t p50_ns;
    uint64_t p99_ns;
    uint64_t p999_ns;
} VdBlockStatsKind;

typedef struct {
    /* Indexed by VdReqType. */
    VdBlockStatsKind kind[VD_REQ_N_TYPES];

    /* virDomainBlockStats(Flags) names, filled from kind[]. */
    int64_t rd_req;
    int64_t rd_bytes;
    int64_t wr_req;
    int64_t wr_bytes;
    int64_t errs;
    int64_t flush_operations;
    int64_t rd_total_times;      /* ns */
    int64_t wr_total_times;      /* ns */
    int64_t flush_total_times;   /* ns */
} VdBlockStats;

/* A stats filter over @next (closed; open it with vd_layer_open). */
VdLayer *vd_stats_layer_new(VdLayer *next);

/* A consistent-enough snapshot of the counters of @l. Any thread. */
void vd_stats_layer_read(VdLayer *l, VdBlockStats *out);

#endif /* VD_STORAGE_LAYERS_STATS_H */
