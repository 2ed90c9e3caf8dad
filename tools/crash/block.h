/*
 * Self-describing blocks: what the crash workload writes, so that any
 * sector read back after a crash says which write put it there.
 *
 * A block is 4 KiB at a 4 KiB-aligned guest offset; each of its 512-byte
 * sectors starts with a header {le32 magic, le32 sector index, le64
 * block offset, le64 generation, le64 checksum} followed by bytes that
 * depend only on (offset, generation, index). Generations come from one
 * counter for the whole workload, so a later write to a block always has
 * a larger one. A sector is identified by regenerating it: all zeroes is
 * generation 0 (never written), an exact match of some generation is
 * that write, anything else was put there by no write of this workload
 * at this offset (torn inside a sector, misdirected, or garbage).
 *
 * Pure functions; any thread.
 */
#ifndef VD_CRASH_BLOCK_H
#define VD_CRASH_BLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define VD_CRASH_BLOCK 4096u
#define VD_CRASH_SECTOR 512u
#define VD_CRASH_SECTORS (VD_CRASH_BLOCK / VD_CRASH_SECTOR)

/* vd_crash_sector_gen: the sector is no write's at this offset. */
#define VD_CRASH_FOREIGN (-1)

/* Fill @buf (VD_CRASH_BLOCK bytes) with generation @gen of @offset. */
void vd_crash_block_fill(uint8_t *buf, uint64_t offset, uint64_t gen);

/* Fill one sector (index @idx of the block at @offset). */
void vd_crash_sector_fill(uint8_t *sec, uint64_t offset, uint64_t gen,
                          unsigned idx);

/*
 * The generation sector @idx of the block at @offset holds: 0 when all
 * zeroes, the generation in its header when the sector is exactly that
 * generation's, else VD_CRASH_FOREIGN.
 */
int64_t vd_crash_sector_gen(const uint8_t *sec, uint64_t offset,
                            unsigned idx);

/*
 * Whether @sec looks like some workload sector (magic and checksum
 * right), whatever offset it belongs to; fills its header fields. For
 * reports ("holds offset X generation G": misdirected data), and for
 * telling data from a format's metadata in a log.
 */
bool vd_crash_sector_parse(const uint8_t *sec, uint64_t *offset,
                           uint64_t *gen, unsigned *idx);

#endif /* VD_CRASH_BLOCK_H */
