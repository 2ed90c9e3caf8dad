/* NBD export policy; see nbd-policy.h for the rules and their reasons. */
#include "config.h"

#include "storage/export/nbd-policy.h"

uint16_t
vd_nbd_transmission_flags(VdCacheMode cache, bool read_only)
{
    uint16_t f = VD_NBD_FLAG_HAS_FLAGS | VD_NBD_FLAG_CAN_MULTI_CONN;

    switch (cache) {
    case VD_CACHE_WRITETHROUGH:
    case VD_CACHE_DIRECTSYNC:
        break;
    case VD_CACHE_DEFAULT:
    case VD_CACHE_NONE:
    case VD_CACHE_WRITEBACK:
    case VD_CACHE_UNSAFE:
        f |= VD_NBD_FLAG_SEND_FLUSH | VD_NBD_FLAG_SEND_FUA;
        break;
    }
    if (read_only)
        f |= VD_NBD_FLAG_READ_ONLY;
    else
        f |= VD_NBD_FLAG_SEND_TRIM | VD_NBD_FLAG_SEND_WRITE_ZEROES;
    return f;
}

/* The flags each command may carry; FUA is valid on all of them. */
static uint16_t
allowed_flags(uint16_t type)
{
    if (type == VD_NBD_CMD_WRITE_ZEROES)
        return VD_NBD_CMD_FLAG_FUA | VD_NBD_CMD_FLAG_NO_HOLE;
    return VD_NBD_CMD_FLAG_FUA;
}

static bool
is_write(uint16_t type)
{
    return type == VD_NBD_CMD_WRITE || type == VD_NBD_CMD_TRIM ||
           type == VD_NBD_CMD_WRITE_ZEROES;
}

/* Subtraction instead of offset + length: the sum can wrap around. */
static bool
in_range(uint64_t offset, uint32_t length, uint64_t size)
{
    return length <= size && offset <= size - length;
}

uint32_t
vd_nbd_check_request(const VdNbdRequest *req, uint64_t size, uint16_t tflags)
{
    switch (req->type) {
    case VD_NBD_CMD_READ:
    case VD_NBD_CMD_WRITE:
    case VD_NBD_CMD_DISC:
    case VD_NBD_CMD_FLUSH:
    case VD_NBD_CMD_TRIM:
    case VD_NBD_CMD_WRITE_ZEROES:
        break;
    default:
        return VD_NBD_EINVAL;
    }
    if (req->type == VD_NBD_CMD_DISC)
        return 0;
    if (req->flags & ~allowed_flags(req->type))
        return VD_NBD_EINVAL;
    if (req->type == VD_NBD_CMD_FLUSH)
        return req->offset == 0 && req->length == 0 ? 0 : VD_NBD_EINVAL;
    if (is_write(req->type) && (tflags & VD_NBD_FLAG_READ_ONLY))
        return VD_NBD_EPERM;
    /* TRIM has no maximum in the spec: it carries no payload and is a hint. */
    if (req->type != VD_NBD_CMD_TRIM && req->length > VD_NBD_MAX_PAYLOAD)
        return VD_NBD_EINVAL;
    if (!in_range(req->offset, req->length, size)) {
        if (req->type == VD_NBD_CMD_WRITE || req->type == VD_NBD_CMD_WRITE_ZEROES)
            return VD_NBD_ENOSPC;
        return VD_NBD_EINVAL;
    }
    return 0;
}

bool
vd_nbd_request_has_payload(const VdNbdRequest *req)
{
    return req->type == VD_NBD_CMD_WRITE;
}
