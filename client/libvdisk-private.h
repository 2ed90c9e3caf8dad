/*
 * Inside libvdisk: the connection, the URI resolver and the call
 * primitive the procedure wrappers are built on. Not for the library's
 * users; tests include it to reach the URI resolver and the transport.
 */
#ifndef VD_CLIENT_LIBVDISK_PRIVATE_H
#define VD_CLIENT_LIBVDISK_PRIVATE_H

#include "client/libvdisk.h"
#include "common/rpc/remote-types.h"
#include "common/rpc/xdr-codec.h"

struct VdConnect {
    int fd;
    uint32_t next_serial;   /* serial of the next call: 0, 1, 2, ... */
    bool broken;
};

/* Where a URI leads. */
typedef struct {
    char *socket_path;      /* absolute path of the daemon's socket */
    char *name;             /* sent in CONNECT_OPEN, e.g. "vdisk:///system" */
} VdUriTarget;

/*
 * Resolve a connection URI (see vd_connect()); read_only picks the
 * read-only default socket. On error (VD_FROM_REMOTE, VD_ERR_INVALID_ARG)
 * the message names the URI and says what is accepted.
 */
bool vd_uri_resolve(const char *uri, bool read_only, VdUriTarget *target,
                    GError **error);
void vd_uri_target_clear(VdUriTarget *target);

/* Connect a stream socket to path; -1 and error when that fails. */
int vd_transport_open(const char *path, GError **error);

/*
 * One call: send args (NULL: void) as procedure proc of program
 * prog/vers, wait for its reply while answering keepalive PINGs, and
 * return the reply's payload (g_byte_array_unref), empty for void. A
 * REPLY with status ERROR becomes the daemon's error; anything that
 * breaks the protocol also marks conn broken.
 */
GByteArray *vd_transport_call(VdConnect *conn, uint32_t prog, uint32_t vers,
                              int32_t proc, const GByteArray *args,
                              GError **error);

/*
 * Finish decoding the reply of proc: true when r read it exactly;
 * otherwise marks conn broken and sets a VD_ERR_RPC error.
 */
bool vd_transport_reply_done(VdConnect *conn, const VdXdrReader *r,
                             int32_t proc, GError **error);

/*
 * Decode a whole reply of proc that is void, or one string (newly
 * allocated). reply may be NULL: the call failed, its error is set, and
 * these fail too.
 */
bool vd_transport_reply_void(VdConnect *conn, const GByteArray *reply,
                             int32_t proc, GError **error);
char *vd_transport_reply_string(VdConnect *conn, const GByteArray *reply,
                                int32_t proc, GError **error);

/* Mark conn broken and set a VD_FROM_RPC/VD_ERR_RPC error. */
void vd_transport_fail(VdConnect *conn, GError **error, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

/* A call of libvirt's remote program. */
GByteArray *vd_remote_call(VdConnect *conn, int32_t proc,
                           const GByteArray *args, GError **error);

/* A call of the remote program whose reply is void. */
bool vd_remote_call_void(VdConnect *conn, int32_t proc, const GByteArray *args,
                         GError **error);
/* A call of the remote program whose reply is one remote_nonnull_domain. */
VdDomainRef *vd_remote_call_domain(VdConnect *conn, int32_t proc,
                                   const GByteArray *args, GError **error);

/* The arguments of a call that start with the domain, as most do. */
GByteArray *vd_domain_args(const VdDomainRef *dom);

/* Move a decoded remote_nonnull_domain into dom: rd's name is taken. */
void vd_domain_ref_take(VdDomainRef *dom, VdRemoteDomain *rd);

/* A call of vdisk's own program. */
GByteArray *vd_vdisk_call(VdConnect *conn, int32_t proc,
                          const GByteArray *args, GError **error);

#endif /* VD_CLIENT_LIBVDISK_PRIVATE_H */
