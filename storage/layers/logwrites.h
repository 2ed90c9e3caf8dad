/*
 * The dm-log-writes log format: writing it and reading it back.
 *
 * The format is the kernel's (drivers/md/dm-log-writes.c) and QEMU's
 * blklogwrites', so that replay-log from xfstests reads what vdisk
 * records. All numbers are little-endian:
 *
 *   sector 0           superblock {le64 magic, le64 version, le64
 *                      nr_entries, le32 sectorsize}, zero-padded
 *   then, per entry    one sector: {le64 sector, le64 nr_sectors,
 *                      le64 flags, le64 data_len} and, for a mark, its
 *                      name (data_len bytes) after the header; zero-padded
 *                      then nr_sectors sectors of data, unless DISCARD
 *
 * sector and nr_sectors count in units of sectorsize. Writes carry
 * data_len 0 (their data length is nr_sectors * sectorsize), as the
 * kernel writes them. nr_entries in the superblock counts the entries a
 * reader may trust; entries past it are ignored (a log whose writer was
 * killed ends at the last superblock update).
 *
 * vdisk adds a sidecar, LOG.times, that the format has no room for: per
 * entry, in the same order, when the request was submitted to the storage
 * and when the entry was logged (the instant it became durable: a flush or
 * FUA completion; at the end of the log for writes never flushed), in
 * CLOCK_MONOTONIC nanoseconds. That clock is shared by every process on
 * the host, so a guest's acknowledgement times can be compared with them.
 * Layout: "VDLWTIME", le32 version 1, le32 clock id (CLOCK_MONOTONIC),
 * then {le64 t_submit, le64 t_logged} per entry.
 *
 * Writer and reader belong to one thread each; they allocate (they are
 * for tests and tools, not the data path).
 */
#ifndef VD_STORAGE_LAYERS_LOGWRITES_H
#define VD_STORAGE_LAYERS_LOGWRITES_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

#define VD_LOGWRITES_MAGIC 0x6a736677736872ULL
#define VD_LOGWRITES_VERSION 1

enum {
    VD_LOGWRITES_FLUSH = 1u << 0,
    VD_LOGWRITES_FUA = 1u << 1,
    VD_LOGWRITES_DISCARD = 1u << 2,
    VD_LOGWRITES_MARK = 1u << 3,
    VD_LOGWRITES_METADATA = 1u << 4,
};

/* The mark the kernel ends every log with. */
#define VD_LOGWRITES_END_MARK "dm-log-writes-end"

/* Bytes of the on-disk entry header, and the longest mark name. */
#define VD_LOGWRITES_ENTRY_HEADER 32u
#define VD_LOGWRITES_SUPER_SIZE 28u

typedef struct {
    uint64_t sector;       /* in units of the log's sectorsize */
    uint64_t nr_sectors;
    uint64_t flags;        /* VD_LOGWRITES_* */
    uint64_t data_len;     /* marks: name length; otherwise 0 */
    uint64_t t_submit;     /* from the sidecar (0 without one) */
    uint64_t t_logged;
    const uint8_t *data;   /* nr_sectors * sectorsize bytes, or the mark's
                            * name; NULL for flushes and discards */
} VdLogEntry;

/* ---- writing ---- */

typedef struct VdLogWriter VdLogWriter;

/*
 * Create (truncating) the log at @path and its sidecar @path.times, with
 * a superblock of 0 entries. @sectorsize: a power of two from 512.
 */
VdLogWriter *vd_logwriter_new(const char *path, uint32_t sectorsize,
                              GError **err);

uint64_t vd_logwriter_n_entries(const VdLogWriter *w);

/*
 * Append one entry: @e's sector, nr_sectors, flags and times, with
 * nr_sectors * sectorsize bytes of @e->data unless it is a flush or a
 * discard. Returns 0 or -errno (the log is then unusable).
 */
int vd_logwriter_append(VdLogWriter *w, const VdLogEntry *e);

/* Append a mark named @name (at most sectorsize - 32 bytes). */
int vd_logwriter_mark(VdLogWriter *w, const char *name, uint64_t t);

/* Write the superblock with the current entry count. */
int vd_logwriter_sync_super(VdLogWriter *w);

/* Sync the superblock, close both files, free @w; 0 or -errno. */
int vd_logwriter_close(VdLogWriter *w);

/* ---- reading ---- */

typedef struct VdLogReader VdLogReader;

/*
 * Open the log at @path, with its sidecar if there is one (entries then
 * have times; vd_logreader_has_times says so). The log is mapped, so
 * entries' data stay valid until vd_logreader_free. Fails on a bad magic,
 * version or sectorsize, or an entry running past the end of the file.
 */
VdLogReader *vd_logreader_open(const char *path, GError **err);

void vd_logreader_free(VdLogReader *r);

uint32_t vd_logreader_sectorsize(const VdLogReader *r);
uint64_t vd_logreader_n_entries(const VdLogReader *r);
bool vd_logreader_has_times(const VdLogReader *r);

/* Entry @i (< n_entries); owned by the reader. */
const VdLogEntry *vd_logreader_entry(const VdLogReader *r, uint64_t i);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(VdLogReader, vd_logreader_free)

#endif /* VD_STORAGE_LAYERS_LOGWRITES_H */
