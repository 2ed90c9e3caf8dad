/*
 * What callers of libvdisk need around the calls: UUID text, state
 * names, and recognising "the daemon does not know this call".
 */
#include "config.h"

#include <string.h>

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

void
vd_client_uuid_format(const unsigned char uuid[VD_UUID_LEN],
                      char buf[VD_UUID_STRING_LEN])
{
    static const char hex[] = "0123456789abcdef";
    char *p = buf;

    for (size_t i = 0; i < VD_UUID_LEN; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *p++ = '-';
        *p++ = hex[uuid[i] >> 4];
        *p++ = hex[uuid[i] & 0xf];
    }
    *p = '\0';
}

bool
vd_client_uuid_parse(const char *str, unsigned char uuid[VD_UUID_LEN])
{
    size_t len = strlen(str);
    bool dashed = len == VD_UUID_STRING_LEN - 1;
    const char *p = str;

    if (!dashed && len != 2 * VD_UUID_LEN)
        return false;
    for (size_t i = 0; i < VD_UUID_LEN; i++) {
        int hi;
        int lo;

        if (dashed && (i == 4 || i == 6 || i == 8 || i == 10) && *p++ != '-')
            return false;
        hi = g_ascii_xdigit_value(p[0]);
        lo = g_ascii_xdigit_value(p[1]);
        if (hi < 0 || lo < 0)
            return false;
        uuid[i] = (unsigned char)(hi << 4 | lo);
        p += 2;
    }
    return true;
}
