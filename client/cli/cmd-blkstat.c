/*
 * domblkstat: libvirt's block counters as virsh prints them, then what
 * libvirt has no counter for: requests in flight and latency percentiles
 * of each kind of request, per disk.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "client/cli/commands.h"

/* virsh's order and its short names for the libvirt counters; a counter
 * not listed here follows, under its own name. */
static const struct {
    const char *field;          /* libvirt's typed parameter */
    const char *name;           /* what virsh prints */
} counter_names[] = {
    { "rd_operations", "rd_req" },
    { "rd_bytes", "rd_bytes" },
    { "wr_operations", "wr_req" },
    { "wr_bytes", "wr_bytes" },
    { "errs", "errs" },
    { "flush_operations", "flush_operations" },
    { "rd_total_times", "rd_total_times" },
    { "wr_total_times", "wr_total_times" },
    { "flush_total_times", "flush_total_times" },
};

/* A disk's counters, in virsh's order. */
typedef struct {
    VdBlockStatParam *params;
    size_t nparams;
} Counters;

static void
counters_clear(Counters *c)
{
    vd_block_stat_params_free(c->params, c->nparams);
}

typedef void (*CounterFn)(const char *name, int64_t value, void *data);

/* Call fn for each counter in virsh's order, under virsh's names. */
static void
each_counter(const Counters *c, CounterFn fn, void *data)
{
    /* libvdisk never returns more counters than the protocol allows. */
    bool seen[VD_REMOTE_TYPED_PARAM_MAX] = { false };

    g_assert(c->nparams <= G_N_ELEMENTS(seen));
    for (size_t k = 0; k < G_N_ELEMENTS(counter_names); k++) {
        for (size_t i = 0; i < c->nparams; i++) {
            if (!seen[i] &&
                strcmp(c->params[i].field, counter_names[k].field) == 0) {
                seen[i] = true;
                fn(counter_names[k].name, c->params[i].value, data);
            }
        }
    }
    for (size_t i = 0; i < c->nparams; i++) {
        if (!seen[i])
            fn(c->params[i].field, c->params[i].value, data);
    }
}

/* "vda rd_req 3": virsh leaves out negative values, which libvirt uses
 * for counters a hypervisor does not keep. */
static void
print_counter_line(const char *name, int64_t value, void *data)
{
    if (value >= 0)
        printf("%s %s %" PRId64 "\n", (const char *)data, name, value);
}

static void
put_counter_json(const char *name, int64_t value, void *data)
{
    vd_cli_out_int(data, NULL, name, value);
}

/* A latency for people, to three digits: "850 ns", "12.3 us", "4.56 ms". */
static char *
format_ns(uint64_t ns)
{
    static const char *const units[] = { "us", "ms", "s" };
    double v = (double)ns;
    size_t u = 0;

    if (ns < 1000)
        return g_strdup_printf("%" PRIu64 " ns", ns);
    v /= 1000;
    while (v >= 1000 && u + 1 < G_N_ELEMENTS(units)) {
        v /= 1000;
        u++;
    }
    return g_strdup_printf(v < 10 ? "%.2f %s" : v < 100 ? "%.1f %s"
                                                        : "%.0f %s",
                           v, units[u]);
}

/* A percentile cell: "-" until a request of the kind has completed. */
static void
put_latency(VdCliOut *out, const char *label, const char *key,
            const VdBlockKindStats *k, uint64_t ns)
{
    g_autofree char *human = NULL;

    if (vd_cli_out_is_json(out)) {
        vd_cli_out_uint(out, NULL, key, ns, NULL);
        return;
    }
    human = k->ops > 0 ? format_ns(ns) : g_strdup("-");
    vd_cli_out_str(out, label, NULL, human);
}

/* Every number of one kind for scripts; in flight and percentiles for
 * people, as a row of the latency table. */
static void
put_kind(VdCliOut *out, const VdBlockKindStats *k)
{
    vd_cli_out_uint(out, NULL, "ops", k->ops, NULL);
    vd_cli_out_uint(out, NULL, "bytes", k->bytes, NULL);
    vd_cli_out_uint(out, NULL, "total_ns", k->total_ns, NULL);
    vd_cli_out_uint(out, NULL, "errors", k->errors, NULL);
    vd_cli_out_uint(out, "In flight", "in_flight", k->in_flight, NULL);
    put_latency(out, "p50", "p50_ns", k, k->p50_ns);
    put_latency(out, "p99", "p99_ns", k, k->p99_ns);
    put_latency(out, "p99.9", "p999_ns", k, k->p999_ns);
}

/* One disk for scripts: virsh's counters, then each kind of request. */
static void
put_disk_json(VdCliOut *out, const VdDiskStats *d, const Counters *c)
{
    vd_cli_out_str(out, NULL, "disk", d->target);
    each_counter(c, put_counter_json, out);
    vd_cli_out_begin_group(out, "requests");
    for (int k = 0; k < VD_BLOCK_KIND_COUNT; k++) {
        vd_cli_out_begin_group(out, vd_block_kind_name(k));
        put_kind(out, &d->kind[k]);
        vd_cli_out_end_group(out);
    }
    vd_cli_out_end_group(out);
}

static void
print_json(VdCliOut *out, const VdDiskStats *disks, const Counters *counters,
           size_t n, bool one)
{
    static const char *const no_headers[] = { NULL };

    /* One disk asked for: its object; otherwise an array of them. */
    if (one) {
        vd_cli_out_begin_record(out);
        put_disk_json(out, &disks[0], &counters[0]);
        vd_cli_out_end_record(out);
        return;
    }
    vd_cli_out_begin_table(out, no_headers);
    for (size_t i = 0; i < n; i++) {
        vd_cli_out_begin_row(out);
        put_disk_json(out, &disks[i], &counters[i]);
        vd_cli_out_end_row(out);
    }
    vd_cli_out_end_table(out);
}

static void
print_human(VdCliOut *out, const VdDiskStats *disks, const Counters *counters,
            size_t n)
{
    static const char *const headers[] = { "Disk", "Request", "In flight",
                                           "p50", "p99", "p99.9", NULL };

    for (size_t i = 0; i < n; i++)
        each_counter(&counters[i], print_counter_line, disks[i].target);
    putchar('\n');
    vd_cli_out_begin_table(out, headers);
    for (size_t i = 0; i < n; i++) {
        for (int k = 0; k < VD_BLOCK_KIND_COUNT; k++) {
            vd_cli_out_begin_row(out);
            vd_cli_out_str(out, "Disk", NULL, disks[i].target);
            vd_cli_out_str(out, "Request", NULL, vd_block_kind_name(k));
            put_kind(out, &disks[i].kind[k]);
            vd_cli_out_end_row(out);
        }
    }
    vd_cli_out_end_table(out);
}

/* libvirt's counters of each disk vdisk's statistics named. */
static bool
get_counters(VdCliContext *ctx, const VdDomainRef *dom,
             const VdDiskStats *disks, size_t n, Counters *counters)
{
    for (size_t i = 0; i < n; i++) {
        g_autoptr(GError) err = NULL;

        if (!vd_domain_block_stats_flags(ctx->conn, dom, disks[i].target,
                                         VD_TYPED_PARAM_STRING_OKAY,
                                         &counters[i].params,
                                         &counters[i].nparams, &err)) {
            vd_cli_error("failed to get block statistics of disk '%s' of "
                         "domain '%s': %s", disks[i].target, dom->name,
                         err->message);
            return false;
        }
    }
    return true;
}

static int
run_domblkstat(VdCliContext *ctx)
{
    g_autoptr(VdDomainRef) dom = vd_cli_lookup_domain(ctx, ctx->args[0]);
    g_autoptr(GError) err = NULL;
    const char *disk = ctx->nargs > 1 ? ctx->args[1] : "";
    g_autofree Counters *counters = NULL;
    VdDiskStats *disks = NULL;
    size_t n = 0;
    bool ok;

    if (dom == NULL)
        return 1;
    /* vdisk's statistics first: they name the disks (their targets, even
     * for a disk named by its source) and say whether the domain runs. */
    if (!vd_domain_block_stats_ext(ctx->conn, dom, disk, &disks, &n, &err)) {
        vd_cli_error("failed to get block statistics of domain '%s': %s",
                     dom->name, err->message);
        return 1;
    }
    counters = g_new0(Counters, n + 1);
    ok = get_counters(ctx, dom, disks, n, counters);
    if (ok && vd_cli_out_is_json(ctx->out))
        print_json(ctx->out, disks, counters, n, *disk != '\0');
    else if (ok)
        print_human(ctx->out, disks, counters, n);
    for (size_t i = 0; i < n; i++)
        counters_clear(&counters[i]);
    vd_disk_stats_array_free(disks, n);
    return ok ? 0 : 1;
}

const VdCliCommand vd_cli_cmd_domblkstat = {
    .name = "domblkstat",
    .usage = "DOM [DISK] [--json]",
    .summary = "show block statistics and latencies",
    .min_args = 1, .max_args = 2,
    .needs_connection = true,
    .run = run_domblkstat,
};
