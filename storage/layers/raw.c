#include "config.h"

#include <errno.h>

#include "storage/layers/raw.h"

static void
raw_submit(VdLayer *l, VdRequest *req)
{
    if (req->type != VD_REQ_FLUSH &&
        (req->offset > l->size || req->len > l->size - req->offset)) {
        vd_request_complete(req, vd_request_is_write(req->type) ? -ENOSPC
                                                                : -EINVAL);
        return;
    }
    vd_layer_submit(l->next, req);
}

static const VdLayerOps raw_ops = {
    .name = "raw",
    .submit = raw_submit,
};

VdLayer *
vd_raw_layer_new(VdLayer *next)
{
    /* The guest sees the whole file: size and read-only come from next
     * (vd_layer_open copies them). */
    VdLayer *l = vd_layer_new(&raw_ops, next, NULL);

    l->checks_range = true;
    return l;
}
