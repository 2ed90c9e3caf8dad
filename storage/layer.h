/*
 * The one layer interface of the block backend.
 *
 * A disk is a chain of layers: filters (stats, recorder, cow-snapshot),
 * a format (raw, qed) and a protocol layer (file) that hands system calls
 * to an engine. Every layer has the same shape, as in nbdkit: a table of
 * functions and a `next` below. Requests go down through submit and come
 * back through their completion (storage/request.h); a layer never knows
 * what is above it.
 *
 * vd_layer_submit checks the request at the boundary with asserts (type,
 * flags allowed for the type, buffer present, offset + len not wrapping,
 * the layer open), so that a layer can trust what it is given. A request
 * out of the layer's range is a bug above it, asserted too, except for
 * layers that say they check ranges themselves (formats answer the guest
 * with -EINVAL or -ENOSPC).
 *
 * Threads. open, close, check and repair and free run on the control
 * plane while no request is in flight; submit and its completions run in
 * the disk's I/O thread only.
 */
#ifndef VD_STORAGE_LAYER_H
#define VD_STORAGE_LAYER_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

#include "storage/iothread.h"
#include "storage/request.h"

typedef struct VdLayer VdLayer;

/* What a format's check found and did; filled by check and repair. */
typedef struct {
    uint64_t corruptions;       /* inconsistencies found */
    uint64_t corruptions_fixed; /* of those, repaired */
    uint64_t leaks;             /* allocated but unreferenced clusters */
    uint64_t leaks_fixed;
    bool need_check_cleared;
} VdLayerCheckResult;

typedef struct {
    const char *name;   /* "file", "raw", "stats", ... */

    /*
     * Open the layer over an already open l->next (NULL for the bottom
     * layer) and set l->size. Control plane, may block. Returns 0 or -1
     * with @err set.
     */
    int (*open)(VdLayer *l, GError **err);

    /*
     * Release what open took; l->next is still open. Returns 0, or -errno
     * when something written could not be made durable. Control plane.
     */
    int (*close)(VdLayer *l);

    /*
     * Start @req. Completes it exactly once, possibly before returning.
     * Data plane: no blocking call, no allocation in steady state.
     */
    void (*submit)(VdLayer *l, VdRequest *req);

    /*
     * Attach to / detach from the I/O thread that will run submit; runs in
     * that I/O thread, after open / before close. Optional (layers without
     * fds to watch leave them NULL).
     */
    int (*attach)(VdLayer *l, VdIothread *t, GError **err);
    void (*detach)(VdLayer *l);

    /* Formats: consistency check, and repair. Optional; control plane. */
    int (*check)(VdLayer *l, VdLayerCheckResult *res, GError **err);
    int (*repair)(VdLayer *l, VdLayerCheckResult *res, GError **err);

    /* Free l->priv and anything else; the layer is closed. Optional. */
    void (*free)(VdLayer *l);
} VdLayerOps;

struct VdLayer {
    const VdLayerOps *ops;
    VdLayer *next;          /* the layer below; NULL for the bottom one */
    void *priv;             /* the layer's own state */

    uint64_t size;          /* bytes; set by open */
    bool read_only;         /* writes are a bug above (asserted) */
    /*
     * submit answers out-of-range requests itself, or passes them on to
     * a layer that does (filters above a format)
     */
    bool checks_range;
    bool is_open;
};

/* A new closed layer of type @ops over @next, holding @priv. */
VdLayer *vd_layer_new(const VdLayerOps *ops, VdLayer *next, void *priv);

/*
 * Open @l (not the layers below it: open the chain bottom up). Sets
 * l->is_open; returns 0, or -1 with @err set.
 */
int vd_layer_open(VdLayer *l, GError **err);

/* Close @l (top down); 0 or -errno from the layer's close. */
int vd_layer_close(VdLayer *l);

/* Free @l alone (it must be closed); the layers below stay. */
void vd_layer_free(VdLayer *l);

/* Free @top and every layer below it; all must be closed. */
void vd_layer_free_chain(VdLayer *top);

/* Attach and detach @top and every layer below it, bottom up / top down. */
int vd_layer_attach_chain(VdLayer *top, VdIothread *t, GError **err);
void vd_layer_detach_chain(VdLayer *top);

/* Size of @l in bytes (open). */
static inline uint64_t
vd_layer_size(const VdLayer *l)
{
    assert(l->is_open);
    return l->size;
}

/* Check @req at the boundary of @l (asserts; see above). */
void vd_layer_assert_request(const VdLayer *l, const VdRequest *req);

/* Submit @req to @l: the boundary checks, then l->ops->submit. */
static inline void
vd_layer_submit(VdLayer *l, VdRequest *req)
{
#ifndef NDEBUG
    vd_layer_assert_request(l, req);
#endif
    l->ops->submit(l, req);
}

#endif /* VD_STORAGE_LAYER_H */
