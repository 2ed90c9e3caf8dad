/* The request pool, children and queues. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>

#include <check.h>

#include "storage/layer.h"
#include "storage/request.h"
#include "tests/common/check-run.h"

START_TEST(test_pool_grows_and_reuses)
{
    VdRequestPool *pool = vd_request_pool_new(1 << 16, 4);
    VdRequest *r[10];

    for (unsigned i = 0; i < 10; i++) {
        r[i] = vd_request_get(pool);
        ck_assert_ptr_nonnull(r[i]);
        ck_assert_ptr_null(r[i]->buf);
        ck_assert_uint_eq(r[i]->flags, 0);
    }
    /* 10 requests from chunks of 4: three chunks. */
    ck_assert_uint_eq(vd_request_pool_allocations(pool), 3);
    ck_assert_uint_eq(vd_request_pool_in_use(pool), 10);
    for (unsigned i = 0; i < 10; i++)
        vd_request_put(r[i]);
    ck_assert_uint_eq(vd_request_pool_in_use(pool), 0);
    for (unsigned i = 0; i < 10; i++)
        r[i] = vd_request_get(pool);
    ck_assert_uint_eq(vd_request_pool_allocations(pool), 3);
    for (unsigned i = 0; i < 10; i++)
        vd_request_put(r[i]);
    vd_request_pool_free(pool);
}
END_TEST

START_TEST(test_buffers_are_aligned_and_reused)
{
    VdRequestPool *pool = vd_request_pool_new(1 << 16, 8);
    VdRequest *a = vd_request_get(pool);
    VdRequest *b = vd_request_get(pool);
    void *first;
    uint64_t n;

    ck_assert_int_eq(vd_request_alloc_buf(a, 5000), 0);
    ck_assert_uint_eq((uintptr_t)a->buf % VD_REQUEST_BUF_ALIGN, 0);
    first = a->buf;
    n = vd_request_pool_allocations(pool);
    vd_request_put(a);
    /* Same size class: the same buffer again, no allocation. */
    ck_assert_int_eq(vd_request_alloc_buf(b, 8192), 0);
    ck_assert_ptr_eq(b->buf, first);
    ck_assert_uint_eq(vd_request_pool_allocations(pool), n);
    /* Above what the pool keeps: one-off, freed on put. */
    a = vd_request_get(pool);
    ck_assert_int_eq(vd_request_alloc_buf(a, 1 << 20), 0);
    ck_assert_uint_eq((uintptr_t)a->buf % VD_REQUEST_BUF_ALIGN, 0);
    ((char *)a->buf)[(1 << 20) - 1] = 1;
    vd_request_put(a);
    vd_request_put(b);
    vd_request_pool_free(pool);
}
END_TEST

static int child_ret = 1;

static void
child_done(VdRequest *c, int ret)
{
    child_ret = ret;
    ck_assert_ptr_nonnull(c->parent);
}

/* A burst of large requests must not pin its buffers in the pool: only a
 * bounded amount is kept for reuse, the rest is freed on release. */
START_TEST(test_kept_buffers_are_bounded)
{
    VdRequestPool *pool = vd_request_pool_new(1 << 20, 8);
    VdRequest *reqs[32];

    for (int i = 0; i < 32; i++) {
        reqs[i] = vd_request_get(pool);
        ck_assert_int_eq(vd_request_alloc_buf(reqs[i], 1 << 20), 0);
    }
    for (int i = 0; i < 32; i++)
        vd_request_put(reqs[i]);
    ck_assert_uint_gt(vd_request_pool_kept_bytes(pool), 0);
    ck_assert_uint_le(vd_request_pool_kept_bytes(pool), 4u << 20);
    /* What is kept is reused: taking it again allocates nothing new. */
    uint64_t before = vd_request_pool_allocations(pool);
    reqs[0] = vd_request_get(pool);
    ck_assert_int_eq(vd_request_alloc_buf(reqs[0], 1 << 20), 0);
    ck_assert_uint_eq(vd_request_pool_allocations(pool), before);
    vd_request_put(reqs[0]);
    vd_request_pool_free(pool);
}
END_TEST

START_TEST(test_child_copies_parent)
{
    VdRequestPool *pool = vd_request_pool_new(0, 4);
    VdRequest *p = vd_request_get(pool);
    VdRequest *c;
    char buf[16];

    p->type = VD_REQ_WRITE;
    p->flags = VD_REQ_FUA;
    p->offset = 512;
    p->len = 16;
    p->buf = buf;
    c = vd_request_child(p, child_done);
    ck_assert_int_eq(c->type, VD_REQ_WRITE);
    ck_assert_uint_eq(c->flags, VD_REQ_FUA);
    ck_assert_uint_eq(c->offset, 512);
    ck_assert_uint_eq(c->len, 16);
    ck_assert_ptr_eq(c->buf, buf);
    ck_assert_ptr_eq(c->parent, p);
    vd_request_complete(c, -EIO);
    ck_assert_int_eq(child_ret, -EIO);
    vd_request_put(c);
    vd_request_put(p);
    vd_request_pool_free(pool);
}
END_TEST

START_TEST(test_queue)
{
    VdRequestPool *pool = vd_request_pool_new(0, 4);
    VdRequestQueue q = { 0 };
    VdRequest *r[4];

    for (unsigned i = 0; i < 4; i++) {
        r[i] = vd_request_get(pool);
        vd_request_queue_push(&q, r[i]);
    }
    ck_assert_uint_eq(q.len, 4);
    vd_request_queue_remove(&q, r[2]);
    vd_request_queue_remove(&q, r[0]);
    ck_assert_ptr_eq(vd_request_queue_pop(&q), r[1]);
    ck_assert_ptr_eq(vd_request_queue_pop(&q), r[3]);
    ck_assert_ptr_null(vd_request_queue_pop(&q));
    ck_assert(vd_request_queue_empty(&q));
    for (unsigned i = 0; i < 4; i++)
        vd_request_put(r[i]);
    vd_request_pool_free(pool);
}
END_TEST

START_TEST(test_allowed_flags)
{
    ck_assert_uint_eq(vd_request_allowed_flags(VD_REQ_READ), 0);
    ck_assert_uint_eq(vd_request_allowed_flags(VD_REQ_FLUSH), 0);
    ck_assert_uint_eq(vd_request_allowed_flags(VD_REQ_WRITE), VD_REQ_FUA);
    ck_assert_uint_eq(vd_request_allowed_flags(VD_REQ_WRITE_ZEROES),
                      VD_REQ_FUA | VD_REQ_NO_HOLE);
    ck_assert_str_eq(vd_request_type_name(VD_REQ_WRITE_ZEROES), "write-zeroes");
}
END_TEST

/* The boundary asserts fire (check runs each test in a child process). */
static void
noop_submit(VdLayer *l, VdRequest *req)
{
}

static const VdLayerOps noop_ops = { .name = "noop", .submit = noop_submit };

static void
noop_done(VdRequest *r, int ret)
{
}

static void
submit_bad(uint32_t flags, uint64_t off, uint64_t len)
{
    VdLayer *l = vd_layer_new(&noop_ops, NULL, NULL);
    VdRequestPool *pool = vd_request_pool_new(0, 1);
    VdRequest *r = vd_request_get(pool);

    l->size = 4096;
    ck_assert_int_eq(vd_layer_open(l, NULL), 0);
    r->type = VD_REQ_READ;
    r->flags = flags;
    r->offset = off;
    r->len = len;
    r->buf = &r->scratch;
    r->done = noop_done;
    vd_layer_submit(l, r);
    vd_request_put(r);
    vd_request_pool_free(pool);
    vd_layer_close(l);
    vd_layer_free(l);
}

START_TEST(test_boundary_flags)
{
    submit_bad(VD_REQ_FUA, 0, 512);
}
END_TEST

START_TEST(test_boundary_range)
{
    submit_bad(0, 4096 - 256, 512);
}
END_TEST

START_TEST(test_boundary_ok)
{
    submit_bad(0, 4096 - 512, 512);
}
END_TEST

static Suite *
request_suite(void)
{
    Suite *s = suite_create("request");
    TCase *tc = tcase_create("request");

    tcase_add_test(tc, test_pool_grows_and_reuses);
    tcase_add_test(tc, test_buffers_are_aligned_and_reused);
    tcase_add_test(tc, test_kept_buffers_are_bounded);
    tcase_add_test(tc, test_child_copies_parent);
    tcase_add_test(tc, test_queue);
    tcase_add_test(tc, test_allowed_flags);
#ifndef NDEBUG
    tcase_add_test_raise_signal(tc, test_boundary_flags, SIGABRT);
    tcase_add_test_raise_signal(tc, test_boundary_range, SIGABRT);
#endif
    tcase_add_test(tc, test_boundary_ok);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return vd_test_run(request_suite());
}
