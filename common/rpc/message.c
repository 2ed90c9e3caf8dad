/* Framing of RPC messages; see message.h. */
#include "config.h"

#include "common/rpc/message.h"

uint32_t
vd_rpc_frame_length(const uint8_t word[VD_RPC_LEN_SIZE])
{
    uint32_t len = (uint32_t)word[0] << 24 | (uint32_t)word[1] << 16 |
                   (uint32_t)word[2] << 8 | (uint32_t)word[3];

    if (len < VD_RPC_LEN_SIZE + VD_RPC_HEADER_SIZE ||
        len - VD_RPC_LEN_SIZE > VD_RPC_MESSAGE_MAX)
        return 0;
    return len;
}

bool
vd_rpc_header_decode(VdXdrReader *r, VdRpcHeader *hdr)
{
    hdr->prog = vd_xdr_get_u32(r);
    hdr->vers = vd_xdr_get_u32(r);
    hdr->proc = vd_xdr_get_i32(r);
    hdr->type = vd_xdr_get_i32(r);
    hdr->serial = vd_xdr_get_u32(r);
    hdr->status = vd_xdr_get_i32(r);
    return vd_xdr_reader_ok(r);
}

GByteArray *
vd_rpc_message_new(const VdRpcHeader *hdr)
{
    GByteArray *msg = g_byte_array_sized_new(256);

    vd_xdr_put_u32(msg, 0);
    vd_xdr_put_u32(msg, hdr->prog);
    vd_xdr_put_u32(msg, hdr->vers);
    vd_xdr_put_i32(msg, hdr->proc);
    vd_xdr_put_i32(msg, hdr->type);
    vd_xdr_put_u32(msg, hdr->serial);
    vd_xdr_put_i32(msg, hdr->status);
    return msg;
}

bool
vd_rpc_message_seal(GByteArray *msg)
{
    uint32_t len = msg->len;

    if (msg->len - VD_RPC_LEN_SIZE > VD_RPC_MESSAGE_MAX)
        return false;
    msg->data[0] = len >> 24;
    msg->data[1] = len >> 16;
    msg->data[2] = len >> 8;
    msg->data[3] = len;
    return true;
}
