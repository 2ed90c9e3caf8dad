/*
 * The domains a daemon knows: their persistent definitions and run state.
 *
 * Main loop only. The registry owns its objects; pointers returned by the
 * lookups stay valid until the object is removed or the registry freed.
 * It does no I/O: persisting a definition is the caller's step, taken
 * before the registry is changed, so a failed write leaves both alone.
 */
#ifndef VD_DAEMON_DOMAIN_REGISTRY_H
#define VD_DAEMON_DOMAIN_REGISTRY_H

#include <glib.h>

#include "common/conf/domain-conf.h"

typedef struct VdDomainRun VdDomainRun;

typedef struct {
    VdDomainDef *def;   /* the persistent definition */
    VdDomainRun *run;   /* disks and exports while running, else NULL */
    int state;          /* VD_DOMAIN_* of common/rpc/protocol.h */
    int reason;
    int id;             /* -1 while inactive */
} VdDomainObj;

typedef struct VdDomainRegistry VdDomainRegistry;

VdDomainRegistry *vd_domain_registry_new(void);
void vd_domain_registry_free(VdDomainRegistry *reg);

VdDomainObj *vd_domain_registry_find_name(VdDomainRegistry *reg, const char *name);
VdDomainObj *vd_domain_registry_find_uuid(VdDomainRegistry *reg,
                                          const unsigned char uuid[VD_UUID_LEN]);
VdDomainObj *vd_domain_registry_find_id(VdDomainRegistry *reg, int id);

/*
 * Check that def may be defined, as libvirt does: a known uuid must keep
 * its name, a known name must keep its uuid. Sets *existing to the domain
 * it replaces, or NULL for a new one.
 */
gboolean vd_domain_registry_check_define(VdDomainRegistry *reg,
                                         const VdDomainDef *def,
                                         VdDomainObj **existing,
                                         GError **error);

/* Define def (taking it): replaces the definition of the same uuid or adds
 * a new shut-off domain. Call vd_domain_registry_check_define() first. */
VdDomainObj *vd_domain_registry_define(VdDomainRegistry *reg, VdDomainDef *def);

void vd_domain_registry_remove(VdDomainRegistry *reg, VdDomainObj *obj);

/* Every domain, sorted by name; the array does not own the objects. */
GPtrArray *vd_domain_registry_list(VdDomainRegistry *reg);

guint vd_domain_registry_count(VdDomainRegistry *reg);

#endif /* VD_DAEMON_DOMAIN_REGISTRY_H */
