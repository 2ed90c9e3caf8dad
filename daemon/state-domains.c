/* Persistent domain definitions in the state directory. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "common/util/error.h"
#include "common/util/file.h"
#include "daemon/state-dir.h"

/*
 * DIR/domains/UUID.xml. The UUID is checked, which also keeps a caller's
 * string from naming a path outside the directory, and put in lower case
 * so that one domain has one file whatever case it was given in.
 */
static char *
domain_path(VdStateDir *sd, const char *uuid_str, GError **error)
{
    g_autofree char *lower = NULL;
    g_autofree char *name = NULL;

    if (uuid_str == NULL || !g_uuid_string_is_valid(uuid_str)) {
        g_set_error(error, VD_ERROR_CONF, VD_ERR_INVALID_ARG,
                    "invalid domain UUID '%s'",
                    uuid_str != NULL ? uuid_str : "(null)");
        return NULL;
    }
    lower = g_ascii_strdown(uuid_str, -1);
    name = g_strconcat(lower, ".xml", NULL);
    return g_build_filename(vd_state_dir_domains_dir(sd), name, NULL);
}

gboolean
vd_state_dir_save_domain(VdStateDir *sd, const char *uuid_str,
                         const char *xml, GError **error)
{
    g_autofree char *path = domain_path(sd, uuid_str, error);
    size_t len;

    g_return_val_if_fail(xml != NULL, FALSE);

    if (path == NULL)
        return FALSE;
    /* The loader would move such a file aside at the next start. */
    len = strlen(xml);
    if (len == 0 || len > VD_STATE_DOMAIN_MAX) {
        g_set_error(error, VD_ERROR_CONF, VD_ERR_INVALID_ARG,
                    "definition of domain %s is %zu bytes, it must be 1 to "
                    "%zu", uuid_str, len, VD_STATE_DOMAIN_MAX);
        return FALSE;
    }
    return vd_file_write_atomic(path, xml, len, 0600, error);
}

gboolean
vd_state_dir_remove_domain(VdStateDir *sd, const char *uuid_str,
                           GError **error)
{
    g_autofree char *path = domain_path(sd, uuid_str, error);

    if (path == NULL)
        return FALSE;
    if (g_unlink(path) < 0 && errno != ENOENT) {
        int errsv = errno;

        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errsv),
                    "cannot remove '%s': %s", path, g_strerror(errsv));
        return FALSE;
    }
    /*
     * The removal is a change to the directory: until the directory is on
     * disk, a crash can bring the definition back, and the domain with it.
     */
    return vd_file_fsync_dir(vd_state_dir_domains_dir(sd), error);
}

static gint
compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The names in @dir sorted by byte value, so that the order of loading
 * depends neither on the filesystem nor on the locale.
 */
static GPtrArray *
list_sorted(const char *dir, GError **error)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, error);
    GPtrArray *names;
    const char *name;

    if (d == NULL)
        return NULL;
    names = g_ptr_array_new_with_free_func(g_free);
    while ((name = g_dir_read_name(d)) != NULL)
        g_ptr_array_add(names, g_strdup(name));
    g_ptr_array_sort(names, compare_names);
    return names;
}

/*
 * A path in DIR/domains/corrupt for @name that nothing uses yet: the
 * name, when it was moved aside, and a counter if that is taken. Checking
 * then renaming is safe because the state directory lock keeps any other
 * daemon out; rename() itself would replace an existing file.
 */
static char *
corrupt_path(VdStateDir *sd, const char *name)
{
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    g_autofree char *stamp = g_date_time_format(now, "%Y%m%dT%H%M%S.%fZ");
    g_autofree char *base = g_strdup_printf("%s.%s", name, stamp);
    char *path = g_build_filename(vd_state_dir_corrupt_dir(sd), base, NULL);
    GStatBuf st;
    unsigned int n;

    for (n = 1; g_lstat(path, &st) == 0; n++) {
        g_free(path);
        path = g_strdup_printf("%s%s%s-%u", vd_state_dir_corrupt_dir(sd),
                               G_DIR_SEPARATOR_S, base, n);
    }
    return path;
}

/*
 * Not fsynced: if a crash undoes the move, the file is found unusable
 * again at the next start and moved then.
 */
static void
move_aside(VdStateDir *sd, const char *path, const char *name,
           const char *reason)
{
    g_autofree char *dest = corrupt_path(sd, name);

    if (rename(path, dest) < 0) {
        g_warning("unusable domain definition '%s' (%s), and it cannot be "
                  "moved to '%s': %s", path, reason, dest, g_strerror(errno));
        return;
    }
    g_warning("unusable domain definition '%s' (%s): moved to '%s'",
              path, reason, dest);
}

/* A temporary file was never renamed into place: it holds no definition. */
static void
remove_temp(const char *path)
{
    if (g_unlink(path) < 0) {
        g_warning("cannot remove '%s', left by an interrupted write: %s",
                  path, g_strerror(errno));
        return;
    }
    g_message("removed '%s', left by an interrupted write", path);
}

static void
load_one(VdStateDir *sd, const char *name, VdStateDomainFunc func,
         void *user_data)
{
    g_autofree char *path = g_build_filename(vd_state_dir_domains_dir(sd),
                                             name, NULL);
    g_autofree char *xml = NULL;
    g_autoptr(GError) err = NULL;
    size_t len = 0;

    if (!vd_file_read_all(path, VD_STATE_DOMAIN_MAX, &xml, &len, &err)) {
        move_aside(sd, path, name, err->message);
        return;
    }
    /*
     * What a crash can leave of a file that some other tool wrote without
     * an fsync before its rename: never a definition.
     */
    if (len == 0) {
        move_aside(sd, path, name, "empty file");
        return;
    }
    if (!func(path, xml, len, user_data, &err))
        move_aside(sd, path, name,
                   err != NULL ? err->message : "refused without a reason");
}

gboolean
vd_state_dir_load_domains(VdStateDir *sd, VdStateDomainFunc func,
                          void *user_data, GError **error)
{
    const char *dir = vd_state_dir_domains_dir(sd);
    g_autoptr(GPtrArray) names = list_sorted(dir, error);
    guint i;

    g_return_val_if_fail(func != NULL, FALSE);

    if (names == NULL)
        return FALSE;
    for (i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);

        if (vd_file_is_temp_name(name)) {
            g_autofree char *path = g_build_filename(dir, name, NULL);

            remove_temp(path);
        } else if (g_str_has_suffix(name, ".xml")) {
            load_one(sd, name, func, user_data);
        }
    }
    return TRUE;
}
