/*
 * What the guest's disk held before the run (initial.c): read through
 * the checker from the base image with an empty overlay, and handed to
 * the oracle. Call before anything is applied to the base.
 */
#ifndef VD_CRASH_INITIAL_H
#define VD_CRASH_INITIAL_H

#include <glib.h>

#include "tools/crash/check.h"
#include "tools/crash/oracle.h"

gboolean vd_crash_initial_load(VdCrashChecker *c, VdOracle *o, GError **err);

#endif /* VD_CRASH_INITIAL_H */
