/*
 * vdisk-crash-fill: make a raw image of workload blocks (block.h) for a
 * backing file: every Nth block holds generation G, the rest zeroes. The
 * crash guest then writes generations above G (--first-gen), so that
 * what a block held before the run can be told from any write of it,
 * and a read that falls through to the wrong place is caught.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include <glib.h>

#include "tools/crash/block.h"

static gint64 opt_size;
static gint64 opt_gen = 1;
static int opt_every = 2;

static const GOptionEntry options[] = {
    { "size", 0, 0, G_OPTION_ARG_INT64, &opt_size, "Image size in bytes",
      "BYTES" },
    { "gen", 0, 0, G_OPTION_ARG_INT64, &opt_gen,
      "The blocks' generation (default 1)", "G" },
    { "every", 0, 0, G_OPTION_ARG_INT, &opt_every,
      "Fill every Nth block (default 2)", "N" },
    { NULL },
};

int
main(int argc, char **argv)
{
    g_autoptr(GOptionContext) ctx = g_option_context_new("FILE");
    g_autoptr(GError) err = NULL;
    uint8_t block[VD_CRASH_BLOCK];
    int fd;

    g_option_context_set_summary(ctx, "Make a backing file for the crash "
                                 "tests.");
    g_option_context_add_main_entries(ctx, options, NULL);
    if (!g_option_context_parse(ctx, &argc, &argv, &err) || argc != 2 ||
        opt_size <= 0 || opt_size % VD_CRASH_BLOCK || opt_gen < 1 ||
        opt_every < 1) {
        g_printerr("vdisk-crash-fill: %s\n",
                   err ? err->message : "bad arguments; see --help");
        return EXIT_FAILURE;
    }
    fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || ftruncate(fd, opt_size) < 0) {
        g_printerr("vdisk-crash-fill: %s: %s\n", argv[1], g_strerror(errno));
        return EXIT_FAILURE;
    }
    for (gint64 off = 0; off < opt_size; off += VD_CRASH_BLOCK * opt_every) {
        vd_crash_block_fill(block, (uint64_t)off, (uint64_t)opt_gen);
        if (pwrite(fd, block, sizeof(block), off) != (ssize_t)sizeof(block)) {
            g_printerr("vdisk-crash-fill: %s: %s\n", argv[1],
                       g_strerror(errno));
            return EXIT_FAILURE;
        }
    }
    if (fsync(fd) < 0 || close(fd) < 0) {
        g_printerr("vdisk-crash-fill: %s: %s\n", argv[1], g_strerror(errno));
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}
