/*
 * Arguments and results that many procedures share: the domain a call
 * names (remote_nonnull_domain) and the domain it returns.
 * Main loop only.
 */
#ifndef VD_DAEMON_CALL_ARGS_H
#define VD_DAEMON_CALL_ARGS_H

#include "daemon/dispatch.h"

/* Read a remote_nonnull_domain argument and find it by uuid, as libvirt's
 * drivers do. Only looks: safe before vd_dispatch_args_end(). NULL with
 * VIR_ERR_NO_DOMAIN when unknown, VIR_ERR_RPC when undecodable. */
VdDomainObj *vd_call_get_domain(VdCallCtx *ctx, VdXdrReader *args,
                                GError **error);

/* libvirt's "Domain not found" error; always FALSE. */
gboolean vd_call_no_domain(GError **error, const char *what, const char *value);

void vd_call_put_domain(GByteArray *ret, const VdDomainObj *obj);

#endif /* VD_DAEMON_CALL_ARGS_H */
