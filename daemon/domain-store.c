/* Durable define and undefine; see domain-store.h. */
#include "config.h"

#include <string.h>

#include "common/rpc/protocol.h"
#include "common/util/error.h"
#include "daemon/domain-store.h"
#include "drivers/driver.h"

static gboolean
persist(VdDaemon *daemon, const VdDomainDef *def, GError **error)
{
    g_autofree char *xml = vd_domain_def_format(def);
    char uuidstr[VD_UUID_STRING_LEN];

    vd_uuid_format(def->uuid, uuidstr);
    return vd_state_dir_save_domain(daemon->state, uuidstr, xml, error);
}

VdDomainObj *
vd_domain_store_define(VdDaemon *daemon, const char *xml, unsigned flags,
                       GPtrArray **warnings, GError **error)
{
    g_autoptr(VdDomainDef) def = vd_domain_def_parse(xml, strlen(xml), error);
    g_autoptr(GPtrArray) decisions = NULL;
    VdDomainObj *existing = NULL;

    if (warnings)
        *warnings = g_ptr_array_new_with_free_func(g_free);
    if (!def)
        return NULL;
    /* The policy fills the safe defaults into what gets stored, or refuses
     * an unsafe combination, before anything is written. */
    decisions = vd_driver_define(def, (flags & VD_DEFINE_UNSAFE)
                                      ? VD_DRIVER_DEFINE_UNSAFE : 0, error);
    if (!decisions)
        return NULL;
    for (guint i = 0; warnings && i < decisions->len; i++) {
        const VdDecision *d = decisions->pdata[i];

        if (d->severity != VD_DECISION_INFO)
            g_ptr_array_add(*warnings, g_strdup_printf(
                "%s: disk %s: %s (%s): %s",
                vd_decision_severity_to_string(d->severity),
                d->disk, d->what, d->rule, d->reason));
    }
    if (!vd_domain_registry_check_define(daemon->domains, def, &existing, error))
        return NULL;
    if (!persist(daemon, def, error))
        return NULL;
    return vd_domain_registry_define(daemon->domains, g_steal_pointer(&def));
}

gboolean
vd_domain_store_undefine(VdDaemon *daemon, VdDomainObj *obj, GError **error)
{
    char uuidstr[VD_UUID_STRING_LEN];

    /* vdisk has no transient domains: a running domain keeps its
     * definition until it is shut off. */
    if (obj->id >= 0) {
        g_set_error(error, VD_ERROR_DOMAIN, VD_ERR_OPERATION_INVALID,
                    "Requested operation is not valid: domain '%s' is running; "
                    "shut it down before undefining it", obj->def->name);
        return FALSE;
    }
    vd_uuid_format(obj->def->uuid, uuidstr);
    if (!vd_state_dir_remove_domain(daemon->state, uuidstr, error))
        return FALSE;
    vd_domain_registry_remove(daemon->domains, obj);
    return TRUE;
}

static gboolean
load_one(const char *path, const char *xml, size_t len, void *user_data,
         GError **error)
{
    VdDaemon *daemon = user_data;
    g_autoptr(VdDomainDef) def = vd_domain_def_parse(xml, len, error);
    g_autoptr(GError) conflict = NULL;
    VdDomainObj *existing = NULL;

    if (!def)
        return FALSE;
    /* A clash with a definition already loaded is no fault of this file's
     * content: keep it where it is and say so. */
    if (!vd_domain_registry_check_define(daemon->domains, def, &existing,
                                         &conflict) || existing) {
        g_warning("ignoring %s: %s", path,
                  conflict ? conflict->message : "duplicate uuid");
        return TRUE;
    }
    vd_domain_registry_define(daemon->domains, g_steal_pointer(&def));
    return TRUE;
}

gboolean
vd_domain_store_load(VdDaemon *daemon, GError **error)
{
    return vd_state_dir_load_domains(daemon->state, load_one, daemon, error);
}
