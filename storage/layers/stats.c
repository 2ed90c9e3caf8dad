/*
 * The statistics filter. It takes a child for every request so that it
 * sees the completion, and keeps the start time in the parent's scratch.
 */
#include "config.h"

#include <stdatomic.h>
#include <string.h>

#include "common/util/clock.h"
#include "storage/layers/stats.h"

/* Log-linear: values below 8 ns exactly, then 8 sub-buckets for each
 * power of two up to 2^63. */
#define SUB_BITS 3
#define SUB (1u << SUB_BITS)
#define N_BUCKETS ((64 - SUB_BITS + 1) * SUB)

typedef struct {
    atomic_uint_fast64_t ops, bytes, total_ns, errors, in_flight;
    atomic_uint_fast64_t hist[N_BUCKETS];
} KindCounters;

typedef struct {
    KindCounters kind[VD_REQ_N_TYPES];
} Stats;

typedef struct {
    VdLayer *layer;
    uint64_t start_ns;
} StatsReq;

static unsigned
bucket_of(uint64_t v)
{
    unsigned msb;

    if (v < SUB)
        return (unsigned)v;
    msb = 63u - (unsigned)__builtin_clzll(v);
    return (msb - SUB_BITS + 1) * SUB +
           (unsigned)((v >> (msb - SUB_BITS)) & (SUB - 1));
}

/* The largest value that falls in bucket @b. */
static uint64_t
bucket_max(unsigned b)
{
    unsigned msb, sub;
    uint64_t lo;

    if (b < SUB)
        return b;
    msb = b / SUB + SUB_BITS - 1;
    sub = b % SUB;
    lo = (uint64_t)(SUB + sub) << (msb - SUB_BITS);
    return lo + ((uint64_t)1 << (msb - SUB_BITS)) - 1;
}

/* Single writer (the I/O thread): a plain add, published atomically, so
 * readers on other threads never see a torn value and the writer pays
 * no locked instruction. */
static inline void
bump(atomic_uint_fast64_t *c, uint64_t d)
{
    atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + d,
                          memory_order_relaxed);
}

static void
stats_done(VdRequest *child, int ret)
{
    VdRequest *req = child->parent;
    StatsReq *sr = VD_REQUEST_SCRATCH(req, StatsReq);
    Stats *s = sr->layer->priv;
    KindCounters *k = &s->kind[req->type];
    uint64_t lat = vd_monotonic_ns() - sr->start_ns;

    vd_request_put(child);
    bump(&k->in_flight, (uint64_t)-1);
    if (ret < 0) {
        bump(&k->errors, 1);
    } else {
        bump(&k->ops, 1);
        if (req->type == VD_REQ_READ || req->type == VD_REQ_WRITE)
            bump(&k->bytes, req->len);
        bump(&k->total_ns, lat);
        bump(&k->hist[bucket_of(lat)], 1);
    }
    vd_request_complete(req, ret);
}

static void
stats_submit(VdLayer *l, VdRequest *req)
{
    Stats *s = l->priv;
    StatsReq *sr = VD_REQUEST_SCRATCH(req, StatsReq);
    VdRequest *child = vd_request_child(req, stats_done);

    sr->layer = l;
    sr->start_ns = vd_monotonic_ns();
    bump(&s->kind[req->type].in_flight, 1);
    vd_layer_submit(l->next, child);
}

static void
stats_free(VdLayer *l)
{
    g_free(l->priv);
}

static const VdLayerOps stats_ops = {
    .name = "stats",
    .submit = stats_submit,
    .free = stats_free,
};

VdLayer *
vd_stats_layer_new(VdLayer *next)
{
    VdLayer *l = vd_layer_new(&stats_ops, next, g_new0(Stats, 1));

    /* A filter: the format below answers out-of-range requests. */
    l->checks_range = true;
    return l;
}

static uint64_t
percentile(const uint64_t *hist, uint64_t total, double p)
{
    /* The smallest value with at least p of the samples at or below it. */
    uint64_t rank = (uint64_t)(p * (double)total + 0.999999);
    uint64_t seen = 0;

    if (total == 0)
        return 0;
    if (rank == 0)
        rank = 1;
    for (unsigned b = 0; b < N_BUCKETS; b++) {
        seen += hist[b];
        if (seen >= rank)
            return bucket_max(b);
    }
    return bucket_max(N_BUCKETS - 1);
}

void
vd_stats_layer_read(VdLayer *l, VdBlockStats *out)
{
    Stats *s = l->priv;
    uint64_t hist[N_BUCKETS];

    memset(out, 0, sizeof(*out));
    for (unsigned t = 0; t < VD_REQ_N_TYPES; t++) {
        KindCounters *k = &s->kind[t];
        VdBlockStatsKind *o = &out->kind[t];
        uint64_t total = 0;

        o->ops = atomic_load_explicit(&k->ops, memory_order_relaxed);
        o->bytes = atomic_load_explicit(&k->bytes, memory_order_relaxed);
        o->total_ns = atomic_load_explicit(&k->total_ns, memory_order_relaxed);
        o->errors = atomic_load_explicit(&k->errors, memory_order_relaxed);
        o->in_flight = atomic_load_explicit(&k->in_flight, memory_order_relaxed);
        for (unsigned b = 0; b < N_BUCKETS; b++) {
            hist[b] = atomic_load_explicit(&k->hist[b], memory_order_relaxed);
            total += hist[b];
        }
        o->p50_ns = percentile(hist, total, 0.50);
        o->p99_ns = percentile(hist, total, 0.99);
        o->p999_ns = percentile(hist, total, 0.999);
        out->errs += (int64_t)o->errors;
    }
    out->rd_req = (int64_t)out->kind[VD_REQ_READ].ops;
    out->rd_bytes = (int64_t)out->kind[VD_REQ_READ].bytes;
    out->rd_total_times = (int64_t)out->kind[VD_REQ_READ].total_ns;
    out->wr_req = (int64_t)out->kind[VD_REQ_WRITE].ops;
    out->wr_bytes = (int64_t)out->kind[VD_REQ_WRITE].bytes;
    out->wr_total_times = (int64_t)out->kind[VD_REQ_WRITE].total_ns;
    out->flush_operations = (int64_t)out->kind[VD_REQ_FLUSH].ops;
    out->flush_total_times = (int64_t)out->kind[VD_REQ_FLUSH].total_ns;
}
