/*
 * The drivers vdisk has, for the registry in driver.c. Each is a constant
 * table defined in its own folder.
 */
#ifndef VD_DRIVERS_REGISTRY_H
#define VD_DRIVERS_REGISTRY_H

#include "drivers/driver.h"

extern const VdDriver vd_qemu_driver;
extern const VdDriver vd_xen_driver;
extern const VdDriver vd_test_driver;

#endif /* VD_DRIVERS_REGISTRY_H */
