/* The durability oracle; see oracle.h. */
#include "config.h"

#include <string.h>

#include "common/util/error.h"
#include "tools/crash/block.h"
#include "tools/crash/oracle.h"

typedef struct {
    uint64_t at;            /* promised durable from */
    uint64_t block;
    uint64_t gen;
} Promise;

struct VdOracle {
    const VdGuestRecord *rec;
    uint64_t n_blocks;
    uint64_t *required;     /* per block */
    guint *op_of_gen;       /* gen -> index in rec->ops + 1; 0: none */
    uint64_t *promised;     /* gen -> promise instant */
    uint64_t max_gen;
    uint64_t min_gen;       /* the guest's first generation */
    uint64_t *initial;      /* per block; NULL: all zeroes */
    GArray *promises;       /* Promise, by instant */
    guint next;             /* first promise not yet required */
    GArray *written;        /* uint64_t blocks */
};

static int
by_instant(gconstpointer a, gconstpointer b)
{
    const Promise *x = a, *y = b;

    return x->at < y->at ? -1 : x->at > y->at;
}

static int
by_value(gconstpointer a, gconstpointer b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/*
 * For each successful flush, in submission order: the earliest answer
 * among it and every flush sent after it. A write acknowledged before
 * flush i was sent is covered by i and by every later flush, so it is
 * promised from suffix[i].
 */
static uint64_t *
flush_suffix_min(const VdGuestRecord *rec, GArray **sub_seqs)
{
    GArray *seqs = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    GArray *acks = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    uint64_t *suffix;

    for (guint i = 0; i < rec->ops->len; i++) {
        const VdGuestOp *op = &g_array_index(rec->ops, VdGuestOp, i);

        if (op->is_flush && vd_guest_op_acked(op)) {
            g_array_append_val(seqs, op->sub_seq);
            g_array_append_val(acks, op->ack_ns);
        }
    }
    suffix = g_new(uint64_t, seqs->len + 1);
    suffix[seqs->len] = G_MAXUINT64;
    for (guint i = seqs->len; i-- > 0;)
        suffix[i] = MIN(suffix[i + 1], g_array_index(acks, uint64_t, i));
    g_array_unref(acks);
    *sub_seqs = seqs;
    return suffix;
}

/* The first successful flush sent after event @seq. */
static guint
first_flush_after(GArray *sub_seqs, uint64_t seq)
{
    guint lo = 0, hi = sub_seqs->len;

    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        if (g_array_index(sub_seqs, uint64_t, mid) > seq)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static uint64_t
promise_of(const VdGuestOp *op, VdCacheMode cache, GArray *sub_seqs,
           const uint64_t *suffix)
{
    switch (cache) {
    case VD_CACHE_WRITETHROUGH:
    case VD_CACHE_DIRECTSYNC:
        return op->ack_ns;
    case VD_CACHE_NONE:
    case VD_CACHE_WRITEBACK:
        return MIN(op->fua ? op->ack_ns : G_MAXUINT64,
                   suffix[first_flush_after(sub_seqs, op->ack_seq)]);
    default:
        return G_MAXUINT64;
    }
}

static gboolean
index_writes(VdOracle *o, GError **err)
{
    const VdGuestRecord *rec = o->rec;

    for (guint i = 0; i < rec->ops->len; i++) {
        const VdGuestOp *op = &g_array_index(rec->ops, VdGuestOp, i);

        if (op->is_flush)
            continue;
        /* Generations count writes from a first one: bound them, so
         * that a corrupt record cannot ask for a huge index. */
        if (op->offset % VD_CRASH_BLOCK || op->offset / VD_CRASH_BLOCK >=
            o->n_blocks || op->gen > (uint64_t)rec->ops->len + (1u << 20)) {
            g_set_error(err, VD_ERROR_STORAGE, VD_ERR_OPERATION_FAILED,
                        "record: write of generation %" G_GUINT64_FORMAT
                        " at %" G_GUINT64_FORMAT " is out of place",
                        op->gen, op->offset);
            return FALSE;
        }
        o->max_gen = MAX(o->max_gen, op->gen);
        o->min_gen = o->min_gen ? MIN(o->min_gen, op->gen) : op->gen;
    }
    o->op_of_gen = g_new0(guint, o->max_gen + 1);
    o->promised = g_new(uint64_t, o->max_gen + 1);
    for (guint i = 0; i < rec->ops->len; i++) {
        const VdGuestOp *op = &g_array_index(rec->ops, VdGuestOp, i);

        if (op->is_flush)
            continue;
        if (o->op_of_gen[op->gen]) {
            g_set_error(err, VD_ERROR_STORAGE, VD_ERR_OPERATION_FAILED,
                        "record: generation %" G_GUINT64_FORMAT " twice",
                        op->gen);
            return FALSE;
        }
        o->op_of_gen[op->gen] = i + 1;
        g_array_append_val(o->written, (uint64_t){ op->offset / VD_CRASH_BLOCK });
    }
    return TRUE;
}

VdOracle *
vd_oracle_new(const VdGuestRecord *rec, VdCacheMode cache, GError **err)
{
    VdOracle *o = g_new0(VdOracle, 1);
    GArray *sub_seqs;
    uint64_t *suffix;
    guint j = 0;

    o->rec = rec;
    o->n_blocks = rec->size / VD_CRASH_BLOCK;
    o->required = g_new0(uint64_t, o->n_blocks);
    o->promises = g_array_new(FALSE, FALSE, sizeof(Promise));
    o->written = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    if (!index_writes(o, err)) {
        vd_oracle_free(o);
        return NULL;
    }
    suffix = flush_suffix_min(rec, &sub_seqs);
    for (uint64_t g = 0; g <= o->max_gen; g++)
        o->promised[g] = G_MAXUINT64;
    for (guint i = 0; i < rec->ops->len; i++) {
        const VdGuestOp *op = &g_array_index(rec->ops, VdGuestOp, i);
        Promise p;

        if (op->is_flush || !vd_guest_op_acked(op))
            continue;
        p.at = promise_of(op, cache, sub_seqs, suffix);
        p.block = op->offset / VD_CRASH_BLOCK;
        p.gen = op->gen;
        o->promised[op->gen] = p.at;
        if (p.at != G_MAXUINT64)
            g_array_append_val(o->promises, p);
    }
    g_free(suffix);
    g_array_unref(sub_seqs);
    g_array_sort(o->promises, by_instant);
    g_array_sort(o->written, by_value);
    /* Drop duplicates from the written blocks. */
    for (guint i = 0; i < o->written->len; i++) {
        uint64_t b = g_array_index(o->written, uint64_t, i);
        if (j == 0 || g_array_index(o->written, uint64_t, j - 1) != b)
            g_array_index(o->written, uint64_t, j++) = b;
    }
    g_array_set_size(o->written, j);
    return o;
}

void
vd_oracle_free(VdOracle *o)
{
    if (!o)
        return;
    g_free(o->required);
    g_free(o->initial);
    g_free(o->op_of_gen);
    g_free(o->promised);
    g_array_unref(o->promises);
    g_array_unref(o->written);
    g_free(o);
}

uint64_t
vd_oracle_n_blocks(const VdOracle *o)
{
    return o->n_blocks;
}

gboolean
vd_oracle_set_initial(VdOracle *o, uint64_t block, uint64_t gen,
                      GError **err)
{
    g_assert(block < o->n_blocks && o->next == 0);
    if (gen == 0)
        return TRUE;
    if (o->min_gen && gen >= o->min_gen) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_OPERATION_FAILED,
                    "block at %" G_GUINT64_FORMAT " held generation %"
                    G_GUINT64_FORMAT " before the run, not below the "
                    "guest's first (%" G_GUINT64_FORMAT ")",
                    block * VD_CRASH_BLOCK, gen, o->min_gen);
        return FALSE;
    }
    if (!o->initial)
        o->initial = g_new0(uint64_t, o->n_blocks);
    o->initial[block] = gen;
    o->required[block] = MAX(o->required[block], gen);
    return TRUE;
}

uint64_t
vd_oracle_initial(const VdOracle *o, uint64_t block)
{
    return o->initial ? o->initial[block] : 0;
}

void
vd_oracle_advance(VdOracle *o, uint64_t t, VdOracleChanged changed,
                  void *data)
{
    while (o->next < o->promises->len) {
        const Promise *p = &g_array_index(o->promises, Promise, o->next);

        if (p->at >= t)
            break;
        o->next++;
        if (p->gen > o->required[p->block]) {
            o->required[p->block] = p->gen;
            if (changed)
                changed(p->block, data);
        }
    }
}

uint64_t
vd_oracle_required(const VdOracle *o, uint64_t block)
{
    g_assert(block < o->n_blocks);
    return o->required[block];
}

const VdGuestOp *
vd_oracle_write(const VdOracle *o, uint64_t gen)
{
    if (gen > o->max_gen || !o->op_of_gen[gen])
        return NULL;
    return &g_array_index(o->rec->ops, VdGuestOp, o->op_of_gen[gen] - 1);
}

uint64_t
vd_oracle_promised_at(const VdOracle *o, uint64_t gen)
{
    return gen <= o->max_gen ? o->promised[gen] : G_MAXUINT64;
}

const uint64_t *
vd_oracle_written_blocks(const VdOracle *o, size_t *n)
{
    *n = o->written->len;
    return (const uint64_t *)(void *)o->written->data;
}
