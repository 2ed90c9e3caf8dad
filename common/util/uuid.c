/* UUIDs of domains, in libvirt's textual forms; see uuid.h. */
#include "config.h"

#include <string.h>
#include <sys/random.h>
#include <glib.h>

#include "common/util/uuid.h"

void
vd_uuid_format(const unsigned char uuid[VD_UUID_LEN],
               char buf[VD_UUID_STRING_LEN])
{
    g_snprintf(buf, VD_UUID_STRING_LEN,
               "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
               "%02x%02x%02x%02x%02x%02x",
               uuid[0], uuid[1], uuid[2], uuid[3], uuid[4], uuid[5],
               uuid[6], uuid[7], uuid[8], uuid[9], uuid[10], uuid[11],
               uuid[12], uuid[13], uuid[14], uuid[15]);
}

/*
 * The two forms libvirt's schema allows: 32 hex digits, or 36 characters
 * with hyphens after the 8th, 12th, 16th and 20th digit.
 */
bool
vd_uuid_parse(const char *str, unsigned char uuid[VD_UUID_LEN])
{
    size_t len = strlen(str);
    bool hyphens = len == VD_UUID_STRING_LEN - 1;
    const char *p = str;

    if (!hyphens && len != 2 * VD_UUID_LEN)
        return false;
    for (int i = 0; i < VD_UUID_LEN; i++) {
        if (hyphens && (i == 4 || i == 6 || i == 8 || i == 10)) {
            if (*p != '-')
                return false;
            p++;
        }
        if (!g_ascii_isxdigit(p[0]) || !g_ascii_isxdigit(p[1]))
            return false;
        uuid[i] = (unsigned char)(g_ascii_xdigit_value(p[0]) << 4 |
                                  g_ascii_xdigit_value(p[1]));
        p += 2;
    }
    return true;
}

/*
 * An RFC 4122 version 4 (random) uuid. The bytes come from the kernel
 * (/dev/urandom's pool through getrandom()), so that two daemons, or a
 * daemon and its forked child, never draw the same sequence; GLib's
 * generator, seeded once per process, is only the fallback for kernels
 * without getrandom().
 */
void
vd_uuid_generate(unsigned char uuid[VD_UUID_LEN])
{
    if (getrandom(uuid, VD_UUID_LEN, 0) != VD_UUID_LEN) {
        for (int i = 0; i < VD_UUID_LEN; i++)
            uuid[i] = (unsigned char)g_random_int_range(0, 256);
    }
    uuid[6] = (uuid[6] & 0x0f) | 0x40;  /* version 4 */
    uuid[8] = (uuid[8] & 0x3f) | 0x80;  /* variant RFC 4122 */
}
