/* The crash-state explorer's driver; see explore.h. */
#include "config.h"

#include <string.h>

#include "common/util/error.h"
#include "storage/layers/logwrites.h"
#include "tools/crash/block.h"
#include "tools/crash/check.h"
#include "tools/crash/explore.h"
#include "tools/crash/initial.h"
#include "tools/crash/oracle.h"
#include "tools/crash/states.h"
#include "tools/crash/verify.h"

typedef struct {
    const VdExploreOptions *o;
    VdExploreStats *st;
    VdLogReader *log;
    VdGuestRecord *rec;
    VdOracle *oracle;
    VdCrashImage *im;
    VdCrashOverlay *ov;
    VdCrashChecker *checker;
    uint32_t ss;
    bool identity;          /* raw: a file offset is the guest offset */
    uint64_t n_blocks;

    GArray *durable;        /* uint64_t: flush and FUA entries */
    GArray *by_submit;      /* uint64_t: data entries by submission time */
    guint next_submit;
    GArray *doubt;          /* uint64_t: submitted, not in the prefix */

    /* Blocks to read in the next prefix state, and in a state. */
    GArray *pending;        /* uint64_t */
    uint8_t *pending_mark;  /* per block */
    bool pending_all;       /* metadata changed: see metadata_blocks */
    GArray *blocks;         /* uint64_t: this state's reads */
    uint32_t *stamp;        /* per block: dedupe within a state */
    uint32_t stamp_now;
    uint8_t *buf;
    size_t buf_blocks;
    GTimer *timer;
} Explorer;

void
vd_explore_options_init(VdExploreOptions *o)
{
    memset(o, 0, sizeof(*o));
    o->format = "raw";
    o->cache = VD_CACHE_WRITEBACK;
    o->seed = 1;
    o->states_per_prefix = 16;
    o->tear_percent = 25;
    o->only_prefix = -1;
    o->only_state = -1;
    o->max_reports = 20;
    o->out = stdout;
}

static bool
is_data(const VdLogEntry *e)
{
    return !(e->flags & (VD_LOGWRITES_FLUSH | VD_LOGWRITES_MARK)) &&
           e->nr_sectors > 0;
}

static int
by_submit_time(gconstpointer a, gconstpointer b, gpointer log)
{
    uint64_t x = vd_logreader_entry(log, *(const uint64_t *)a)->t_submit;
    uint64_t y = vd_logreader_entry(log, *(const uint64_t *)b)->t_submit;

    return x < y ? -1 : x > y;
}

static gboolean
load(Explorer *x, GError **err)
{
    const VdExploreOptions *o = x->o;
    uint64_t n;

    x->log = vd_logreader_open(o->log, err);
    if (!x->log)
        return FALSE;
    if (!vd_logreader_has_times(x->log)) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_OPERATION_FAILED,
                    "'%s' has no times sidecar: cannot compare it with the "
                    "guest's record", o->log);
        return FALSE;
    }
    x->rec = vd_guest_record_load(o->record, err);
    if (!x->rec || !(x->oracle = vd_oracle_new(x->rec, o->cache, err)))
        return FALSE;
    x->ss = vd_logreader_sectorsize(x->log);
    x->identity = strcmp(o->format, "raw") == 0;
    x->n_blocks = vd_oracle_n_blocks(x->oracle);
    x->im = vd_crash_image_new(o->init, o->init ? 0 : x->rec->size, x->ss,
                               err);
    if (!x->im)
        return FALSE;
    x->ov = vd_crash_overlay_new(x->im);
    x->checker = vd_crash_checker_new(o->format, x->im, x->ov, err);
    if (!x->checker || !vd_crash_initial_load(x->checker, x->oracle, err))
        return FALSE;
    n = vd_logreader_n_entries(x->log);
    for (uint64_t i = 0; i < n; i++) {
        const VdLogEntry *e = vd_logreader_entry(x->log, i);

        if (e->flags & (VD_LOGWRITES_FLUSH | VD_LOGWRITES_FUA))
            g_array_append_val(x->durable, i);
        if (is_data(e))
            g_array_append_val(x->by_submit, i);
    }
    g_array_sort_with_data(x->by_submit, by_submit_time, x->log);
    return TRUE;
}

/* ---- which blocks to read ---- */

static void
mark_pending(Explorer *x, uint64_t block)
{
    if (block < x->n_blocks && !x->pending_mark[block]) {
        x->pending_mark[block] = 1;
        g_array_append_val(x->pending, block);
    }
}

static void
requirement_rose(uint64_t block, void *data)
{
    mark_pending(data, block);
}

/*
 * The guest block whose data a file sector holds, for reading it back:
 * raw maps offsets one to one; a format's data sectors say whose they
 * are, and anything else is metadata, after which every block is read.
 */
static bool
block_of_sector(Explorer *x, uint64_t s, const uint8_t *data, uint64_t *block)
{
    uint64_t off, gen;
    unsigned idx;

    if (x->identity) {
        *block = s * x->ss / VD_CRASH_BLOCK;
        return true;
    }
    if (data && vd_crash_sector_parse(data, &off, &gen, &idx)) {
        *block = off / VD_CRASH_BLOCK;
        return true;
    }
    return false;
}

typedef struct {
    Explorer *x;
    const VdLogEntry *e;
} Applying;

static void
base_touched(uint64_t s, void *data)
{
    Applying *a = data;
    const uint8_t *sec = a->e->data ? a->e->data + (s - a->e->sector) * a->x->ss
                                    : NULL;
    uint64_t block;

    if (block_of_sector(a->x, s, sec, &block))
        mark_pending(a->x, block);
    else
        a->x->pending_all = true;
}

static void
add_block(Explorer *x, uint64_t block)
{
    if (block >= x->n_blocks || x->stamp[block] == x->stamp_now)
        return;
    x->stamp[block] = x->stamp_now;
    g_array_append_val(x->blocks, block);
}

static void
add_every_block(Explorer *x)
{
    for (uint64_t b = 0; b < x->n_blocks; b++)
        add_block(x, b);
}

/* Blocks read, beyond the written ones, when metadata is in play. */
#define METADATA_SAMPLE 64

/*
 * Metadata changed: any block's mapping may have. Every block the guest
 * wrote is read, and a sample of the others (drawn from the state's own
 * seed), whose mappings should be untouched: a stray one lands on
 * something the format's check may not see as wrong.
 */
static void
add_metadata_blocks(Explorer *x, uint64_t k, uint64_t i)
{
    size_t nw;
    const uint64_t *w = vd_oracle_written_blocks(x->oracle, &nw);
    uint64_t r = x->o->seed ^ (k * 0x9e3779b97f4a7c15ULL) ^ (i << 32);

    for (size_t j = 0; j < nw; j++)
        add_block(x, w[j]);
    for (unsigned j = 0; j < METADATA_SAMPLE && x->n_blocks > 0; j++) {
        r = r * 6364136223846793005ULL + 1442695040888963407ULL;
        add_block(x, (r >> 17) % x->n_blocks);
    }
}

/* ---- one state ---- */

static void
violation(Explorer *x, uint64_t k, uint64_t i, const char *what)
{
    x->st->violations++;
    if (x->st->violations > x->o->max_reports)
        return;
    fprintf(x->o->out, "VIOLATION in state %" G_GUINT64_FORMAT ".%"
            G_GUINT64_FORMAT " (reproduce: --seed %" G_GUINT64_FORMAT
            " --prefix %" G_GUINT64_FORMAT " --state %" G_GUINT64_FORMAT
            "): %s\n", k, i, x->o->seed, k, i, what);
}

static void
check_state(Explorer *x, uint64_t k, uint64_t i)
{
    g_autoptr(GError) err = NULL;
    VdLayerCheckResult check;
    const uint64_t *blocks = (const uint64_t *)(void *)x->blocks->data;
    size_t n = x->blocks->len;

    if (n > x->buf_blocks) {
        g_free(x->buf);
        x->buf = g_malloc(n * VD_CRASH_BLOCK);
        x->buf_blocks = n;
    }
    x->st->states++;
    x->st->blocks_read += n;
    if (!vd_crash_checker_run(x->checker, blocks, n, x->buf, &check, &err)) {
        g_autofree char *what = g_strdup_printf(
            "the image does not open and read after this crash: %s",
            err ? err->message : "?");
        violation(x, k, i, what);
        return;
    }
    if (check.corruptions > 0) {
        g_autofree char *what = g_strdup_printf(
            "the format's check finds %" G_GUINT64_FORMAT " corruptions "
            "after the open's recovery", check.corruptions);
        violation(x, k, i, what);
    }
    for (size_t j = 0; j < n; j++) {
        const uint8_t *bytes = x->buf + j * VD_CRASH_BLOCK;
        VdCrashFinding f = vd_crash_verify_block(x->oracle, blocks[j], bytes);

        if (f.verdict != VD_CRASH_OK) {
            g_autofree char *what = vd_crash_finding_describe(
                x->oracle, blocks[j], &f, bytes);
            violation(x, k, i, what);
        }
    }
}

static bool
wanted(const Explorer *x, uint64_t k, uint64_t i)
{
    if (x->o->max_states && x->st->states >= x->o->max_states)
        return false;
    return (x->o->only_prefix < 0 || (uint64_t)x->o->only_prefix == k) &&
           (x->o->only_state < 0 || (uint64_t)x->o->only_state == i);
}

/* State k.0: the prefix alone, read where it or the oracle changed. */
static void
prefix_state(Explorer *x, uint64_t k, bool last)
{
    if (!wanted(x, k, 0))
        return;
    vd_crash_overlay_clear(x->ov);
    g_array_set_size(x->blocks, 0);
    x->stamp_now++;
    if (last)
        add_every_block(x);
    else if (x->pending_all)
        add_metadata_blocks(x, k, 0);
    for (guint j = 0; j < x->pending->len; j++)
        add_block(x, g_array_index(x->pending, uint64_t, j));
    check_state(x, k, 0);
    for (guint j = 0; j < x->pending->len; j++)
        x->pending_mark[g_array_index(x->pending, uint64_t, j)] = 0;
    g_array_set_size(x->pending, 0);
    x->pending_all = false;
}

/* State k.i: the prefix and some writes in doubt, read where they land. */
static void
doubt_state(Explorer *x, uint64_t k, uint64_t i)
{
    const VdExploreOptions *o = x->o;
    bool all = false;

    vd_crash_overlay_clear(x->ov);
    vd_crash_state_build(x->ov, x->log, (const uint64_t *)(void *)x->doubt->data,
                         x->doubt->len, o->seed, k, i, o->states_per_prefix,
                         o->tear_percent);
    if (vd_crash_overlay_count(x->ov) == 0)
        return;   /* nothing newer than the prefix: k.0 again */
    g_array_set_size(x->blocks, 0);
    x->stamp_now++;
    for (unsigned j = 0; j < vd_crash_overlay_count(x->ov); j++) {
        uint64_t block;

        if (block_of_sector(x, vd_crash_overlay_sector(x->ov, j),
                            vd_crash_overlay_data(x->ov, j), &block))
            add_block(x, block);
        else
            all = true;
    }
    if (all)
        add_metadata_blocks(x, k, i);
    check_state(x, k, i);
}

/* ---- prefixes ---- */

/* Apply entries [from, to) to the base. */
static gboolean
apply_range(Explorer *x, uint64_t from, uint64_t to, GError **err)
{
    for (uint64_t i = from; i < to; i++) {
        Applying a = { .x = x, .e = vd_logreader_entry(x->log, i) };
        int ret;

        if (!is_data(a.e))
            continue;
        ret = vd_crash_image_apply(x->im, a.e, base_touched, &a);
        if (ret < 0) {
            g_set_error(err, VD_ERROR_STORAGE, VD_ERR_SYSTEM_ERROR,
                        "cannot apply entry %" G_GUINT64_FORMAT ": %s", i,
                        g_strerror(-ret));
            return FALSE;
        }
    }
    return TRUE;
}

/* The writes in doubt at crash instant @t with prefix [0, end). */
static void
update_doubt(Explorer *x, uint64_t end, uint64_t t)
{
    guint j = 0;

    while (x->next_submit < x->by_submit->len) {
        uint64_t e = g_array_index(x->by_submit, uint64_t, x->next_submit);

        if (vd_logreader_entry(x->log, e)->t_submit >= t)
            break;
        g_array_append_val(x->doubt, e);
        x->next_submit++;
    }
    /* Keep submission order; drop what the prefix now holds. */
    for (guint i = 0; i < x->doubt->len; i++) {
        uint64_t e = g_array_index(x->doubt, uint64_t, i);
        if (e >= end)
            g_array_index(x->doubt, uint64_t, j++) = e;
    }
    g_array_set_size(x->doubt, j);
}

static gboolean
explore(Explorer *x, GError **err)
{
    guint m = x->durable->len;
    uint64_t end = 0;

    for (uint64_t k = 0; k <= m; k++) {
        uint64_t next_end = k == 0 ? 0 : g_array_index(x->durable, uint64_t,
                                                       k - 1) + 1;
        uint64_t t = k < m ? vd_logreader_entry(
                                 x->log, g_array_index(x->durable, uint64_t, k))
                                 ->t_logged
                           : G_MAXUINT64;
        uint64_t n_states;

        if (!apply_range(x, end, next_end, err))
            return FALSE;
        end = next_end;
        vd_oracle_advance(x->oracle, t, requirement_rose, x);
        update_doubt(x, end, t);
        x->st->prefixes++;
        prefix_state(x, k, k == m);
        n_states = vd_crash_states_for(x->doubt->len, x->o->states_per_prefix);
        for (uint64_t i = 1; i <= n_states; i++)
            if (wanted(x, k, i))
                doubt_state(x, k, i);
        if (x->o->max_states && x->st->states >= x->o->max_states)
            break;
    }
    return TRUE;
}

static void
explorer_free(Explorer *x)
{
    vd_crash_checker_free(x->checker);
    vd_crash_overlay_free(x->ov);
    vd_crash_image_free(x->im);
    vd_oracle_free(x->oracle);
    vd_guest_record_free(x->rec);
    vd_logreader_free(x->log);
    g_array_unref(x->durable);
    g_array_unref(x->by_submit);
    g_array_unref(x->doubt);
    g_array_unref(x->pending);
    g_array_unref(x->blocks);
    g_free(x->pending_mark);
    g_free(x->stamp);
    g_free(x->buf);
    if (x->timer)
        g_timer_destroy(x->timer);
}

gboolean
vd_explore_run(const VdExploreOptions *o, VdExploreStats *st, GError **err)
{
    Explorer x = { .o = o, .st = st };
    gboolean ok;

    memset(st, 0, sizeof(*st));
    x.durable = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    x.by_submit = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    x.doubt = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    x.pending = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    x.blocks = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    ok = load(&x, err);
    if (ok) {
        x.pending_mark = g_malloc0(x.n_blocks);
        x.stamp = g_new0(uint32_t, x.n_blocks);
        x.timer = g_timer_new();
        ok = explore(&x, err);
        st->seconds = g_timer_elapsed(x.timer, NULL);
    }
    explorer_free(&x);
    return ok;
}
