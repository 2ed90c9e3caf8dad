/* NBD wire encoding; see nbd-proto.h for the contract. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "storage/export/nbd-proto.h"

static void
put16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v;
}

static void
put32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

static void
put64(uint8_t *p, uint64_t v)
{
    put32(p, v >> 32);
    put32(p + 4, (uint32_t)v);
}

static uint16_t
get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t
get64(const uint8_t *p)
{
    return (uint64_t)get32(p) << 32 | get32(p + 4);
}

size_t
vd_nbd_encode_greeting(uint8_t *out, uint16_t handshake_flags)
{
    put64(out, VD_NBD_MAGIC);
    put64(out + 8, VD_NBD_IHAVEOPT);
    put16(out + 16, handshake_flags);
    return VD_NBD_GREETING_LEN;
}

uint32_t
vd_nbd_decode_client_flags(const uint8_t *in)
{
    return get32(in);
}

int
vd_nbd_decode_option_header(const uint8_t *in, VdNbdOptionHeader *out)
{
    if (get64(in) != VD_NBD_IHAVEOPT)
        return -EPROTO;
    out->option = get32(in + 8);
    out->length = get32(in + 12);
    return 0;
}

size_t
vd_nbd_encode_option_reply(uint8_t *out, uint32_t option, uint32_t type,
                           uint32_t data_len)
{
    put64(out, VD_NBD_OPT_REPLY_MAGIC);
    put32(out + 8, option);
    put32(out + 12, type);
    put32(out + 16, data_len);
    return VD_NBD_OPTION_REPLY_HEADER_LEN;
}

size_t
vd_nbd_encode_export_name_reply(uint8_t *out, uint64_t size, uint16_t tflags,
                                bool no_zeroes)
{
    put64(out, size);
    put16(out + 8, tflags);
    if (no_zeroes)
        return 10;
    memset(out + 10, 0, 124);
    return VD_NBD_EXPORT_NAME_REPLY_MAX;
}

int
vd_nbd_parse_info_request(const uint8_t *data, uint32_t len, VdNbdInfoRequest *out)
{
    uint32_t name_len;
    uint32_t rest;

    /* 4 for the name length, 2 for the count: the spec's "length - 6". */
    if (len < 6)
        return -EINVAL;
    name_len = get32(data);
    if (name_len > len - 6 || name_len > VD_NBD_STRING_MAX)
        return -EINVAL;
    out->name = (const char *)data + 4;
    out->name_len = name_len;
    out->n_requests = get16(data + 4 + name_len);
    rest = len - 6 - name_len;
    /* Exactly the announced items: trailing bytes mean a confused client. */
    if (rest != 2u * out->n_requests)
        return -EINVAL;
    out->requests = data + 6 + name_len;
    return 0;
}

uint16_t
vd_nbd_info_request_type(const VdNbdInfoRequest *r, uint16_t i)
{
    return get16(r->requests + 2u * i);
}

size_t
vd_nbd_encode_info_export(uint8_t *out, uint64_t size, uint16_t tflags)
{
    put16(out, VD_NBD_INFO_EXPORT);
    put64(out + 2, size);
    put16(out + 10, tflags);
    return VD_NBD_INFO_EXPORT_LEN;
}

size_t
vd_nbd_encode_info_block_size(uint8_t *out, uint32_t minimum, uint32_t preferred,
                              uint32_t maximum)
{
    put16(out, VD_NBD_INFO_BLOCK_SIZE);
    put32(out + 2, minimum);
    put32(out + 6, preferred);
    put32(out + 10, maximum);
    return VD_NBD_INFO_BLOCK_SIZE_LEN;
}

size_t
vd_nbd_encode_info_string_type(uint8_t *out, uint16_t type)
{
    put16(out, type);
    return 2;
}

size_t
vd_nbd_encode_rep_server_name_len(uint8_t *out, uint32_t name_len)
{
    put32(out, name_len);
    return 4;
}

int
vd_nbd_decode_request(const uint8_t *in, VdNbdRequest *out)
{
    if (get32(in) != VD_NBD_REQUEST_MAGIC)
        return -EPROTO;
    out->flags = get16(in + 4);
    out->type = get16(in + 6);
    out->cookie = get64(in + 8);
    out->offset = get64(in + 16);
    out->length = get32(in + 24);
    return 0;
}

size_t
vd_nbd_encode_simple_reply(uint8_t *out, uint32_t error, uint64_t cookie)
{
    put32(out, VD_NBD_SIMPLE_REPLY_MAGIC);
    put32(out + 4, error);
    put64(out + 8, cookie);
    return VD_NBD_SIMPLE_REPLY_LEN;
}

size_t
vd_nbd_encode_chunk_header(uint8_t *out, uint16_t flags, uint16_t type,
                           uint64_t cookie, uint32_t payload_len)
{
    put32(out, VD_NBD_STRUCTURED_REPLY_MAGIC);
    put16(out + 4, flags);
    put16(out + 6, type);
    put64(out + 8, cookie);
    put32(out + 16, payload_len);
    return VD_NBD_CHUNK_HEADER_LEN;
}

size_t
vd_nbd_encode_offset_data(uint8_t *out, uint16_t flags, uint64_t cookie,
                          uint64_t offset, uint32_t data_len)
{
    vd_nbd_encode_chunk_header(out, flags, VD_NBD_REPLY_TYPE_OFFSET_DATA, cookie,
                               8 + data_len);
    put64(out + VD_NBD_CHUNK_HEADER_LEN, offset);
    return VD_NBD_OFFSET_DATA_HEADER_LEN;
}

size_t
vd_nbd_encode_error_chunk(uint8_t *out, uint16_t flags, uint64_t cookie,
                          uint32_t error)
{
    vd_nbd_encode_chunk_header(out, flags, VD_NBD_REPLY_TYPE_ERROR, cookie, 6);
    put32(out + VD_NBD_CHUNK_HEADER_LEN, error);
    put16(out + VD_NBD_CHUNK_HEADER_LEN + 4, 0);
    return VD_NBD_ERROR_CHUNK_LEN;
}

uint32_t
vd_nbd_error_from_errno(int neg_errno)
{
    switch (-neg_errno) {
    case 0:
        return 0;
    case EPERM:
    case EROFS:
        return VD_NBD_EPERM;
    case ENOMEM:
        return VD_NBD_ENOMEM;
    case ENOSPC:
    case EDQUOT:
    case EFBIG:
        return VD_NBD_ENOSPC;
    /*
     * The spec keeps NBD_EOVERFLOW for DF reads and NBD_ENOTSUP for
     * FAST_ZERO, neither of which vdisk advertises, so a layer's
     * EOVERFLOW or ENOTSUP is reported as the generic invalid request.
     */
    case EINVAL:
    case EOVERFLOW:
    case ENOTSUP:
        return VD_NBD_EINVAL;
    case ESHUTDOWN:
        return VD_NBD_ESHUTDOWN;
    default:
        return VD_NBD_EIO;
    }
}

const char *
vd_nbd_option_name(uint32_t option)
{
    switch (option) {
    case VD_NBD_OPT_EXPORT_NAME: return "EXPORT_NAME";
    case VD_NBD_OPT_ABORT: return "ABORT";
    case VD_NBD_OPT_LIST: return "LIST";
    case VD_NBD_OPT_STARTTLS: return "STARTTLS";
    case VD_NBD_OPT_INFO: return "INFO";
    case VD_NBD_OPT_GO: return "GO";
    case VD_NBD_OPT_STRUCTURED_REPLY: return "STRUCTURED_REPLY";
    case VD_NBD_OPT_LIST_META_CONTEXT: return "LIST_META_CONTEXT";
    case VD_NBD_OPT_SET_META_CONTEXT: return "SET_META_CONTEXT";
    default: return "unknown";
    }
}

const char *
vd_nbd_command_name(uint16_t type)
{
    switch (type) {
    case VD_NBD_CMD_READ: return "READ";
    case VD_NBD_CMD_WRITE: return "WRITE";
    case VD_NBD_CMD_DISC: return "DISC";
    case VD_NBD_CMD_FLUSH: return "FLUSH";
    case VD_NBD_CMD_TRIM: return "TRIM";
    case VD_NBD_CMD_CACHE: return "CACHE";
    case VD_NBD_CMD_WRITE_ZEROES: return "WRITE_ZEROES";
    case VD_NBD_CMD_BLOCK_STATUS: return "BLOCK_STATUS";
    default: return "unknown";
    }
}
