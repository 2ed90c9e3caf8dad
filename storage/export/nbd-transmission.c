/*
 * The NBD transmission phase: request headers become disk requests, their
 * completions become replies. See nbd-conn.h for the connection it works
 * on and nbd-policy.h for what is refused.
 */
#include "config.h"

#include "storage/export/nbd-conn.h"

static VdNbdSlot *
take_slot(VdNbdConn *c)
{
    VdNbdSlot *s = c->free_slots;

    c->free_slots = s->next;
    s->next = NULL;
    c->slots_used++;
    return s;
}

void
vd_nbd_tx_release(VdNbdConn *c, VdNbdSlot *s)
{
    g_assert(!s->submitted);
    if (s->req) {
        vd_disk_request_put(c->disk, s->req);
        s->req = NULL;
    }
    c->buf_bytes -= s->buf_bytes;
    s->buf_bytes = 0;
    s->error = 0;
    s->data = NULL;
    s->data_len = 0;
    s->hdr_len = 0;
    s->next = c->free_slots;
    c->free_slots = s;
    c->slots_used--;
    /* Reading may have stopped for want of this slot or its buffer. */
    if (c->rx_next == VD_NBD_RX_WAIT_SLOT || c->rx_next == VD_NBD_RX_WAIT_BUDGET)
        vd_nbd_conn_kick(c);
}

/* Read the next request header once a slot is free. */
static void
next_request(VdNbdConn *c)
{
    vd_nbd_conn_expect(c, NULL, 0, VD_NBD_RX_WAIT_SLOT);
}

void
vd_nbd_tx_start(VdNbdConn *c)
{
    next_request(c);
}

static void
encode_reply(VdNbdConn *c, VdNbdSlot *s)
{
    const VdNbdRequest *r = &s->nbd;
    bool read_data = r->type == VD_NBD_CMD_READ && s->error == 0 && r->length > 0;

    s->data = NULL;
    s->data_len = 0;
    if (r->type == VD_NBD_CMD_READ && c->structured) {
        /*
         * Structured replies make READ use chunks, even for errors. All
         * the data is in the buffer before the reply starts, so no error
         * can follow it and one chunk marked DONE says everything.
         */
        if (s->error)
            s->hdr_len = vd_nbd_encode_error_chunk(s->hdr, VD_NBD_REPLY_FLAG_DONE,
                                                   r->cookie, s->error);
        else if (r->length == 0)
            s->hdr_len = vd_nbd_encode_chunk_header(s->hdr, VD_NBD_REPLY_FLAG_DONE,
                                                    VD_NBD_REPLY_TYPE_NONE, r->cookie, 0);
        else
            s->hdr_len = vd_nbd_encode_offset_data(s->hdr, VD_NBD_REPLY_FLAG_DONE,
                                                   r->cookie, r->offset, r->length);
    } else {
        /* Everything else may use simple replies, structured or not. */
        s->hdr_len = vd_nbd_encode_simple_reply(s->hdr, s->error, r->cookie);
    }
    if (read_data) {
        s->data = s->req->buf;
        s->data_len = r->length;
    }
}

static void
reply(VdNbdConn *c, VdNbdSlot *s, uint32_t error)
{
    s->error = error;
    encode_reply(c, s);
    vd_nbd_conn_queue_reply(c, s);
}

/*
 * The disk is done with a request: may run inside vd_disk_submit, so it
 * never frees the connection (the reply may go out at once, and a failed
 * send closes the socket; the deferred step frees).
 */
static void
request_done(VdRequest *req, int ret)
{
    VdNbdSlot *s = req->opaque;
    VdNbdConn *c = s->conn;

    s->submitted = false;
    c->submitted--;
    if (c->fd < 0) {
        /* The client went away: nobody to answer, just give it all back. */
        g_debug("nbd: %s completed after its client left",
                vd_nbd_command_name(s->nbd.type));
        vd_nbd_tx_release(c, s);
        vd_nbd_conn_kick(c);
        return;
    }
    reply(c, s, vd_nbd_error_from_errno(ret));
}

static void
submit(VdNbdConn *c, VdNbdSlot *s)
{
    c->cur = NULL;
    s->submitted = true;
    c->submitted++;
    vd_disk_submit(c->disk, s->req);
}

static void
fill_request(VdNbdSlot *s)
{
    const VdNbdRequest *r = &s->nbd;
    VdRequest *req = s->req;

    switch (r->type) {
    case VD_NBD_CMD_READ:
        req->type = VD_REQ_READ;
        break;
    case VD_NBD_CMD_WRITE:
        req->type = VD_REQ_WRITE;
        break;
    case VD_NBD_CMD_FLUSH:
        req->type = VD_REQ_FLUSH;
        break;
    case VD_NBD_CMD_TRIM:
        req->type = VD_REQ_DISCARD;
        break;
    case VD_NBD_CMD_WRITE_ZEROES:
        req->type = VD_REQ_WRITE_ZEROES;
        break;
    default:
        g_assert_not_reached();
    }
    req->offset = r->offset;
    req->len = r->length;
    req->flags = 0;
    /* FUA on a read or a flush asks for nothing: there is no data written. */
    if ((r->flags & VD_NBD_CMD_FLAG_FUA) && vd_request_is_write(req->type))
        req->flags |= VD_REQ_FUA;
    if (r->flags & VD_NBD_CMD_FLAG_NO_HOLE)
        req->flags |= VD_REQ_NO_HOLE;
    req->done = request_done;
    req->opaque = s;
}

/* Answer c->cur with @error without the disk; a WRITE's payload goes first. */
static void
refuse(VdNbdConn *c, uint32_t error)
{
    VdNbdSlot *s = c->cur;

    s->error = error;
    if (vd_nbd_request_has_payload(&s->nbd) && s->nbd.length > 0) {
        if (s->nbd.length > VD_NBD_DISCARD_MAX) {
            g_debug("nbd: %u-byte write refused, too large to skip: disconnecting",
                    s->nbd.length);
            vd_nbd_conn_kill(c);
            return;
        }
        vd_nbd_conn_expect(c, NULL, s->nbd.length, VD_NBD_RX_DROPPED);
        return;
    }
    c->cur = NULL;
    reply(c, s, error);
    next_request(c);
}

static void
header(VdNbdConn *c)
{
    VdNbdSlot *s = c->cur;
    uint32_t error;

    if (vd_nbd_decode_request(c->hdr, &s->nbd) < 0) {
        /* Without the magic we cannot find the next request: hang up. */
        g_debug("nbd: bad request magic: disconnecting");
        vd_nbd_conn_kill(c);
        return;
    }
    if (s->nbd.type == VD_NBD_CMD_DISC) {
        /* No reply; requests in flight finish, then the socket closes. */
        c->cur = NULL;
        vd_nbd_tx_release(c, s);
        c->closing = true;
        return;
    }
    error = vd_nbd_check_request(&s->nbd, c->info);
    if (error) {
        refuse(c, error);
        return;
    }
    /* Zero-length requests: the spec leaves them unspecified; they succeed. */
    if (s->nbd.length == 0 && s->nbd.type != VD_NBD_CMD_FLUSH) {
        c->cur = NULL;
        reply(c, s, 0);
        next_request(c);
        return;
    }
    s->req = vd_disk_request_get(c->disk);
    fill_request(s);
    if (s->nbd.type == VD_NBD_CMD_READ || s->nbd.type == VD_NBD_CMD_WRITE) {
        vd_nbd_conn_expect(c, NULL, 0, VD_NBD_RX_WAIT_BUDGET);
        return;
    }
    submit(c, s);
    next_request(c);
}

/*
 * Give c->cur its payload buffer, if the connection's budget allows: a
 * connection holds at most VD_NBD_INFLIGHT_BYTES of buffers, so a client
 * cannot make us allocate more by pipelining large requests. One request
 * alone always fits (VD_NBD_MAX_PAYLOAD is below the budget).
 */
static bool
give_buffer(VdNbdConn *c)
{
    VdNbdSlot *s = c->cur;
    size_t len = s->nbd.length;

    if (c->buf_bytes > 0 && c->buf_bytes + len > VD_NBD_INFLIGHT_BYTES)
        return false;
    if (vd_request_alloc_buf(s->req, len) < 0) {
        refuse(c, VD_NBD_ENOMEM);
        return true;
    }
    s->buf_bytes = len;
    c->buf_bytes += len;
    if (s->nbd.type == VD_NBD_CMD_WRITE) {
        vd_nbd_conn_expect(c, s->req->buf, len, VD_NBD_RX_PAYLOAD);
        return true;
    }
    submit(c, s);
    next_request(c);
    return true;
}

bool
vd_nbd_tx_step(VdNbdConn *c)
{
    VdNbdSlot *s;

    switch (c->rx_next) {
    case VD_NBD_RX_WAIT_SLOT:
        if (!c->free_slots)
            return false;
        c->cur = take_slot(c);
        vd_nbd_conn_expect(c, c->hdr, VD_NBD_REQUEST_LEN, VD_NBD_RX_HEADER);
        return true;
    case VD_NBD_RX_HEADER:
        header(c);
        return true;
    case VD_NBD_RX_WAIT_BUDGET:
        return give_buffer(c);
    case VD_NBD_RX_PAYLOAD:
        submit(c, c->cur);
        next_request(c);
        return true;
    case VD_NBD_RX_DROPPED:
        s = c->cur;
        c->cur = NULL;
        reply(c, s, s->error);
        next_request(c);
        return true;
    case VD_NBD_RX_HANDSHAKE:
        break;
    }
    g_assert_not_reached();
}
