/*
 * Defining and undefining domains durably: the definition reaches the
 * state directory (written atomically) before the registry changes, so a
 * client told "defined" finds its domain after any crash, and a failed
 * write changes nothing. Also loads the definitions at startup.
 *
 * Main loop only.
 */
#ifndef VD_DAEMON_DOMAIN_STORE_H
#define VD_DAEMON_DOMAIN_STORE_H

#include <glib.h>

#include "daemon/daemon.h"

/*
 * Parse, check and persist xml, then define it. flags are those of
 * DOMAIN_DEFINE_XML_FLAGS. warnings, when not NULL, receives the policy's
 * warnings (strings). Returns the domain or NULL with an error.
 */
VdDomainObj *vd_domain_store_define(VdDaemon *daemon, const char *xml,
                                    unsigned flags, GPtrArray **warnings,
                                    GError **error);

/* Remove the persistent definition of a shut-off domain, then forget it. */
gboolean vd_domain_store_undefine(VdDaemon *daemon, VdDomainObj *obj,
                                  GError **error);

/* Load every stored definition; unusable files are moved aside. */
gboolean vd_domain_store_load(VdDaemon *daemon, GError **error);

#endif /* VD_DAEMON_DOMAIN_STORE_H */
