/*
 * What drivers use to decide: one policy run over one definition, the
 * rules they share (bus inference, cache and io modes), and the
 * overrides the user wrote in the definition's metadata.
 *
 * Rule ids are "<driver>-<rule>"; helpers take the <rule> part and add
 * the driver's name, so the same shared rule is "qemu-unsafe-cache" in
 * one driver and "xen-unsafe-cache" in another, and docs/policy.md lists
 * each under its driver.
 *
 * A VdPolicy lives for one call of vd_driver_define() and is used by one
 * thread.
 */
#ifndef VD_DRIVERS_POLICY_H
#define VD_DRIVERS_POLICY_H

#include <stdbool.h>
#include <glib.h>

#include "drivers/driver.h"

/* One <vdisk:override disk rule reason/> */
typedef struct {
    char *disk;
    char *rule;
    char *reason;
} VdOverride;

struct VdPolicy {
    const VdDriver *driver;
    VdDomainDef *def;
    GPtrArray *overrides;   /* VdOverride, from the metadata */
    bool force;             /* VD_DRIVER_DEFINE_UNSAFE */
    GPtrArray *forced;      /* VdOverride created by force, to be recorded */
    GPtrArray *decisions;   /* VdDecision, handed to the caller */
};

typedef enum {
    VD_REFUSAL_FIRM,       /* the hypervisor cannot run it: no override */
    VD_REFUSAL_FORCIBLE,   /* unsafe for data, the user may accept the risk */
} VdRefusalKind;

/* Record a decision; rule is the part after "<driver>-". */
void vd_policy_decide(VdPolicy *p, const VdDiskDef *disk,
                      VdDecisionSeverity severity, const char *rule,
                      const char *reason, const char *what_fmt, ...)
    G_GNUC_PRINTF(6, 7);

/*
 * A rule refuses what: true when an override lifts the refusal (the
 * override is recorded as a decision), false with the error otherwise.
 * The message reads "unsupported configuration: disk 'vda': <reason>
 * (rule qemu-unsafe-cache[, can be overridden])".
 */
bool vd_policy_refuse(VdPolicy *p, const VdDiskDef *disk, const char *rule,
                      VdRefusalKind kind, const char *what,
                      const char *reason, GError **error);

/*
 * The user's override of rule for disk from the metadata, or NULL. Used
 * by rules that replace a value instead of refusing it (Xen's file
 * backend): the override keeps the user's value.
 */
VdOverride *vd_policy_find_override(VdPolicy *p, const VdDiskDef *disk,
                                    const char *rule);

/* The full rule id "<driver>-<rule>" into buf. */
void vd_policy_rule_id(const VdPolicy *p, const char *rule, char *buf,
                       size_t size);

/* The bus libvirt infers from a target name (hd: ide, vd: virtio, ...). */
VdDiskBus vd_bus_from_target(const char *target);

/* Fill an absent bus from the target name ("<driver>-default-bus"). */
void vd_policy_fill_bus(VdPolicy *p, VdDiskDef *disk);

/* Refuse a bus the driver has no entry for ("<driver>-bus-supported"). */
bool vd_policy_check_bus(VdPolicy *p, const VdDiskDef *disk, GError **error);

/* The flush capability of the disk's bus, NULL if unknown or unsupported. */
const VdBusCaps *vd_policy_bus_caps(const VdPolicy *p, const VdDiskDef *disk);

/*
 * Shared cache and io rules (policy-cache.c), the durability contract's
 * part that does not depend on the hypervisor.
 */
void vd_policy_fill_cache(VdPolicy *p, VdDiskDef *disk);
void vd_policy_fill_io(VdPolicy *p, VdDiskDef *disk);
/* Fill an absent image format with raw ("<driver>-default-format"). */
void vd_policy_fill_format(VdPolicy *p, VdDiskDef *disk);
bool vd_policy_check_cache(VdPolicy *p, const VdDiskDef *disk,
                           GError **error);

/* Overrides in the metadata (policy-metadata.c). */
GPtrArray *vd_policy_overrides_read(const VdDomainDef *def, GError **error);
void vd_policy_overrides_record(VdDomainDef *def, const GPtrArray *forced);
void vd_override_free(VdOverride *o);

/* Shared migration check (migrate.c): libvirt's cache rule. */
bool vd_migrate_check_cache(VdErrorFrom from, const VdDomainDef *def,
                            GError **error);

/* The generic facts of each bus (bus-table.c); drivers pick their own. */
const VdBusCaps *vd_bus_caps_generic(VdDiskBus bus);

#endif /* VD_DRIVERS_POLICY_H */
