/*
 * Unit tests of the drivers' parts that golden files do not reach
 * directly: the bus table, the registry, argument checks, and the unsafe
 * flag on a definition that has no metadata yet.
 */
#include "config.h"

#include <check.h>
#include <string.h>

#include "common/conf/domain-conf.h"
#include "drivers/driver.h"
#include "drivers/policy.h"
#include "tests/common/check-run.h"

/* The flush table is the policy's ground truth: pin every row. */
START_TEST(test_bus_flush_table)
{
    static const struct {
        VdDiskBus bus;
        bool flush;
    } rows[] = {
        { VD_DISK_BUS_IDE, true },   { VD_DISK_BUS_SATA, true },
        { VD_DISK_BUS_SCSI, true },  { VD_DISK_BUS_VIRTIO, true },
        { VD_DISK_BUS_XEN, true },   { VD_DISK_BUS_USB, false },
        { VD_DISK_BUS_FDC, false },  { VD_DISK_BUS_SD, false },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
        const VdBusCaps *caps = vd_bus_caps_generic(rows[i].bus);

        ck_assert_ptr_nonnull(caps);
        ck_assert_int_eq(caps->bus, rows[i].bus);
        ck_assert_int_eq(caps->flush, rows[i].flush);
        ck_assert_uint_gt(strlen(caps->reason), 10);
    }
    ck_assert_ptr_null(vd_bus_caps_generic(VD_DISK_BUS_DEFAULT));
}
END_TEST

START_TEST(test_bus_from_target)
{
    ck_assert_int_eq(vd_bus_from_target("hda"), VD_DISK_BUS_IDE);
    ck_assert_int_eq(vd_bus_from_target("ioemu:hdb"), VD_DISK_BUS_IDE);
    ck_assert_int_eq(vd_bus_from_target("sdb"), VD_DISK_BUS_SCSI);
    ck_assert_int_eq(vd_bus_from_target("vdc"), VD_DISK_BUS_VIRTIO);
    ck_assert_int_eq(vd_bus_from_target("xvda"), VD_DISK_BUS_XEN);
    ck_assert_int_eq(vd_bus_from_target("fda"), VD_DISK_BUS_FDC);
    ck_assert_int_eq(vd_bus_from_target("ubda"), VD_DISK_BUS_DEFAULT);
    ck_assert_int_eq(vd_bus_from_target(NULL), VD_DISK_BUS_DEFAULT);
}
END_TEST

static VdDomainDef *
domain(VdDomainType type)
{
    VdDomainDef *def = vd_domain_def_new();

    def->type = type;
    def->name = g_strdup("vm1");
    return def;
}

START_TEST(test_registry)
{
    static const struct {
        VdDomainType type;
        const char *driver;
    } rows[] = {
        { VD_DOMAIN_TYPE_KVM, "qemu" },
        { VD_DOMAIN_TYPE_QEMU, "qemu" },
        { VD_DOMAIN_TYPE_XEN, "xen" },
        { VD_DOMAIN_TYPE_TEST, "test" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
        g_autoptr(VdDomainDef) def = domain(rows[i].type);
        const VdDriver *drv = vd_driver_for_domain(def);

        ck_assert_str_eq(drv->name, rows[i].driver);
        ck_assert_ptr_eq(vd_driver_by_name(rows[i].driver), drv);
    }
    ck_assert_ptr_null(vd_driver_by_name("lxc"));
}
END_TEST

START_TEST(test_unknown_flags)
{
    g_autoptr(VdDomainDef) def = domain(VD_DOMAIN_TYPE_TEST);
    g_autoptr(GError) err = NULL;

    ck_assert_ptr_null(vd_driver_define(def, 1u << 5, &err));
    ck_assert_int_eq(vd_error_code(err), VD_ERR_INVALID_ARG);
}
END_TEST

START_TEST(test_native_format_mismatch)
{
    g_autoptr(VdDomainDef) kvm = domain(VD_DOMAIN_TYPE_KVM);
    g_autoptr(VdDomainDef) test = domain(VD_DOMAIN_TYPE_TEST);
    g_autoptr(GError) err = NULL;
    g_autoptr(GError) err2 = NULL;

    ck_assert_ptr_null(vd_driver_to_native(kvm, "xen-xl", "/s", &err));
    ck_assert_int_eq(vd_error_code(err), VD_ERR_CONFIG_UNSUPPORTED);
    ck_assert_int_eq(vd_error_from(err), VD_FROM_QEMU);
    ck_assert_str_eq(err->message,
                     "unsupported configuration: Unsupported config type "
                     "xen-xl");
    ck_assert_ptr_null(vd_driver_to_native(test, "qemu-argv", "/s", &err2));
    ck_assert_int_eq(vd_error_code(err2), VD_ERR_CONFIG_UNSUPPORTED);
}
END_TEST

static VdDiskDef *
add_disk(VdDomainDef *def, const char *target, VdCacheMode cache)
{
    VdDiskDef *disk = g_new0(VdDiskDef, 1);

    disk->type = VD_DISK_TYPE_FILE;
    disk->device = VD_DISK_DEVICE_DISK;
    disk->source = g_strdup_printf("/images/%s.img", target);
    disk->target_dev = g_strdup(target);
    disk->cache = cache;
    def->disks = g_renew(VdDiskDef *, def->disks, def->ndisks + 1);
    def->disks[def->ndisks++] = disk;
    return disk;
}

/* The flag records what it forced, even where there was no metadata. */
START_TEST(test_force_records_override)
{
    g_autoptr(VdDomainDef) def = domain(VD_DOMAIN_TYPE_TEST);
    g_autoptr(GError) err = NULL;
    g_autoptr(GPtrArray) decisions = NULL;
    g_autoptr(GPtrArray) again = NULL;
    const VdDecision *d;

    add_disk(def, "vda", VD_CACHE_UNSAFE);
    ck_assert_ptr_null(vd_driver_define(def, 0, &err));
    ck_assert_int_eq(vd_error_code(err), VD_ERR_CONFIG_UNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(err->message, "test-unsafe-cache"));
    g_clear_error(&err);

    decisions = vd_driver_define(def, VD_DRIVER_DEFINE_UNSAFE, &err);
    ck_assert_ptr_nonnull(decisions);
    d = g_ptr_array_index(decisions, decisions->len - 1);
    ck_assert_int_eq(d->severity, VD_DECISION_OVERRIDE);
    ck_assert_str_eq(d->rule, "test-unsafe-cache");
    ck_assert_str_eq(d->disk, "vda");

    /* Without the flag now: the recorded override lifts the refusal. */
    again = vd_driver_define(def, 0, &err);
    ck_assert_msg(again != NULL, "%s", err ? err->message : "");
}
END_TEST

START_TEST(test_explain_formats)
{
    g_autoptr(VdDomainDef) def = domain(VD_DOMAIN_TYPE_TEST);
    g_autoptr(GPtrArray) list =
        g_ptr_array_new_with_free_func((GDestroyNotify)vd_decision_free);
    VdDecision *d = g_new0(VdDecision, 1);
    g_autoptr(GString) text = NULL;
    g_autoptr(GString) json = NULL;

    d->disk = g_strdup("vda");
    d->what = g_strdup("cache=unsafe");
    d->rule = g_strdup("test-unsafe-cache");
    d->severity = VD_DECISION_OVERRIDE;
    d->reason = g_strdup("the \"scratch\" disk");
    g_ptr_array_add(list, d);

    text = vd_explain_text(list);
    ck_assert_str_eq(text->str, "vda: override: cache=unsafe "
                                "(test-unsafe-cache): the \"scratch\" disk\n");
    json = vd_explain_json(def, list);
    ck_assert_str_eq(json->str,
                     "{\"domain\":\"vm1\",\"driver\":\"test\",\"decisions\":"
                     "[{\"disk\":\"vda\",\"decision\":\"cache=unsafe\","
                     "\"rule\":\"test-unsafe-cache\",\"severity\":"
                     "\"override\",\"reason\":\"the \\\"scratch\\\" disk\"}]}"
                     "\n");
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("policy");
    TCase *tc = tcase_create("units");

    tcase_add_test(tc, test_bus_flush_table);
    tcase_add_test(tc, test_bus_from_target);
    tcase_add_test(tc, test_registry);
    tcase_add_test(tc, test_unknown_flags);
    tcase_add_test(tc, test_native_format_mismatch);
    tcase_add_test(tc, test_force_records_override);
    tcase_add_test(tc, test_explain_formats);
    suite_add_tcase(s, tc);
    return vd_test_run(s);
}
