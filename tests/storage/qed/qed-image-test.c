/* Helpers for the QED tests; see qed-image-test.h. */
#include "config.h"

#include <endian.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

#include <check.h>

#include "tests/storage/qed/qed-image-test.h"

void
vd_test_qed_create(const char *path, const VdQedCreateOptions *o)
{
    g_autoptr(GError) err = NULL;
    int fd = open(path, O_CREAT | O_TRUNC | O_RDWR | O_CLOEXEC, 0600);
    VdQedIo *io;
    int ret;

    ck_assert_int_ge(fd, 0);
    io = vd_qed_io_fd_new(fd);
    ret = vd_qed_create(io, o, &err);
    ck_assert_msg(ret == 0, "create: %s", err ? err->message : "");
    g_free(io);
    close(fd);
}

typedef struct {
    VdQedIo *io;
    int fd;
} Opened;

static GHashTable *opened;      /* image -> Opened */

VdQedImage *
vd_test_qed_open(const char *path, unsigned flags, GError **err)
{
    int fd = open(path, ((flags & VD_QED_OPEN_READ_ONLY) ? O_RDONLY : O_RDWR) |
                  O_CLOEXEC);
    VdQedIo *io;
    VdQedImage *img;
    Opened *o;

    ck_assert_int_ge(fd, 0);
    io = vd_qed_io_fd_new(fd);
    img = vd_qed_image_open(io, flags, err);
    if (!img) {
        g_free(io);
        close(fd);
        return NULL;
    }
    if (!opened)
        opened = g_hash_table_new_full(NULL, NULL, NULL, g_free);
    o = g_new(Opened, 1);
    o->io = io;
    o->fd = fd;
    g_hash_table_insert(opened, img, o);
    return img;
}

void
vd_test_qed_close(VdQedImage *img)
{
    Opened *o = g_hash_table_lookup(opened, img);

    ck_assert_ptr_nonnull(o);
    vd_qed_image_free(img);
    g_free(o->io);
    close(o->fd);
    g_hash_table_remove(opened, img);
}

uint64_t
vd_test_file_u64(const char *path, uint64_t off)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    uint64_t v = 0;

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(pread(fd, &v, 8, (off_t)off), 8);
    close(fd);
    return le64toh(v);
}

void
vd_test_file_set_u64(const char *path, uint64_t off, uint64_t v)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);

    ck_assert_int_ge(fd, 0);
    v = htole64(v);
    ck_assert_int_eq(pwrite(fd, &v, 8, (off_t)off), 8);
    close(fd);
}

uint64_t
vd_test_file_size(const char *path)
{
    struct stat st;

    ck_assert_int_eq(stat(path, &st), 0);
    return (uint64_t)st.st_size;
}

void
vd_test_file_resize(const char *path, uint64_t size)
{
    int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(ftruncate(fd, (off_t)size), 0);
    close(fd);
}

void
vd_test_file_copy(const char *from, const char *to)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *data = NULL;
    gsize len;

    ck_assert_msg(g_file_get_contents(from, &data, &len, &err), "%s",
                  err ? err->message : "");
    ck_assert_msg(g_file_set_contents(to, data, (gssize)len, &err), "%s",
                  err ? err->message : "");
}

bool
vd_test_qed_need_check(const char *path)
{
    return vd_test_file_u64(path, 16) & VD_QED_F_NEED_CHECK;
}
