/*
 * The daemon's shared state, as the main loop sees it.
 *
 * One VdDaemon per process, owned by main(). Main loop only: RPC handlers
 * reach the registry and the state directory through it.
 */
#ifndef VD_DAEMON_DAEMON_H
#define VD_DAEMON_DAEMON_H

#include <glib.h>

#include "daemon/domain-registry.h"
#include "daemon/state-dir.h"
#include "storage/layers/fault.h"

typedef struct VdServer VdServer;

typedef struct {
    GMainLoop *loop;
    VdStateDir *state;
    VdDomainRegistry *domains;
    VdServer *server;
    /* Seconds a client may take to open its connection, or to finish a
     * message it has started: past it the connection is closed, so that
     * silent clients do not hold memory and descriptors forever. */
    guint idle_timeout;
    guint max_clients;

    /* I/O threads serving running disks, created as disks need them and
     * shared round-robin; at most one per CPU. */
    GPtrArray *iothreads;
    guint next_iothread;
    uint64_t poll_ns;        /* their polling window (iothread.h) */
    int next_domain_id;

    /* Tests only (daemon/test-hooks.h): where every disk's write log
     * goes, and the faults injected under every disk; NULL: none. */
    char *test_recorder_dir;
    VdFaultRules *test_faults;
} VdDaemon;

#endif /* VD_DAEMON_DAEMON_H */
