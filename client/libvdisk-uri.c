/*
 * Connection URIs, as virsh writes them for a daemon on a unix socket.
 *
 * virsh reaches a custom daemon with "DRIVER+unix:///PATH?socket=SOCKET"
 * and sends "DRIVER:///PATH" to it in CONNECT_OPEN; accepting the same
 * URIs lets one URI serve vdisk, virsh and python-libvirt alike. Every
 * other transport (tcp, tls, ssh) would need authentication and
 * encryption that vdiskd does not offer, so those are refused by name
 * rather than misread.
 */
#include "config.h"

#include <string.h>

#include "client/libvdisk-private.h"
#include "common/util/paths.h"

#define DEFAULT_DRIVER "vdisk"
#define DEFAULT_NAME "vdisk:///system"
#define ACCEPTED "use vdisk:///system, or DRIVER+unix:///PATH?socket=SOCKET"

static void
set_uri_error(GError **error, const char *uri, const char *why)
{
    g_set_error(error, vd_error_quark(VD_FROM_REMOTE), VD_ERR_INVALID_ARG,
                "unsupported connection URI '%s': %s; " ACCEPTED, uri, why);
}

void
vd_uri_target_clear(VdUriTarget *target)
{
    g_clear_pointer(&target->socket_path, g_free);
    g_clear_pointer(&target->name, g_free);
}

/* The socket= parameter into *socket_path; any other parameter is an
 * error, since silently ignoring it would connect somewhere unexpected. */
static bool
parse_query(const char *uri, const char *query, char **socket_path,
            GError **error)
{
    GUriParamsIter iter;
    g_autoptr(GError) local = NULL;
    char *attr;
    char *value;

    *socket_path = NULL;
    if (query == NULL)
        return true;
    g_uri_params_iter_init(&iter, query, -1, "&", G_URI_PARAMS_NONE);
    while (g_uri_params_iter_next(&iter, &attr, &value, &local)) {
        g_autofree char *a = attr;
        g_autofree char *v = value;

        if (strcmp(a, "socket") != 0) {
            g_autofree char *why = g_strdup_printf("unknown parameter '%s'", a);
            set_uri_error(error, uri, why);
            return false;
        }
        if (*socket_path != NULL) {
            set_uri_error(error, uri, "socket= is given twice");
            return false;
        }
        if (!g_path_is_absolute(v)) {
            set_uri_error(error, uri, "the socket path must be absolute");
            return false;
        }
        *socket_path = g_steal_pointer(&v);
    }
    if (local != NULL) {
        set_uri_error(error, uri, local->message);
        return false;
    }
    return true;
}

/* Splits "DRIVER[+TRANSPORT]" and checks both halves. The driver is never
 * empty: GUri only parses schemes that start with a letter. */
static char *
parse_scheme(const char *uri, const char *scheme, GError **error)
{
    const char *plus = strchr(scheme, '+');
    g_autofree char *driver = plus ? g_strndup(scheme, plus - scheme)
                                   : g_strdup(scheme);

    if (plus != NULL && strcmp(plus + 1, "unix") != 0) {
        g_autofree char *why = g_strdup_printf(
            "transport '%s' is not supported, only unix", plus + 1);
        set_uri_error(error, uri, why);
        return NULL;
    }
    /* Without a transport, libvirt would open its own local driver: only
     * vdisk's own name means vdiskd then. */
    if (plus == NULL && strcmp(driver, DEFAULT_DRIVER) != 0) {
        set_uri_error(error, uri, "a driver other than vdisk needs +unix");
        return NULL;
    }
    return g_steal_pointer(&driver);
}

bool
vd_uri_resolve(const char *uri, bool read_only, VdUriTarget *target,
               GError **error)
{
    g_autoptr(GUri) parsed = NULL;
    g_autoptr(GError) local = NULL;
    g_autofree char *driver = NULL;
    g_autofree char *socket_path = NULL;
    const char *host;
    const char *path;

    memset(target, 0, sizeof(*target));
    if (uri == NULL) {
        target->socket_path = vd_default_socket_path(read_only);
        target->name = g_strdup(DEFAULT_NAME);
        return true;
    }

    parsed = g_uri_parse(uri, G_URI_FLAGS_ENCODED_QUERY, &local);
    if (parsed == NULL) {
        set_uri_error(error, uri, local->message);
        return false;
    }
    driver = parse_scheme(uri, g_uri_get_scheme(parsed), error);
    if (driver == NULL)
        return false;

    host = g_uri_get_host(parsed);
    if ((host != NULL && *host != '\0') || g_uri_get_userinfo(parsed) != NULL ||
        g_uri_get_port(parsed) != -1) {
        set_uri_error(error, uri, "a unix socket URI names no host");
        return false;
    }
    path = g_uri_get_path(parsed);
    if (*path != '/' || path[1] == '\0') {
        set_uri_error(error, uri, "a path such as /system is needed");
        return false;
    }
    if (g_uri_get_fragment(parsed) != NULL) {
        set_uri_error(error, uri, "a fragment (#...) has no meaning here");
        return false;
    }
    if (!parse_query(uri, g_uri_get_query(parsed), &socket_path, error))
        return false;

    if (socket_path == NULL) {
        /* Only vdiskd's own sockets have a well-known place. */
        if (strcmp(driver, DEFAULT_DRIVER) != 0) {
            set_uri_error(error, uri, "socket=SOCKET is needed");
            return false;
        }
        socket_path = vd_default_socket_path(read_only);
    }

    target->socket_path = g_steal_pointer(&socket_path);
    target->name = g_strdup_printf("%s://%s", driver, path);
    return true;
}
