/*
 * Decisions for people and for scripts (vdisk explain, --json).
 */
#include "config.h"

#include "common/util/json-writer.h"
#include "drivers/driver.h"

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
    g_autoptr(VdJsonWriter) w = vd_json_writer_new(false);
    g_autofree char *doc = NULL;
    GString *out;

    vd_json_begin_object(w);
    vd_json_member_string(w, "domain", def->name != NULL ? def->name : "");
    vd_json_member_string(w, "driver", vd_driver_for_domain(def)->name);
    vd_json_key(w, "decisions");
    vd_json_begin_array(w);
    for (guint i = 0; i < decisions->len; i++) {
        const VdDecision *d = g_ptr_array_index(decisions, i);

        vd_json_begin_object(w);
        vd_json_member_string(w, "disk", d->disk);
        vd_json_member_string(w, "decision", d->what);
        vd_json_member_string(w, "rule", d->rule);
        vd_json_member_string(w, "severity",
                              vd_decision_severity_to_string(d->severity));
        vd_json_member_string(w, "reason", d->reason);
        vd_json_end_object(w);
    }
    vd_json_end_array(w);
    vd_json_end_object(w);
    doc = vd_json_writer_finish(w);
    out = g_string_new(doc);
    g_string_append_c(out, '\n');
    return out;
}
