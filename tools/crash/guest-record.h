/*
 * The crash workload's record: what the guest asked for and what it was
 * told, so that the explorer knows which writes the durability contract
 * makes durable at any instant.
 *
 * One line per request, in submission order:
 *   W OFFSET GEN FUA SUB_SEQ SUB_NS ACK_SEQ ACK_NS RET
 *   F SUB_SEQ SUB_NS ACK_SEQ ACK_NS RET
 * SUB_SEQ and ACK_SEQ number the guest's events (each submission and each
 * answer) in the order they happened: "acknowledged before the flush was
 * sent" is ACK_SEQ(write) < SUB_SEQ(flush). ACK_SEQ 0 means no answer came
 * (the connection died first). The _NS times are CLOCK_MONOTONIC, taken
 * before sending and after the answer arrived, so they compare with the
 * write log's times (storage/layers/logwrites.h). RET is 0 or -errno.
 * A header gives the format version, the export's size, the seed and
 * whether the export offered flush and FUA.
 *
 * Control side; one thread.
 */
#ifndef VD_CRASH_GUEST_RECORD_H
#define VD_CRASH_GUEST_RECORD_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

typedef struct {
    bool is_flush;
    bool fua;
    uint64_t offset;       /* writes: a whole block (block.h) */
    uint64_t gen;
    uint64_t sub_seq;
    uint64_t sub_ns;
    uint64_t ack_seq;      /* 0: never answered */
    uint64_t ack_ns;
    int ret;
} VdGuestOp;

typedef struct {
    uint64_t size;
    uint64_t seed;
    bool can_flush;
    bool can_fua;
    GArray *ops;           /* VdGuestOp, in submission order */
} VdGuestRecord;

VdGuestRecord *vd_guest_record_new(void);
void vd_guest_record_free(VdGuestRecord *rec);

/* Whether @op was answered with success. */
static inline bool
vd_guest_op_acked(const VdGuestOp *op)
{
    return op->ack_seq != 0 && op->ret == 0;
}

/* Write @rec to @path (through a temporary file and a rename). */
gboolean vd_guest_record_save(const VdGuestRecord *rec, const char *path,
                              GError **err);

/* Read a record; fails with the line number of what it cannot parse. */
VdGuestRecord *vd_guest_record_load(const char *path, GError **err);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(VdGuestRecord, vd_guest_record_free)

#endif /* VD_CRASH_GUEST_RECORD_H */
