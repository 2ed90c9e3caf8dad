/*
 * UUIDs of domains in libvirt's textual forms, shared by the daemon, the
 * domain XML module and libvdisk so that all three read and write the
 * same text: the 36-character form with hyphens, which vdisk writes, and
 * the 32 hex digits form, which libvirt also accepts.
 *
 * Plain functions on caller buffers: any thread, no allocation.
 */
#ifndef VD_UTIL_UUID_H
#define VD_UTIL_UUID_H

#include <stdbool.h>

#define VD_UUID_LEN 16
#define VD_UUID_STRING_LEN 37  /* 36 characters and the NUL */

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", lower case, into buf. */
void vd_uuid_format(const unsigned char uuid[VD_UUID_LEN],
                    char buf[VD_UUID_STRING_LEN]);

/* Either form, either case; false for anything else (uuid may then be
 * partly written). */
bool vd_uuid_parse(const char *str, unsigned char uuid[VD_UUID_LEN]);

/* A new random (version 4) UUID. */
void vd_uuid_generate(unsigned char uuid[VD_UUID_LEN]);

#endif /* VD_UTIL_UUID_H */
