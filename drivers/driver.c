/*
 * The driver registry and the entry points the daemon calls: they pick
 * the driver from the domain's type, so the daemon never has to.
 */
#include "config.h"

#include "drivers/policy.h"
#include "drivers/registry.h"

static const VdDriver *const drivers[] = {
    &vd_qemu_driver,
    &vd_xen_driver,
    &vd_test_driver,
};

const VdDriver *
vd_driver_by_name(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(drivers); i++) {
        if (g_strcmp0(drivers[i]->name, name) == 0)
            return drivers[i];
    }
    return NULL;
}

const VdDriver *
vd_driver_for_domain(const VdDomainDef *def)
{
    switch (def->type) {
    case VD_DOMAIN_TYPE_KVM:
    case VD_DOMAIN_TYPE_QEMU:
        return &vd_qemu_driver;
    case VD_DOMAIN_TYPE_XEN:
        return &vd_xen_driver;
    case VD_DOMAIN_TYPE_TEST:
        return &vd_test_driver;
    }
    g_assert_not_reached();
}

static bool
apply_disk(VdPolicy *p, VdDiskDef *disk, GError **error)
{
    /* The parser refuses a disk without a target; decisions name it. */
    g_assert(disk->target_dev != NULL);
    p->driver->fill_defaults(p, disk);
    return p->driver->validate(p, disk, error);
}

GPtrArray *
vd_driver_define(VdDomainDef *def, unsigned int flags, GError **error)
{
    VdPolicy p = {
        .driver = vd_driver_for_domain(def),
        .def = def,
        .force = (flags & VD_DRIVER_DEFINE_UNSAFE) != 0,
    };
    g_autoptr(GPtrArray) overrides = NULL;
    g_autoptr(GPtrArray) forced = NULL;
    g_autoptr(GPtrArray) decisions = NULL;

    if ((flags & ~(unsigned int)VD_DRIVER_DEFINE_UNSAFE) != 0) {
        g_set_error(error, VD_ERROR_DOMAIN, VD_ERR_INVALID_ARG,
                    "invalid argument: unsupported flags (0x%x) in function "
                    "%s", flags & ~(unsigned int)VD_DRIVER_DEFINE_UNSAFE,
                    G_STRFUNC);
        return NULL;
    }
    overrides = vd_policy_overrides_read(def, error);
    if (overrides == NULL)
        return NULL;
    forced = g_ptr_array_new_with_free_func((GDestroyNotify)vd_override_free);
    decisions =
        g_ptr_array_new_with_free_func((GDestroyNotify)vd_decision_free);
    p.overrides = overrides;
    p.forced = forced;
    p.decisions = decisions;

    for (size_t i = 0; i < def->ndisks; i++) {
        if (!apply_disk(&p, def->disks[i], error))
            return NULL;
    }
    /* Only once every disk passed: a refused definition is not stored, so
     * it must not carry overrides either. */
    vd_policy_overrides_record(def, forced);
    return g_steal_pointer(&decisions);
}

GPtrArray *
vd_driver_explain(const VdDomainDef *def, GError **error)
{
    g_autoptr(VdDomainDef) copy = vd_domain_def_copy(def);

    return vd_driver_define(copy, 0, error);
}

char *
vd_driver_to_native(const VdDomainDef *def, const char *format,
                    const char *nbd_dir, GError **error)
{
    const VdDriver *drv = vd_driver_for_domain(def);
    g_autoptr(VdDomainDef) copy = NULL;
    g_autoptr(GPtrArray) decisions = NULL;

    if (drv->native_format == NULL || g_strcmp0(format, drv->native_format)) {
        g_set_error(error, vd_error_quark(drv->error_from),
                    VD_ERR_CONFIG_UNSUPPORTED,
                    "unsupported configuration: Unsupported config type %s",
                    format != NULL ? format : "(null)");
        return NULL;
    }
    /* Render what would be stored: defaults filled, refusals applied. */
    copy = vd_domain_def_copy(def);
    decisions = vd_driver_define(copy, 0, error);
    if (decisions == NULL)
        return NULL;
    return drv->render_native(copy, nbd_dir, error);
}

bool
vd_driver_migrate_check(const VdDomainDef *def, GError **error)
{
    return vd_driver_for_domain(def)->migrate_check(def, error);
}
