/*
 * The export's bounds, observed from inside: a real disk on a temporary
 * file whose gate is closed, so that requests are held and never complete
 * until the test resumes it. The client is one end of a socketpair; the
 * connection's counters are read in the I/O thread. Nothing waits for
 * time to pass: the test polls (bounded) for the state the server must
 * reach, and only a server that never reaches it fails.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "storage/export/nbd-conn.h"
#include "tests/common/check-run.h"
#include "tests/tmpdir.h"

#define MIB (1024u * 1024)

static char *dir;
static VdIothread *thread;
static VdDisk *disk;
static VdNbdExport *export;
static int cfd = -1;

static void
write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = write(fd, p, len);

        ck_assert_msg(n > 0, "write: %s", g_strerror(errno));
        p += n;
        len -= n;
    }
}

static void
read_all(int fd, void *buf, size_t len)
{
    char *p = buf;

    while (len > 0) {
        ssize_t n = read(fd, p, len);

        ck_assert_msg(n > 0, "read: %s", n == 0 ? "EOF" : g_strerror(errno));
        p += n;
        len -= n;
    }
}

static void
put_be(uint8_t *p, uint64_t v, int bytes)
{
    for (int i = bytes - 1; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

static uint64_t
get_be(const uint8_t *p, int bytes)
{
    uint64_t v = 0;

    for (int i = 0; i < bytes; i++)
        v = v << 8 | p[i];
    return v;
}

/* Fixed newstyle, GO for the default export, simple replies. */
static void
handshake(int fd)
{
    uint8_t greet[18], opt[22] = { 0 }, rep[20], skip[64];

    read_all(fd, greet, sizeof(greet));
    write_all(fd, "\0\0\0\1", 4);
    put_be(opt, VD_NBD_IHAVEOPT, 8);
    put_be(opt + 8, VD_NBD_OPT_GO, 4);
    put_be(opt + 12, 6, 4);           /* u32 name length 0, u16 count 0 */
    write_all(fd, opt, sizeof(opt));
    for (;;) {
        read_all(fd, rep, sizeof(rep));
        uint32_t type = get_be(rep + 12, 4), len = get_be(rep + 16, 4);

        ck_assert_uint_le(len, sizeof(skip));
        read_all(fd, skip, len);
        if (type == VD_NBD_REP_ACK)
            return;
        ck_assert_uint_eq(type, VD_NBD_REP_INFO);
    }
}

static void
send_request(int fd, uint16_t type, uint64_t cookie, uint64_t offset, uint32_t len)
{
    uint8_t h[VD_NBD_REQUEST_LEN];

    put_be(h, VD_NBD_REQUEST_MAGIC, 4);
    put_be(h + 4, 0, 2);
    put_be(h + 6, type, 2);
    put_be(h + 8, cookie, 8);
    put_be(h + 16, offset, 8);
    put_be(h + 24, len, 4);
    write_all(fd, h, sizeof(h));
}

/* What the test looks at, copied in the I/O thread. */
typedef struct {
    unsigned conns;
    unsigned slots_used;
    unsigned submitted;
    size_t buf_bytes;
    VdNbdRxNext rx_next;
    bool dead;
} Snapshot;

static void
snapshot_step(void *data)
{
    Snapshot *s = data;
    VdNbdConn *c = export->conns;

    memset(s, 0, sizeof(*s));
    s->conns = vd_nbd_export_connections(export);
    if (c) {
        s->slots_used = c->slots_used;
        s->submitted = c->submitted;
        s->buf_bytes = c->buf_bytes;
        s->rx_next = c->rx_next;
        s->dead = c->fd < 0;
    }
}

static Snapshot
snapshot(void)
{
    Snapshot s;

    vd_iothread_run_sync(thread, snapshot_step, &s);
    return s;
}

/* Poll for a state the server must reach; bounded, so a bug fails. */
#define WAIT_FOR(cond) do { \
        Snapshot snap; \
        int tries_ = 0; \
        for (;;) { \
            snap = snapshot(); \
            if (cond) \
                break; \
            ck_assert_msg(++tries_ < 6000, "never reached: %s", #cond); \
            g_usleep(10000); \
        } \
    } while (0)

static void
flag_disk_step(VdDisk *d, void *data)
{
    *(bool *)data = true;
}

static void
flag_export_done(VdNbdExport *e, void *data)
{
    *(bool *)data = true;
}

static void
iterate_until(bool *flag)
{
    while (!*flag)
        g_main_context_iteration(NULL, TRUE);
}

static void
gate_close(void)
{
    bool drained = false;

    vd_disk_quiesce(disk, flag_disk_step, &drained);
    iterate_until(&drained);
}

static void
setup(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *img = NULL;
    int fds[2];
    VdDiskConfig cfg = { 0 };

    dir = vd_test_tmpdir_new();
    img = g_build_filename(dir, "disk.img", NULL);
    ck_assert(g_file_set_contents(img, "", 0, NULL));
    ck_assert_int_eq(truncate(img, 256 * MIB), 0);
    cfg.path = img;
    cfg.cache = VD_CACHE_WRITEBACK;
    cfg.discard = VD_DISCARD_UNMAP;
    thread = vd_iothread_new("nbd-limits", NULL, 0, &err);
    ck_assert_ptr_nonnull(thread);
    disk = vd_disk_open(thread, &cfg, &err);
    ck_assert_msg(disk != NULL, "%s", err ? err->message : "");
    export = vd_nbd_export_new(disk, &(VdNbdExportConfig){ "disk0", NULL });
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    vd_nbd_export_add_client(export, fds[0]);
    cfd = fds[1];
    handshake(cfd);
}

static void
teardown(void)
{
    bool done = false;

    if (cfd >= 0)
        close(cfd);
    vd_nbd_export_shutdown(export, flag_export_done, &done);
    iterate_until(&done);
    vd_nbd_export_free(export);
    ck_assert_int_eq(vd_disk_close(disk), 0);
    vd_iothread_free(thread);
    vd_test_tmpdir_remove(dir);
    g_free(dir);
}

typedef struct {
    unsigned n;
    uint32_t len;
} Writes;

/* Sends n WRITEs of len bytes; blocks while the server does not read. */
static gpointer
writer(gpointer data)
{
    Writes *w = data;
    char *payload = g_malloc(w->len);

    memset(payload, 0x6b, w->len);
    for (unsigned i = 0; i < w->n; i++) {
        send_request(cfd, VD_NBD_CMD_WRITE, i, (uint64_t)i * w->len % (256 * MIB), w->len);
        write_all(cfd, payload, w->len);
    }
    g_free(payload);
    return NULL;
}

static void
expect_replies(unsigned n)
{
    g_autofree bool *seen = g_new0(bool, n);

    for (unsigned i = 0; i < n; i++) {
        uint8_t r[VD_NBD_SIMPLE_REPLY_LEN];
        uint64_t cookie;

        read_all(cfd, r, sizeof(r));
        ck_assert_uint_eq(get_be(r, 4), VD_NBD_SIMPLE_REPLY_MAGIC);
        ck_assert_uint_eq(get_be(r + 4, 4), 0);
        cookie = get_be(r + 8, 8);
        ck_assert_uint_lt(cookie, n);
        ck_assert(!seen[cookie]);
        seen[cookie] = true;
    }
}

START_TEST(test_stops_reading_at_request_limit)
{
    Writes w = { 100, 65536 };
    GThread *t;

    gate_close();
    t = g_thread_new("writer", writer, &w);
    /* Every slot taken, all with the disk, and no further header read. */
    WAIT_FOR(snap.slots_used == VD_NBD_MAX_INFLIGHT &&
             snap.rx_next == VD_NBD_RX_WAIT_SLOT);
    Snapshot s = snapshot();
    ck_assert_uint_eq(s.submitted, VD_NBD_MAX_INFLIGHT);
    ck_assert_uint_eq(s.buf_bytes, VD_NBD_MAX_INFLIGHT * 65536u);
    vd_disk_resume(disk);
    expect_replies(w.n);
    g_thread_join(t);
}
END_TEST

START_TEST(test_stops_reading_at_buffer_budget)
{
    Writes w = { 6, 32 * MIB };
    GThread *t;

    gate_close();
    t = g_thread_new("writer", writer, &w);
    /* Two 32 MiB writes fill the budget; the third waits for its buffer. */
    WAIT_FOR(snap.rx_next == VD_NBD_RX_WAIT_BUDGET && snap.submitted == 2);
    Snapshot s = snapshot();
    ck_assert_uint_eq(s.buf_bytes, VD_NBD_INFLIGHT_BYTES);
    ck_assert_uint_eq(s.slots_used, 3);
    vd_disk_resume(disk);
    expect_replies(w.n);
    g_thread_join(t);
}
END_TEST

START_TEST(test_dropped_client_freed_after_completions)
{
    gate_close();
    for (unsigned i = 0; i < 8; i++)
        send_request(cfd, VD_NBD_CMD_READ, i, i * MIB, MIB);
    WAIT_FOR(snap.submitted == 8);
    /* The client goes; its requests are still with the disk. */
    close(cfd);
    cfd = -1;
    WAIT_FOR(snap.dead);
    Snapshot s = snapshot();
    ck_assert_uint_eq(s.conns, 1);
    ck_assert_uint_eq(s.submitted, 8);
    /* They complete into the closed connection, which is then freed. */
    vd_disk_resume(disk);
    WAIT_FOR(snap.conns == 0);
}
END_TEST

START_TEST(test_replies_out_of_order)
{
    uint8_t r[VD_NBD_SIMPLE_REPLY_LEN];
    char buf[4096];

    /* A read held by the gate does not hold back a refused request. */
    gate_close();
    send_request(cfd, VD_NBD_CMD_READ, 1, 0, sizeof(buf));
    send_request(cfd, 0x42, 2, 0, 0);
    read_all(cfd, r, sizeof(r));
    ck_assert_uint_eq(get_be(r + 4, 4), VD_NBD_EINVAL);
    ck_assert_uint_eq(get_be(r + 8, 8), 2);
    vd_disk_resume(disk);
    read_all(cfd, r, sizeof(r));
    ck_assert_uint_eq(get_be(r + 4, 4), 0);
    ck_assert_uint_eq(get_be(r + 8, 8), 1);
    read_all(cfd, buf, sizeof(buf));
}
END_TEST

START_TEST(test_shutdown_with_requests_held)
{
    bool done = false;

    /* Shutdown waits for held requests; it finishes once they complete. */
    gate_close();
    for (unsigned i = 0; i < 4; i++)
        send_request(cfd, VD_NBD_CMD_READ, i, 0, 4096);
    WAIT_FOR(snap.submitted == 4);
    vd_nbd_export_shutdown(export, flag_export_done, &done);
    WAIT_FOR(snap.submitted == 4 && snap.conns == 1);
    while (g_main_context_iteration(NULL, FALSE))
        ;
    ck_assert(!done);
    vd_disk_resume(disk);
    iterate_until(&done);
    vd_nbd_export_free(export);
    /* teardown's own shutdown needs an export: give it a fresh one. */
    export = vd_nbd_export_new(disk, &(VdNbdExportConfig){ "disk0", NULL });
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("nbd-limits");
    TCase *tc = tcase_create("limits");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_stops_reading_at_request_limit);
    tcase_add_test(tc, test_stops_reading_at_buffer_budget);
    tcase_add_test(tc, test_dropped_client_freed_after_completions);
    tcase_add_test(tc, test_replies_out_of_order);
    tcase_add_test(tc, test_shutdown_with_requests_held);
    suite_add_tcase(s, tc);
    return vd_test_run(s);
}
