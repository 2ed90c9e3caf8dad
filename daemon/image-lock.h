/*
 * Image locks: one writer per image across every domain and daemon of
 * the host, as QEMU's image locking does.
 *
 * A running writable disk holds an exclusive OFD lock on its image, a
 * read-only or shareable one a shared lock. OFD locks belong to the open
 * file description, so no other descriptor of the same file can drop
 * them by accident, and they conflict between processes and within one.
 * A conflict is refused as "disk in use", naming the holder as far as
 * the kernel tells (/proc/locks).
 *
 * Main loop only. A lock is released by vd_image_lock_release() or when
 * the process ends.
 */
#ifndef VD_DAEMON_IMAGE_LOCK_H
#define VD_DAEMON_IMAGE_LOCK_H

#include <stdbool.h>
#include <glib.h>

typedef struct VdImageLock VdImageLock;

/* Lock path: exclusive when exclusive, else shared. NULL with a
 * VD_ERR_RESOURCE_BUSY error when another holder conflicts. */
VdImageLock *vd_image_lock_acquire(const char *path, bool exclusive,
                                   GError **error);

void vd_image_lock_release(VdImageLock *lock);

#endif /* VD_DAEMON_IMAGE_LOCK_H */
