/*
 * One NBD connection's socket: buffered input, the output queue, flow
 * control and lifetime. See nbd-conn.h.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "storage/export/nbd-conn.h"

/*
 * Reads per wake-up: the watch is level-triggered, so stopping early
 * only lets the other connections of the I/O thread have their turn.
 * Completions waiting in the ring also end the loop after its first
 * read: a client that streams requests would otherwise keep the replies
 * it waits for behind its own new requests (seen in a trace: 120 µs,
 * while the client sat idle).
 */
#define MAX_READS_PER_CALL 16

/* Replies gathered into one sendmsg (two iovecs each). */
#define MAX_IOV 64

/*
 * Handshake output a connection may have unsent before it stops reading:
 * a client must wait for each option's reply, but one that pipelines
 * options without reading would otherwise grow our output for ever.
 */
#define HS_OUT_MAX (64u * 1024)

static void conn_step(void *data);
static void flush_output(VdNbdConn *c);
static void conn_event(VdFdWatch *w, int fd, uint32_t events, void *opaque);

void
vd_nbd_conn_kick(VdNbdConn *c)
{
    vd_iothread_defer(c->exp->iothread, &c->defer);
}

void
vd_nbd_conn_expect(VdNbdConn *c, uint8_t *dst, uint64_t len, VdNbdRxNext next)
{
    c->rx_dst = dst;
    c->rx_left = len;
    c->rx_next = next;
}

static void
expect_handshake(VdNbdConn *c)
{
    uint8_t *buf;
    size_t len;

    vd_nbd_handshake_want(c->hs, &buf, &len);
    vd_nbd_conn_expect(c, buf, len, VD_NBD_RX_HANDSHAKE);
}

VdNbdConn *
vd_nbd_conn_new(VdNbdExport *exp, int fd)
{
    VdNbdConn *c = g_new0(VdNbdConn, 1);

    c->exp = exp;
    c->disk = exp->disk;
    c->info = &exp->info;
    c->fd = fd;
    for (unsigned i = VD_NBD_MAX_INFLIGHT; i-- > 0; ) {
        c->slots[i].conn = c;
        c->slots[i].next = c->free_slots;
        c->free_slots = &c->slots[i];
    }
    c->rxbuf = g_malloc(VD_NBD_RXBUF_SIZE);
    c->hs_out = g_byte_array_new();
    c->hs = vd_nbd_handshake_new(c->info, c->hs_out);
    expect_handshake(c);
    vd_iothread_defer_init(&c->defer, conn_step, c);
    c->events = EPOLLIN | EPOLLOUT;
    c->watch = vd_iothread_watch_add(exp->iothread, fd, c->events, conn_event, c);
    return c;
}

static bool
output_pending(const VdNbdConn *c)
{
    return c->hs_sent < c->hs_out->len || c->out_head != NULL;
}

/*
 * Input stopped until something is released: a slot, buffer budget, or
 * room in the handshake output. Reading would not help.
 */
static bool
waiting(const VdNbdConn *c)
{
    if (c->hs_out->len - c->hs_sent > HS_OUT_MAX)
        return true;
    return c->rx_left == 0 && (c->rx_next == VD_NBD_RX_WAIT_SLOT ||
                               c->rx_next == VD_NBD_RX_WAIT_BUDGET);
}

void
vd_nbd_conn_queue_reply(VdNbdConn *c, VdNbdSlot *s)
{
    s->sent = 0;
    s->next = NULL;
    if (c->out_tail)
        c->out_tail->next = s;
    else
        c->out_head = s;
    c->out_tail = s;
    /*
     * Out at once, as the disk completes it, rather than with the other
     * replies of the wake-up: the client handles replies one at a time,
     * and one that waits for the batch waits for all of them (reads at
     * queue depth 32 ran 1.1x faster). Unless earlier replies are still
     * waiting for room in the socket: then it queues behind them.
     */
    if (c->out_head == s)
        flush_output(c);
    vd_nbd_conn_kick(c);
}

void
vd_nbd_conn_kill(VdNbdConn *c)
{
    if (c->fd < 0)
        return;
    vd_iothread_watch_remove(c->watch);
    c->watch = NULL;
    close(c->fd);
    c->fd = -1;
    c->closing = true;
    /* Replies nobody will read; requests with the disk come back later. */
    while (c->out_head) {
        VdNbdSlot *s = c->out_head;

        c->out_head = s->next;
        vd_nbd_tx_release(c, s);
    }
    c->out_tail = NULL;
    if (c->cur) {
        vd_nbd_tx_release(c, c->cur);
        c->cur = NULL;
    }
    vd_nbd_conn_kick(c);
}

void
vd_nbd_conn_shutdown(VdNbdConn *c)
{
    c->closing = true;
    /* Nothing of the handshake is worth finishing. */
    if (!c->transmission)
        vd_nbd_conn_kill(c);
    vd_nbd_conn_kick(c);
}

/* The handshake's wanted bytes are in; false when input must stop. */
static bool
handshake_step(VdNbdConn *c)
{
    switch (vd_nbd_handshake_advance(c->hs, c->hs_out)) {
    case VD_NBD_HS_CONTINUE:
        expect_handshake(c);
        return true;
    case VD_NBD_HS_TRANSMISSION:
        c->structured = vd_nbd_handshake_structured(c->hs);
        vd_nbd_handshake_free(c->hs);
        c->hs = NULL;
        c->transmission = true;
        vd_nbd_tx_start(c);
        return true;
    case VD_NBD_HS_CLOSE:
        /* Send what it answered (ABORT's ACK), then close. */
        c->closing = true;
        return false;
    }
    g_assert_not_reached();
}

/* One recv; false when nothing more can be read now or the link died. */
static bool
receive(VdNbdConn *c)
{
    /* A large payload goes straight into its buffer, not through ours. */
    bool direct = c->rx_dst && c->rx_left >= VD_NBD_RXBUF_SIZE;
    uint8_t *dst = direct ? c->rx_dst : c->rxbuf;
    size_t len = direct ? c->rx_left : VD_NBD_RXBUF_SIZE;
    ssize_t n;

    do
        n = recv(c->fd, dst, len, 0);
    while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return false;
    if (n <= 0) {
        /* EOF or a socket error: the client is gone, whatever it was doing. */
        vd_nbd_conn_kill(c);
        return false;
    }
    if (direct) {
        c->rx_dst += n;
        c->rx_left -= n;
    } else {
        c->rx_start = 0;
        c->rx_end = n;
    }
    return true;
}

static void
process_input(VdNbdConn *c)
{
    unsigned reads = 0;

    while (c->fd >= 0 && !c->closing) {
        size_t avail = c->rx_end - c->rx_start;

        if (c->hs_out->len - c->hs_sent > HS_OUT_MAX)
            return;
        if (c->rx_left == 0) {
            bool go = c->rx_next == VD_NBD_RX_HANDSHAKE ? handshake_step(c)
                                                        : vd_nbd_tx_step(c);
            if (!go)
                return;
        } else if (avail > 0) {
            size_t n = MIN(avail, c->rx_left);

            if (c->rx_dst) {
                memcpy(c->rx_dst, c->rxbuf + c->rx_start, n);
                c->rx_dst += n;
            }
            c->rx_start += n;
            c->rx_left -= n;
        } else if (reads++ == MAX_READS_PER_CALL ||
                   (reads > 1 && vd_iothread_completions_ready(c->exp->iothread)) ||
                   !receive(c)) {
            return;
        }
    }
}

/*
 * Input that stopped may go on now, or bytes may sit in our buffer with
 * nothing new on the socket to wake the watch: process them.
 */
static void
resume_input(VdNbdConn *c)
{
    if (waiting(c) || c->rx_end > c->rx_start)
        process_input(c);
}

/* Account for @n bytes sent: handshake output first, then the queue. */
static void
consume_output(VdNbdConn *c, size_t n)
{
    size_t hs = MIN(n, c->hs_out->len - c->hs_sent);

    c->hs_sent += hs;
    n -= hs;
    if (c->hs_sent == c->hs_out->len) {
        g_byte_array_set_size(c->hs_out, 0);
        c->hs_sent = 0;
    }
    while (n > 0) {
        VdNbdSlot *s = c->out_head;
        size_t total = (size_t)s->hdr_len + s->data_len;
        size_t take = MIN(n, total - s->sent);

        s->sent += take;
        n -= take;
        if (s->sent < total)
            break;
        c->out_head = s->next;
        if (!c->out_head)
            c->out_tail = NULL;
        vd_nbd_tx_release(c, s);
    }
}

static int
gather_output(VdNbdConn *c, struct iovec *iov)
{
    int n = 0;

    if (c->hs_sent < c->hs_out->len)
        iov[n++] = (struct iovec){ c->hs_out->data + c->hs_sent,
                                   c->hs_out->len - c->hs_sent };
    for (VdNbdSlot *s = c->out_head; s && n + 2 <= MAX_IOV; s = s->next) {
        size_t data_off = 0;

        if (s->sent < s->hdr_len)
            iov[n++] = (struct iovec){ s->hdr + s->sent, s->hdr_len - s->sent };
        else
            data_off = s->sent - s->hdr_len;
        if (s->data_len > data_off)
            iov[n++] = (struct iovec){ (void *)(s->data + data_off),
                                       s->data_len - data_off };
    }
    return n;
}

static void
flush_output(VdNbdConn *c)
{
    while (c->fd >= 0 && output_pending(c)) {
        struct iovec iov[MAX_IOV];
        struct msghdr m = { .msg_iov = iov, .msg_iovlen = gather_output(c, iov) };
        ssize_t n;

        do
            n = sendmsg(c->fd, &m, MSG_NOSIGNAL | MSG_DONTWAIT);
        while (n < 0 && errno == EINTR);
        if (n < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                vd_nbd_conn_kill(c);
            return;
        }
        consume_output(c, n);
    }
}

static void
update_events(VdNbdConn *c)
{
    uint32_t ev = 0;

    if (c->fd < 0)
        return;
    if (!c->closing && !waiting(c))
        ev |= EPOLLIN;
    if (output_pending(c))
        ev |= EPOLLOUT;
    if (ev != c->events && vd_iothread_watch_modify(c->watch, ev) == 0)
        c->events = ev;
}

/* Free @c once its socket is closed and the disk has given back all. */
static bool
maybe_free(VdNbdConn *c)
{
    if (c->fd >= 0 || c->submitted > 0)
        return false;
    g_assert(c->slots_used == 0);
    vd_iothread_defer_cancel(c->exp->iothread, &c->defer);
    if (c->hs)
        vd_nbd_handshake_free(c->hs);
    g_byte_array_unref(c->hs_out);
    g_free(c->rxbuf);
    vd_nbd_export_conn_closed(c->exp, c);
    g_free(c);
    return true;
}

/* The tail of every top-level call: close when done, then maybe free. */
static void
finish(VdNbdConn *c)
{
    /*
     * Closing (DISC, ABORT, a bad handshake, shutdown): once the disk has
     * completed everything, and the replies are out (on shutdown, as many
     * as the client took without blocking), close.
     */
    if (c->fd >= 0 && c->closing && c->submitted == 0 &&
        (!output_pending(c) || c->exp->shutting_down))
        vd_nbd_conn_kill(c);
    /*
     * Bytes left in our buffer when input stopped wake no watch: if input
     * may go on now (the output that stopped it has gone), come back.
     */
    if (c->fd >= 0 && !c->closing && !waiting(c) && c->rx_end > c->rx_start)
        vd_nbd_conn_kick(c);
    update_events(c);
    maybe_free(c);
}

/* Deferred: replies completed in this batch go out; input may resume. */
static void
conn_step(void *data)
{
    VdNbdConn *c = data;

    flush_output(c);
    resume_input(c);
    flush_output(c);
    finish(c);
}

static void
conn_event(VdFdWatch *w, int fd, uint32_t events, void *opaque)
{
    VdNbdConn *c = opaque;

    if (events & EPOLLERR) {
        vd_nbd_conn_kill(c);
    } else {
        if (events & EPOLLOUT) {
            flush_output(c);
            resume_input(c);
        }
        /* On a hangup, still read what was sent before it. */
        if (events & (EPOLLIN | EPOLLHUP))
            process_input(c);
        if (events & EPOLLHUP)
            vd_nbd_conn_kill(c);
        flush_output(c);
    }
    finish(c);
}
