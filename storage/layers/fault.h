/*
 * Fault injection: a filter at the bottom of a disk's chain, on the
 * engine interface under the file layer (as the recorder), that fails
 * chosen requests before they reach the storage, as QEMU's blkdebug
 * does. Under the file layer so that what the file layer does with a
 * failed write or fdatasync (DURABILITY.md, "Errors": a failed fdatasync
 * fails every later flush until the disk is reopened) is what is tested.
 *
 * A rule, as vdiskd's --test-fault takes it, is comma-separated
 * key=value pairs:
 *   op=read|write|flush|discard|zeroes|any   which requests (default any)
 *   offset=BYTES,len=BYTES   only those touching this range (not flush)
 *   nth=N                    the Nth matching one fails (default 1) ...
 *   count=C                  ... and the C-1 after it (default 1; 0: all)
 *   errno=EIO|ENOSPC|...     what they fail with (default EIO)
 * e.g. "op=write,nth=3" or "op=write,offset=1048576,len=4096,errno=ENOSPC".
 * Rules count requests across every disk that shares them (a daemon's
 * rules count from its start), so "the first flush" stays the first after
 * a disk is reopened. A failed request never reaches the storage.
 *
 * For tests only. Rules are parsed on the control plane; the engine runs
 * in the disk's I/O thread; the counters are atomic, since disks of one
 * daemon run in several I/O threads.
 */
#ifndef VD_STORAGE_LAYERS_FAULT_H
#define VD_STORAGE_LAYERS_FAULT_H

#include <glib.h>

#include "storage/engine/engine.h"

typedef struct VdFaultRules VdFaultRules;
typedef struct VdFault VdFault;

/* A set of rules, from specs like the above; NULL with @err on a bad one. */
VdFaultRules *vd_fault_rules_new(const char *const *specs, GError **err);
void vd_fault_rules_free(VdFaultRules *rules);

/* Requests failed so far under @rules (any thread). */
guint64 vd_fault_rules_injected(const VdFaultRules *rules);

/* A filter for one disk applying @rules (kept; must outlive it). */
VdFault *vd_fault_new(VdFaultRules *rules);

/* An engine_wrap for VdDiskConfig, with a VdFault as @fault. */
VdEngine *vd_fault_wrap(VdEngine *inner, void *fault);

/* After the disk is closed. */
void vd_fault_free(VdFault *f);

#endif /* VD_STORAGE_LAYERS_FAULT_H */
