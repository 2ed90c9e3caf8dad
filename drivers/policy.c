/*
 * Decisions, refusals and overrides: how a rule reports what it did.
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "drivers/policy.h"

void
vd_policy_rule_id(const VdPolicy *p, const char *rule, char *buf, size_t size)
{
    g_snprintf(buf, size, "%s-%s", p->driver->name, rule);
}

static void
add_decision(VdPolicy *p, const VdDiskDef *disk, VdDecisionSeverity severity,
             const char *rule_id, char *what, char *reason)
{
    VdDecision *d = g_new0(VdDecision, 1);

    d->disk = g_strdup(disk->target_dev);
    d->what = what;
    d->rule = g_strdup(rule_id);
    d->severity = severity;
    d->reason = reason;
    g_ptr_array_add(p->decisions, d);
}

void
vd_policy_decide(VdPolicy *p, const VdDiskDef *disk,
                 VdDecisionSeverity severity, const char *rule,
                 const char *reason, const char *what_fmt, ...)
{
    char id[128];
    va_list ap;
    char *what;

    vd_policy_rule_id(p, rule, id, sizeof(id));
    va_start(ap, what_fmt);
    what = g_strdup_vprintf(what_fmt, ap);
    va_end(ap);
    add_decision(p, disk, severity, id, what, g_strdup(reason));
}

VdOverride *
vd_policy_find_override(VdPolicy *p, const VdDiskDef *disk, const char *rule)
{
    char id[128];

    vd_policy_rule_id(p, rule, id, sizeof(id));
    for (guint i = 0; i < p->overrides->len; i++) {
        VdOverride *o = g_ptr_array_index(p->overrides, i);

        if (g_strcmp0(o->disk, disk->target_dev) == 0 &&
            strcmp(o->rule, id) == 0)
            return o;
    }
    return NULL;
}

/*
 * The unsafe flag lifts the refusal and writes an override into the
 * metadata, so that the stored definition says what was accepted and a
 * later run (explain, a restart of the daemon) does not refuse it again.
 */
static VdOverride *
force_override(VdPolicy *p, const VdDiskDef *disk, const char *rule_id)
{
    VdOverride *o = g_new0(VdOverride, 1);

    o->disk = g_strdup(disk->target_dev);
    o->rule = g_strdup(rule_id);
    o->reason = g_strdup("forced with the unsafe flag");
    g_ptr_array_add(p->forced, o);
    return o;
}

bool
vd_policy_refuse(VdPolicy *p, const VdDiskDef *disk, const char *rule,
                 VdRefusalKind kind, const char *what, const char *reason,
                 GError **error)
{
    char id[128];
    VdOverride *o = NULL;

    vd_policy_rule_id(p, rule, id, sizeof(id));
    if (kind == VD_REFUSAL_FORCIBLE) {
        o = vd_policy_find_override(p, disk, rule);
        if (o == NULL && p->force)
            o = force_override(p, disk, id);
    }
    if (o != NULL) {
        add_decision(p, disk, VD_DECISION_OVERRIDE, id, g_strdup(what),
                     g_strdup_printf("%s; overrides: %s", o->reason, reason));
        return true;
    }
    g_set_error(error, vd_error_quark(p->driver->error_from),
                VD_ERR_CONFIG_UNSUPPORTED,
                "unsupported configuration: disk '%s': %s (rule %s, %s)",
                disk->target_dev, reason, id,
                kind == VD_REFUSAL_FORCIBLE ? "can be overridden"
                                            : "cannot be overridden");
    return false;
}

void
vd_policy_fill_bus(VdPolicy *p, VdDiskDef *disk)
{
    VdDiskBus bus = vd_bus_from_target(disk->target_dev);

    if (bus == VD_DISK_BUS_DEFAULT)
        return;
    if (disk->bus == VD_DISK_BUS_DEFAULT)
        disk->bus = bus;
    if (disk->bus != bus)
        return;
    vd_policy_decide(p, disk, VD_DECISION_INFO, "default-bus",
                     "inferred from the target name's prefix, as libvirt "
                     "does (hd: ide, sd: scsi, vd: virtio, xvd: xen, "
                     "fd: fdc)",
                     "bus=%s", vd_disk_bus_to_string(bus));
}

const VdBusCaps *
vd_policy_bus_caps(const VdPolicy *p, const VdDiskDef *disk)
{
    if (disk->bus == VD_DISK_BUS_DEFAULT)
        return NULL;
    return p->driver->bus_caps(p->def, disk->bus);
}

bool
vd_policy_check_bus(VdPolicy *p, const VdDiskDef *disk, GError **error)
{
    g_autofree char *what = NULL;
    g_autofree char *reason = NULL;

    if (vd_policy_bus_caps(p, disk) != NULL)
        return true;
    if (disk->bus == VD_DISK_BUS_DEFAULT) {
        what = g_strdup("bus");
        reason = g_strdup_printf("no bus given and none can be inferred "
                                 "from the target name '%s'",
                                 disk->target_dev);
    } else {
        what = g_strdup_printf("bus=%s", vd_disk_bus_to_string(disk->bus));
        reason = g_strdup_printf("the %s driver offers no %s bus to this "
                                 "guest", p->driver->name,
                                 vd_disk_bus_to_string(disk->bus));
    }
    return vd_policy_refuse(p, disk, "bus-supported", VD_REFUSAL_FIRM, what,
                            reason, error);
}
