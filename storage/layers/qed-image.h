/*
 * A QED image on the control plane: open it (header, L1 table, and the
 * recovery that an image not closed cleanly needs), check and repair it,
 * and mark it clean. All I/O is blocking and goes through a VdQedIo, so
 * the same code serves the format layer's open and close, the vdisk
 * image-* commands, the fuzzer and the crash-state explorer (which opens
 * images it put together itself): nothing here knows about I/O threads,
 * engines or the daemon.
 *
 * Recovery (vd_qed_image_open on a writable image with NEED_CHECK set):
 * when the image carries a valid dirty table log (qed-log.c) only the L2
 * tables it names are checked; otherwise, for instance after QEMU wrote
 * the image, the whole image is (qed-check.c). Either way recovery only
 * repairs what a crash can leave behind (mappings past the end of the
 * file, clusters appended but never mapped); anything else is corruption
 * that a crash cannot explain, and the open fails saying what is wrong,
 * until `vdisk image-check --repair` has been run.
 *
 * Not thread-safe: one thread at a time per image.
 */
#ifndef VD_STORAGE_LAYERS_QED_IMAGE_H
#define VD_STORAGE_LAYERS_QED_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "storage/layers/qed-format.h"

/*
 * Blocking I/O on the image file. Each returns 0 or -errno; any offset,
 * length and buffer alignment; reads past the end of the file give
 * zeroes. advise is optional (NULL): it only makes the full check faster.
 */
typedef struct VdQedIo VdQedIo;
struct VdQedIo {
    int (*pread)(VdQedIo *io, void *buf, size_t len, uint64_t off);
    int (*pwrite)(VdQedIo *io, const void *buf, size_t len, uint64_t off);
    int (*flush)(VdQedIo *io);
    int (*truncate)(VdQedIo *io, uint64_t size);
    int64_t (*size)(VdQedIo *io);              /* bytes, or -errno */
    /* [off, off + len) will be read soon. */
    void (*advise)(VdQedIo *io, uint64_t off, uint64_t len);
};

/* A VdQedIo on @fd, which stays the caller's. Free with g_free. */
VdQedIo *vd_qed_io_fd_new(int fd);

/*
 * The same on an fd opened with O_DIRECT, whose I/O must be aligned to
 * @align bytes (offsets, lengths, buffers): unaligned requests go through
 * a bounce buffer, writes as read-modify-write.
 */
VdQedIo *vd_qed_io_fd_new_aligned(int fd, uint32_t align);

/* What a check found, and for a repair what it fixed (qemu-img's terms). */
typedef struct {
    uint64_t corruptions;        /* found (a fixed one counts here too) */
    uint64_t corruptions_fixed;
    uint64_t leaks;              /* clusters in the file nothing maps */
    uint64_t leaks_fixed;        /* given back by truncating the file */
    uint64_t check_errors;       /* I/O errors while checking */
    uint64_t total_clusters;     /* of the guest's size */
    uint64_t allocated_clusters;
    uint64_t fragmented_clusters;
    uint64_t image_end;          /* the file's size, after any repair */
    bool leaks_counted;          /* false after a log recovery */
    /* The first problems, in words ("L2 table 3 entry 17: ..."). */
    GPtrArray *problems;         /* char *, at most VD_QED_MAX_PROBLEMS */
} VdQedCheckResult;

#define VD_QED_MAX_PROBLEMS 20

void vd_qed_check_result_clear(VdQedCheckResult *r);

/* How open recovered an image whose NEED_CHECK bit was set. */
typedef enum {
    VD_QED_RECOVERY_NONE,        /* clean, read-only, or not asked to */
    VD_QED_RECOVERY_LOG,         /* the tables of the dirty log only */
    VD_QED_RECOVERY_FULL,        /* every table */
} VdQedRecoveryKind;

typedef struct {
    VdQedRecoveryKind kind;
    uint32_t tables_checked;
    char *log_unused_why;        /* FULL: why the log could not be used */
    VdQedCheckResult result;
} VdQedRecovery;

typedef struct {
    VdQedIo *io;                 /* borrowed */
    VdQedHeader hdr;
    VdQedGeom g;
    bool read_only;

    /* The first 4 KiB of the file as read: the header is rewritten in
     * place from it, so that what follows the 64 header bytes (the
     * backing file name, data of features we do not know) is kept. */
    uint8_t *head;
    uint64_t *l1;                /* g.table_bytes, on-disk byte order */
    uint64_t file_size;          /* bytes */
    char *backing_name;          /* NULL: no backing file */

    /* Dirty table log (qed-log.c): its offset, 0 when this image has no
     * room for it; the highest sequence number found. */
    uint64_t log_offset;
    uint64_t log_seq;

    VdQedRecovery recovery;
} VdQedImage;

enum {
    VD_QED_OPEN_READ_ONLY = 1u << 0,  /* never write; no recovery */
    /* Leave NEED_CHECK and the L1 table's validity to the caller (who
     * runs the check: image-check). */
    VD_QED_OPEN_NO_RECOVER = 1u << 1,
    VD_QED_OPEN_NO_LOG = 1u << 2,     /* recover with the full check */
};

/*
 * Open the image on @io: read and check the header and the L1 table and,
 * unless read-only or NO_RECOVER, recover it if it needs it (see above).
 * NULL with @err saying what is wrong.
 */
VdQedImage *vd_qed_image_open(VdQedIo *io, unsigned flags, GError **err);

void vd_qed_image_free(VdQedImage *img);

/*
 * Where a backing file named name in image lives: as given when
 * absolute, else relative to the image's own directory, never to the
 * process's working directory (newly allocated).
 */
char *vd_qed_backing_path(const char *image, const char *name);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VdQedImage, vd_qed_image_free)

/*
 * Check the whole image, reading its tables in file order. With @repair,
 * also fix what can be fixed: clear mappings that point outside the file
 * or into metadata, give a cluster mapped twice a copy of its own, and
 * truncate unmapped clusters from the end of the file; then, if nothing
 * is left broken, clear NEED_CHECK. Returns 0, or -errno when the check
 * could not run (result->check_errors counts I/O errors on the way).
 */
int vd_qed_check(VdQedImage *img, bool repair, VdQedCheckResult *res);

/* As vd_qed_check, repairing only what a crash can leave (see above). */
int vd_qed_check_after_crash(VdQedImage *img, VdQedCheckResult *res);

/*
 * Write the header from img->hdr, in place (the first 4 KiB, rewritten
 * from img->head). No flush. 0 or -errno.
 */
int vd_qed_image_write_header(VdQedImage *img);

/*
 * Mark a consistent image clean: flush, cut the file to @file_end (the end
 * of the last cluster in use; 0 keeps its size), clear NEED_CHECK and the
 * dirty log bit, write the header, flush. What a clean close does once
 * every table is written. 0 or -errno.
 */
int vd_qed_image_mark_clean(VdQedImage *img, uint64_t file_end);

/* Check an L1 table already in memory (entries, overlaps); used by open
 * and by the checks. false with @err describing the first bad entry. */
bool vd_qed_l1_validate(const VdQedImage *img, GError **err);

/* The dirty table log: recover from it (qed-log.c). 1 if it did, 0 when
 * the log cannot be used (why in *why_not), -errno on I/O error. */
int vd_qed_log_recover(VdQedImage *img, char **why_not);

#endif /* VD_STORAGE_LAYERS_QED_IMAGE_H */
