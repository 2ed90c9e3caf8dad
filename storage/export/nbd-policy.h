/*
 * What an NBD export promises and what it refuses.
 *
 * Pure decisions, kept apart from the sockets so that each rule has a
 * unit test: the transmission flags a disk's cache mode and read-only
 * setting call for, the block size constraints, and the check of every
 * transmission request against them (which NBD error a bad request gets,
 * following the spec's "Error values" and "Block size constraints").
 */
#ifndef VD_EXPORT_NBD_POLICY_H
#define VD_EXPORT_NBD_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "common/conf/disk-conf.h"
#include "storage/export/nbd-proto.h"

/*
 * Block size constraints, sent in NBD_INFO_BLOCK_SIZE to every client.
 * Minimum 1: the backend does read-modify-write for unaligned requests
 * even under O_DIRECT, so any byte range works. Maximum 32 MiB: the
 * largest payload the spec says a client may always send, and the
 * largest buffer one request can make us allocate.
 */
#define VD_NBD_BLOCK_MIN       1u
#define VD_NBD_BLOCK_PREFERRED 4096u
#define VD_NBD_MAX_PAYLOAD     (32u * 1024 * 1024)

/*
 * A WRITE that is refused still has its payload on the wire; the server
 * reads and drops up to this many bytes so that the connection stays in
 * step. Above it the spec allows, and we take, a hard disconnect: twice
 * the maximum covers clients that overshoot it (libnbd's own ceiling is
 * 64 MiB), and no honest client sends more.
 */
#define VD_NBD_DISCARD_MAX     (2u * VD_NBD_MAX_PAYLOAD)

/*
 * Transmission flags for a disk.
 *
 * SEND_FLUSH and SEND_FUA only where the guest sees a volatile write cache
 * (cache none, writeback, unsafe; DURABILITY.md). Where it does not
 * (writethrough, directsync) every write is durable when acknowledged, so
 * there is nothing to flush and the guest must not be told otherwise.
 * VD_CACHE_DEFAULT should have been resolved by the hypervisor driver; if
 * it was not, the export says "write cache": a guest that flushes is safe
 * whatever the host does, one that does not flush is only safe if the
 * host writes through.
 *
 * READ_ONLY for read-only disks, which also lose SEND_TRIM and
 * SEND_WRITE_ZEROES (both write).
 *
 * CAN_MULTI_CONN always: all connections to an export submit to the same
 * VdDisk, a single layer stack over one image, and vdisk keeps no
 * per-connection cache. A write acknowledged on one connection is in that
 * shared stack, so a later read on any connection sees it, and a flush
 * (fdatasync of the image) or a FUA write makes durable what every
 * connection had acknowledged, as the spec requires for this flag.
 */
uint16_t vd_nbd_transmission_flags(VdCacheMode cache, bool read_only);

/*
 * Check a request against an export of @size bytes with transmission
 * flags @tflags. Returns 0 when it may be submitted, else the NBD error
 * for the reply:
 *   NBD_EINVAL  unknown command (CACHE and BLOCK_STATUS included: neither
 *               is offered), unknown flag or one the command does not
 *               take, FLUSH with an offset or length, READ or WRITE or
 *               WRITE_ZEROES over VD_NBD_MAX_PAYLOAD, READ or TRIM past
 *               the end;
 *   NBD_EPERM   WRITE, TRIM or WRITE_ZEROES on a read-only export;
 *   NBD_ENOSPC  WRITE or WRITE_ZEROES past the end.
 * "Past the end" includes offset + length overflowing 64 bits. FUA is
 * accepted on every command (clients set it on reads too) and only means
 * something on writes. DISC always passes: the caller does not reply.
 */
uint32_t vd_nbd_check_request(const VdNbdRequest *req, uint64_t size,
                              uint16_t tflags);

/* Whether the command carries @req->length bytes of payload after it. */
bool vd_nbd_request_has_payload(const VdNbdRequest *req);

#endif /* VD_EXPORT_NBD_POLICY_H */
