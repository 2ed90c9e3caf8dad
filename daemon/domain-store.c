/* Durable define and undefine; see domain-store.h. */
#include "config.h"

#include <string.h>

#include "common/rpc/protocol.h"
#include "common/util/error.h"
#include "daemon/domain-store.h"

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
    VdDomainObj *existing = NULL;

    if (warnings)
        *warnings = g_ptr_array_new_with_free_func(g_free);
    if (!def)
        return NULL;
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
