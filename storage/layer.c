/*
 * The generic part of layers: life cycle over a chain, and the checks at
 * each layer's boundary.
 */
#include "config.h"

#include <errno.h>

#include "storage/layer.h"

VdLayer *
vd_layer_new(const VdLayerOps *ops, VdLayer *next, void *priv)
{
    VdLayer *l = g_new0(VdLayer, 1);

    g_assert(ops && ops->submit && ops->name);
    l->ops = ops;
    l->next = next;
    l->priv = priv;
    return l;
}

int
vd_layer_open(VdLayer *l, GError **err)
{
    g_assert(!l->is_open);
    g_assert(!l->next || l->next->is_open);
    if (l->next) {
        /* What cannot be written below cannot be written here. */
        l->read_only = l->read_only || l->next->read_only;
        l->size = l->next->size;
    }
    if (l->ops->open && l->ops->open(l, err) < 0)
        return -1;
    l->is_open = true;
    return 0;
}

int
vd_layer_close(VdLayer *l)
{
    int ret = 0;

    if (!l->is_open)
        return 0;
    if (l->ops->close)
        ret = l->ops->close(l);
    l->is_open = false;
    return ret;
}

void
vd_layer_free(VdLayer *l)
{
    if (!l)
        return;
    g_assert(!l->is_open);
    if (l->ops->free)
        l->ops->free(l);
    g_free(l);
}

void
vd_layer_free_chain(VdLayer *top)
{
    while (top) {
        VdLayer *next = top->next;
        vd_layer_free(top);
        top = next;
    }
}

int
vd_layer_attach_chain(VdLayer *top, VdIothread *t, GError **err)
{
    if (!top)
        return 0;
    if (vd_layer_attach_chain(top->next, t, err) < 0)
        return -1;
    if (top->ops->attach && top->ops->attach(top, t, err) < 0) {
        vd_layer_detach_chain(top->next);
        return -1;
    }
    return 0;
}

void
vd_layer_detach_chain(VdLayer *top)
{
    for (; top; top = top->next) {
        if (top->ops->detach)
            top->ops->detach(top);
    }
}

void
vd_layer_assert_request(const VdLayer *l, const VdRequest *req)
{
    assert(l->is_open);
    assert((unsigned)req->type < VD_REQ_N_TYPES);
    assert((req->flags & ~vd_request_allowed_flags(req->type)) == 0);
    assert(req->done != NULL);
    assert(req->offset + req->len >= req->offset);
    if (req->type == VD_REQ_READ || req->type == VD_REQ_WRITE)
        assert(req->buf != NULL || req->len == 0);
    if (vd_request_is_write(req->type))
        assert(!l->read_only);
    if (!l->checks_range && req->type != VD_REQ_FLUSH)
        assert(req->offset + req->len <= l->size);
}
