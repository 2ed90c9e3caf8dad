/*
 * Whole-file reads and crash-safe whole-file writes.
 *
 * vd_file_write_atomic() gives the promise the state directory needs: after
 * a crash at any instant, the target holds either its old content or the
 * new content in full, never a mix or a truncated file. Errors are in the
 * G_FILE_ERROR domain and name the path and the system's reason.
 *
 * Any thread may call these; they share no state. Data returned is owned by
 * the caller (g_free).
 */
#ifndef VD_UTIL_FILE_H
#define VD_UTIL_FILE_H

#include <sys/types.h>

#include <glib.h>

/*
 * Replace the content of @path with @len bytes of @data. The new file is
 * created with @mode (less the umask). On success the new content and its
 * name are durable. On failure the temporary file is removed and @path
 * keeps its old content, except when only the final directory fsync
 * failed: then @path already holds the new content, but it may not
 * survive a crash.
 */
gboolean vd_file_write_atomic(const char *path, const void *data, size_t len,
                              mode_t mode, GError **error);

/*
 * Make the entries of directory @dir (creations, renames, removals) durable.
 */
gboolean vd_file_fsync_dir(const char *dir, GError **error);

/*
 * Read all of the regular file @path. Fails if it is larger than @max
 * bytes or is not a regular file (a FIFO would block the reader forever).
 * *@data gets a NUL-terminated copy (the NUL is not counted in *@len).
 */
gboolean vd_file_read_all(const char *path, size_t max, char **data,
                          size_t *len, GError **error);

/*
 * Whether @name (a file name, no directory) is a temporary file that
 * vd_file_write_atomic() creates. One that still exists was never renamed
 * into place: a crash interrupted the write, and it can be removed.
 */
gboolean vd_file_is_temp_name(const char *name);

#endif /* VD_UTIL_FILE_H */
