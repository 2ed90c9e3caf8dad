/*
 * The fixed newstyle handshake of one NBD connection, without I/O.
 *
 * A state machine that the connection drives: it says how many bytes it
 * wants next and where they go (vd_nbd_handshake_want), the connection
 * reads exactly that many and calls vd_nbd_handshake_advance, which
 * appends what to send to @out and says whether to go on, enter the
 * transmission phase or close. Keeping sockets out of it lets the tests
 * feed it byte vectors, including malformed ones.
 *
 * Options: EXPORT_NAME, GO, INFO, LIST, ABORT and STRUCTURED_REPLY; every
 * other option (STARTTLS and the metadata contexts included) is answered
 * NBD_REP_ERR_UNSUP and its data skipped, as the spec requires, so that
 * the client can go on. A known option with data over what it can carry
 * gets NBD_REP_ERR_TOO_BIG; malformed data gets NBD_REP_ERR_INVALID; an
 * unknown export name gets NBD_REP_ERR_UNKNOWN. The connection is closed
 * only where the spec leaves no other answer: a bad magic, unknown client
 * flags, EXPORT_NAME for an export we cannot give, ABORT, or option data
 * so large that skipping it would be a denial of service.
 *
 * Memory: one VdNbdHandshake per connection in the handshake phase (about
 * 8 KiB), freed when it ends. Control of one connection: no threads.
 */
#ifndef VD_EXPORT_NBD_HANDSHAKE_H
#define VD_EXPORT_NBD_HANDSHAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "storage/export/nbd-policy.h"
#include "storage/export/nbd-proto.h"

/*
 * Largest option data read into memory: GO and INFO carry a name of up to
 * VD_NBD_STRING_MAX bytes and a list of info types, which this leaves
 * room for by the thousand. Larger data of a known option is skipped and
 * answered NBD_REP_ERR_TOO_BIG.
 */
#define VD_NBD_OPTION_DATA_MAX 8192u

typedef enum {
    VD_NBD_HS_CONTINUE,       /* read what vd_nbd_handshake_want says */
    VD_NBD_HS_TRANSMISSION,   /* send @out, then the transmission phase */
    VD_NBD_HS_CLOSE,          /* send @out (may be empty), then close */
} VdNbdHandshakeResult;

typedef struct VdNbdHandshake VdNbdHandshake;

/*
 * A new handshake for @info (which must outlive it; see nbd-policy.h), with the server's
 * greeting appended to @out.
 */
VdNbdHandshake *vd_nbd_handshake_new(const VdNbdExportInfo *info, GByteArray *out);

void vd_nbd_handshake_free(VdNbdHandshake *h);

/*
 * The next read: exactly *len bytes (never 0) into *buf, or, when *buf is
 * NULL, *len bytes to read and throw away.
 */
void vd_nbd_handshake_want(const VdNbdHandshake *h, uint8_t **buf, size_t *len);

/* The wanted bytes have been read; process them. */
VdNbdHandshakeResult vd_nbd_handshake_advance(VdNbdHandshake *h, GByteArray *out);

/* Whether the client negotiated structured replies (valid after TRANSMISSION). */
bool vd_nbd_handshake_structured(const VdNbdHandshake *h);

#endif /* VD_EXPORT_NBD_HANDSHAKE_H */
