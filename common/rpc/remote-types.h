/*
 * Structures of libvirt's remote protocol shared by daemon and client:
 * remote_nonnull_domain, remote_error and typed parameters.
 *
 * Decoders fill caller-owned structs whose strings are newly allocated;
 * release them with the matching _clear function. A decoder that fails
 * leaves the reader failed and the struct safe to clear.
 */
#ifndef VD_RPC_REMOTE_TYPES_H
#define VD_RPC_REMOTE_TYPES_H

#include <stdint.h>
#include <glib.h>

#include "common/rpc/xdr-codec.h"

#define VD_REMOTE_UUID_LEN 16

/* remote_nonnull_domain: name, uuid, id (-1 when inactive). */
typedef struct {
    char *name;
    unsigned char uuid[VD_REMOTE_UUID_LEN];
    int32_t id;
} VdRemoteDomain;

void vd_remote_domain_put(GByteArray *w, const char *name,
                          const unsigned char uuid[VD_REMOTE_UUID_LEN],
                          int32_t id);
void vd_remote_domain_get(VdXdrReader *r, VdRemoteDomain *dom);
void vd_remote_domain_clear(VdRemoteDomain *dom);
/* Smallest encoding of a domain, to bound array lengths before reading. */
#define VD_REMOTE_DOMAIN_MIN_SIZE (4 + VD_REMOTE_UUID_LEN + 4)

/* remote_error (virNetMessageError). */
typedef struct {
    int32_t code;
    int32_t domain;
    char *message;
    int32_t level;
    char *str1;
    char *str2;
    char *str3;
    int32_t int1;
    int32_t int2;
} VdRemoteError;

/* Encode err as libvirt's daemon does: level error, str1 the message. */
void vd_remote_error_put_gerror(GByteArray *w, const GError *err);
void vd_remote_error_put(GByteArray *w, int32_t code, int32_t domain,
                         const char *message);
void vd_remote_error_get(VdXdrReader *r, VdRemoteError *e);
void vd_remote_error_clear(VdRemoteError *e);

/* virTypedParameterType */
typedef enum {
    VD_TYPED_PARAM_INT = 1,
    VD_TYPED_PARAM_UINT = 2,
    VD_TYPED_PARAM_LLONG = 3,
    VD_TYPED_PARAM_ULLONG = 4,
    VD_TYPED_PARAM_DOUBLE = 5,
    VD_TYPED_PARAM_BOOLEAN = 6,
    VD_TYPED_PARAM_STRING = 7,
} VdTypedParamType;

typedef struct {
    char *field;
    VdTypedParamType type;
    union {
        int32_t i;
        uint32_t ui;
        int64_t l;
        uint64_t ul;
        double d;
        bool b;
        char *s;
    } value;
} VdTypedParam;

void vd_typed_param_put(GByteArray *w, const VdTypedParam *p);
void vd_typed_param_get(VdXdrReader *r, VdTypedParam *p);
void vd_typed_param_clear(VdTypedParam *p);

#endif /* VD_RPC_REMOTE_TYPES_H */
