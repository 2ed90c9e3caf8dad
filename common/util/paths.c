/* The default places of vdiskd's files; see paths.h. */
#include "config.h"

#include <glib.h>

#include "common/util/paths.h"

char *
vd_default_state_dir(void)
{
#if GLIB_CHECK_VERSION(2, 72, 0)
    return g_build_filename(g_get_user_state_dir(), "vdisk", NULL);
#else
    /* What g_get_user_state_dir() does, for GLib before 2.72. */
    const char *xdg = g_getenv("XDG_STATE_HOME");

    if (xdg != NULL && g_path_is_absolute(xdg))
        return g_build_filename(xdg, "vdisk", NULL);
    return g_build_filename(g_get_home_dir(), ".local", "state", "vdisk",
                            NULL);
#endif
}

char *
vd_state_socket_path(const char *state_dir, bool read_only)
{
    return g_build_filename(state_dir, "run",
                            read_only ? "vdiskd-sock-ro" : "vdiskd-sock",
                            NULL);
}

char *
vd_default_socket_path(bool read_only)
{
    g_autofree char *state_dir = vd_default_state_dir();

    return vd_state_socket_path(state_dir, read_only);
}
