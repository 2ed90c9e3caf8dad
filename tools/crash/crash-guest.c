/*
 * vdisk-crash-guest: the crash tests' guest. Over NBD (libnbd's
 * asynchronous calls, several requests in flight), it writes
 * self-describing blocks (block.h) with a seeded mix of plain writes,
 * FUA writes, overwrites of a hot set of blocks and flushes, and records
 * what it asked and what it was told, and when (guest-record.h).
 *
 * A block is never written twice at once, so that its generations are
 * ordered. After the random part the workload ends, when the connection
 * still works, with a write, a flush and a FUA write, each waited for:
 * the contract then makes all three durable with nothing after them, so
 * a server that drops that flush or answers that FUA write early is
 * caught whatever happened before.
 *
 * With --ops 0 it runs until the connection dies (the kill -9 tests) and
 * still writes its record.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include <libnbd.h>

#include "common/util/clock.h"
#include "tools/crash/block.h"
#include "tools/crash/guest-record.h"

static char *opt_socket;
static char *opt_export;
static char *opt_record;
static gint64 opt_seed = 1;
static gint64 opt_ops = 2000;
static int opt_qd = 8;
static int opt_hot = 256;
static int opt_fua = 10;
static int opt_flush = 10;
static gint64 opt_first_gen = 1;

static const GOptionEntry options[] = {
    { "socket", 0, 0, G_OPTION_ARG_FILENAME, &opt_socket,
      "NBD server's unix socket", "PATH" },
    { "export", 0, 0, G_OPTION_ARG_STRING, &opt_export,
      "Export name (default: none)", "NAME" },
    { "record", 0, 0, G_OPTION_ARG_FILENAME, &opt_record,
      "Where to write the record", "FILE" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &opt_seed, "Seed (default 1)", "N" },
    { "ops", 0, 0, G_OPTION_ARG_INT64, &opt_ops,
      "Requests in the random part; 0: until disconnected (default 2000)",
      "N" },
    { "qd", 0, 0, G_OPTION_ARG_INT, &opt_qd,
      "Requests in flight at most (default 8)", "N" },
    { "hot", 0, 0, G_OPTION_ARG_INT, &opt_hot,
      "Blocks that get half of the writes (default 256)", "N" },
    { "fua", 0, 0, G_OPTION_ARG_INT, &opt_fua,
      "Percent of writes with FUA (default 10)", "P" },
    { "flush", 0, 0, G_OPTION_ARG_INT, &opt_flush,
      "Percent of requests that are flushes (default 10)", "P" },
    { "first-gen", 0, 0, G_OPTION_ARG_INT64, &opt_first_gen,
      "The first generation written, above a backing file's (default 1)",
      "G" },
    { NULL },
};

typedef struct Guest Guest;

typedef struct {
    Guest *g;
    guint index;            /* in rec->ops */
    uint64_t block;         /* G_MAXUINT64 for a flush */
    uint8_t *buf;
} Slot;

struct Guest {
    struct nbd_handle *h;
    VdGuestRecord *rec;
    GRand *rng;
    uint64_t seq;           /* the last event's number */
    uint64_t gen;           /* the last generation written */
    uint64_t nblocks;
    uint8_t *busy;          /* per block: a write is in flight */
    Slot *slots;            /* opt_qd of them */
    GPtrArray *free_slots;
    unsigned in_flight;
    bool dead;              /* the connection failed */
};

static int
op_done(void *user_data, int *error)
{
    Slot *s = user_data;
    Guest *g = s->g;
    VdGuestOp *op = &g_array_index(g->rec->ops, VdGuestOp, s->index);

    op->ack_ns = vd_monotonic_ns();
    op->ack_seq = ++g->seq;
    op->ret = *error ? -*error : 0;
    if (s->block != G_MAXUINT64)
        g->busy[s->block] = 0;
    g->in_flight--;
    g_ptr_array_add(g->free_slots, s);
    return 1;
}

/* Wait for one answer; false once the connection is gone. */
static bool
poll_once(Guest *g)
{
    if (!g->dead && nbd_poll(g->h, -1) == -1) {
        g_printerr("vdisk-crash-guest: connection ended: %s\n",
                   nbd_get_error());
        g->dead = true;
    }
    return !g->dead;
}

static Slot *
take_slot(Guest *g)
{
    while (g->free_slots->len == 0)
        if (!poll_once(g))
            return NULL;
    return g_ptr_array_steal_index_fast(g->free_slots,
                                        g->free_slots->len - 1);
}

/* Append @op, then send it (a failed send stays unanswered). */
static void
submit(Guest *g, Slot *s, VdGuestOp *op)
{
    nbd_completion_callback cb = { .callback = op_done, .user_data = s };
    int64_t cookie;

    s->index = g->rec->ops->len;
    op->sub_ns = vd_monotonic_ns();
    op->sub_seq = ++g->seq;
    g_array_append_val(g->rec->ops, *op);
    g->in_flight++;
    if (op->is_flush) {
        s->block = G_MAXUINT64;
        cookie = nbd_aio_flush(g->h, cb, 0);
    } else {
        s->block = op->offset / VD_CRASH_BLOCK;
        g->busy[s->block] = 1;
        vd_crash_block_fill(s->buf, op->offset, op->gen);
        cookie = nbd_aio_pwrite(g->h, s->buf, VD_CRASH_BLOCK, op->offset, cb,
                                op->fua ? LIBNBD_CMD_FLAG_FUA : 0);
    }
    if (cookie == -1) {
        /* Never sent: no callback will come. */
        g_printerr("vdisk-crash-guest: cannot send: %s\n", nbd_get_error());
        g_array_index(g->rec->ops, VdGuestOp, s->index).ret = -ENOTCONN;
        if (s->block != G_MAXUINT64)
            g->busy[s->block] = 0;
        g->in_flight--;
        g_ptr_array_add(g->free_slots, s);
        g->dead = true;
    }
}

/* A block with no write in flight: hot half the time. */
static bool
pick_block(Guest *g, uint64_t *block)
{
    for (;;) {
        for (int tries = 0; tries < 16; tries++) {
            uint64_t range = g_rand_boolean(g->rng)
                                 ? MIN((uint64_t)opt_hot, g->nblocks)
                                 : g->nblocks;
            uint64_t b = (uint64_t)g_rand_int_range(g->rng, 0, (gint32)range);

            if (!g->busy[b]) {
                *block = b;
                return true;
            }
        }
        if (!poll_once(g))
            return false;
    }
}

static void
send_write(Guest *g, bool fua)
{
    VdGuestOp op = { .fua = fua && g->rec->can_fua };
    uint64_t block;
    Slot *s;

    if (!pick_block(g, &block) || !(s = take_slot(g)))
        return;
    op.offset = block * VD_CRASH_BLOCK;
    op.gen = ++g->gen;
    submit(g, s, &op);
}

static void
send_flush(Guest *g)
{
    VdGuestOp op = { .is_flush = true };
    Slot *s = take_slot(g);

    if (s)
        submit(g, s, &op);
}

static void
drain(Guest *g)
{
    while (g->in_flight > 0 && poll_once(g))
        ;
}

static void
run(Guest *g)
{
    for (gint64 i = 0; (opt_ops == 0 || i < opt_ops) && !g->dead; i++) {
        if (g->rec->can_flush && g_rand_int_range(g->rng, 0, 100) < opt_flush)
            send_flush(g);
        else
            send_write(g, g_rand_int_range(g->rng, 0, 100) < opt_fua);
    }
    drain(g);
    /* The end: each durable with nothing after it (see the top). */
    send_write(g, false);
    drain(g);
    if (g->rec->can_flush) {
        send_flush(g);
        drain(g);
    }
    send_write(g, true);
    drain(g);
}

static bool
connect_guest(Guest *g)
{
    g->h = nbd_create();
    if (!g->h || (opt_export && nbd_set_export_name(g->h, opt_export) == -1)
        || nbd_connect_unix(g->h, opt_socket) == -1) {
        g_printerr("vdisk-crash-guest: cannot connect to %s: %s\n",
                   opt_socket, nbd_get_error());
        return false;
    }
    g->rec->size = (uint64_t)nbd_get_size(g->h);
    g->rec->can_flush = nbd_can_flush(g->h) == 1;
    g->rec->can_fua = nbd_can_fua(g->h) == 1;
    /* g_rand_int_range picks blocks: up to 8 TiB of 4 KiB blocks. */
    g->nblocks = MIN(g->rec->size / VD_CRASH_BLOCK, (uint64_t)G_MAXINT32);
    if (g->nblocks == 0) {
        g_printerr("vdisk-crash-guest: the export is smaller than a block\n");
        return false;
    }
    return true;
}

int
main(int argc, char **argv)
{
    g_autoptr(GOptionContext) ctx = g_option_context_new(NULL);
    g_autoptr(GError) err = NULL;
    Guest g = { 0 };
    int status = EXIT_SUCCESS;

    g_option_context_set_summary(ctx, "The crash tests' NBD guest.");
    g_option_context_add_main_entries(ctx, options, NULL);
    if (!g_option_context_parse(ctx, &argc, &argv, &err) || !opt_socket ||
        !opt_record || opt_ops < 0 || opt_qd < 1 || opt_hot < 1 ||
        opt_first_gen < 1) {
        g_printerr("vdisk-crash-guest: %s\n",
                   err ? err->message : "bad arguments; see --help");
        return EXIT_FAILURE;
    }
    g.rec = vd_guest_record_new();
    g.rec->seed = (uint64_t)opt_seed;
    g.rng = g_rand_new_with_seed((guint32)opt_seed);
    g.gen = (uint64_t)opt_first_gen - 1;
    if (!connect_guest(&g)) {
        status = EXIT_FAILURE;
    } else {
        /* Tests that kill the server wait for this line. */
        printf("connected: %" G_GUINT64_FORMAT " bytes, flush %d, fua %d\n",
               g.rec->size, g.rec->can_flush, g.rec->can_fua);
        fflush(stdout);
        g.busy = g_malloc0(g.nblocks);
        g.slots = g_new0(Slot, opt_qd);
        g.free_slots = g_ptr_array_new();
        for (int i = 0; i < opt_qd; i++) {
            g.slots[i].g = &g;
            g.slots[i].buf = g_malloc(VD_CRASH_BLOCK);
            g_ptr_array_add(g.free_slots, &g.slots[i]);
        }
        run(&g);
        /* Dying is the point with --ops 0; otherwise it is a failure. */
        if (g.dead && opt_ops != 0)
            status = EXIT_FAILURE;
    }
    if (!vd_guest_record_save(g.rec, opt_record, &err)) {
        g_printerr("vdisk-crash-guest: %s\n", err->message);
        status = EXIT_FAILURE;
    }
    if (g.h) {
        if (!g.dead)
            nbd_shutdown(g.h, 0);
        nbd_close(g.h);
    }
    for (int i = 0; g.slots && i < opt_qd; i++)
        g_free(g.slots[i].buf);
    g_free(g.slots);
    if (g.free_slots)
        g_ptr_array_unref(g.free_slots);
    g_free(g.busy);
    g_rand_free(g.rng);
    vd_guest_record_free(g.rec);
    return status;
}
