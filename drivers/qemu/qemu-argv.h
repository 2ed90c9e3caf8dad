/*
 * QEMU command-line arguments for a domain's disks (format "qemu-argv"):
 * a -blockdev for each disk's NBD export and the -device that shows it
 * to the guest, plus the controllers they need. Only disks: the rest of
 * the command line is the hypervisor's business.
 */
#ifndef VD_DRIVERS_QEMU_ARGV_H
#define VD_DRIVERS_QEMU_ARGV_H

#include <glib.h>

#include "common/conf/domain-conf.h"

/*
 * def must have been through the policy (cache and bus filled in).
 * Returns one option and its argument per line, shell-quoted, lines but
 * the last ending in " \", as libvirt's .args test files are written.
 */
char *vd_qemu_argv_render(const VdDomainDef *def, const char *nbd_dir,
                          GError **error);

#endif /* VD_DRIVERS_QEMU_ARGV_H */
