/* Names of the kinds of block request; see block-kinds.h. */
#include "config.h"

#include <glib.h>

#include "common/rpc/block-kinds.h"

static const char *const kind_names[] = {
    [VD_BLOCK_KIND_READ] = "read",
    [VD_BLOCK_KIND_WRITE] = "write",
    [VD_BLOCK_KIND_FLUSH] = "flush",
    [VD_BLOCK_KIND_DISCARD] = "discard",
    [VD_BLOCK_KIND_WRITE_ZEROES] = "write_zeroes",
};
G_STATIC_ASSERT(G_N_ELEMENTS(kind_names) == VD_BLOCK_KIND_COUNT);

const char *
vd_block_kind_name(int kind)
{
    if (kind < 0 || kind >= VD_BLOCK_KIND_COUNT)
        return NULL;
    return kind_names[kind];
}
