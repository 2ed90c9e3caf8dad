/* Self-describing blocks; see block.h. */
#include "config.h"

#include <string.h>
#include <glib.h>

#include "tools/crash/block.h"

#define MAGIC 0x42434456u   /* "VDCB" */
#define HEADER 32u

static uint64_t
splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t
get_le64(const uint8_t *p)
{
    uint64_t v;

    memcpy(&v, p, 8);
    return GUINT64_FROM_LE(v);
}

static void
put_le64(uint8_t *p, uint64_t v)
{
    v = GUINT64_TO_LE(v);
    memcpy(p, &v, 8);
}

/* FNV-1a over the sector's 64-bit words, but its checksum field. */
static uint64_t
checksum(const uint8_t *sec)
{
    uint64_t h = 0xcbf29ce484222325ULL;

    for (unsigned i = 0; i < VD_CRASH_SECTOR; i += 8) {
        if (i == 24)
            continue;
        h = (h ^ get_le64(sec + i)) * 0x100000001b3ULL;
    }
    return h;
}

void
vd_crash_sector_fill(uint8_t *sec, uint64_t offset, uint64_t gen,
                     unsigned idx)
{
    uint64_t s = offset * 0x2545f4914f6cdd1dULL ^ gen * 0x9e3779b97f4a7c15ULL
                 ^ idx;
    uint32_t magic = GUINT32_TO_LE(MAGIC), index = GUINT32_TO_LE(idx);

    memcpy(sec, &magic, 4);
    memcpy(sec + 4, &index, 4);
    put_le64(sec + 8, offset);
    put_le64(sec + 16, gen);
    for (unsigned i = HEADER; i < VD_CRASH_SECTOR; i += 8)
        put_le64(sec + i, splitmix(&s));
    put_le64(sec + 24, checksum(sec));
}

void
vd_crash_block_fill(uint8_t *buf, uint64_t offset, uint64_t gen)
{
    for (unsigned i = 0; i < VD_CRASH_SECTORS; i++)
        vd_crash_sector_fill(buf + i * VD_CRASH_SECTOR, offset, gen, i);
}

static bool
all_zero(const uint8_t *p, size_t n)
{
    static const uint8_t zero[VD_CRASH_SECTOR];

    return memcmp(p, zero, n) == 0;
}

bool
vd_crash_sector_parse(const uint8_t *sec, uint64_t *offset, uint64_t *gen,
                      unsigned *idx)
{
    uint32_t magic, index;

    memcpy(&magic, sec, 4);
    memcpy(&index, sec + 4, 4);
    if (GUINT32_FROM_LE(magic) != MAGIC || get_le64(sec + 24) != checksum(sec))
        return false;
    *idx = GUINT32_FROM_LE(index);
    *offset = get_le64(sec + 8);
    *gen = get_le64(sec + 16);
    return true;
}

int64_t
vd_crash_sector_gen(const uint8_t *sec, uint64_t offset, unsigned idx)
{
    uint8_t want[VD_CRASH_SECTOR];
    uint64_t off, gen;
    unsigned i;

    if (all_zero(sec, VD_CRASH_SECTOR))
        return 0;
    if (!vd_crash_sector_parse(sec, &off, &gen, &i) || off != offset ||
        i != idx || gen == 0 || gen > INT64_MAX)
        return VD_CRASH_FOREIGN;
    /* The header may be right and the rest not: compare it all. */
    vd_crash_sector_fill(want, offset, gen, idx);
    return memcmp(want, sec, VD_CRASH_SECTOR) == 0 ? (int64_t)gen
                                                    : VD_CRASH_FOREIGN;
}
