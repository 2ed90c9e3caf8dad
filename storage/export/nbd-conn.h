/*
 * One NBD connection (internal to storage/export).
 *
 * nbd-conn.c owns the socket: reading into a small buffer, the output
 * queue, flow control and the connection's lifetime. nbd-transmission.c
 * turns request headers into disk requests and completions into replies.
 * Everything runs in the disk's I/O thread.
 *
 * Lifetime. A connection dies (its socket closed) on EOF, a socket error,
 * a protocol violation or after DISC; its memory lives on until every
 * request it submitted to the disk has completed, so that a client that
 * drops mid-request leaks nothing and no completion touches freed memory.
 * Only top-level calls from the loop (the fd handler and the deferred
 * step) free a connection: completions may run inside vd_disk_submit.
 */
#ifndef VD_EXPORT_NBD_CONN_H
#define VD_EXPORT_NBD_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storage/disk.h"
#include "storage/export/nbd-handshake.h"
#include "storage/export/nbd-proto.h"
#include "storage/export/nbd-server.h"

typedef struct VdNbdConn VdNbdConn;
typedef struct VdNbdSlot VdNbdSlot;

/* Bytes read from the socket at a time; payloads above it skip the copy. */
#define VD_NBD_RXBUF_SIZE (64u * 1024)

/*
 * One request of a connection, from its header to the end of its reply.
 * Preallocated per connection, so serving a request allocates nothing but
 * (for large requests) its buffer.
 */
struct VdNbdSlot {
    VdNbdConn *conn;
    VdRequest *req;          /* from the disk's pool; NULL if never submitted */
    VdNbdRequest nbd;        /* the header as received */
    size_t buf_bytes;        /* payload buffer counted against the budget */
    uint32_t error;          /* NBD error of the reply */
    bool submitted;          /* with the disk, not yet completed */

    /* The reply: header bytes, then data (a successful READ's buffer). */
    uint8_t hdr[VD_NBD_OFFSET_DATA_HEADER_LEN];
    uint8_t hdr_len;
    const uint8_t *data;
    uint32_t data_len;
    size_t sent;             /* bytes of hdr then data already sent */

    VdNbdSlot *next;         /* free list or output queue */
};

/*
 * What to do when the bytes being read have arrived. The WAIT_ steps
 * read nothing: they wait for a free slot or for buffer budget, and
 * while they do the connection does not read from its socket.
 */
typedef enum {
    VD_NBD_RX_HANDSHAKE,     /* vd_nbd_handshake_advance */
    VD_NBD_RX_WAIT_SLOT,     /* then read a request header */
    VD_NBD_RX_HEADER,        /* a request header in conn->hdr */
    VD_NBD_RX_WAIT_BUDGET,   /* then give c->cur its buffer */
    VD_NBD_RX_PAYLOAD,       /* a WRITE's payload in its request buffer */
    VD_NBD_RX_DROPPED,       /* a refused WRITE's payload was thrown away */
} VdNbdRxNext;

struct VdNbdConn {
    VdNbdExport *exp;
    VdDisk *disk;
    const VdNbdExportInfo *info;
    int fd;                  /* -1 once dead */
    VdFdWatch *watch;
    uint32_t events;         /* what the watch listens for now */
    VdIothreadDefer defer;   /* flush output, resume reading, maybe free */

    VdNbdHandshake *hs;      /* NULL after the handshake */
    GByteArray *hs_out;      /* handshake bytes still to send, from hs_sent */
    size_t hs_sent;
    bool transmission;       /* in the transmission phase */
    bool structured;         /* structured replies negotiated */
    bool closing;            /* read nothing more (DISC, shutdown, error) */

    /* Input: buffered bytes [rx_start, rx_end) and the read in progress. */
    uint8_t *rxbuf;
    size_t rx_start, rx_end;
    uint8_t *rx_dst;         /* NULL: drop the bytes */
    uint64_t rx_left;
    VdNbdRxNext rx_next;
    uint8_t hdr[VD_NBD_REQUEST_LEN];
    VdNbdSlot *cur;          /* the request whose header or payload is read */

    /* Requests: every slot is free, being read, with the disk or in output. */
    VdNbdSlot slots[VD_NBD_MAX_INFLIGHT];
    VdNbdSlot *free_slots;
    unsigned slots_used;
    unsigned submitted;      /* slots with the disk */
    size_t buf_bytes;        /* payload buffers held, <= VD_NBD_INFLIGHT_BYTES */

    /* Output queue of replies, in completion order. */
    VdNbdSlot *out_head, *out_tail;

    VdNbdConn *prev, *next;  /* the export's list */
};

/* A listening socket of an export. */
typedef struct {
    int fd;
    VdFdWatch *watch;
    char *path;              /* unlinked on shutdown; NULL if given */
} VdNbdListener;

/* The export; its fields are the I/O thread's except where said. */
struct VdNbdExport {
    VdDisk *disk;
    VdIothread *iothread;
    char *name;
    char *description;
    VdNbdExportInfo info;    /* read by the handshake and the checks */

    GPtrArray *listeners;    /* of VdNbdListener */
    VdNbdConn *conns;
    guint n_conns;           /* atomic: read from any thread */
    bool shutting_down;
    VdNbdExportDoneFn done;
    void *done_data;
};

/* nbd-conn.c */

/* A connection on connected non-blocking socket @fd, in the handshake. */
VdNbdConn *vd_nbd_conn_new(VdNbdExport *exp, int fd);

/* Stop reading; close once the requests with the disk have completed. */
void vd_nbd_conn_shutdown(VdNbdConn *c);

/* Queue a slot's reply (hdr, data set) and schedule the output. */
void vd_nbd_conn_queue_reply(VdNbdConn *c, VdNbdSlot *s);

/* Read @len bytes into @dst (NULL: drop them), then act on @next. */
void vd_nbd_conn_expect(VdNbdConn *c, uint8_t *dst, uint64_t len, VdNbdRxNext next);

/* Close the socket now (protocol violation, error); memory lives on. */
void vd_nbd_conn_kill(VdNbdConn *c);

/* Schedule the deferred step (output, resuming input, freeing). */
void vd_nbd_conn_kick(VdNbdConn *c);

/* nbd-transmission.c */

/* Enter the transmission phase: the next step reads a request header. */
void vd_nbd_tx_start(VdNbdConn *c);

/*
 * Act on c->rx_next (any but HANDSHAKE) now that its bytes have arrived;
 * sets up the next read. False when it must wait (WAIT_ steps).
 */
bool vd_nbd_tx_step(VdNbdConn *c);

/* The reply to @s has been sent (or the connection died): release it. */
void vd_nbd_tx_release(VdNbdConn *c, VdNbdSlot *s);

/* nbd-server.c: the export's side of a connection's life. */
void vd_nbd_export_conn_closed(VdNbdExport *exp, VdNbdConn *c);

#endif /* VD_EXPORT_NBD_CONN_H */
