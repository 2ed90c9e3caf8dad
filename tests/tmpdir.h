/*
 * Temporary directories for tests: each test works in its own directory
 * and removes it, so tests never see each other's files. Strings are
 * owned by the caller.
 */
#ifndef VD_TESTS_TMPDIR_H
#define VD_TESTS_TMPDIR_H

#include <glib.h>

/* A new empty directory (mode 0700); aborts the test if it cannot. */
char *vd_test_tmpdir_new(void);

/* Remove @dir and everything below it; aborts the test if it cannot. */
void vd_test_tmpdir_remove(const char *dir);

/* The names in @dir, sorted; NULL-terminated, free with g_strfreev. */
char **vd_test_dir_names(const char *dir);

#endif /* VD_TESTS_TMPDIR_H */
