/*
 * The test driver, for tests of the daemon: it checks what a definition
 * says against the durability contract but chooses nothing beyond the
 * bus, which the flush table needs. Absent cache and io stay absent.
 */
#include "config.h"

#include "drivers/policy.h"
#include "drivers/registry.h"

/* Every bus, so that tests can exercise each row of the flush table. */
static const VdBusCaps *
test_bus_caps(const VdDomainDef *def, VdDiskBus bus)
{
    return vd_bus_caps_generic(bus);
}

static void
test_fill_defaults(VdPolicy *p, VdDiskDef *disk)
{
    vd_policy_fill_bus(p, disk);
}

static bool
test_validate(VdPolicy *p, const VdDiskDef *disk, GError **error)
{
    return vd_policy_check_bus(p, disk, error) &&
           vd_policy_check_cache(p, disk, error);
}

static bool
test_migrate_check(const VdDomainDef *def, GError **error)
{
    return vd_migrate_check_cache(VD_FROM_TEST, def, error);
}

const VdDriver vd_test_driver = {
    .name = "test",
    .error_from = VD_FROM_TEST,
    .bus_caps = test_bus_caps,
    .fill_defaults = test_fill_defaults,
    .validate = test_validate,
    .native_format = NULL,
    .render_native = NULL,
    .migrate_check = test_migrate_check,
};
