/*
 * Helpers for the QED tests: images made in a temporary directory with
 * vdisk's own creation code, or byte by byte, and read back through the
 * control-plane API (qed-image.h) on a plain fd.
 */
#ifndef VD_TESTS_STORAGE_QED_IMAGE_TEST_H
#define VD_TESTS_STORAGE_QED_IMAGE_TEST_H

#include <stdint.h>

#include "storage/layers/qed-create.h"
#include "storage/layers/qed-image.h"

/* Create a QED image at @path with @o; fails the test on error. */
void vd_test_qed_create(const char *path, const VdQedCreateOptions *o);

/* A QED image opened on @path with @flags; NULL with @err. The fd and io
 * are freed with vd_test_qed_close. */
VdQedImage *vd_test_qed_open(const char *path, unsigned flags, GError **err);
void vd_test_qed_close(VdQedImage *img);

/* Read and write little-endian u64 at @off of the file at @path. */
uint64_t vd_test_file_u64(const char *path, uint64_t off);
void vd_test_file_set_u64(const char *path, uint64_t off, uint64_t v);

/* Size of the file at @path; set its size (creating it if need be). */
uint64_t vd_test_file_size(const char *path);
void vd_test_file_resize(const char *path, uint64_t size);

/* Copy the file @from to @to (sparse holes are not kept). */
void vd_test_file_copy(const char *from, const char *to);

/* Whether the file at @path has NEED_CHECK set in its header. */
bool vd_test_qed_need_check(const char *path);

#endif /* VD_TESTS_STORAGE_QED_IMAGE_TEST_H */
