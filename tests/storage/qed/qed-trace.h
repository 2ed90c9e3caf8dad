/*
 * A tracing engine for the QED ordering tests: wraps the real engine
 * under the file layer (VdDiskConfig.engine_wrap) and records every system
 * call's submission and completion on one clock, with a copy of what each
 * small write wrote. Tests then check the order the format promises:
 * "this write was durable before that one was sent", where durable means
 * completed with RWF_DSYNC, or completed before an fdatasync was sent
 * that completed (the kernel's rule).
 */
#ifndef VD_TESTS_STORAGE_QED_TRACE_H
#define VD_TESTS_STORAGE_QED_TRACE_H

#include <stdbool.h>
#include <stdint.h>

#include "storage/engine/engine.h"

typedef struct {
    VdReqType type;             /* VD_REQ_N_TYPES: a marker */
    uint32_t flags;
    uint64_t off, len;
    uint64_t submitted;         /* clock at submission */
    uint64_t completed;         /* clock at completion; 0: not yet */
    int ret;
    uint8_t *data;              /* writes of 4 KiB or less: a copy */
    int tag;                    /* markers */
} VdTestTraceEvent;

typedef struct VdTestTrace VdTestTrace;

/* An engine_wrap for VdDiskConfig; @data is a VdTestTrace ** to fill. */
VdEngine *vd_test_trace_wrap(VdEngine *inner, void *data);

/* Add a marker (any thread): "the guest saw this now". */
void vd_test_trace_mark(VdTestTrace *t, int tag);

/* The events so far, in submission order (borrowed until the next
 * call); from the test thread while nothing is in flight. */
const VdTestTraceEvent *vd_test_trace_events(VdTestTrace *t, unsigned *n);

/* Whether write @w was durable before clock @at. */
bool vd_test_trace_durable_before(VdTestTrace *t, const VdTestTraceEvent *w,
                                  uint64_t at);

/* Free what the trace holds (the engine itself is freed with the disk). */
void vd_test_trace_free(VdTestTrace *t);

#endif /* VD_TESTS_STORAGE_QED_TRACE_H */
