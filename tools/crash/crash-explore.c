/*
 * vdisk-crash-explore: check every crash state a disk's write log allows
 * against its guest's record (explore.h); or, with --image, an image left
 * by a real crash. Prints the states explored, how fast, and each
 * violation with what reproduces it; exits 1 when there was any, 2 when
 * the inputs are unusable.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <glib.h>

#include "tools/crash/explore.h"

static char *opt_log;
static char *opt_image;
static char *opt_record;
static char *opt_format;
static char *opt_init;
static char *opt_cache;
static gint64 opt_seed = 1;
static int opt_states = 16;
static int opt_tear = 25;
static gint64 opt_max_states;
static gint64 opt_prefix = -1;
static gint64 opt_state = -1;
static int opt_reports = 20;

static const GOptionEntry options[] = {
    { "log", 0, 0, G_OPTION_ARG_FILENAME, &opt_log,
      "The disk's write log (LOG.times beside it)", "LOG" },
    { "image", 0, 0, G_OPTION_ARG_FILENAME, &opt_image,
      "Instead of a log: an image a real crash left", "FILE" },
    { "record", 0, 0, G_OPTION_ARG_FILENAME, &opt_record,
      "The guest's record", "FILE" },
    { "cache", 0, 0, G_OPTION_ARG_STRING, &opt_cache,
      "The disk's cache mode while recording", "MODE" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &opt_format,
      "Image format (default raw)", "FORMAT" },
    { "init", 0, 0, G_OPTION_ARG_FILENAME, &opt_init,
      "The image as it was before the run (default: zeroes)", "FILE" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &opt_seed, "Seed (default 1)", "N" },
    { "states", 0, 0, G_OPTION_ARG_INT, &opt_states,
      "States per prefix beyond its own (default 16)", "N" },
    { "tear", 0, 0, G_OPTION_ARG_INT, &opt_tear,
      "Percent of chosen writes that tear (default 25)", "P" },
    { "max-states", 0, 0, G_OPTION_ARG_INT64, &opt_max_states,
      "Stop after N states (default: all)", "N" },
    { "prefix", 0, 0, G_OPTION_ARG_INT64, &opt_prefix,
      "Only the states of this prefix", "K" },
    { "state", 0, 0, G_OPTION_ARG_INT64, &opt_state,
      "With --prefix: only this state", "I" },
    { "reports", 0, 0, G_OPTION_ARG_INT, &opt_reports,
      "Violations described in full (default 20)", "N" },
    { NULL },
};

int
main(int argc, char **argv)
{
    g_autoptr(GOptionContext) ctx = g_option_context_new(NULL);
    g_autoptr(GError) err = NULL;
    VdExploreOptions o;
    VdExploreStats st;
    int cache;

    g_option_context_set_summary(ctx, "Check the crash states of a disk's "
                                 "write log against its guest's record.");
    g_option_context_add_main_entries(ctx, options, NULL);
    if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
        g_printerr("vdisk-crash-explore: %s\n", err->message);
        return 2;
    }
    cache = opt_cache ? vd_cache_mode_from_string(opt_cache) : -1;
    if (argc > 1 || !(opt_log || opt_image) || (opt_log && opt_image) ||
        !opt_record || cache <= VD_CACHE_DEFAULT ||
        opt_states < 0 || opt_tear < 0 || opt_tear > 100 || opt_reports < 0 ||
        (opt_state >= 0 && opt_prefix < 0)) {
        g_printerr("vdisk-crash-explore: need --log or --image, --record "
                   "and a valid --cache; see --help\n");
        return 2;
    }
    vd_explore_options_init(&o);
    o.log = opt_log;
    o.record = opt_record;
    o.cache = (VdCacheMode)cache;
    if (opt_format)
        o.format = opt_format;
    o.init = opt_init;
    o.seed = (uint64_t)opt_seed;
    o.states_per_prefix = (unsigned)opt_states;
    o.tear_percent = (unsigned)opt_tear;
    o.max_states = opt_max_states > 0 ? (uint64_t)opt_max_states : 0;
    o.only_prefix = opt_prefix;
    o.only_state = opt_state;
    o.max_reports = (unsigned)opt_reports;
    if (!(opt_image ? vd_explore_image(&o, opt_image, &st, &err)
                    : vd_explore_run(&o, &st, &err))) {
        g_printerr("vdisk-crash-explore: %s\n", err->message);
        return 2;
    }
    printf("explored %" G_GUINT64_FORMAT " crash states (%" G_GUINT64_FORMAT
           " prefixes, %" G_GUINT64_FORMAT " blocks read) in %.2f s: %.0f "
           "states/s; %" G_GUINT64_FORMAT " violations\n", st.states,
           st.prefixes, st.blocks_read, st.seconds,
           st.seconds > 0 ? (double)st.states / st.seconds : 0.0,
           st.violations);
    return st.violations ? 1 : 0;
}
