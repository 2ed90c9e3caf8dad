/* One RPC connection; see client.h. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/rpc/message.h"
#include "daemon/client.h"
#include "daemon/dispatch.h"

/* The first allocation for a message; larger ones grow as bytes arrive. */
#define CLIENT_INPUT_CHUNK (64 * 1024)
/* Messages handled per wake-up, so one busy client cannot starve others. */
#define CLIENT_MESSAGES_PER_WAKEUP 16
/* Replies queued for a client that does not read them; past this we stop
 * reading its calls until it catches up, so its memory cannot grow. */
#define CLIENT_OUTPUT_MAX (8 * 1024 * 1024)

typedef struct {
    GSource parent;
    VdClient *client;
} ClientSource;

static void client_update_events(VdClient *c);

static void
client_input_reset(VdClient *c)
{
    c->in_have = 0;
    c->in_need = 0;
    /* Give back a large buffer: the next message is most likely small. */
    if (c->in_cap > CLIENT_INPUT_CHUNK) {
        g_clear_pointer(&c->in, g_free);
        c->in_cap = 0;
    }
}

/* Make room for the bytes of the current message that are still to come. */
static void
client_input_reserve(VdClient *c, gsize want)
{
    gsize cap = c->in_cap ? c->in_cap : MIN(want, CLIENT_INPUT_CHUNK);

    while (cap < want)
        cap = MIN(want, cap * 4);
    if (cap != c->in_cap) {
        c->in = g_realloc(c->in, cap);
        c->in_cap = cap;
    }
}

/* Read what is available; false when the connection must end. */
static bool
client_read(VdClient *c)
{
    for (int handled = 0; handled < CLIENT_MESSAGES_PER_WAKEUP;) {
        gsize total = c->in_need ? c->in_need : VD_RPC_LEN_SIZE;
        gsize grow = c->in_need ? MIN(total, c->in_have * 4 + CLIENT_INPUT_CHUNK) : total;
        ssize_t n;

        client_input_reserve(c, grow);
        n = read(c->fd, c->in + c->in_have, MIN(total, c->in_cap) - c->in_have);
        if (n == 0)
            return false;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return errno == EAGAIN || errno == EWOULDBLOCK;
        }
        c->in_have += n;
        c->last_progress = g_get_monotonic_time();

        if (!c->in_need && c->in_have == VD_RPC_LEN_SIZE) {
            c->in_need = vd_rpc_frame_length(c->in);
            if (!c->in_need) {
                g_info("client pid %d: message length out of range, closing",
                       (int)c->pid);
                return false;
            }
        }
        if (c->in_need && c->in_have == c->in_need) {
            bool keep = vd_dispatch_message(c, c->in + VD_RPC_LEN_SIZE,
                                            c->in_have - VD_RPC_LEN_SIZE);

            client_input_reset(c);
            handled++;
            if (!keep)
                return false;
        }
    }
    return true;
}

/* Write queued output; false when the connection must end. */
static bool
client_write(VdClient *c)
{
    while (!g_queue_is_empty(&c->out)) {
        GByteArray *msg = g_queue_peek_head(&c->out);
        ssize_t n = send(c->fd, msg->data + c->out_off, msg->len - c->out_off,
                         MSG_NOSIGNAL);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return errno == EAGAIN || errno == EWOULDBLOCK;
        }
        c->out_off += n;
        c->out_bytes -= n;
        if (c->out_off == msg->len) {
            g_byte_array_unref(g_queue_pop_head(&c->out));
            c->out_off = 0;
        }
    }
    return true;
}

static gboolean
client_source_dispatch(GSource *source, GSourceFunc cb, gpointer data)
{
    VdClient *c = ((ClientSource *)source)->client;
    GIOCondition ev = g_source_query_unix_fd(source, c->fd_tag);
    bool keep = true;

    if (ev & (G_IO_ERR | G_IO_NVAL))
        keep = false;
    if (keep && (ev & G_IO_OUT))
        keep = client_write(c);
    if (keep && (ev & (G_IO_IN | G_IO_HUP)))
        keep = client_read(c);
    if (keep && !g_queue_is_empty(&c->out))
        keep = client_write(c);
    if (!keep) {
        vd_client_close(c);
        return G_SOURCE_REMOVE;
    }
    client_update_events(c);
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs client_source_funcs = {
    .dispatch = client_source_dispatch,
};

static void
client_update_events(VdClient *c)
{
    GIOCondition want = 0;

    if (c->out_bytes < CLIENT_OUTPUT_MAX)
        want |= G_IO_IN;
    if (!g_queue_is_empty(&c->out))
        want |= G_IO_OUT;
    g_source_modify_unix_fd(c->source, c->fd_tag, want);
}

VdClient *
vd_client_new(VdDaemon *daemon, int fd, bool readonly_socket,
              pid_t pid, VdClientClosedFunc closed, gpointer user_data)
{
    VdClient *c = g_new0(VdClient, 1);

    c->daemon = daemon;
    c->fd = fd;
    c->readonly = readonly_socket;
    c->pid = pid;
    c->last_progress = g_get_monotonic_time();
    c->refs = 1;
    g_queue_init(&c->out);

    c->closed = closed;
    c->closed_data = user_data;
    c->source = g_source_new(&client_source_funcs, sizeof(ClientSource));
    ((ClientSource *)c->source)->client = c;
    c->fd_tag = g_source_add_unix_fd(c->source, fd, G_IO_IN);
    g_source_attach(c->source, NULL);
    return c;
}

void
vd_client_send(VdClient *c, GByteArray *msg)
{
    if (c->gone) {
        g_byte_array_unref(msg);
        return;
    }
    c->out_bytes += msg->len;
    g_queue_push_tail(&c->out, msg);
    client_update_events(c);
}

bool
vd_client_is_stalled(const VdClient *c, gint64 now)
{
    gint64 limit = (gint64)c->daemon->idle_timeout * G_USEC_PER_SEC;

    if (c->opened && c->in_have == 0)
        return false;
    return now - c->last_progress > limit;
}

void
vd_client_close(VdClient *c)
{
    if (c->gone)
        return;
    c->gone = true;
    if (c->closed)
        c->closed(c, c->closed_data);
    g_source_destroy(c->source);
    close(c->fd);
    c->fd = -1;
    g_queue_clear_full(&c->out, (GDestroyNotify)g_byte_array_unref);
    c->out_bytes = 0;
    vd_client_unref(c);
}

VdClient *
vd_client_ref(VdClient *c)
{
    c->refs++;
    return c;
}

void
vd_client_unref(VdClient *c)
{
    if (--c->refs > 0)
        return;
    g_source_unref(c->source);
    g_free(c->in);
    g_free(c->uri);
    g_free(c);
}
