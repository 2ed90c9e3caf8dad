/*
 * xl disk configuration for a domain's disks (format "xen-xl"): one
 * DISKSPEC per disk in xl-disk-configuration(5)'s key=value form.
 */
#ifndef VD_DRIVERS_XEN_XL_H
#define VD_DRIVERS_XEN_XL_H

#include <stdbool.h>
#include <glib.h>

#include "common/conf/domain-conf.h"

/* A Xen PV guest (os type xen or linux). */
bool vd_xen_is_pv(const VdDomainDef *def);

/*
 * def must have been through the policy (backend filled in). Returns
 * "disk = [ ... ]" with one quoted DISKSPEC a line. nbd_dir is unused:
 * xl opens the disks' sources itself.
 */
char *vd_xen_xl_render(const VdDomainDef *def, const char *nbd_dir,
                       GError **error);

#endif /* VD_DRIVERS_XEN_XL_H */
