/* NBD export policy; see nbd-policy.h for the rules and their reasons. */
#include "config.h"

#include "storage/export/nbd-policy.h"

uint16_t
vd_nbd_transmission_flags(bool write_cache, bool read_only, bool can_discard)
{
    uint16_t f = VD_NBD_FLAG_HAS_FLAGS | VD_NBD_FLAG_CAN_MULTI_CONN;

    if (write_cache)
        f |= VD_NBD_FLAG_SEND_FLUSH | VD_NBD_FLAG_SEND_FUA;
    if (read_only)
        return f | VD_NBD_FLAG_READ_ONLY;
    f |= VD_NBD_FLAG_SEND_WRITE_ZEROES;
    if (can_discard)
        f |= VD_NBD_FLAG_SEND_TRIM;
    return f;
}

static bool
is_pow2(uint32_t v)
{
    return v != 0 && (v & (v - 1)) == 0;
}

void
vd_nbd_block_limits(uint32_t disk_min, uint32_t disk_preferred, uint32_t disk_max,
                    VdNbdExportInfo *info)
{
    uint32_t min = is_pow2(disk_min) && disk_min <= 65536 ? disk_min : 1;
    uint32_t pref = is_pow2(disk_preferred) ? disk_preferred : 4096;
    uint32_t max = disk_max == 0 || disk_max > VD_NBD_MAX_PAYLOAD ? VD_NBD_MAX_PAYLOAD
                                                                  : disk_max;

    if (pref < min)
        pref = min;
    if (pref < 512)
        pref = 512;
    max -= max % min;
    /* The spec wants the maximum to be at least the preferred size. */
    if (max < pref)
        max = pref;
    info->block_min = min;
    info->block_preferred = pref;
    info->block_max = max;
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
vd_nbd_check_request(const VdNbdRequest *req, const VdNbdExportInfo *info)
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
    if (is_write(req->type) && (info->tflags & VD_NBD_FLAG_READ_ONLY))
        return VD_NBD_EPERM;
    /* TRIM has no maximum in the spec: it carries no payload and is a hint. */
    if (req->type != VD_NBD_CMD_TRIM && req->length > info->block_max)
        return VD_NBD_EINVAL;
    if (req->offset % info->block_min != 0 || req->length % info->block_min != 0)
        return VD_NBD_EINVAL;
    if (!in_range(req->offset, req->length, info->size)) {
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
