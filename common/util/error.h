/*
 * Errors that clients can act on.
 *
 * vdisk speaks libvirt's RPC, so its errors carry libvirt's numbers: the
 * GError domain stands for libvirt's error domain (virErrorDomain, "where
 * it came from") and the GError code is libvirt's error number
 * (virErrorNumber, "what went wrong"). The RPC layer turns a GError into a
 * remote_error with both numbers unchanged, so virsh and python-libvirt
 * see the same codes they would get from libvirtd.
 *
 * Any thread may use these; they allocate only on the control plane.
 */
#ifndef VD_UTIL_ERROR_H
#define VD_UTIL_ERROR_H

#include <glib.h>

/* libvirt's virErrorNumber values that vdisk reports. */
typedef enum {
    VD_ERR_INTERNAL_ERROR = 1,
    VD_ERR_NO_MEMORY = 2,
    VD_ERR_NO_SUPPORT = 3,
    VD_ERR_INVALID_ARG = 8,
    VD_ERR_OPERATION_FAILED = 9,
    VD_ERR_XML_ERROR = 27,
    VD_ERR_RPC = 39,
    VD_ERR_NO_DOMAIN = 42,
    VD_ERR_AUTH_FAILED = 45,
    VD_ERR_OPERATION_INVALID = 55,
    VD_ERR_OPERATION_DENIED = 56,
    VD_ERR_SYSTEM_ERROR = 38,
    VD_ERR_CONFIG_UNSUPPORTED = 67,
    VD_ERR_NO_DOMAIN_SNAPSHOT = 72,
    VD_ERR_MIGRATE_UNSAFE = 81,
    VD_ERR_OPERATION_UNSUPPORTED = 84,
    VD_ERR_RESOURCE_BUSY = 98,  /* VIR_ERR_RESOURCE_BUSY: "disk in use" */
} VdErrorCode;

/* libvirt's virErrorDomain values, one GError domain each. */
typedef enum {
    VD_FROM_NONE = 0,
    VD_FROM_XEN = 2,
    VD_FROM_CONF = 4,   /* VIR_FROM_CONF: state files */
    VD_FROM_XML = 5,
    VD_FROM_RPC = 7,
    VD_FROM_QEMU = 10,
    VD_FROM_TEST = 12,
    VD_FROM_REMOTE = 13,
    VD_FROM_DOMAIN = 20,
    VD_FROM_STORAGE = 18,
    VD_FROM_DOMAIN_SNAPSHOT = 35,
    VD_FROM_LOCKING = 42,
} VdErrorFrom;

GQuark vd_error_quark(VdErrorFrom from);

#define VD_ERROR_XML      (vd_error_quark(VD_FROM_XML))
#define VD_ERROR_RPC      (vd_error_quark(VD_FROM_RPC))
#define VD_ERROR_DOMAIN   (vd_error_quark(VD_FROM_DOMAIN))
#define VD_ERROR_CONF     (vd_error_quark(VD_FROM_CONF))
#define VD_ERROR_QEMU     (vd_error_quark(VD_FROM_QEMU))
#define VD_ERROR_XEN      (vd_error_quark(VD_FROM_XEN))
#define VD_ERROR_TEST     (vd_error_quark(VD_FROM_TEST))
#define VD_ERROR_STORAGE  (vd_error_quark(VD_FROM_STORAGE))
#define VD_ERROR_LOCKING  (vd_error_quark(VD_FROM_LOCKING))

/*
 * The libvirt error domain a GError stands for. Errors from outside vdisk
 * (GIO, GLib) are reported as VD_FROM_NONE with their message intact.
 */
VdErrorFrom vd_error_from(const GError *err);

/* libvirt error number of a GError; VD_ERR_INTERNAL_ERROR for foreign ones. */
int vd_error_code(const GError *err);

#endif /* VD_UTIL_ERROR_H */
