/*
 * Open a QED image for writing as the daemon's open does (recovery
 * included, through vd_qed_image_open) and say how long it took and how
 * it recovered. For bench/qed-recovery.sh.
 *
 *   bench/qed-open [--no-log] IMAGE
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "storage/layers/qed-image.h"

static const char *const kinds[] = { "none", "log", "full" };

int
main(int argc, char **argv)
{
    unsigned flags = 0;
    g_autoptr(GError) err = NULL;
    VdQedImage *img;
    VdQedIo *io;
    int64_t t0, t1;
    int fd, i = 1;

    if (argc > 1 && strcmp(argv[1], "--no-log") == 0) {
        flags |= VD_QED_OPEN_NO_LOG;
        i++;
    }
    if (i + 1 != argc) {
        fprintf(stderr, "usage: qed-open [--no-log] IMAGE\n");
        return 2;
    }
    t0 = g_get_monotonic_time();
    fd = open(argv[i], O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        perror(argv[i]);
        return 1;
    }
    io = vd_qed_io_fd_new(fd);
    img = vd_qed_image_open(io, flags, &err);
    t1 = g_get_monotonic_time();
    if (!img) {
        fprintf(stderr, "%s\n", err->message);
        return 1;
    }
    printf("open_ms %.2f recovery %s tables %u fixed %" G_GUINT64_FORMAT "\n",
           (t1 - t0) / 1000.0, kinds[img->recovery.kind],
           img->recovery.tables_checked,
           img->recovery.result.corruptions_fixed);
    vd_qed_image_free(img);
    g_free(io);
    close(fd);
    return 0;
}
