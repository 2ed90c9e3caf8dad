/*
 * The NBD protocol: constants and pure encode/decode functions.
 *
 * The values are those of the NBD specification (NetworkBlockDevice/nbd,
 * doc/proto.md), fixed newstyle only. Everything on the wire is
 * big-endian; these functions are the only place that knows it.
 *
 * Nothing here does I/O, allocates or keeps state, so the server can use
 * it from the I/O thread and the tests can hold it against byte vectors
 * written from the spec. Encoders write into a caller's buffer of the
 * size their comment gives and return the number of bytes written.
 * Decoders read fixed-size headers that the caller has received in full;
 * parsers of variable-length option data bound every length by the data
 * actually received.
 *
 * Note: linux/nbd.h defines NBD_CMD_FLAG_FUA as 1 << 16 because the
 * kernel packs flags into its command word; on the wire it is 0x0001.
 * That is why this header uses its own VD_NBD_ names.
 */
#ifndef VD_EXPORT_NBD_PROTO_H
#define VD_EXPORT_NBD_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Magics. */
#define VD_NBD_MAGIC                 UINT64_C(0x4e42444d41474943) /* "NBDMAGIC" */
#define VD_NBD_IHAVEOPT              UINT64_C(0x49484156454f5054) /* "IHAVEOPT" */
#define VD_NBD_OPT_REPLY_MAGIC       UINT64_C(0x0003e889045565a9)
#define VD_NBD_REQUEST_MAGIC         UINT32_C(0x25609513)
#define VD_NBD_SIMPLE_REPLY_MAGIC    UINT32_C(0x67446698)
#define VD_NBD_STRUCTURED_REPLY_MAGIC UINT32_C(0x668e33ef)

/* Handshake flags (server, u16) and client flags (u32). */
#define VD_NBD_FLAG_FIXED_NEWSTYLE   0x0001
#define VD_NBD_FLAG_NO_ZEROES        0x0002
#define VD_NBD_FLAG_C_FIXED_NEWSTYLE 0x0001
#define VD_NBD_FLAG_C_NO_ZEROES      0x0002

/* Transmission flags (u16). */
#define VD_NBD_FLAG_HAS_FLAGS         0x0001
#define VD_NBD_FLAG_READ_ONLY         0x0002
#define VD_NBD_FLAG_SEND_FLUSH        0x0004
#define VD_NBD_FLAG_SEND_FUA          0x0008
#define VD_NBD_FLAG_ROTATIONAL        0x0010
#define VD_NBD_FLAG_SEND_TRIM         0x0020
#define VD_NBD_FLAG_SEND_WRITE_ZEROES 0x0040
#define VD_NBD_FLAG_SEND_DF           0x0080
#define VD_NBD_FLAG_CAN_MULTI_CONN    0x0100
#define VD_NBD_FLAG_SEND_RESIZE       0x0200
#define VD_NBD_FLAG_SEND_CACHE        0x0400
#define VD_NBD_FLAG_SEND_FAST_ZERO    0x0800

/* Options (u32). */
#define VD_NBD_OPT_EXPORT_NAME       1
#define VD_NBD_OPT_ABORT             2
#define VD_NBD_OPT_LIST              3
#define VD_NBD_OPT_STARTTLS          5
#define VD_NBD_OPT_INFO              6
#define VD_NBD_OPT_GO                7
#define VD_NBD_OPT_STRUCTURED_REPLY  8
#define VD_NBD_OPT_LIST_META_CONTEXT 9
#define VD_NBD_OPT_SET_META_CONTEXT  10

/* Option reply types (u32); errors have bit 31 set. */
#define VD_NBD_REP_ACK               1
#define VD_NBD_REP_SERVER            2
#define VD_NBD_REP_INFO              3
#define VD_NBD_REP_META_CONTEXT      4
#define VD_NBD_REP_FLAG_ERROR        UINT32_C(0x80000000)
#define VD_NBD_REP_ERR_UNSUP         (VD_NBD_REP_FLAG_ERROR | 1)
#define VD_NBD_REP_ERR_POLICY        (VD_NBD_REP_FLAG_ERROR | 2)
#define VD_NBD_REP_ERR_INVALID       (VD_NBD_REP_FLAG_ERROR | 3)
#define VD_NBD_REP_ERR_PLATFORM      (VD_NBD_REP_FLAG_ERROR | 4)
#define VD_NBD_REP_ERR_TLS_REQD      (VD_NBD_REP_FLAG_ERROR | 5)
#define VD_NBD_REP_ERR_UNKNOWN       (VD_NBD_REP_FLAG_ERROR | 6)
#define VD_NBD_REP_ERR_SHUTDOWN      (VD_NBD_REP_FLAG_ERROR | 7)
#define VD_NBD_REP_ERR_BLOCK_SIZE_REQD (VD_NBD_REP_FLAG_ERROR | 8)
#define VD_NBD_REP_ERR_TOO_BIG       (VD_NBD_REP_FLAG_ERROR | 9)

/* Information items of NBD_REP_INFO (u16). */
#define VD_NBD_INFO_EXPORT           0
#define VD_NBD_INFO_NAME             1
#define VD_NBD_INFO_DESCRIPTION      2
#define VD_NBD_INFO_BLOCK_SIZE       3

/* Commands (u16). */
#define VD_NBD_CMD_READ              0
#define VD_NBD_CMD_WRITE             1
#define VD_NBD_CMD_DISC              2
#define VD_NBD_CMD_FLUSH             3
#define VD_NBD_CMD_TRIM              4
#define VD_NBD_CMD_CACHE             5
#define VD_NBD_CMD_WRITE_ZEROES      6
#define VD_NBD_CMD_BLOCK_STATUS      7

/* Command flags (u16). */
#define VD_NBD_CMD_FLAG_FUA          0x0001
#define VD_NBD_CMD_FLAG_NO_HOLE      0x0002
#define VD_NBD_CMD_FLAG_DF           0x0004
#define VD_NBD_CMD_FLAG_REQ_ONE      0x0008
#define VD_NBD_CMD_FLAG_FAST_ZERO    0x0010

/* Structured reply flags and chunk types (u16). */
#define VD_NBD_REPLY_FLAG_DONE       0x0001
#define VD_NBD_REPLY_TYPE_NONE       0
#define VD_NBD_REPLY_TYPE_OFFSET_DATA 1
#define VD_NBD_REPLY_TYPE_OFFSET_HOLE 2
#define VD_NBD_REPLY_TYPE_BLOCK_STATUS 5
#define VD_NBD_REPLY_TYPE_ERROR      0x8001
#define VD_NBD_REPLY_TYPE_ERROR_OFFSET 0x8002

/* Error values of replies (u32). Not errno: these are the wire's. */
#define VD_NBD_EPERM                 1
#define VD_NBD_EIO                   5
#define VD_NBD_ENOMEM                12
#define VD_NBD_EINVAL                22
#define VD_NBD_ENOSPC                28
#define VD_NBD_EOVERFLOW             75
#define VD_NBD_ENOTSUP               95
#define VD_NBD_ESHUTDOWN             108

/* Sizes of the fixed parts of messages, in bytes. */
#define VD_NBD_GREETING_LEN          18  /* NBDMAGIC, IHAVEOPT, u16 flags */
#define VD_NBD_CLIENT_FLAGS_LEN      4
#define VD_NBD_OPTION_HEADER_LEN     16  /* IHAVEOPT, u32 option, u32 length */
#define VD_NBD_OPTION_REPLY_HEADER_LEN 20
#define VD_NBD_EXPORT_NAME_REPLY_MAX 134 /* u64 size, u16 flags, 124 zeroes */
#define VD_NBD_REQUEST_LEN           28
#define VD_NBD_SIMPLE_REPLY_LEN      16
#define VD_NBD_CHUNK_HEADER_LEN      20
#define VD_NBD_OFFSET_DATA_HEADER_LEN 28 /* chunk header and the u64 offset */
#define VD_NBD_ERROR_CHUNK_LEN       26  /* chunk header, u32 error, u16 0 */
#define VD_NBD_INFO_EXPORT_LEN       12  /* payloads of NBD_REP_INFO */
#define VD_NBD_INFO_BLOCK_SIZE_LEN   14

/* The spec's bound on every string (export names, messages). */
#define VD_NBD_STRING_MAX            4096

/* An option header from the client. */
typedef struct {
    uint32_t option;
    uint32_t length;      /* of the data that follows */
} VdNbdOptionHeader;

/* The data of NBD_OPT_INFO and NBD_OPT_GO, pointing into the option data. */
typedef struct {
    const char *name;     /* not NUL-terminated */
    uint32_t name_len;
    uint16_t n_requests;
    const uint8_t *requests; /* n_requests big-endian u16 info types */
} VdNbdInfoRequest;

/* A transmission request header. */
typedef struct {
    uint16_t flags;
    uint16_t type;
    uint64_t cookie;      /* opaque; echoed in the reply */
    uint64_t offset;
    uint32_t length;
} VdNbdRequest;

/* Server greeting: NBDMAGIC, IHAVEOPT, handshake flags. out: 18 bytes. */
size_t vd_nbd_encode_greeting(uint8_t *out, uint16_t handshake_flags);

/* The client's flags that answer the greeting. in: 4 bytes. */
uint32_t vd_nbd_decode_client_flags(const uint8_t *in);

/* An option header; -EPROTO when the magic is not IHAVEOPT. in: 16 bytes. */
int vd_nbd_decode_option_header(const uint8_t *in, VdNbdOptionHeader *out);

/*
 * The header of an option reply whose data (data_len bytes) the caller
 * sends after it. out: 20 bytes.
 */
size_t vd_nbd_encode_option_reply(uint8_t *out, uint32_t option, uint32_t type,
                                  uint32_t data_len);

/*
 * The answer to NBD_OPT_EXPORT_NAME: size, transmission flags and, unless
 * the client negotiated NO_ZEROES, 124 zero bytes. out: 134 bytes.
 */
size_t vd_nbd_encode_export_name_reply(uint8_t *out, uint64_t size,
                                       uint16_t tflags, bool no_zeroes);

/*
 * Parse the data of NBD_OPT_INFO / NBD_OPT_GO: u32 name length, name,
 * u16 count, count x u16. -EINVAL when a length disagrees with len (the
 * spec's NBD_REP_ERR_INVALID) or the name is over VD_NBD_STRING_MAX.
 */
int vd_nbd_parse_info_request(const uint8_t *data, uint32_t len,
                              VdNbdInfoRequest *out);

/* The i-th info type asked for (i < n_requests). */
uint16_t vd_nbd_info_request_type(const VdNbdInfoRequest *r, uint16_t i);

/* NBD_REP_INFO payload of NBD_INFO_EXPORT. out: 12 bytes. */
size_t vd_nbd_encode_info_export(uint8_t *out, uint64_t size, uint16_t tflags);

/* NBD_REP_INFO payload of NBD_INFO_BLOCK_SIZE. out: 14 bytes. */
size_t vd_nbd_encode_info_block_size(uint8_t *out, uint32_t minimum,
                                     uint32_t preferred, uint32_t maximum);

/*
 * The start of an NBD_REP_INFO payload of NBD_INFO_NAME or
 * NBD_INFO_DESCRIPTION: the u16 type; the string follows. out: 2 bytes.
 */
size_t vd_nbd_encode_info_string_type(uint8_t *out, uint16_t type);

/* The start of an NBD_REP_SERVER payload: u32 name length. out: 4 bytes. */
size_t vd_nbd_encode_rep_server_name_len(uint8_t *out, uint32_t name_len);

/* A request header; -EPROTO when the magic is wrong. in: 28 bytes. */
int vd_nbd_decode_request(const uint8_t *in, VdNbdRequest *out);

/* A simple reply (data of a successful READ follows). out: 16 bytes. */
size_t vd_nbd_encode_simple_reply(uint8_t *out, uint32_t error, uint64_t cookie);

/* A structured reply chunk header; payload_len bytes follow. out: 20 bytes. */
size_t vd_nbd_encode_chunk_header(uint8_t *out, uint16_t flags, uint16_t type,
                                  uint64_t cookie, uint32_t payload_len);

/*
 * An NBD_REPLY_TYPE_OFFSET_DATA chunk's header and offset; data_len bytes
 * of data follow (at most 2^32 - 9). out: 28 bytes.
 */
size_t vd_nbd_encode_offset_data(uint8_t *out, uint16_t flags, uint64_t cookie,
                                 uint64_t offset, uint32_t data_len);

/* An NBD_REPLY_TYPE_ERROR chunk with no message. out: 26 bytes. */
size_t vd_nbd_encode_error_chunk(uint8_t *out, uint16_t flags, uint64_t cookie,
                                 uint32_t error);

/*
 * The wire error for a negative errno from the storage stack: the spec's
 * mapping (EDQUOT and EFBIG are ENOSPC, EROFS is EPERM; EOVERFLOW and
 * ENOTSUP, reserved by the spec for features vdisk does not offer, are
 * EINVAL); anything the spec has no value for is EIO, because it came
 * from doing I/O. 0 is 0.
 */
uint32_t vd_nbd_error_from_errno(int neg_errno);

/* Names for logs and tests; "unknown" for values outside the spec. */
const char *vd_nbd_option_name(uint32_t option);
const char *vd_nbd_command_name(uint16_t type);

#endif /* VD_EXPORT_NBD_PROTO_H */
