/*
 * Dispatch of RPC calls to procedure handlers, and their replies.
 *
 * Each program (libvirt's remote program, vdisk's own) is a table of
 * VdProcDef. The dispatcher checks what every call must satisfy (program,
 * version, type, open connection, read-only access) before a handler
 * runs, and turns a handler's GError into libvirt's remote_error.
 *
 * Contract of a handler: decode all of its arguments and call
 * vd_dispatch_args_end() before changing anything, so a malformed call
 * changes nothing; append its reply payload to ret; or fail with a GError
 * and leave ret alone. Main loop only.
 */
#ifndef VD_DAEMON_DISPATCH_H
#define VD_DAEMON_DISPATCH_H

#include <stdbool.h>
#include <glib.h>

#include "common/rpc/message.h"
#include "common/rpc/xdr-codec.h"
#include "daemon/client.h"

typedef struct VdPendingReply VdPendingReply;

typedef struct {
    VdDaemon *daemon;
    VdClient *client;
    const VdRpcHeader *call;    /* the call being handled */
    VdPendingReply *pending;    /* set by vd_call_defer() */
} VdCallCtx;

typedef gboolean (*VdProcFunc)(VdCallCtx *ctx, VdXdrReader *args,
                               GByteArray *ret, GError **error);

enum {
    VD_PROC_FLAG_MUTATES = 1 << 0,    /* refused on read-only connections */
    VD_PROC_FLAG_BEFORE_OPEN = 1 << 1, /* allowed before CONNECT_OPEN */
};

typedef struct {
    int proc;
    const char *api;      /* libvirt API name, for "read only access prevents" */
    VdProcFunc func;
    unsigned flags;
} VdProcDef;

/* The tables, each ending with a zeroed entry. */
extern const VdProcDef vd_connect_procs[];
extern const VdProcDef vd_domain_procs[];
extern const VdProcDef vd_lifecycle_procs[];
extern const VdProcDef vd_stats_procs[];
extern const VdProcDef vd_vdisk_procs[];

/* Handle one message (header and payload, without the length word).
 * False when the connection must be closed: the peer broke the protocol
 * in a way no reply can express. */
bool vd_dispatch_message(VdClient *client, const guint8 *data, gsize len);

/*
 * For a handler whose work ends later (stopping disks waits for their I/O):
 * after vd_dispatch_args_end(), take the reply's token and return TRUE
 * without a payload; the main loop keeps serving meanwhile. Exactly one
 * of the two completions below must follow; it frees the token. A reply
 * to a client that has gone away is dropped.
 */
VdPendingReply *vd_call_defer(VdCallCtx *ctx);
void vd_pending_reply_ok(VdPendingReply *p, GByteArray *ret);
void vd_pending_reply_error(VdPendingReply *p, const GError *err);

/* True when the arguments were decoded whole; else a VIR_ERR_RPC error. */
gboolean vd_dispatch_args_end(VdXdrReader *args, GError **error);

/* An error for flags a procedure does not know, naming them. */
gboolean vd_dispatch_check_flags(unsigned flags, unsigned known,
                                 const char *api, GError **error);

#endif /* VD_DAEMON_DISPATCH_H */
