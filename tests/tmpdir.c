/* Temporary directories for tests. */
#include "config.h"

#include <ftw.h>
#include <stdio.h>
#include <string.h>

#include <check.h>
#include <glib/gstdio.h>

#include "tests/tmpdir.h"

char *
vd_test_tmpdir_new(void)
{
    g_autoptr(GError) err = NULL;
    char *dir = g_dir_make_tmp("vdisk-test-XXXXXX", &err);

    ck_assert_msg(dir != NULL, "g_dir_make_tmp: %s", err ? err->message : "");
    return dir;
}

static int
remove_entry(const char *path, const struct stat *st, int type,
             struct FTW *ftw)
{
    return remove(path);
}

void
vd_test_tmpdir_remove(const char *dir)
{
    /* FTW_DEPTH: a directory is visited after its entries, once empty. */
    int rc = nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);

    ck_assert_msg(rc == 0, "cannot remove %s", dir);
}

static gint
compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **
vd_test_dir_names(const char *dir)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GDir) d = g_dir_open(dir, 0, &err);
    GPtrArray *names = g_ptr_array_new();
    const char *name;

    ck_assert_msg(d != NULL, "g_dir_open: %s", err ? err->message : "");
    while ((name = g_dir_read_name(d)) != NULL)
        g_ptr_array_add(names, g_strdup(name));
    g_ptr_array_sort(names, compare_names);
    g_ptr_array_add(names, NULL);
    return (char **)g_ptr_array_free(names, FALSE);
}
