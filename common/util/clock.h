/*
 * The monotonic clock in nanoseconds: latencies, polling windows and the
 * write log's timestamps all use it, so that they compare.
 */
#ifndef VD_COMMON_UTIL_CLOCK_H
#define VD_COMMON_UTIL_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t
vd_monotonic_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#endif /* VD_COMMON_UTIL_CLOCK_H */
