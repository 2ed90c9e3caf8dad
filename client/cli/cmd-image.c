/*
 * Verbs on image files, run locally without a daemon: image-create,
 * image-info, image-check. Their output and exit codes follow qemu-img's
 * (check: 0 consistent, 1 could not check, 2 corruptions, 3 leaks only,
 * 63 nothing to check), and the JSON keys are qemu-img's, so that scripts
 * can use either tool.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "client/cli/commands.h"
#include "common/util/error.h"
#include "storage/image/image.h"

enum {
    CREATE_FORMAT, CREATE_SIZE, CREATE_PREALLOC, CREATE_CLUSTER,
    CREATE_TABLE, CREATE_BACKING, CREATE_BACKING_FORMAT,
};

static const VdCliOption create_options[] = {
    [CREATE_FORMAT] = { "--format", "raw (default) or qed", "FORMAT" },
    [CREATE_SIZE] = { "--size", "guest size: bytes or with K, M, G, T",
                      "SIZE" },
    [CREATE_PREALLOC] = { "--preallocation",
                          "raw: off (default), falloc or full", "MODE" },
    [CREATE_CLUSTER] = { "--cluster-size", "qed: 4K to 64M (64K)", "SIZE" },
    [CREATE_TABLE] = { "--table-size", "qed: clusters per table, 1 to 16 (4)",
                       "N" },
    [CREATE_BACKING] = { "--backing", "qed: the backing file, as stored "
                         "(relative to the image)", "FILE" },
    [CREATE_BACKING_FORMAT] = { "--backing-format",
                                "qed: raw (never probed) or qed", "FORMAT" },
    { NULL, NULL, NULL },
};

static bool
size_opt(VdCliContext *ctx, int opt, uint64_t max, uint64_t *out)
{
    const char *v = ctx->values[opt];

    if (!(ctx->opts & (1u << opt)))
        return true;
    if (!vd_image_parse_size(v, out) || *out > max) {
        vd_cli_usage_error(ctx->cmd->name, "%s: '%s' is not a size",
                           create_options[opt].name, v);
        return false;
    }
    return true;
}

static bool
prealloc_opt(VdCliContext *ctx, VdImagePrealloc *out)
{
    static const char *const names[] = { "off", "falloc", "full" };
    const char *v = ctx->values[CREATE_PREALLOC];

    if (!(ctx->opts & (1u << CREATE_PREALLOC)))
        return true;
    for (unsigned i = 0; i < G_N_ELEMENTS(names); i++) {
        if (strcmp(v, names[i]) == 0) {
            *out = (VdImagePrealloc)i;
            return true;
        }
    }
    vd_cli_usage_error(ctx->cmd->name, "--preallocation: '%s' is not off, "
                       "falloc or full", v);
    return false;
}

static int
run_image_create(VdCliContext *ctx)
{
    VdImageCreateOptions o = { .path = ctx->args[0], .format = "raw" };
    g_autoptr(GError) err = NULL;
    uint64_t cluster = 0, table = 0;

    if (ctx->opts & (1u << CREATE_FORMAT))
        o.format = ctx->values[CREATE_FORMAT];
    if (!size_opt(ctx, CREATE_SIZE, UINT64_MAX, &o.size) ||
        !size_opt(ctx, CREATE_CLUSTER, UINT32_MAX, &cluster) ||
        !size_opt(ctx, CREATE_TABLE, UINT32_MAX, &table) ||
        !prealloc_opt(ctx, &o.prealloc))
        return 1;
    o.cluster_size = (uint32_t)cluster;
    o.table_size = (uint32_t)table;
    if (ctx->opts & (1u << CREATE_BACKING))
        o.backing_file = ctx->values[CREATE_BACKING];
    if (ctx->opts & (1u << CREATE_BACKING_FORMAT))
        o.backing_format = ctx->values[CREATE_BACKING_FORMAT];
    if (!(ctx->opts & (1u << CREATE_SIZE)) && !o.backing_file) {
        vd_cli_usage_error(ctx->cmd->name, "--size is required");
        return 1;
    }
    if (!vd_image_create(&o, &err)) {
        vd_cli_error("%s", err->message);
        return 1;
    }
    if (vd_cli_out_is_json(ctx->out)) {
        vd_cli_out_begin_record(ctx->out);
        vd_cli_out_str(ctx->out, NULL, "filename", o.path);
        vd_cli_out_str(ctx->out, NULL, "format", o.format);
        vd_cli_out_end_record(ctx->out);
    }
    return 0;
}

const VdCliCommand vd_cli_cmd_image_create = {
    .name = "image-create",
    .usage = "--size SIZE [--format raw|qed] [OPTIONS] FILE",
    .summary = "create an image file (no daemon needed)",
    .min_args = 1, .max_args = 1,
    .options = create_options,
    .needs_connection = false,
    .run = run_image_create,
};

enum { INFO_FORMAT };

static const VdCliOption info_options[] = {
    [INFO_FORMAT] = { "--format", "read the file as raw or qed (default: "
                      "by its first bytes)", "FORMAT" },
    { NULL, NULL, NULL },
};

static char *
features_str(uint64_t v)
{
    return g_strdup_printf("0x%" G_GINT64_MODIFIER "x", v);
}

static void
print_info(VdCliOut *out, const VdImageInfo *i)
{
    vd_cli_out_begin_record(out);
    vd_cli_out_str(out, "Image", "filename", i->path);
    vd_cli_out_str(out, "Format", "format", i->format);
    vd_cli_out_uint(out, "Virtual size", "virtual-size", i->virtual_size,
                    "bytes");
    vd_cli_out_uint(out, "Disk size", "actual-size", i->actual_size, "bytes");
    vd_cli_out_uint(out, "File size", "file-size", i->file_size, "bytes");
    if (strcmp(i->format, "qed") == 0) {
        g_autofree char *f = features_str(i->features);
        g_autofree char *c = features_str(i->compat_features);
        g_autofree char *a = features_str(i->autoclear_features);

        vd_cli_out_uint(out, "Cluster size", "cluster-size", i->cluster_size,
                        "bytes");
        vd_cli_out_uint(out, "Table size", "table-size", i->table_size,
                        "clusters");
        vd_cli_out_uint(out, "Header size", "header-size", i->header_size,
                        "clusters");
        if (i->backing_file) {
            vd_cli_out_str(out, "Backing file", "backing-filename",
                           i->backing_file);
            vd_cli_out_str(out, "Backing file path", "full-backing-filename",
                           i->backing_path);
            if (i->backing_format)
                vd_cli_out_str(out, "Backing file format",
                               "backing-filename-format", i->backing_format);
            else
                vd_cli_out_str(out, "Backing file format", NULL,
                               "probed when opened");
        }
        vd_cli_out_bool(out, "Needs check", "dirty-flag", i->need_check,
                        "yes", "no");
        vd_cli_out_bool(out, "Dirty table log", "dirty-log", i->dirty_log,
                        "valid", "none");
        vd_cli_out_str(out, "Features", "features", f);
        vd_cli_out_str(out, "Compatible features", "compat-features", c);
        vd_cli_out_str(out, "Autoclear features", "autoclear-features", a);
    }
    vd_cli_out_end_record(out);
}

static int
run_image_info(VdCliContext *ctx)
{
    g_autoptr(GError) err = NULL;
    VdImageInfo info;
    const char *format = (ctx->opts & (1u << INFO_FORMAT))
                             ? ctx->values[INFO_FORMAT] : NULL;

    if (!vd_image_info(ctx->args[0], format, &info, &err)) {
        vd_cli_error("%s", err->message);
        return 1;
    }
    print_info(ctx->out, &info);
    vd_image_info_clear(&info);
    return 0;
}

const VdCliCommand vd_cli_cmd_image_info = {
    .name = "image-info",
    .usage = "[--format raw|qed] FILE",
    .summary = "describe an image file; opens no backing file",
    .min_args = 1, .max_args = 1,
    .options = info_options,
    .needs_connection = false,
    .run = run_image_info,
};

enum { CHECK_REPAIR };

static const VdCliOption check_options[] = {
    [CHECK_REPAIR] = { "--repair", "fix what can be fixed", NULL },
    { NULL, NULL, NULL },
};

static void
print_check_human(const VdQedCheckResult *r, bool repair)
{
    uint64_t left = r->corruptions - r->corruptions_fixed;
    uint64_t leaks = r->leaks - r->leaks_fixed;

    for (guint i = 0; r->problems && i < r->problems->len; i++)
        printf("%s %s\n", repair ? "Repairing" : "ERROR",
               (char *)r->problems->pdata[i]);
    if (r->corruptions > VD_QED_MAX_PROBLEMS)
        printf("(and %" G_GUINT64_FORMAT " more)\n",
               r->corruptions - VD_QED_MAX_PROBLEMS);
    if (repair && (r->corruptions_fixed || r->leaks_fixed))
        printf("The following inconsistencies were found and repaired:\n\n"
               "    %" G_GUINT64_FORMAT " leaked clusters\n"
               "    %" G_GUINT64_FORMAT " corruptions\n\n",
               r->leaks_fixed, r->corruptions_fixed);
    if (left == 0 && leaks == 0 && r->check_errors == 0)
        printf("No errors were found on the image.\n");
    if (left)
        printf("\n%" G_GUINT64_FORMAT " errors were found on the image.\n"
               "Data may be corrupted, or further writes to the image may "
               "corrupt it.\n", left);
    if (leaks)
        printf("\n%" G_GUINT64_FORMAT " leaked clusters were found on the "
               "image.\nThis means waste of disk space, but no harm to data.\n",
               leaks);
    if (r->check_errors)
        printf("\n%" G_GUINT64_FORMAT " internal errors have occurred during "
               "the check.\n", r->check_errors);
    if (r->total_clusters)
        printf("%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT " = %.2f%% "
               "allocated, %.2f%% fragmented, 0.00%% compressed clusters\n",
               r->allocated_clusters, r->total_clusters,
               100.0 * r->allocated_clusters / r->total_clusters,
               r->allocated_clusters
                   ? 100.0 * r->fragmented_clusters / r->allocated_clusters
                   : 0.0);
    printf("Image end offset: %" G_GUINT64_FORMAT "\n", r->image_end);
}

static void
print_check_json(VdCliOut *out, const char *path, const VdQedCheckResult *r)
{
    g_autoptr(GPtrArray) probs = g_ptr_array_new();

    for (guint i = 0; r->problems && i < r->problems->len; i++)
        g_ptr_array_add(probs, r->problems->pdata[i]);
    g_ptr_array_add(probs, NULL);
    vd_cli_out_begin_record(out);
    vd_cli_out_str(out, NULL, "filename", path);
    vd_cli_out_str(out, NULL, "format", "qed");
    vd_cli_out_uint(out, NULL, "check-errors", r->check_errors, NULL);
    vd_cli_out_uint(out, NULL, "corruptions", r->corruptions - r->corruptions_fixed,
                    NULL);
    vd_cli_out_uint(out, NULL, "leaks", r->leaks - r->leaks_fixed, NULL);
    vd_cli_out_uint(out, NULL, "corruptions-fixed", r->corruptions_fixed, NULL);
    vd_cli_out_uint(out, NULL, "leaks-fixed", r->leaks_fixed, NULL);
    vd_cli_out_uint(out, NULL, "total-clusters", r->total_clusters, NULL);
    vd_cli_out_uint(out, NULL, "allocated-clusters", r->allocated_clusters, NULL);
    vd_cli_out_uint(out, NULL, "fragmented-clusters", r->fragmented_clusters,
                    NULL);
    vd_cli_out_uint(out, NULL, "image-end-offset", r->image_end, NULL);
    vd_cli_out_strv(out, NULL, "problems", (const char *const *)probs->pdata);
    vd_cli_out_end_record(out);
}

static int
run_image_check(VdCliContext *ctx)
{
    bool repair = ctx->opts & (1u << CHECK_REPAIR);
    g_autoptr(GError) err = NULL;
    VdQedCheckResult r;
    int status;

    if (!vd_image_check(ctx->args[0], repair, &r, &err)) {
        vd_cli_error("%s", err->message);
        return vd_error_code(err) == VD_ERR_NO_SUPPORT ? 63 : 1;
    }
    if (vd_cli_out_is_json(ctx->out))
        print_check_json(ctx->out, ctx->args[0], &r);
    else
        print_check_human(&r, repair);
    if (r.check_errors)
        status = 1;
    else if (r.corruptions > r.corruptions_fixed)
        status = 2;
    else if (r.leaks > r.leaks_fixed)
        status = 3;
    else
        status = 0;
    vd_qed_check_result_clear(&r);
    return status;
}

const VdCliCommand vd_cli_cmd_image_check = {
    .name = "image-check",
    .usage = "[--repair] FILE",
    .summary = "check a QED image as qemu-img check does, reading it in "
               "file order",
    .min_args = 1, .max_args = 1,
    .options = check_options,
    .needs_connection = false,
    .run = run_image_check,
};
