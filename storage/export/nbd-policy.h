/*
 * What an NBD export promises and what it refuses.
 *
 * Pure decisions, kept apart from the sockets so that each rule has a
 * unit test: the transmission flags a disk calls for, the block size
 * constraints, and the check of every transmission request against them
 * (which NBD error a bad request gets, following the spec's "Error
 * values" and "Block size constraints").
 */
#ifndef VD_EXPORT_NBD_POLICY_H
#define VD_EXPORT_NBD_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "storage/export/nbd-proto.h"

/*
 * The largest payload: the largest the spec says a client may always
 * send, and the largest buffer one request can make us allocate.
 */
#define VD_NBD_MAX_PAYLOAD     (32u * 1024 * 1024)

/*
 * A WRITE that is refused still has its payload on the wire; the server
 * reads and drops up to this many bytes so that the connection stays in
 * step. Above it the spec allows, and we take, a hard disconnect: twice
 * the maximum covers clients that overshoot it (libnbd's own ceiling is
 * 64 MiB), and no honest client sends more. Option data is bounded alike.
 */
#define VD_NBD_DISCARD_MAX     (2u * VD_NBD_MAX_PAYLOAD)

/* What the client is told about an export. */
typedef struct {
    const char *name;         /* canonical name; "" is accepted for it too */
    const char *description;  /* NULL: none */
    uint64_t size;
    uint16_t tflags;          /* vd_nbd_transmission_flags() */
    uint32_t block_min;       /* vd_nbd_block_limits() */
    uint32_t block_preferred;
    uint32_t block_max;
} VdNbdExportInfo;

/*
 * Transmission flags for a disk.
 *
 * SEND_FLUSH and SEND_FUA only when @write_cache: the guest sees a
 * volatile write cache (cache none, writeback, unsafe; DURABILITY.md;
 * vd_disk_has_write_cache). Without one (writethrough, directsync) every
 * write is durable when acknowledged, so there is nothing to flush and
 * the guest must not be told otherwise.
 *
 * READ_ONLY for read-only disks, which also lose SEND_TRIM and
 * SEND_WRITE_ZEROES (both write). SEND_TRIM also needs @can_discard:
 * with discard "ignore" a trim does nothing, and the client is better
 * off knowing. WRITE_ZEROES always works (the disk writes zeroes if it
 * cannot punch or allocate them).
 *
 * CAN_MULTI_CONN always: all connections to an export submit to the same
 * VdDisk, a single layer stack over one image, and vdisk keeps no
 * per-connection cache. A write acknowledged on one connection is in that
 * shared stack, so a later read on any connection sees it, and a flush
 * (fdatasync of the image) or a FUA write makes durable what every
 * connection had acknowledged, as the spec requires for this flag.
 */
uint16_t vd_nbd_transmission_flags(bool write_cache, bool read_only, bool can_discard);

/*
 * Block size constraints for NBD_INFO_BLOCK_SIZE from the disk's own,
 * made to fit the spec: minimum a power of two up to 64 KiB (else 1:
 * the disk does read-modify-write), preferred a power of two at least
 * max(minimum, 512), maximum at most VD_NBD_MAX_PAYLOAD and a multiple
 * of the minimum. A disk maximum of 0 means no limit of its own.
 */
void vd_nbd_block_limits(uint32_t disk_min, uint32_t disk_preferred, uint32_t disk_max,
                         VdNbdExportInfo *info);

/*
 * Check a request against the export @info describes. Returns 0 when it
 * may be submitted, else the NBD error for the reply:
 *   NBD_EINVAL  unknown command (CACHE and BLOCK_STATUS included: neither
 *               is offered), unknown flag or one the command does not
 *               take, FLUSH with an offset or length, READ or WRITE or
 *               WRITE_ZEROES over the maximum block size, offset or
 *               length not a multiple of the minimum block size, READ or
 *               TRIM past the end;
 *   NBD_EPERM   WRITE, TRIM or WRITE_ZEROES on a read-only export;
 *   NBD_ENOSPC  WRITE or WRITE_ZEROES past the end.
 * "Past the end" includes offset + length overflowing 64 bits. FUA is
 * accepted on every command (clients set it on reads too) and only means
 * something on writes. DISC always passes: the caller does not reply.
 */
uint32_t vd_nbd_check_request(const VdNbdRequest *req, const VdNbdExportInfo *info);

/* Whether the command carries @req->length bytes of payload after it. */
bool vd_nbd_request_has_payload(const VdNbdRequest *req);

#endif /* VD_EXPORT_NBD_POLICY_H */
