/*
 * What dominfo reports of a definition beyond disks: memory and vCPUs,
 * read from the elements vdisk keeps verbatim (<memory>, <currentMemory>,
 * <vcpu>). vdisk runs no guest, so these are the configured values.
 */
#ifndef VD_DAEMON_DOMAIN_RESOURCES_H
#define VD_DAEMON_DOMAIN_RESOURCES_H

#include <glib.h>

#include "common/conf/domain-conf.h"

typedef struct {
    guint64 max_mem_kib;   /* <memory>, 0 when absent */
    guint64 mem_kib;       /* <currentMemory>, else <memory> */
    guint nr_vcpu;         /* <vcpu>, 1 when absent */
} VdDomainResources;

void vd_domain_resources_get(const VdDomainDef *def, VdDomainResources *res);

#endif /* VD_DAEMON_DOMAIN_RESOURCES_H */
