/*
 * One request done with blocking system calls: what the thread pool's
 * workers run, per the engine contract in engine.h. Any thread (it only
 * touches the request's range and buffer).
 */
#ifndef VD_STORAGE_ENGINE_SYNC_IO_H
#define VD_STORAGE_ENGINE_SYNC_IO_H

#include "storage/request.h"

/* Do @req on @fd; 0 or -errno. */
int vd_sync_io(int fd, const VdRequest *req);

#endif /* VD_STORAGE_ENGINE_SYNC_IO_H */
