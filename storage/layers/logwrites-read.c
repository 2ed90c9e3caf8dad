/*
 * Reading a dm-log-writes log (see logwrites.h): the file is mapped and
 * indexed once, so that the crash explorer can reach any entry's data
 * without copying it.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "common/util/error.h"
#include "storage/layers/logwrites.h"

struct VdLogReader {
    uint8_t *map;
    size_t map_len;
    uint32_t sectorsize;
    uint64_t n_entries;
    VdLogEntry *entries;
    bool has_times;
};

static uint64_t
get_le64(const uint8_t *p)
{
    uint64_t v;

    memcpy(&v, p, 8);
    return GUINT64_FROM_LE(v);
}

static uint32_t
get_le32(const uint8_t *p)
{
    uint32_t v;

    memcpy(&v, p, 4);
    return GUINT32_FROM_LE(v);
}

static gboolean
bad(GError **err, const char *path, const char *what)
{
    g_set_error(err, VD_ERROR_STORAGE, VD_ERR_OPERATION_FAILED,
                "'%s' is not a usable write log: %s", path, what);
    return FALSE;
}

/* Map @path read-only; an empty file maps to NULL with length 0. */
static gboolean
map_file(const char *path, uint8_t **map, size_t *len, GError **err)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0 || fstat(fd, &st) < 0) {
        g_set_error(err, VD_ERROR_STORAGE, VD_ERR_SYSTEM_ERROR,
                    "cannot open '%s': %s", path, g_strerror(errno));
        if (fd >= 0)
            close(fd);
        return FALSE;
    }
    *len = (size_t)st.st_size;
    *map = NULL;
    if (*len > 0) {
        void *p = mmap(NULL, *len, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            g_set_error(err, VD_ERROR_STORAGE, VD_ERR_SYSTEM_ERROR,
                        "cannot map '%s': %s", path, g_strerror(errno));
            close(fd);
            return FALSE;
        }
        *map = p;
    }
    close(fd);
    return TRUE;
}

static gboolean
read_super(VdLogReader *r, const char *path, GError **err)
{
    if (r->map_len < VD_LOGWRITES_SUPER_SIZE)
        return bad(err, path, "no superblock");
    if (get_le64(r->map) != VD_LOGWRITES_MAGIC)
        return bad(err, path, "bad magic");
    if (get_le64(r->map + 8) != VD_LOGWRITES_VERSION)
        return bad(err, path, "unknown version");
    r->n_entries = get_le64(r->map + 16);
    r->sectorsize = get_le32(r->map + 24);
    if (r->sectorsize < 512 || r->sectorsize > (1u << 20) ||
        (r->sectorsize & (r->sectorsize - 1)))
        return bad(err, path, "bad sector size");
    /* Each entry takes at least a sector: bounds the index. */
    if (r->n_entries > r->map_len / r->sectorsize)
        return bad(err, path, "more entries than the file holds");
    return TRUE;
}

static gboolean
index_entries(VdLogReader *r, const char *path, GError **err)
{
    uint64_t off = r->sectorsize;

    r->entries = g_new0(VdLogEntry, r->n_entries);
    for (uint64_t i = 0; i < r->n_entries; i++) {
        VdLogEntry *e = &r->entries[i];
        const uint8_t *h;
        uint64_t data_bytes = 0;

        if (off > r->map_len || r->map_len - off < r->sectorsize)
            return bad(err, path, "truncated entry");
        h = r->map + off;
        e->sector = get_le64(h);
        e->nr_sectors = get_le64(h + 8);
        e->flags = get_le64(h + 16);
        e->data_len = get_le64(h + 24);
        off += r->sectorsize;
        if (e->flags & VD_LOGWRITES_MARK) {
            if (e->data_len > r->sectorsize - VD_LOGWRITES_ENTRY_HEADER)
                return bad(err, path, "mark name too long");
            e->data = h + VD_LOGWRITES_ENTRY_HEADER;
            continue;
        }
        if (e->flags & VD_LOGWRITES_DISCARD || e->nr_sectors == 0)
            continue;
        if (e->nr_sectors > (r->map_len - off) / r->sectorsize)
            return bad(err, path, "entry data past the end");
        data_bytes = e->nr_sectors * r->sectorsize;
        e->data = r->map + off;
        off += data_bytes;
    }
    return TRUE;
}

static gboolean
read_times(VdLogReader *r, const char *path, GError **err)
{
    g_autofree char *tpath = g_strconcat(path, ".times", NULL);
    uint8_t *map;
    size_t len;

    if (!g_file_test(tpath, G_FILE_TEST_EXISTS))
        return TRUE;
    if (!map_file(tpath, &map, &len, err))
        return FALSE;
    if (len < 16 || memcmp(map, "VDLWTIME", 8) != 0 ||
        get_le32(map + 8) != 1 || (len - 16) / 16 < r->n_entries) {
        if (map)
            munmap(map, len);
        return bad(err, tpath, "bad times sidecar");
    }
    for (uint64_t i = 0; i < r->n_entries; i++) {
        r->entries[i].t_submit = get_le64(map + 16 + i * 16);
        r->entries[i].t_logged = get_le64(map + 16 + i * 16 + 8);
    }
    munmap(map, len);
    r->has_times = true;
    return TRUE;
}

VdLogReader *
vd_logreader_open(const char *path, GError **err)
{
    VdLogReader *r = g_new0(VdLogReader, 1);

    if (!map_file(path, &r->map, &r->map_len, err) ||
        !read_super(r, path, err) || !index_entries(r, path, err) ||
        !read_times(r, path, err)) {
        vd_logreader_free(r);
        return NULL;
    }
    return r;
}

void
vd_logreader_free(VdLogReader *r)
{
    if (!r)
        return;
    if (r->map)
        munmap(r->map, r->map_len);
    g_free(r->entries);
    g_free(r);
}

uint32_t
vd_logreader_sectorsize(const VdLogReader *r)
{
    return r->sectorsize;
}

uint64_t
vd_logreader_n_entries(const VdLogReader *r)
{
    return r->n_entries;
}

bool
vd_logreader_has_times(const VdLogReader *r)
{
    return r->has_times;
}

const VdLogEntry *
vd_logreader_entry(const VdLogReader *r, uint64_t i)
{
    g_assert(i < r->n_entries);
    return &r->entries[i];
}
