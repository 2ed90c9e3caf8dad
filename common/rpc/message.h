/*
 * Framing of RPC messages, as libvirt's: a 4-byte big-endian length that
 * counts itself, a 24-byte header of six XDR words, then the XDR payload.
 *
 * The limits are libvirt 9.0's, so that anything virsh sends fits and
 * anything larger is refused before a byte of it is buffered.
 */
#ifndef VD_RPC_MESSAGE_H
#define VD_RPC_MESSAGE_H

#include <stdint.h>
#include <glib.h>

#include "common/rpc/xdr-codec.h"

#define VD_RPC_LEN_SIZE     4u
#define VD_RPC_HEADER_SIZE  24u
/* Header and payload, not counting the length word. */
#define VD_RPC_MESSAGE_MAX  33554432u

typedef enum {
    VD_RPC_CALL = 0,
    VD_RPC_REPLY = 1,
    VD_RPC_MESSAGE = 2,
    VD_RPC_STREAM = 3,
    VD_RPC_CALL_WITH_FDS = 4,
    VD_RPC_REPLY_WITH_FDS = 5,
    VD_RPC_STREAM_HOLE = 6,
} VdRpcType;

typedef enum {
    VD_RPC_OK = 0,
    VD_RPC_ERROR = 1,
    VD_RPC_CONTINUE = 2,
} VdRpcStatus;

typedef struct {
    uint32_t prog;
    uint32_t vers;
    int32_t proc;
    int32_t type;
    uint32_t serial;
    int32_t status;
} VdRpcHeader;

/*
 * Decode the length word at the front of a message: the total size of the
 * message, length word included. 0 when the length is under a header or
 * over VD_RPC_MESSAGE_MAX; the stream cannot be resynchronised then.
 */
uint32_t vd_rpc_frame_length(const uint8_t word[VD_RPC_LEN_SIZE]);

/* Header after the length word; false when the message is too short. */
bool vd_rpc_header_decode(VdXdrReader *r, VdRpcHeader *hdr);

/* A new message: a placeholder length word and the header. */
GByteArray *vd_rpc_message_new(const VdRpcHeader *hdr);

/*
 * Write the final length into the word at the front. False when the
 * message grew over VD_RPC_MESSAGE_MAX and must not be sent.
 */
bool vd_rpc_message_seal(GByteArray *msg);

#endif /* VD_RPC_MESSAGE_H */
