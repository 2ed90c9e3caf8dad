/*
 * libFuzzer target for the QED header and table parser: the input is a
 * whole image file, held in memory. It is opened read-only and checked,
 * then opened for writing (recovery runs if NEED_CHECK is set) and
 * checked with repair, on a copy that may grow. Any crash, overflow,
 * leak or undefined behaviour (the target is built with ASan and UBSan)
 * is a bug: these functions read files that a guest or an attacker may
 * have written.
 *
 *   make fuzz && fuzz/qed-header fuzz/corpus/qed-header
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "storage/layers/qed-image.h"

/* Inputs are images; nothing about the parser needs bigger ones, and
 * each run must stay fast. */
#define FUZZ_MAX_INPUT (1u << 20)
#define FUZZ_MAX_FILE (8u << 20)

typedef struct {
    VdQedIo io;
    uint8_t *data;
    size_t size;
    bool writable;
} MemIo;

static int
mem_pread(VdQedIo *io, void *buf, size_t len, uint64_t off)
{
    MemIo *m = (MemIo *)io;
    size_t n = off >= m->size ? 0 : (size_t)MIN(len, m->size - off);

    if (n)
        memcpy(buf, m->data + off, n);
    memset((char *)buf + n, 0, len - n);
    return 0;
}

static int
mem_truncate(VdQedIo *io, uint64_t size)
{
    MemIo *m = (MemIo *)io;

    if (!m->writable)
        return -EBADF;
    if (size > FUZZ_MAX_FILE)
        return -ENOSPC;
    m->data = realloc(m->data, size ? size : 1);
    if (size > m->size)
        memset(m->data + m->size, 0, size - m->size);
    m->size = size;
    return 0;
}

static int
mem_pwrite(VdQedIo *io, const void *buf, size_t len, uint64_t off)
{
    MemIo *m = (MemIo *)io;

    if (!m->writable)
        return -EBADF;
    if (off > FUZZ_MAX_FILE || len > FUZZ_MAX_FILE - off)
        return -ENOSPC;
    if (off + len > m->size && mem_truncate(io, off + len) < 0)
        return -ENOSPC;
    memcpy(m->data + off, buf, len);
    return 0;
}

static int
mem_flush(VdQedIo *io)
{
    return 0;
}

static int64_t
mem_size(VdQedIo *io)
{
    return (int64_t)((MemIo *)io)->size;
}

static void
mem_init(MemIo *m, const uint8_t *data, size_t size, bool writable)
{
    memset(m, 0, sizeof(*m));
    m->io.pread = mem_pread;
    m->io.pwrite = mem_pwrite;
    m->io.flush = mem_flush;
    m->io.truncate = mem_truncate;
    m->io.size = mem_size;
    m->data = malloc(size ? size : 1);
    memcpy(m->data, data, size);
    m->size = size;
    m->writable = writable;
}

static void
open_and_check(const uint8_t *data, size_t size, unsigned flags, bool repair)
{
    MemIo m;
    VdQedImage *img;
    VdQedCheckResult res = { 0 };

    mem_init(&m, data, size, !(flags & VD_QED_OPEN_READ_ONLY));
    img = vd_qed_image_open(&m.io, flags, NULL);
    if (img) {
        vd_qed_check(img, repair, &res);
        vd_qed_check_result_clear(&res);
        vd_qed_image_free(img);
    }
    free(m.data);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX_INPUT)
        return 0;
    open_and_check(data, size, VD_QED_OPEN_READ_ONLY, false);
    open_and_check(data, size, VD_QED_OPEN_READ_ONLY | VD_QED_OPEN_NO_RECOVER,
                   false);
    open_and_check(data, size, 0, true);
    open_and_check(data, size, VD_QED_OPEN_NO_LOG, false);
    return 0;
}
