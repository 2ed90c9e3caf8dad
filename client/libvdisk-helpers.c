/*
 * What callers of libvdisk need around the calls: state names, and
 * recognising "the daemon does not know this call".
 */
#include "config.h"

#include "client/libvdisk-private.h"

bool
vd_error_is_unsupported(const GError *err)
{
    VdErrorFrom from = vd_error_from(err);

    if (from == VD_FROM_NONE)
        return false;
    if (err->code == VD_ERR_NO_SUPPORT)
        return true;
    /* The one form libvirt's client maps to NO_SUPPORT; any other RPC
     * error is a real failure. */
    return err->code == VD_ERR_RPC &&
           (from == VD_FROM_RPC || from == VD_FROM_REMOTE) &&
           g_str_has_prefix(err->message, "unknown procedure");
}

const char *
vd_domain_state_name(int state)
{
    /* virsh's words, so that scripts written against virsh keep working. */
    static const char *const names[] = {
        [VD_DOMAIN_NOSTATE] = "no state",
        [VD_DOMAIN_RUNNING] = "running",
        [VD_DOMAIN_BLOCKED] = "idle",
        [VD_DOMAIN_PAUSED] = "paused",
        [VD_DOMAIN_SHUTDOWN] = "in shutdown",
        [VD_DOMAIN_SHUTOFF] = "shut off",
        [VD_DOMAIN_CRASHED] = "crashed",
        [7] = "pmsuspended",
    };

    if (state < 0 || (size_t)state >= G_N_ELEMENTS(names))
        return "unknown";
    return names[state];
}
