/*
 * One RPC connection: reading framed messages, queueing replies.
 *
 * Main loop only. The client reads without blocking, grows its input
 * buffer only as bytes arrive (a peer announcing 32 MiB and sending
 * nothing costs nothing), hands each complete message to the dispatcher
 * and writes replies in order. The server owns clients; a client is freed
 * by vd_client_free() when the connection ends.
 */
#ifndef VD_DAEMON_CLIENT_H
#define VD_DAEMON_CLIENT_H

#include <stdbool.h>
#include <sys/types.h>
#include <glib.h>

#include "daemon/daemon.h"

typedef struct VdClient VdClient;
typedef void (*VdClientClosedFunc)(VdClient *client, gpointer user_data);

struct VdClient {
    VdDaemon *daemon;
    int fd;
    GSource *source;
    gpointer fd_tag;

    bool readonly;      /* read-only socket, or opened with VD_CONNECT_RO */
    bool opened;        /* CONNECT_OPEN succeeded */
    pid_t pid;
    char *uri;          /* the name given to CONNECT_OPEN */

    /* Input: the message being read, length word included. */
    guint8 *in;
    gsize in_have;
    gsize in_need;      /* 0 until the length word is complete */
    gsize in_cap;
    gint64 last_progress;

    /* Output: sealed messages (GByteArray *) waiting to be written. */
    GQueue out;
    gsize out_off;
    gsize out_bytes;

    VdClientClosedFunc closed;
    gpointer closed_data;

    /* The server holds one reference while connected; a call whose reply
     * comes later holds another, so the reply never meets freed memory. */
    int refs;
    bool gone;          /* the connection has ended: drop what is sent */
};

/* Takes ownership of fd (non-blocking). closed is called once, when the
 * connection ends, before the client is freed. */
VdClient *vd_client_new(VdDaemon *daemon, int fd, bool readonly_socket,
                        pid_t pid,
                        VdClientClosedFunc closed, gpointer user_data);

/* Queue a sealed message (taking it) for writing; dropped when the
 * connection has ended. */
void vd_client_send(VdClient *client, GByteArray *msg);

/* True when the connection has waited too long for bytes it needs. */
bool vd_client_is_stalled(const VdClient *client, gint64 now);

/* End the connection now: calls the closed callback and drops the
 * server's reference. */
void vd_client_close(VdClient *client);

VdClient *vd_client_ref(VdClient *client);
void vd_client_unref(VdClient *client);

#endif /* VD_DAEMON_CLIENT_H */
