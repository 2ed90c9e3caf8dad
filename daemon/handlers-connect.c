/*
 * Procedures of the connection itself: the handshake virsh performs
 * (AUTH_LIST, SUPPORTS_FEATURE, CONNECT_OPEN), close, and the queries
 * about the daemon (type, versions, host name, URI).
 */
#include "config.h"

#include <string.h>


#include "common/rpc/protocol.h"
#include "common/util/error.h"
#include "daemon/dispatch.h"
#include "daemon/domain-runtime.h"
#include "drivers/driver.h"

/* What CONNECT_GET_TYPE answers; virsh prints it as the hypervisor. */
#define VD_CONNECT_TYPE "vdisk"
#define VD_DEFAULT_URI "vdisk:///system"

/* "1.2.3" -> 1002003, libvirt's encoding of versions. */
static guint64
version_number(const char *version)
{
    g_auto(GStrv) parts = g_strsplit(version, ".", 3);
    guint len = g_strv_length(parts);
    guint64 n = 0;

    for (guint i = 0; i < 3; i++)
        n = n * 1000 + (i < len ? g_ascii_strtoull(parts[i], NULL, 10) : 0);
    return n;
}

static gboolean
proc_auth_list(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret, GError **error)
{
    if (!vd_dispatch_args_end(args, error))
        return FALSE;
    /* Peers are authenticated by SO_PEERCRED at accept: no auth step. */
    vd_xdr_put_u32(ret, 1);
    vd_xdr_put_u32(ret, 0);     /* REMOTE_AUTH_NONE */
    return TRUE;
}

static gboolean
proc_supports_feature(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret,
                      GError **error)
{
    int feature = vd_xdr_get_i32(args);
    bool yes;

    if (!vd_dispatch_args_end(args, error))
        return FALSE;
    switch (feature) {
    case VD_FEATURE_TYPED_PARAM_STRING:
        yes = true;
        break;
    case VD_FEATURE_PROGRAM_KEEPALIVE:
        /* Every call is answered from the main loop without waiting on
         * I/O, so a PING is never stuck behind a long call. */
        yes = true;
        break;
    default:
        /* No events and no close callbacks: the client then never calls
         * the procedures that go with them. */
        yes = false;
        break;
    }
    vd_xdr_put_i32(ret, yes ? 1 : 0);
    return TRUE;
}

static gboolean
proc_open(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret, GError **error)
{
    g_autofree char *name = vd_xdr_get_opt_string(args, VD_REMOTE_STRING_MAX);
    unsigned flags = vd_xdr_get_u32(args);

    if (!vd_dispatch_args_end(args, error))
        return FALSE;
    if (ctx->client->opened) {
        g_set_error(error, VD_ERROR_RPC, VD_ERR_OPERATION_INVALID,
                    "connection already open");
        return FALSE;
    }
    if (flags & VD_CONNECT_RO)
        ctx->client->readonly = true;
    ctx->client->opened = true;
    g_free(ctx->client->uri);
    ctx->client->uri = g_strdup(name && *name ? name : VD_DEFAULT_URI);
    return TRUE;
}

static gboolean
proc_close(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret, GError **error)
{
    if (!vd_dispatch_args_end(args, error))
        return FALSE;
    ctx->client->opened = false;
    return TRUE;
}

static gboolean
proc_get_type(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret, GError **error)
{
    if (!vd_dispatch_args_end(args, error))
        return FALSE;
    vd_xdr_put_string(ret, VD_CONNECT_TYPE);
    return TRUE;
}

static gboolean
proc_get_version(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret,
                 GError **error)
{
    if (!vd_dispatch_args_end(args, error))
        return FALSE;
    vd_xdr_put_u64(ret, version_number(PACKAGE_VERSION));
    return TRUE;
}

static gboolean
proc_get_hostname(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret,
                  GError **error)
{
    if (!vd_dispatch_args_end(args, error))
        return FALSE;
    vd_xdr_put_string(ret, g_get_host_name());
    return TRUE;
}

static gboolean
proc_get_uri(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret, GError **error)
{
    if (!vd_dispatch_args_end(args, error))
        return FALSE;
    vd_xdr_put_string(ret, ctx->client->uri);
    return TRUE;
}

static gboolean
proc_xml_to_native(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret,
                   GError **error)
{
    g_autofree char *format = vd_xdr_get_string(args, VD_REMOTE_STRING_MAX);
    g_autofree char *xml = vd_xdr_get_string(args, VD_REMOTE_STRING_MAX);
    unsigned flags = vd_xdr_get_u32(args);
    g_autoptr(VdDomainDef) def = NULL;
    g_autofree char *socket = NULL;
    g_autofree char *native = NULL;

    if (!vd_dispatch_args_end(args, error) ||
        !vd_dispatch_check_flags(flags, 0, "virConnectDomainXMLToNative", error))
        return FALSE;
    def = vd_domain_def_parse(xml, strlen(xml), error);
    if (!def)
        return FALSE;
    /* The native configuration points at the sockets the disks will have
     * while the domain runs. */
    socket = vd_domain_run_nbd_dir(ctx->daemon, def);
    native = vd_driver_to_native(def, format, socket, error);
    if (!native)
        return FALSE;
    vd_xdr_put_string(ret, native);
    return TRUE;
}

const VdProcDef vd_connect_procs[] = {
    { VD_PROC_AUTH_LIST, "virConnectOpen", proc_auth_list,
      VD_PROC_FLAG_BEFORE_OPEN },
    { VD_PROC_CONNECT_SUPPORTS_FEATURE, "virConnectSupportsFeature",
      proc_supports_feature, VD_PROC_FLAG_BEFORE_OPEN },
    { VD_PROC_CONNECT_OPEN, "virConnectOpen", proc_open,
      VD_PROC_FLAG_BEFORE_OPEN },
    { VD_PROC_CONNECT_CLOSE, "virConnectClose", proc_close, 0 },
    { VD_PROC_CONNECT_GET_TYPE, "virConnectGetType", proc_get_type, 0 },
    { VD_PROC_CONNECT_GET_VERSION, "virConnectGetVersion", proc_get_version, 0 },
    { VD_PROC_CONNECT_GET_LIB_VERSION, "virConnectGetLibVersion",
      proc_get_version, 0 },
    { VD_PROC_CONNECT_GET_HOSTNAME, "virConnectGetHostname",
      proc_get_hostname, 0 },
    { VD_PROC_CONNECT_GET_URI, "virConnectGetURI", proc_get_uri, 0 },
    /* libvirt refuses it on read-only connections; so do we. */
    { VD_PROC_CONNECT_DOMAIN_XML_TO_NATIVE, "virConnectDomainXMLToNative",
      proc_xml_to_native, VD_PROC_FLAG_MUTATES },
    { 0, NULL, NULL, 0 },
};
