/* Planted bugs, in the test build only; see planted.h. */
#include "config.h"

#include <string.h>

#include "common/util/error.h"
#include "storage/planted.h"

unsigned vd_planted_bugs;

static const struct {
    const char *name;
    VdPlantedBug bug;
} bugs[] = {
    { "fua-early", VD_BUG_FUA_EARLY },
    { "drop-flush", VD_BUG_DROP_FLUSH },
    { "qed-l2-early", VD_BUG_QED_L2_EARLY },
};

gboolean
vd_planted_enable(const char *list, GError **err)
{
    g_auto(GStrv) names = g_strsplit(list, ",", -1);

    for (guint i = 0; names[i]; i++) {
        gsize j;

        for (j = 0; j < G_N_ELEMENTS(bugs); j++)
            if (strcmp(names[i], bugs[j].name) == 0)
                break;
        if (j == G_N_ELEMENTS(bugs)) {
            g_set_error(err, VD_ERROR_STORAGE, VD_ERR_INVALID_ARG,
                        "unknown planted bug '%s'", names[i]);
            return FALSE;
        }
        vd_planted_bugs |= bugs[j].bug;
    }
    return TRUE;
}
