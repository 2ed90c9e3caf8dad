/* Mapping between GError domains and libvirt's error domains. */
#include "config.h"

#include <string.h>

#include "common/util/error.h"

/* A quark per libvirt error domain, named so it can be recognised. */
GQuark
vd_error_quark(VdErrorFrom from)
{
    char name[48];

    g_snprintf(name, sizeof(name), "vd-error-from-%d", (int)from);
    return g_quark_from_string(name);
}

VdErrorFrom
vd_error_from(const GError *err)
{
    const char *name = g_quark_to_string(err->domain);
    const char *prefix = "vd-error-from-";
    gint64 value;
    char *end = NULL;

    if (!g_str_has_prefix(name, prefix))
        return VD_FROM_NONE;
    value = g_ascii_strtoll(name + strlen(prefix), &end, 10);
    if (end == NULL || *end != '\0' || value < 0 || value > G_MAXINT)
        return VD_FROM_NONE;
    return (VdErrorFrom)value;
}

int
vd_error_code(const GError *err)
{
    if (vd_error_from(err) == VD_FROM_NONE)
        return VD_ERR_INTERNAL_ERROR;
    return err->code;
}
