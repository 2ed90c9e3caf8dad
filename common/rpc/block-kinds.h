/*
 * The kinds of block request, as vdisk's extended block statistics
 * (VD_VPROC_DOMAIN_BLOCK_STATS_EXT) carry them: one block of counters per
 * kind, in this order, with no count on the wire.
 *
 * The daemon counts by storage/request.h's VdReqType; daemon/handlers-
 * vdisk.c asserts at compile time that the two agree, so that clients
 * can read the reply without linking the storage code. Adding a kind to
 * VdReqType changes the reply's layout: it needs a new procedure, or
 * every older client misreads the reply.
 */
#ifndef VD_RPC_BLOCK_KINDS_H
#define VD_RPC_BLOCK_KINDS_H

typedef enum {
    VD_BLOCK_KIND_READ,
    VD_BLOCK_KIND_WRITE,
    VD_BLOCK_KIND_FLUSH,
    VD_BLOCK_KIND_DISCARD,
    VD_BLOCK_KIND_WRITE_ZEROES,
    VD_BLOCK_KIND_COUNT
} VdBlockKind;

/* "read", "write", "flush", "discard", "write_zeroes"; NULL out of range.
 * Scripts see these names as JSON keys: never rename one. */
const char *vd_block_kind_name(int kind);

#endif /* VD_RPC_BLOCK_KINDS_H */
