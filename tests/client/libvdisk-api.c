/*
 * Every libvdisk call against a real vdiskd, to prove the wire layouts
 * of both sides agree. Run by test-libvdisk.sh, which starts the daemon
 * and exports VD_URI, VD_URI_RO, VD_TMP, VD_STATE and VD_PID.
 *
 * Each test gets a fresh connection and one defined domain, and leaves
 * the daemon without domains.
 */
#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <check.h>

#include "client/libvdisk-private.h"
#include "tests/common/check-run.h"

#define VM_NAME "apivm"
#define VM_UUID "0b9e2f7a-5d33-4c1e-8f0a-6a2d9c4b7e15"

static VdConnect *conn;
static VdDomainRef *vm;

static char *
domain_xml(const char *cache)
{
    return g_strdup_printf(
        "<domain type='kvm'><name>" VM_NAME "</name><uuid>" VM_UUID "</uuid>"
        "<memory unit='KiB'>131072</memory><vcpu>3</vcpu>"
        "<os><type arch='x86_64'>hvm</type></os><devices>"
        "<disk type='file' device='disk'>"
        "<driver name='qemu' type='raw' cache='%s'/>"
        "<source file='%s/apivm.img'/><target dev='vda' bus='virtio'/>"
        "</disk></devices></domain>", cache, g_getenv("VD_TMP"));
}

static void
setup(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = domain_xml("none");

    conn = vd_connect(g_getenv("VD_URI"), 0, &err);
    ck_assert_msg(conn != NULL, "%s", err ? err->message : "");
    vm = vd_domain_define_xml(conn, xml, &err);
    ck_assert_msg(vm != NULL, "%s", err ? err->message : "");
}

static void
teardown(void)
{
    /* A test that failed half way may leave its domain running. */
    if (vm != NULL) {
        vd_domain_destroy(conn, vm, NULL);
        vd_domain_undefine_flags(conn, vm, 0, NULL);
    }
    g_clear_pointer(&vm, vd_domain_ref_free);
    g_clear_pointer(&conn, vd_connect_close);
}

START_TEST(test_connection_calls)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *type = vd_connect_get_type(conn, &err);
    g_autofree char *host = NULL;
    g_autofree char *uri = NULL;
    VdDaemonInfo info;
    uint64_t v = 0;

    ck_assert_str_eq(type, "vdisk");
    ck_assert(vd_connect_get_version(conn, &v, &err));
    ck_assert(vd_connect_get_lib_version(conn, &v, &err));
    ck_assert_uint_gt(v, 0);
    host = vd_connect_get_hostname(conn, &err);
    ck_assert_msg(host != NULL && *host != '\0', "%s", err ? err->message : "");
    uri = vd_connect_get_uri(conn, &err);
    ck_assert_msg(uri != NULL && *uri != '\0', "%s", err ? err->message : "");
    ck_assert_int_eq(vd_connect_supports_feature(conn, 10, &err), 1);

    ck_assert_msg(vd_connect_get_daemon_info(conn, &info, &err), "%s",
                  err ? err->message : "");
    ck_assert_int_eq(info.pid, atoi(g_getenv("VD_PID")));
    ck_assert_str_eq(info.state_dir, g_getenv("VD_STATE"));
    ck_assert_str_eq(info.version, PACKAGE_VERSION);
    vd_daemon_info_clear(&info);
}
END_TEST

START_TEST(test_lookups)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VdDomainRef) by_name = vd_domain_lookup_by_name(conn, VM_NAME, &err);
    g_autoptr(VdDomainRef) by_uuid = vd_domain_lookup_by_uuid(conn, vm->uuid, &err);
    g_autoptr(VdDomainRef) by_text = vd_domain_lookup(conn, VM_UUID, &err);
    g_autoptr(VdDomainRef) by_id = NULL;
    g_autoptr(VdDomainRef) none = NULL;
    char uuid[VD_UUID_STRING_LEN];

    vd_uuid_format(vm->uuid, uuid);
    ck_assert_str_eq(uuid, VM_UUID);
    ck_assert_int_eq(vm->id, -1);
    ck_assert_str_eq(by_name->name, VM_NAME);
    ck_assert_str_eq(by_uuid->name, VM_NAME);
    ck_assert_str_eq(by_text->name, VM_NAME);

    by_id = vd_domain_lookup_by_id(conn, 1, &err);
    ck_assert_ptr_null(by_id);
    ck_assert_int_eq(err->code, VD_ERR_NO_DOMAIN);
    g_clear_error(&err);
    none = vd_domain_lookup(conn, "nosuch", &err);
    ck_assert_ptr_null(none);
    ck_assert_int_eq(err->code, VD_ERR_NO_DOMAIN);
    ck_assert(strstr(err->message, "nosuch") != NULL);
    ck_assert(!vd_connect_is_broken(conn));
}
END_TEST

START_TEST(test_domain_queries)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *os = vd_domain_get_os_type(conn, vm, &err);
    g_autofree char *xml = vd_domain_get_xml_desc(conn, vm, 0, &err);
    VdDomainInfoRec info;
    int state = -1;
    int reason = -1;

    ck_assert_str_eq(os, "hvm");
    ck_assert_ptr_nonnull(strstr(xml, "<name>" VM_NAME "</name>"));
    ck_assert(vd_domain_get_info(conn, vm, &info, &err));
    ck_assert_int_eq(info.state, VD_DOMAIN_SHUTOFF);
    ck_assert_uint_eq(info.max_mem_kib, 131072);
    ck_assert_uint_eq(info.mem_kib, 131072);
    ck_assert_uint_eq(info.nr_vcpu, 3);
    ck_assert_uint_eq(info.cpu_time, 0);
    ck_assert(vd_domain_get_state(conn, vm, 0, &state, &reason, &err));
    ck_assert_int_eq(state, VD_DOMAIN_SHUTOFF);
    ck_assert_int_eq(vd_domain_is_active(conn, vm, &err), 0);
    ck_assert_int_eq(vd_domain_is_persistent(conn, vm, &err), 1);
    ck_assert_int_eq(vd_domain_get_autostart(conn, vm, &err), 0);
    ck_assert_int_eq(vd_domain_has_managed_save_image(conn, vm, 0, &err), 0);
    ck_assert_int_eq(vd_domain_snapshot_num(conn, vm, 0, &err), 0);
    ck_assert_ptr_null(err);
}
END_TEST

START_TEST(test_lists)
{
    g_autoptr(GError) err = NULL;
    VdDomainRef *doms;
    VdDomainSummary *sums;
    size_t n;

    ck_assert(vd_connect_list_all_domains(conn, VD_LIST_DOMAINS_INACTIVE,
                                          &doms, &n, &err));
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(doms[0].name, VM_NAME);
    ck_assert_mem_eq(doms[0].uuid, vm->uuid, VD_UUID_LEN);
    vd_domain_ref_array_free(doms, n);

    ck_assert(vd_connect_list_all_domains(conn, VD_LIST_DOMAINS_ACTIVE,
                                          &doms, &n, &err));
    ck_assert_uint_eq(n, 0);
    ck_assert_ptr_null(doms);

    ck_assert(vd_connect_list_domain_summaries(conn, 0, &sums, &n, &err));
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(sums[0].dom.name, VM_NAME);
    ck_assert_int_eq(sums[0].state, VD_DOMAIN_SHUTOFF);
    vd_domain_summary_array_free(sums, n);
}
END_TEST

START_TEST(test_define_flags_and_undefine)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = domain_xml("unsafe");
    g_autoptr(VdDomainRef) again = NULL;

    /* The policy refuses cache='unsafe' unless vdisk's override is set. */
    again = vd_domain_define_xml_flags(conn, xml, 0, &err);
    ck_assert_ptr_null(again);
    ck_assert_int_eq(err->code, VD_ERR_CONFIG_UNSUPPORTED);
    g_clear_error(&err);
    again = vd_domain_define_xml_flags(conn, xml, VD_DEFINE_UNSAFE, &err);
    ck_assert_msg(again != NULL, "%s", err ? err->message : "");
    ck_assert_mem_eq(again->uuid, vm->uuid, VD_UUID_LEN);

    ck_assert_msg(vd_domain_undefine(conn, vm, &err), "%s",
                  err ? err->message : "");
    ck_assert(!vd_domain_undefine(conn, vm, &err));
    ck_assert_int_eq(err->code, VD_ERR_NO_DOMAIN);
    g_clear_pointer(&vm, vd_domain_ref_free);
}
END_TEST

START_TEST(test_policy_calls)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *unsafe = domain_xml("unsafe");
    g_autofree char *safe = domain_xml("none");
    g_autofree char *text = NULL;
    g_autofree char *json = NULL;
    g_auto(GStrv) warnings = NULL;
    g_autoptr(VdDomainRef) dom = NULL;

    /* A refusal names the disk and the rule, and gives no warnings. */
    dom = vd_domain_define(conn, unsafe, 0, &warnings, &err);
    ck_assert_ptr_null(dom);
    ck_assert_ptr_null(warnings);
    ck_assert_int_eq(err->code, VD_ERR_CONFIG_UNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(err->message, "rule qemu-unsafe-cache"));
    g_clear_error(&err);

    /* The override is a warning, and then in every later decision. */
    dom = vd_domain_define(conn, unsafe, VD_DEFINE_UNSAFE, &warnings, &err);
    ck_assert_msg(dom != NULL, "%s", err ? err->message : "");
    ck_assert_str_eq(dom->name, VM_NAME);
    ck_assert_mem_eq(dom->uuid, vm->uuid, VD_UUID_LEN);
    ck_assert_uint_eq(g_strv_length(warnings), 1);
    ck_assert(g_str_has_prefix(warnings[0], "override: disk vda: cache=unsafe "
                                            "(qemu-unsafe-cache): "));
    text = vd_domain_explain(conn, vm, 0, &err);
    ck_assert_msg(text != NULL, "%s", err ? err->message : "");
    ck_assert_ptr_nonnull(strstr(text, "\nvda: override: cache=unsafe "
                                       "(qemu-unsafe-cache): "));
    json = vd_domain_explain(conn, vm, VD_EXPLAIN_JSON, &err);
    ck_assert_msg(json != NULL, "%s", err ? err->message : "");
    ck_assert(g_str_has_prefix(json, "{\"domain\":\"" VM_NAME "\","
                                     "\"driver\":\"qemu\",\"decisions\":["));
    ck_assert(g_str_has_suffix(json, "}]}\n"));
    ck_assert_ptr_nonnull(strstr(json, "\"severity\":\"override\""));
    ck_assert(!vd_domain_migrate_check(conn, vm, &err));
    ck_assert_int_eq(err->code, VD_ERR_MIGRATE_UNSAFE);
    ck_assert_ptr_nonnull(strstr(err->message, "disk 'vda' uses cache 'unsafe'"));
    ck_assert(!vd_connect_is_broken(conn));
    g_clear_error(&err);

    /* Safe again: no warnings (warnings may be NULL), a safe migration. */
    g_clear_pointer(&dom, vd_domain_ref_free);
    g_clear_pointer(&warnings, g_strfreev);
    dom = vd_domain_define(conn, safe, 0, &warnings, &err);
    ck_assert_msg(dom != NULL, "%s", err ? err->message : "");
    ck_assert_ptr_nonnull(warnings);
    ck_assert_ptr_null(warnings[0]);
    g_clear_pointer(&dom, vd_domain_ref_free);
    dom = vd_domain_define(conn, safe, 0, NULL, &err);
    ck_assert_msg(dom != NULL, "%s", err ? err->message : "");
    ck_assert_msg(vd_domain_migrate_check(conn, vm, &err), "%s",
                  err ? err->message : "");
}
END_TEST

START_TEST(test_policy_calls_errors)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VdConnect) ro = vd_connect(g_getenv("VD_URI_RO"), VD_CONNECT_RO,
                                         &err);
    g_autofree char *xml = domain_xml("none");
    g_autofree char *text = NULL;
    VdDomainRef gone = *vm;
    char **warnings = NULL;

    /* The read-only socket answers the queries and refuses define. */
    ck_assert_msg(ro != NULL, "%s", err ? err->message : "");
    ck_assert_ptr_null(vd_domain_define(ro, xml, 0, &warnings, &err));
    ck_assert_ptr_null(warnings);
    ck_assert_int_eq(err->code, VD_ERR_OPERATION_DENIED);
    g_clear_error(&err);
    text = vd_domain_explain(ro, vm, 0, &err);
    ck_assert_msg(text != NULL, "%s", err ? err->message : "");
    ck_assert(vd_domain_migrate_check(ro, vm, &err));

    /* Flags the daemon does not know, and a domain it does not have. */
    ck_assert_ptr_null(vd_domain_explain(conn, vm, 0x80, &err));
    ck_assert_int_eq(err->code, VD_ERR_INVALID_ARG);
    g_clear_error(&err);
    gone.name = (char *)"apivm-gone";
    gone.uuid[0] ^= 0xff;
    ck_assert_ptr_null(vd_domain_explain(conn, &gone, 0, &err));
    ck_assert_int_eq(err->code, VD_ERR_NO_DOMAIN);
    g_clear_error(&err);
    ck_assert(!vd_domain_migrate_check(conn, &gone, &err));
    ck_assert_int_eq(err->code, VD_ERR_NO_DOMAIN);
    ck_assert(!vd_connect_is_broken(conn));
}
END_TEST

START_TEST(test_read_only_refuses_changes)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VdConnect) ro = vd_connect(g_getenv("VD_URI_RO"), VD_CONNECT_RO,
                                         &err);
    g_autofree char *xml = domain_xml("none");
    g_autoptr(VdDomainRef) dom = NULL;

    ck_assert_msg(ro != NULL, "%s", err ? err->message : "");
    dom = vd_domain_define_xml(ro, xml, &err);
    ck_assert_ptr_null(dom);
    ck_assert_int_eq(err->code, VD_ERR_OPERATION_DENIED);
    g_clear_error(&err);
    ck_assert(!vd_domain_undefine_flags(ro, vm, 0, &err));
    ck_assert_int_eq(err->code, VD_ERR_OPERATION_DENIED);
    g_clear_error(&err);
    ck_assert_int_eq(vd_domain_is_persistent(ro, vm, &err), 1);
}
END_TEST

START_TEST(test_unknown_procedure)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GByteArray) reply = vd_remote_call(conn, 9999, NULL, &err);

    ck_assert_ptr_null(reply);
    ck_assert(vd_error_is_unsupported(err));
    ck_assert_str_eq(err->message, "unknown procedure: 9999");
    ck_assert(!vd_connect_is_broken(conn));
}
END_TEST

/* The image of apivm's vda, so that it can start: IMAGE_SIZE zeroes. */
#define IMAGE_SIZE (1024 * 1024)

static void
create_image(void)
{
    g_autofree char *path = g_strdup_printf("%s/apivm.img", g_getenv("VD_TMP"));
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(ftruncate(fd, IMAGE_SIZE), 0);
    close(fd);
}

static void
assert_state(VdConnect *c, int want_state, int want_reason)
{
    g_autoptr(GError) err = NULL;
    int state = -1;
    int reason = -1;

    ck_assert_msg(vd_domain_get_state(c, vm, 0, &state, &reason, &err), "%s",
                  err ? err->message : "");
    ck_assert_int_eq(state, want_state);
    if (want_reason >= 0)
        ck_assert_int_eq(reason, want_reason);
}

/* ok is what a call returned: it must have failed with code, and left
 * the connection usable. Clears *err. */
static void
assert_failed(bool ok, GError **err, int code)
{
    ck_assert(!ok);
    ck_assert_ptr_nonnull(*err);
    ck_assert_int_eq((*err)->code, code);
    ck_assert(!vd_connect_is_broken(conn));
    g_clear_error(err);
}

START_TEST(test_lifecycle_calls)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VdConnect) ro = vd_connect(g_getenv("VD_URI_RO"), VD_CONNECT_RO,
                                         &err);
    g_autoptr(VdDomainRef) started = NULL;
    g_autoptr(VdDomainRef) running = NULL;

    create_image();
    ck_assert_msg(ro != NULL, "%s", err ? err->message : "");
    assert_failed(vd_domain_create(ro, vm, &err), &err,
                  VD_ERR_OPERATION_DENIED);

    ck_assert_msg(vd_domain_create(conn, vm, &err), "%s",
                  err ? err->message : "");
    assert_state(conn, VD_DOMAIN_RUNNING, -1);
    running = vd_domain_lookup_by_uuid(conn, vm->uuid, &err);
    ck_assert_int_ge(running->id, 1);
    assert_failed(vd_domain_create(conn, vm, &err), &err,
                  VD_ERR_OPERATION_INVALID);
    assert_failed(vd_domain_suspend(ro, vm, &err), &err,
                  VD_ERR_OPERATION_DENIED);
    assert_failed(vd_domain_resume(conn, vm, &err), &err,
                  VD_ERR_OPERATION_INVALID);

    ck_assert(vd_domain_suspend(conn, vm, &err));
    assert_state(conn, VD_DOMAIN_PAUSED, -1);
    assert_failed(vd_domain_suspend(conn, vm, &err), &err,
                  VD_ERR_OPERATION_INVALID);
    ck_assert(vd_domain_resume(conn, vm, &err));
    assert_state(conn, VD_DOMAIN_RUNNING, -1);
    ck_assert(vd_domain_shutdown(conn, vm, &err));
    assert_state(conn, VD_DOMAIN_SHUTOFF, VD_DOMAIN_SHUTOFF_SHUTDOWN);
    assert_failed(vd_domain_shutdown(conn, vm, &err), &err,
                  VD_ERR_OPERATION_INVALID);

    /* CREATE_WITH_FLAGS gives the domain back with its new id. */
    started = vd_domain_create_with_flags(conn, vm, VD_START_PAUSED, &err);
    ck_assert_msg(started != NULL, "%s", err ? err->message : "");
    ck_assert_str_eq(started->name, VM_NAME);
    ck_assert_int_gt(started->id, running->id);
    assert_state(conn, VD_DOMAIN_PAUSED, -1);
    ck_assert(vd_domain_destroy_flags(conn, vm, VD_DESTROY_GRACEFUL, &err));
    assert_state(conn, VD_DOMAIN_SHUTOFF, VD_DOMAIN_SHUTOFF_DESTROYED);
    assert_failed(vd_domain_destroy(conn, vm, &err), &err,
                  VD_ERR_OPERATION_INVALID);

    g_clear_pointer(&started, vd_domain_ref_free);
    started = vd_domain_create_with_flags(conn, vm, 0, &err);
    ck_assert_msg(started != NULL, "%s", err ? err->message : "");
    assert_state(conn, VD_DOMAIN_RUNNING, -1);
    ck_assert(vd_domain_shutdown_flags(conn, vm, 0, &err));
    assert_state(conn, VD_DOMAIN_SHUTOFF, VD_DOMAIN_SHUTOFF_SHUTDOWN);
    ck_assert(vd_domain_create(conn, vm, &err));
    ck_assert(vd_domain_destroy(conn, vm, &err));
    assert_state(conn, VD_DOMAIN_SHUTOFF, VD_DOMAIN_SHUTOFF_DESTROYED);
    ck_assert_ptr_null(err);
}
END_TEST

/* Statistics of a disk nothing has touched yet: zeroes everywhere. */
static void
assert_unused_disk(const VdDiskStats *d)
{
    ck_assert_str_eq(d->target, "vda");
    for (int k = 0; k < VD_BLOCK_KIND_COUNT; k++) {
        const VdBlockKindStats *s = &d->kind[k];

        ck_assert_uint_eq(s->ops + s->bytes + s->total_ns + s->errors, 0);
        ck_assert_uint_eq(s->in_flight, 0);
        ck_assert_uint_eq(s->p50_ns + s->p99_ns + s->p999_ns, 0);
    }
}

static void
assert_block_stats_flags(const char *path)
{
    static const char *const fields[] = {
        "rd_operations", "rd_bytes", "rd_total_times", "wr_operations",
        "wr_bytes", "wr_total_times", "flush_operations",
        "flush_total_times", "errs",
    };
    g_autoptr(GError) err = NULL;
    VdBlockStatParam *params;
    size_t n;

    ck_assert_msg(vd_domain_block_stats_flags(conn, vm, path,
                                              VD_TYPED_PARAM_STRING_OKAY,
                                              &params, &n, &err), "%s",
                  err ? err->message : "");
    ck_assert_uint_eq(n, G_N_ELEMENTS(fields));
    for (size_t i = 0; i < n; i++) {
        ck_assert_str_eq(params[i].field, fields[i]);
        ck_assert_int_eq(params[i].value, 0);
    }
    vd_block_stat_params_free(params, n);
}

START_TEST(test_block_calls)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *source = g_strdup_printf("%s/apivm.img",
                                              g_getenv("VD_TMP"));
    VdBlockStatsRec rec = { -1, -1, -1, -1, -1 };
    VdBlockStatParam *params;
    VdBlockInfo info;
    VdDiskStats *disks;
    VdNbdUri *uris;
    size_t n;

    create_image();
    /* Shut off: block info of the definition, and nothing running. */
    ck_assert_msg(vd_domain_get_block_info(conn, vm, "vda", 0, &info, &err),
                  "%s", err ? err->message : "");
    ck_assert_uint_eq(info.capacity, IMAGE_SIZE);
    ck_assert_uint_eq(info.physical, IMAGE_SIZE);
    ck_assert(vd_domain_get_nbd_uris(conn, vm, &uris, &n, &err));
    ck_assert_uint_eq(n, 0);
    ck_assert_ptr_null(uris);
    assert_failed(vd_domain_block_stats(conn, vm, "vda", &rec, &err), &err,
                  VD_ERR_OPERATION_INVALID);
    assert_failed(vd_domain_block_stats_ext(conn, vm, NULL, &disks, &n, &err),
                  &err, VD_ERR_OPERATION_INVALID);
    ck_assert_ptr_null(disks);

    ck_assert_msg(vd_domain_create(conn, vm, &err), "%s",
                  err ? err->message : "");
    ck_assert(vd_domain_get_nbd_uris(conn, vm, &uris, &n, &err));
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(uris[0].target, "vda");
    ck_assert(g_str_has_prefix(uris[0].uri, "nbd+unix:///vda?socket=/"));
    vd_nbd_uri_array_free(uris, n);

    ck_assert(vd_domain_block_stats(conn, vm, "vda", &rec, &err));
    ck_assert_int_eq(rec.rd_req + rec.rd_bytes + rec.wr_req + rec.wr_bytes +
                     rec.errs, 0);
    assert_block_stats_flags("vda");
    assert_block_stats_flags("");
    assert_block_stats_flags(source);

    ck_assert(vd_domain_block_stats_ext(conn, vm, "", &disks, &n, &err));
    ck_assert_uint_eq(n, 1);
    assert_unused_disk(&disks[0]);
    vd_disk_stats_array_free(disks, n);
    /* A disk named by its source comes back under its target. */
    ck_assert(vd_domain_block_stats_ext(conn, vm, source, &disks, &n, &err));
    ck_assert_uint_eq(n, 1);
    assert_unused_disk(&disks[0]);
    vd_disk_stats_array_free(disks, n);

    /* An unknown disk is the caller's error, whichever call names it. */
    assert_failed(vd_domain_block_stats(conn, vm, "vdz", &rec, &err), &err,
                  VD_ERR_INVALID_ARG);
    assert_failed(vd_domain_block_stats_flags(conn, vm, "vdz", 0, &params, &n,
                                              &err), &err, VD_ERR_INVALID_ARG);
    assert_failed(vd_domain_block_stats_ext(conn, vm, "vdz", &disks, &n, &err),
                  &err, VD_ERR_INVALID_ARG);
    assert_failed(vd_domain_get_block_info(conn, vm, "vdz", 0, &info, &err),
                  &err, VD_ERR_INVALID_ARG);
    ck_assert(vd_domain_shutdown(conn, vm, &err));
    ck_assert_ptr_null(err);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("libvdisk-api");
    TCase *tc = tcase_create("calls");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_connection_calls);
    tcase_add_test(tc, test_lookups);
    tcase_add_test(tc, test_domain_queries);
    tcase_add_test(tc, test_lists);
    tcase_add_test(tc, test_define_flags_and_undefine);
    tcase_add_test(tc, test_policy_calls);
    tcase_add_test(tc, test_policy_calls_errors);
    tcase_add_test(tc, test_read_only_refuses_changes);
    tcase_add_test(tc, test_unknown_procedure);
    tcase_add_test(tc, test_lifecycle_calls);
    tcase_add_test(tc, test_block_calls);
    suite_add_tcase(s, tc);
    return vd_test_run(s);
}
