/* Domain registry; see domain-registry.h. */
#include "config.h"

#include <string.h>

#include "common/rpc/protocol.h"
#include "common/util/error.h"
#include "daemon/domain-registry.h"

struct VdDomainRegistry {
    GPtrArray *objs;    /* VdDomainObj *, owned */
};

static void
domain_obj_free(gpointer p)
{
    VdDomainObj *obj = p;

    vd_domain_def_free(obj->def);
    g_free(obj);
}

VdDomainRegistry *
vd_domain_registry_new(void)
{
    VdDomainRegistry *reg = g_new0(VdDomainRegistry, 1);

    reg->objs = g_ptr_array_new_with_free_func(domain_obj_free);
    return reg;
}

void
vd_domain_registry_free(VdDomainRegistry *reg)
{
    if (!reg)
        return;
    g_ptr_array_unref(reg->objs);
    g_free(reg);
}

VdDomainObj *
vd_domain_registry_find_name(VdDomainRegistry *reg, const char *name)
{
    for (guint i = 0; i < reg->objs->len; i++) {
        VdDomainObj *obj = g_ptr_array_index(reg->objs, i);

        if (strcmp(obj->def->name, name) == 0)
            return obj;
    }
    return NULL;
}

VdDomainObj *
vd_domain_registry_find_uuid(VdDomainRegistry *reg,
                             const unsigned char uuid[VD_UUID_LEN])
{
    for (guint i = 0; i < reg->objs->len; i++) {
        VdDomainObj *obj = g_ptr_array_index(reg->objs, i);

        if (memcmp(obj->def->uuid, uuid, VD_UUID_LEN) == 0)
            return obj;
    }
    return NULL;
}

VdDomainObj *
vd_domain_registry_find_id(VdDomainRegistry *reg, int id)
{
    if (id < 0)
        return NULL;
    for (guint i = 0; i < reg->objs->len; i++) {
        VdDomainObj *obj = g_ptr_array_index(reg->objs, i);

        if (obj->id == id)
            return obj;
    }
    return NULL;
}

gboolean
vd_domain_registry_check_define(VdDomainRegistry *reg, const VdDomainDef *def,
                                VdDomainObj **existing, GError **error)
{
    VdDomainObj *by_uuid = vd_domain_registry_find_uuid(reg, def->uuid);
    VdDomainObj *by_name = vd_domain_registry_find_name(reg, def->name);
    char uuidstr[VD_UUID_STRING_LEN];

    *existing = NULL;
    if (by_uuid && strcmp(by_uuid->def->name, def->name) != 0) {
        vd_uuid_format(def->uuid, uuidstr);
        g_set_error(error, VD_ERROR_DOMAIN, VD_ERR_OPERATION_FAILED,
                    "domain '%s' is already defined with uuid %s",
                    by_uuid->def->name, uuidstr);
        return FALSE;
    }
    if (!by_uuid && by_name) {
        vd_uuid_format(by_name->def->uuid, uuidstr);
        g_set_error(error, VD_ERROR_DOMAIN, VD_ERR_OPERATION_FAILED,
                    "domain '%s' already exists with uuid %s",
                    def->name, uuidstr);
        return FALSE;
    }
    *existing = by_uuid;
    return TRUE;
}

VdDomainObj *
vd_domain_registry_define(VdDomainRegistry *reg, VdDomainDef *def)
{
    VdDomainObj *obj = vd_domain_registry_find_uuid(reg, def->uuid);

    if (obj) {
        vd_domain_def_free(obj->def);
        obj->def = def;
        return obj;
    }
    obj = g_new0(VdDomainObj, 1);
    obj->def = def;
    obj->state = VD_DOMAIN_SHUTOFF;
    obj->reason = VD_DOMAIN_SHUTOFF_UNKNOWN;
    obj->id = -1;
    g_ptr_array_add(reg->objs, obj);
    return obj;
}

void
vd_domain_registry_remove(VdDomainRegistry *reg, VdDomainObj *obj)
{
    g_ptr_array_remove(reg->objs, obj);
}

static gint
compare_by_name(gconstpointer a, gconstpointer b)
{
    const VdDomainObj *x = *(VdDomainObj *const *)a;
    const VdDomainObj *y = *(VdDomainObj *const *)b;

    return strcmp(x->def->name, y->def->name);
}

GPtrArray *
vd_domain_registry_list(VdDomainRegistry *reg)
{
    GPtrArray *list = g_ptr_array_sized_new(reg->objs->len);

    for (guint i = 0; i < reg->objs->len; i++)
        g_ptr_array_add(list, g_ptr_array_index(reg->objs, i));
    g_ptr_array_sort(list, compare_by_name);
    return list;
}

guint
vd_domain_registry_count(VdDomainRegistry *reg)
{
    return reg->objs->len;
}
