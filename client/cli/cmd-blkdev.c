/* Verbs about a domain's disks and where they are served: domblklist,
 * nbd-uri, domblkinfo. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "client/cli/commands.h"

/* The URI of the disk whose target is target, or NULL. */
static const char *
find_uri(const VdNbdUri *uris, size_t n, const char *target)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(uris[i].target, target) == 0)
            return uris[i].uri;
    }
    return NULL;
}

static bool
get_uris(VdCliContext *ctx, const VdDomainRef *dom, VdNbdUri **uris,
         size_t *n)
{
    g_autoptr(GError) err = NULL;

    if (vd_domain_get_nbd_uris(ctx->conn, dom, uris, n, &err))
        return true;
    vd_cli_error("failed to get the NBD URIs of domain '%s': %s", dom->name,
                 err->message);
    return false;
}

/* virsh's table, from the XML, and where each running disk is served. */
static int
run_domblklist(VdCliContext *ctx)
{
    static const char *const headers[] = { "Target", "Source", "NBD URI",
                                           NULL };
    g_autoptr(VdDomainRef) dom = vd_cli_lookup_domain(ctx, ctx->args[0]);
    g_autoptr(VdDomainDef) def = NULL;
    VdNbdUri *uris = NULL;
    size_t nuris = 0;

    if (dom == NULL || (def = vd_cli_get_domain_def(ctx, dom)) == NULL ||
        !get_uris(ctx, dom, &uris, &nuris))
        return 1;
    vd_cli_out_begin_table(ctx->out, headers);
    for (size_t i = 0; i < def->ndisks; i++) {
        const VdDiskDef *disk = def->disks[i];
        const char *uri = find_uri(uris, nuris, disk->target_dev);

        vd_cli_out_begin_row(ctx->out);
        vd_cli_out_str(ctx->out, "Target", "target", disk->target_dev);
        if (disk->source != NULL)
            vd_cli_out_str(ctx->out, "Source", "source", disk->source);
        else
            vd_cli_out_null(ctx->out, "Source", "source", "-");
        vd_cli_out_str(ctx->out, NULL, "type",
                       vd_disk_type_to_string(disk->type));
        vd_cli_out_str(ctx->out, NULL, "device",
                       vd_disk_device_to_string(disk->device));
        if (uri != NULL)
            vd_cli_out_str(ctx->out, "NBD URI", "nbd_uri", uri);
        else
            vd_cli_out_null(ctx->out, "NBD URI", "nbd_uri", "-");
        vd_cli_out_end_row(ctx->out);
    }
    vd_cli_out_end_table(ctx->out);
    vd_nbd_uri_array_free(uris, nuris);
    return 0;
}

const VdCliCommand vd_cli_cmd_domblklist = {
    .name = "domblklist",
    .usage = "DOM [--json]",
    .summary = "list a domain's disks and their NBD URIs",
    .min_args = 1, .max_args = 1,
    .needs_connection = true,
    .run = run_domblklist,
};

/* No URIs: say why, since a domain that runs without disks has none
 * either. False (the error printed) when dom is not running. */
static bool
check_running(VdCliContext *ctx, const VdDomainRef *dom)
{
    g_autoptr(GError) err = NULL;
    int active = vd_domain_is_active(ctx->conn, dom, &err);

    if (active < 0)
        vd_cli_error("failed to get the state of domain '%s': %s", dom->name,
                     err->message);
    else if (active == 0)
        vd_cli_error("domain '%s' is not running: its disks are not served",
                     dom->name);
    return active > 0;
}

/*
 * The URI of the disk a user named by target or source path; prints the
 * error when the domain has no such disk, or does not serve it (a disk
 * without a source, such as an empty CD-ROM drive).
 */
static const VdNbdUri *
find_disk_uri(VdCliContext *ctx, const VdDomainRef *dom, const VdNbdUri *uris,
              size_t n, const char *name)
{
    g_autoptr(VdDomainDef) def = NULL;
    const VdDiskDef *disk;

    for (size_t i = 0; i < n; i++) {
        if (strcmp(uris[i].target, name) == 0)
            return &uris[i];
    }
    def = vd_cli_get_domain_def(ctx, dom);
    if (def == NULL)
        return NULL;
    disk = vd_domain_def_find_disk(def, name);
    if (disk == NULL) {
        vd_cli_error("domain '%s' has no disk '%s'", dom->name, name);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (strcmp(uris[i].target, disk->target_dev) == 0)
            return &uris[i];
    }
    vd_cli_error("disk '%s' of domain '%s' is not served: it has no source",
                 disk->target_dev, dom->name);
    return NULL;
}

static void
put_uri(VdCliOut *out, const VdNbdUri *u)
{
    vd_cli_out_str(out, NULL, "target", u->target);
    vd_cli_out_str(out, NULL, "uri", u->uri);
}

/* Bare URIs, one a line, so that `qemu-io "$(vdisk nbd-uri DOM vda)"`
 * works; scripts that want the targets too take --json. */
static void
print_uris(VdCliOut *out, const VdNbdUri *uris, size_t n)
{
    static const char *const headers[] = { "URI", NULL };

    if (!vd_cli_out_is_json(out)) {
        for (size_t i = 0; i < n; i++)
            puts(uris[i].uri);
        return;
    }
    vd_cli_out_begin_table(out, headers);
    for (size_t i = 0; i < n; i++) {
        vd_cli_out_begin_row(out);
        put_uri(out, &uris[i]);
        vd_cli_out_end_row(out);
    }
    vd_cli_out_end_table(out);
}

static int
run_nbd_uri(VdCliContext *ctx)
{
    g_autoptr(VdDomainRef) dom = vd_cli_lookup_domain(ctx, ctx->args[0]);
    const VdNbdUri *one;
    VdNbdUri *uris = NULL;
    size_t n = 0;
    int status = 1;

    if (dom == NULL || !get_uris(ctx, dom, &uris, &n))
        return 1;
    if (n == 0 && !check_running(ctx, dom))
        goto out;
    if (ctx->nargs == 1) {
        print_uris(ctx->out, uris, n);
        status = 0;
        goto out;
    }
    one = find_disk_uri(ctx, dom, uris, n, ctx->args[1]);
    if (one == NULL)
        goto out;
    if (vd_cli_out_is_json(ctx->out)) {
        vd_cli_out_begin_record(ctx->out);
        put_uri(ctx->out, one);
        vd_cli_out_end_record(ctx->out);
    } else {
        puts(one->uri);
    }
    status = 0;
out:
    vd_nbd_uri_array_free(uris, n);
    return status;
}

const VdCliCommand vd_cli_cmd_nbd_uri = {
    .name = "nbd-uri",
    .usage = "DOM [DISK] [--json]",
    .summary = "print the NBD URIs of a running domain's disks",
    .min_args = 1, .max_args = 2,
    .needs_connection = true,
    .run = run_nbd_uri,
};

static int
run_domblkinfo(VdCliContext *ctx)
{
    g_autoptr(VdDomainRef) dom = vd_cli_lookup_domain(ctx, ctx->args[0]);
    g_autoptr(GError) err = NULL;
    const char *disk = ctx->args[1];
    VdBlockInfo info;

    if (dom == NULL)
        return 1;
    if (!vd_domain_get_block_info(ctx->conn, dom, disk, 0, &info, &err)) {
        vd_cli_error("failed to get block info of disk '%s' of domain '%s': "
                     "%s", disk, dom->name, err->message);
        return 1;
    }
    /* virsh's order and labels; bytes, as virsh prints them. */
    vd_cli_out_begin_record(ctx->out);
    vd_cli_out_uint(ctx->out, "Capacity", "capacity", info.capacity, NULL);
    vd_cli_out_uint(ctx->out, "Allocation", "allocation", info.allocation,
                    NULL);
    vd_cli_out_uint(ctx->out, "Physical", "physical", info.physical, NULL);
    vd_cli_out_end_record(ctx->out);
    return 0;
}

const VdCliCommand vd_cli_cmd_domblkinfo = {
    .name = "domblkinfo",
    .usage = "DOM DISK [--json]",
    .summary = "show a disk's capacity and allocation",
    .min_args = 2, .max_args = 2,
    .needs_connection = true,
    .run = run_domblkinfo,
};
