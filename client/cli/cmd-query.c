/* Verbs that read domains: list, dominfo, dumpxml. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/cli/commands.h"

enum { LIST_OPT_ALL = 1 << 0 };

/* virsh's order: running domains by id, then the others by name. */
static int
compare_summaries(const void *pa, const void *pb)
{
    const VdDomainRef *a = &((const VdDomainSummary *)pa)->dom;
    const VdDomainRef *b = &((const VdDomainSummary *)pb)->dom;

    if ((a->id >= 0) != (b->id >= 0))
        return a->id >= 0 ? -1 : 1;
    if (a->id >= 0)
        return a->id < b->id ? -1 : a->id > b->id;
    return strcmp(a->name, b->name);
}

static int
run_list(VdCliContext *ctx)
{
    static const char *const headers[] = { "Id", "Name", "State", NULL };
    g_autoptr(GError) err = NULL;
    unsigned int flags = VD_LIST_DOMAINS_ACTIVE;
    VdDomainSummary *sums;
    size_t n;

    if (ctx->opts & LIST_OPT_ALL)
        flags |= VD_LIST_DOMAINS_INACTIVE;
    if (!vd_connect_list_domain_summaries(ctx->conn, flags, &sums, &n, &err)) {
        vd_cli_error("failed to list domains: %s", err->message);
        return 1;
    }
    if (n > 0)
        qsort(sums, n, sizeof(*sums), compare_summaries);

    vd_cli_out_begin_table(ctx->out, headers);
    for (size_t i = 0; i < n; i++) {
        char uuid[VD_UUID_STRING_LEN];

        vd_uuid_format(sums[i].dom.uuid, uuid);
        vd_cli_out_begin_row(ctx->out);
        if (sums[i].dom.id >= 0)
            vd_cli_out_int(ctx->out, "Id", "id", sums[i].dom.id);
        else
            vd_cli_out_null(ctx->out, "Id", "id", "-");
        vd_cli_out_str(ctx->out, "Name", "name", sums[i].dom.name);
        vd_cli_out_str(ctx->out, NULL, "uuid", uuid);
        vd_cli_out_str(ctx->out, "State", "state",
                       vd_domain_state_name(sums[i].state));
        vd_cli_out_end_row(ctx->out);
    }
    vd_cli_out_end_table(ctx->out);
    vd_domain_summary_array_free(sums, n);
    return 0;
}

static const VdCliOption list_options[] = {
    { "--all", "list inactive domains too", NULL },
    { NULL, NULL, NULL },
};

const VdCliCommand vd_cli_cmd_list = {
    .name = "list",
    .usage = "[--all]",
    .summary = "list the running domains, or all with --all",
    .min_args = 0, .max_args = 0,
    .options = list_options,
    .needs_connection = true,
    .run = run_list,
};

/* The facts of dominfo, gathered before anything is printed so that a
 * failure leaves no half-printed record. */
typedef struct {
    char *os_type;
    VdDomainInfoRec info;
    int persistent;
    int autostart;
    int managed_save;           /* -1: the daemon cannot tell */
} DomInfo;

static bool
gather_dominfo(VdConnect *conn, const VdDomainRef *dom, DomInfo *di,
               GError **error)
{
    g_autoptr(GError) local = NULL;

    di->os_type = vd_domain_get_os_type(conn, dom, error);
    if (di->os_type == NULL || !vd_domain_get_info(conn, dom, &di->info, error))
        return false;
    di->persistent = vd_domain_is_persistent(conn, dom, error);
    if (di->persistent < 0)
        return false;
    di->autostart = vd_domain_get_autostart(conn, dom, error);
    if (di->autostart < 0)
        return false;
    /* Optional, as in virsh: an older daemon may not know the call. */
    di->managed_save = vd_domain_has_managed_save_image(conn, dom, 0, &local);
    if (di->managed_save < 0 && !vd_error_is_unsupported(local)) {
        g_propagate_error(error, g_steal_pointer(&local));
        return false;
    }
    return true;
}

static void
print_dominfo(VdCliOut *out, const VdDomainRef *dom, const DomInfo *di)
{
    char uuid[VD_UUID_STRING_LEN];

    vd_uuid_format(dom->uuid, uuid);
    vd_cli_out_begin_record(out);
    if (dom->id >= 0)
        vd_cli_out_int(out, "Id", "id", dom->id);
    else
        vd_cli_out_null(out, "Id", "id", "-");
    vd_cli_out_str(out, "Name", "name", dom->name);
    vd_cli_out_str(out, "UUID", "uuid", uuid);
    vd_cli_out_str(out, "OS Type", "os_type", di->os_type);
    vd_cli_out_str(out, "State", "state", vd_domain_state_name(di->info.state));
    vd_cli_out_uint(out, "CPU(s)", "cpus", di->info.nr_vcpu, NULL);
    /* virsh shows CPU time only once there is some. */
    if (di->info.cpu_time != 0) {
        g_autofree char *secs =
            g_strdup_printf("%.1fs", di->info.cpu_time / 1e9);

        vd_cli_out_str(out, "CPU time", NULL, secs);
    }
    vd_cli_out_uint(out, NULL, "cpu_time_ns", di->info.cpu_time, NULL);
    vd_cli_out_uint(out, "Max memory", "max_memory_kib", di->info.max_mem_kib,
                    "KiB");
    vd_cli_out_uint(out, "Used memory", "used_memory_kib", di->info.mem_kib,
                    "KiB");
    vd_cli_out_bool(out, "Persistent", "persistent", di->persistent, "yes",
                    "no");
    vd_cli_out_bool(out, "Autostart", "autostart", di->autostart, "enable",
                    "disable");
    if (di->managed_save >= 0)
        vd_cli_out_bool(out, "Managed save", "managed_save", di->managed_save,
                        "yes", "no");
    vd_cli_out_end_record(out);
}

static int
run_dominfo(VdCliContext *ctx)
{
    g_autoptr(VdDomainRef) dom = vd_cli_lookup_domain(ctx, ctx->args[0]);
    g_autoptr(GError) err = NULL;
    DomInfo di = { 0 };
    int status = 0;

    if (dom == NULL)
        return 1;
    if (gather_dominfo(ctx->conn, dom, &di, &err)) {
        print_dominfo(ctx->out, dom, &di);
    } else {
        vd_cli_error("failed to get information on domain '%s': %s",
                     dom->name, err->message);
        status = 1;
    }
    g_free(di.os_type);
    return status;
}

const VdCliCommand vd_cli_cmd_dominfo = {
    .name = "dominfo",
    .usage = "DOM",
    .summary = "show a domain's state, CPUs and memory",
    .min_args = 1, .max_args = 1,
    .needs_connection = true,
    .run = run_dominfo,
};

static int
run_dumpxml(VdCliContext *ctx)
{
    g_autoptr(VdDomainRef) dom = vd_cli_lookup_domain(ctx, ctx->args[0]);
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = NULL;

    if (dom == NULL)
        return 1;
    xml = vd_domain_get_xml_desc(ctx->conn, dom, 0, &err);
    if (xml == NULL) {
        vd_cli_error("failed to get the XML of domain '%s': %s", dom->name,
                     err->message);
        return 1;
    }
    if (vd_cli_out_is_json(ctx->out)) {
        vd_cli_out_begin_record(ctx->out);
        vd_cli_out_str(ctx->out, NULL, "xml", xml);
        vd_cli_out_end_record(ctx->out);
    } else {
        fputs(xml, stdout);
        if (!g_str_has_suffix(xml, "\n"))
            putchar('\n');
    }
    return 0;
}

const VdCliCommand vd_cli_cmd_dumpxml = {
    .name = "dumpxml",
    .usage = "DOM",
    .summary = "print a domain's XML definition",
    .min_args = 1, .max_args = 1,
    .needs_connection = true,
    .run = run_dumpxml,
};
