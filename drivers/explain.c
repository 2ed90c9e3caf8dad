/*
 * Decisions for people and for scripts (vdisk explain, --json).
 */
#include "config.h"

#include "drivers/driver.h"
#include "drivers/json.h"

void
vd_decision_free(VdDecision *d)
{
    if (d == NULL)
        return;
    g_free(d->disk);
    g_free(d->what);
    g_free(d->rule);
    g_free(d->reason);
    g_free(d);
}

const char *
vd_decision_severity_to_string(VdDecisionSeverity severity)
{
    switch (severity) {
    case VD_DECISION_INFO: return "info";
    case VD_DECISION_WARNING: return "warning";
    case VD_DECISION_OVERRIDE: return "override";
    }
    g_assert_not_reached();
}

/* "vda: cache=none (qemu-default-cache): reason"; the severity is named
 * only when it is not plain information, so that warnings stand out. */
GString *
vd_explain_text(const GPtrArray *decisions)
{
    GString *out = g_string_new(NULL);

    for (guint i = 0; i < decisions->len; i++) {
        const VdDecision *d = g_ptr_array_index(decisions, i);

        g_string_append_printf(out, "%s: ", d->disk);
        if (d->severity != VD_DECISION_INFO)
            g_string_append_printf(out, "%s: ",
                                   vd_decision_severity_to_string(d->severity));
        g_string_append_printf(out, "%s (%s): %s\n", d->what, d->rule,
                               d->reason);
    }
    return out;
}

GString *
vd_explain_json(const VdDomainDef *def, const GPtrArray *decisions)
{
    GString *out = g_string_new(NULL);

    vd_json_begin_object(out);
    vd_json_string(out, "domain", def->name != NULL ? def->name : "");
    vd_json_string(out, "driver", vd_driver_for_domain(def)->name);
    vd_json_begin_array(out, "decisions");
    for (guint i = 0; i < decisions->len; i++) {
        const VdDecision *d = g_ptr_array_index(decisions, i);

        vd_json_begin_object(out);
        vd_json_string(out, "disk", d->disk);
        vd_json_string(out, "decision", d->what);
        vd_json_string(out, "rule", d->rule);
        vd_json_string(out, "severity",
                       vd_decision_severity_to_string(d->severity));
        vd_json_string(out, "reason", d->reason);
        vd_json_end_object(out);
    }
    vd_json_end_array(out);
    vd_json_end_object(out);
    g_string_append_c(out, '\n');
    return out;
}
