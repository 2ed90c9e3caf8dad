/*
 * The dirty table log: which L2 tables may be inconsistent after a crash,
 * so that recovery reads those and not the whole image.
 *
 * It lives in the last 8 KiB of the header clusters, as two 4 KiB slots
 * written alternately (the one with the higher sequence number and a
 * good checksum wins, so a write torn by a crash leaves the previous slot
 * in force). Each slot holds a bitmap over the L1 table (a bit per L1
 * entry, or per group of entries on images with more than 32256 of them)
 * and a cursor: every table not named maps only clusters below it.
 * The autoclear bit VD_QED_AC_DIRTY_LOG says the log is to be trusted;
 * QEMU does not know the bit and clears it when it opens the image for
 * writing, after which recovery is the full check again.
 *
 * The writer's rule (qed-writeback.c): a table is named in a durable slot
 * before any write to it reaches the disk, and stays named until a flush
 * has made its writes durable.
 */
#ifndef VD_STORAGE_LAYERS_QED_LOG_H
#define VD_STORAGE_LAYERS_QED_LOG_H

#include <stdbool.h>
#include <stdint.h>

#include "storage/layers/qed-format.h"

#define VD_QED_LOG_SLOT 4096u
#define VD_QED_LOG_HEAD 64u
#define VD_QED_LOG_BITMAP (VD_QED_LOG_SLOT - VD_QED_LOG_HEAD)
#define VD_QED_LOG_BITS (VD_QED_LOG_BITMAP * 8u)

typedef struct {
    uint64_t seq;
    uint64_t cursor;
    uint32_t gran;                      /* L1 entries per bit */
    uint8_t bits[VD_QED_LOG_BITMAP];
} VdQedLog;

/* L1 entries per bit for geometry @g. */
static inline uint32_t
vd_qed_log_gran(const VdQedGeom *g)
{
    return (g->entries + VD_QED_LOG_BITS - 1) / VD_QED_LOG_BITS;
}

static inline bool
vd_qed_log_test(const VdQedLog *log, uint32_t l1_index)
{
    uint32_t b = l1_index / log->gran;

    return log->bits[b / 8] & (1u << (b % 8));
}

/* The slot a log with sequence number @seq goes to. */
static inline uint64_t
vd_qed_log_slot_offset(uint64_t log_offset, uint64_t seq)
{
    return log_offset + (seq % 2) * VD_QED_LOG_SLOT;
}

/* Encode @log into a 4 KiB @slot, with its checksum. */
void vd_qed_log_encode(const VdQedLog *log, void *slot);

/* Decode a slot; false when it is not a valid log for geometry @g. */
bool vd_qed_log_decode(const void *slot, const VdQedGeom *g, VdQedLog *log);

#endif /* VD_STORAGE_LAYERS_QED_LOG_H */
