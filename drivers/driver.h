/*
 * Hypervisor drivers: turn a domain definition into a safe one, say why,
 * and render what the hypervisor needs.
 *
 * A driver is a table of functions registered by name, as libvirt's are;
 * the domain's type picks it (kvm and qemu: qemu; xen: xen; test: test)
 * and the daemon never asks which one it has. The daemon calls the four
 * entry points at the end of this header; the VdDriver table is what a
 * driver implements.
 *
 * Every choice the policy makes is a VdDecision: which disk, what was
 * decided ("cache=none"), the rule that decided it ("qemu-default-cache",
 * listed in docs/policy.md) and the reason a user reads. A refusal is an
 * error that names the disk and the rule; the user can override most
 * refusals (see "Overrides" below), and an override is a decision too.
 *
 * Control plane only: drivers never do I/O. Functions may be called from
 * any thread on distinct definitions; the driver tables are constant.
 */
#ifndef VD_DRIVERS_DRIVER_H
#define VD_DRIVERS_DRIVER_H

#include <stdbool.h>
#include <glib.h>

#include "common/conf/domain-conf.h"
#include "common/util/error.h"

typedef enum {
    VD_DECISION_INFO,      /* a default was filled in, or a value confirmed */
    VD_DECISION_WARNING,   /* an unsafe value was replaced by a safe one */
    VD_DECISION_OVERRIDE,  /* a refusal the user overrode */
} VdDecisionSeverity;

typedef struct {
    char *disk;       /* the disk's target dev, "vda" */
    char *what;       /* "cache=none" */
    char *rule;       /* "qemu-default-cache" */
    VdDecisionSeverity severity;
    char *reason;     /* one or two sentences for the user */
} VdDecision;

/* What a bus can carry to the guest's disk: can the guest flush? */
typedef struct {
    VdDiskBus bus;
    bool flush;           /* the guest can send flushes (a write cache is safe) */
    const char *reason;   /* how the flush travels, or why it cannot */
} VdBusCaps;

/* The state of one policy run, opaque to drivers (drivers/policy.h). */
typedef struct VdPolicy VdPolicy;

typedef struct {
    const char *name;          /* "qemu": rule ids start with it */
    VdErrorFrom error_from;    /* libvirt error domain of its errors */

    /*
     * The flush capability of bus for this domain's guest, or NULL when the
     * hypervisor offers no such bus to it (a Xen PV guest has no IDE).
     */
    const VdBusCaps *(*bus_caps)(const VdDomainDef *def, VdDiskBus bus);

    /*
     * Fill absent values of disk with safe defaults (they show in the
     * stored XML), and replace unsafe values that have a safe equivalent.
     * Records a decision for each. Cannot fail: what it cannot fill is left
     * for validate to refuse.
     */
    void (*fill_defaults)(VdPolicy *policy, VdDiskDef *disk);

    /* Refuse what is unsafe or unsupported, unless overridden. */
    bool (*validate)(VdPolicy *policy, const VdDiskDef *disk, GError **error);

    /* "qemu-argv", "xen-xl"; NULL when the driver renders nothing. */
    const char *native_format;

    /*
     * The hypervisor's configuration for the disks of a definition that
     * went through the policy. nbd_dir: the directory where vdisk
     * exports the domain's disks, one unix socket per disk named after
     * its target and serving one export of that name (drivers whose
     * guests do not attach over NBD ignore it).
     */
    char *(*render_native)(const VdDomainDef *def, const char *nbd_dir,
                           GError **error);

    /* Is a live migration of this domain safe for its disks' data? */
    bool (*migrate_check)(const VdDomainDef *def, GError **error);
} VdDriver;

/* The driver for the domain's type; never NULL. */
const VdDriver *vd_driver_for_domain(const VdDomainDef *def);

/* The driver registered under name, or NULL. */
const VdDriver *vd_driver_by_name(const char *name);

/*
 * Overrides. A refusal marked as forcible in docs/policy.md is lifted for
 * one disk and one rule by an element the definition keeps in libvirt's
 * <metadata>, so virsh users can write it too:
 *
 *   <metadata>
 *     <vdisk:policy xmlns:vdisk="https://vdisk.dev/xmlns/policy/1">
 *       <vdisk:override disk="vda" rule="qemu-unsafe-cache"
 *                       reason="scratch disk"/>
 *     </vdisk:policy>
 *   </metadata>
 *
 * or for every refusal at once by VD_DRIVER_DEFINE_UNSAFE, which writes
 * such an element for each one it lifts, so the stored definition shows
 * them and later runs (explain, migration) see the same decisions.
 */
#define VD_POLICY_XMLNS "https://vdisk.dev/xmlns/policy/1"

typedef enum {
    VD_DRIVER_DEFINE_UNSAFE = 1 << 0,  /* override every forcible refusal */
} VdDriverDefineFlags;

/*
 * Apply the policy to a definition about to be stored: fill defaults
 * into def, validate it, record forced overrides in its metadata.
 * Returns the decisions (a GPtrArray of VdDecision, owning them), or NULL
 * with an error in the driver's domain, code VD_ERR_CONFIG_UNSUPPORTED
 * (VD_ERR_XML_ERROR for a malformed vdisk:policy element), whose message
 * names the disk and the rule. On error def may be partly filled: call it
 * on a definition you can drop.
 */
GPtrArray *vd_driver_define(VdDomainDef *def, unsigned int flags,
                            GError **error);

/*
 * The decisions for a defined domain, without changing it: the policy
 * runs again on a copy. Defaults filled at define time are reported
 * again, since a value equal to the default is reported as that default.
 */
GPtrArray *vd_driver_explain(const VdDomainDef *def, GError **error);

/* Decisions as lines of text, one per decision, for people. */
GString *vd_explain_text(const GPtrArray *decisions);

/* Decisions as one JSON object {"domain":..,"driver":..,"decisions":[..]}. */
GString *vd_explain_json(const VdDomainDef *def, const GPtrArray *decisions);

/*
 * CONNECT_DOMAIN_XML_TO_NATIVE: the disks' configuration in the format
 * (the driver's native_format), from a copy of def that went through the
 * policy. Errors: VD_ERR_CONFIG_UNSUPPORTED for another format, or the
 * policy's refusal.
 */
char *vd_driver_to_native(const VdDomainDef *def, const char *format,
                          const char *nbd_dir, GError **error);

/*
 * Begin phase of a live migration: false with VD_ERR_MIGRATE_UNSAFE
 * naming the first unsafe disk. Callers skip it when the user asked for
 * an unsafe migration (VIR_MIGRATE_UNSAFE), as libvirt does.
 */
bool vd_driver_migrate_check(const VdDomainDef *def, GError **error);

void vd_decision_free(VdDecision *decision);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VdDecision, vd_decision_free)

const char *vd_decision_severity_to_string(VdDecisionSeverity severity);

#endif /* VD_DRIVERS_DRIVER_H */
