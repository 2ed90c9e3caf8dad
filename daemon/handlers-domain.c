/*
 * Domain procedures of libvirt's remote program: lookups, listing,
 * define and undefine, XML, and the state queries virsh makes.
 */
#include "config.h"

#include <string.h>

#include "common/rpc/protocol.h"
#include "common/rpc/remote-types.h"
#include "common/util/error.h"
#include "daemon/call-args.h"
#include "daemon/dispatch.h"
#include "daemon/domain-resources.h"
#include "daemon/domain-store.h"

static gboolean
proc_lookup_by_name(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret,
                    GError **error)
{
    g_autofree char *name = vd_xdr_get_string(args, VD_REMOTE_STRING_MAX);
    VdDomainObj *obj;

    if (!vd_dispatch_args_end(args, error))
        return FALSE;
    obj = vd_domain_registry_find_name(ctx->daemon->domains, name);
    if (!obj)
        return vd_call_no_domain(error, "name", name);
    vd_call_put_domain(ret, obj);
    return TRUE;
}

static gboolean
proc_lookup_by_uuid(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret,
                    GError **error)
{
    unsigned char uuid[VD_UUID_LEN];
    char uuidstr[VD_UUID_STRING_LEN];
    VdDomainObj *obj;

    vd_xdr_get_fixed_opaque(args, uuid, sizeof(uuid));
    if (!vd_dispatch_args_end(args, error))
        return FALSE;
    obj = vd_domain_registry_find_uuid(ctx->daemon->domains, uuid);
    if (!obj) {
        vd_uuid_format(uuid, uuidstr);
        return vd_call_no_domain(error, "uuid", uuidstr);
    }
    vd_call_put_domain(ret, obj);
    return TRUE;
}

static gboolean
proc_lookup_by_id(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret,
                  GError **error)
{
    int id = vd_xdr_get_i32(args);
    char idstr[16];
    VdDomainObj *obj;

    if (!vd_dispatch_args_end(args, error))
        return FALSE;
    obj = vd_domain_registry_find_id(ctx->daemon->domains, id);
    if (!obj) {
        g_snprintf(idstr, sizeof(idstr), "%d", id);
        return vd_call_no_domain(error, "id", idstr);
    }
    vd_call_put_domain(ret, obj);
    return TRUE;
}

/* Does obj pass the filter of virConnectListAllDomains? */
static bool
list_filter_match(const VdDomainObj *obj, unsigned flags)
{
    bool active = obj->id >= 0;
    unsigned active_bits = VD_LIST_DOMAINS_ACTIVE | VD_LIST_DOMAINS_INACTIVE;
    unsigned state_bits = VD_LIST_DOMAINS_RUNNING | VD_LIST_DOMAINS_PAUSED |
                          VD_LIST_DOMAINS_SHUTOFF;

    if ((flags & active_bits) &&
        !((flags & VD_LIST_DOMAINS_ACTIVE && active) ||
          (flags & VD_LIST_DOMAINS_INACTIVE && !active)))
        return false;
    /* Every vdisk domain is persistent. */
    if ((flags & VD_LIST_DOMAINS_TRANSIENT) && !(flags & VD_LIST_DOMAINS_PERSISTENT))
        return false;
    if ((flags & state_bits) &&
        !((flags & VD_LIST_DOMAINS_RUNNING && obj->state == VD_DOMAIN_RUNNING) ||
          (flags & VD_LIST_DOMAINS_PAUSED && obj->state == VD_DOMAIN_PAUSED) ||
          (flags & VD_LIST_DOMAINS_SHUTOFF && obj->state == VD_DOMAIN_SHUTOFF)))
        return false;
    /* The "has X" filters: no domain has a managed save image, autostart,
     * snapshot or checkpoint yet, so only the "has no X" halves match. */
    if (flags & (256u | 1024u | 4096u | 16384u))
        return false;
    return true;
}

static gboolean
proc_list_all(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret, GError **error)
{
    int need_results = vd_xdr_get_i32(args);
    unsigned flags = vd_xdr_get_u32(args);
    g_autoptr(GPtrArray) all = NULL;
    g_autoptr(GPtrArray) match = g_ptr_array_new();

    if (!vd_dispatch_args_end(args, error) ||
        !vd_dispatch_check_flags(flags, 0xffffu, "virConnectListAllDomains", error))
        return FALSE;
    all = vd_domain_registry_list(ctx->daemon->domains);
    for (guint i = 0; i < all->len; i++)
        if (list_filter_match(all->pdata[i], flags))
            g_ptr_array_add(match, all->pdata[i]);
    if (need_results) {
        vd_xdr_put_u32(ret, match->len);
        for (guint i = 0; i < match->len; i++)
            vd_call_put_domain(ret, match->pdata[i]);
    } else {
        vd_xdr_put_u32(ret, 0);
    }
    vd_xdr_put_u32(ret, match->len);
    return TRUE;
}

static gboolean
define_xml(VdCallCtx *ctx, const char *xml, unsigned flags, GByteArray *ret,
           GError **error)
{
    VdDomainObj *obj = vd_domain_store_define(ctx->daemon, xml, flags, NULL,
                                              error);

    if (!obj)
        return FALSE;
    vd_call_put_domain(ret, obj);
    return TRUE;
}

static gboolean
proc_define_xml(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret,
                GError **error)
{
    g_autofree char *xml = vd_xdr_get_string(args, VD_REMOTE_STRING_MAX);

    if (!vd_dispatch_args_end(args, error))
        return FALSE;
    return define_xml(ctx, xml, 0, ret, error);
}

static gboolean
proc_define_xml_flags(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret,
                      GError **error)
{
    g_autofree char *xml = vd_xdr_get_string(args, VD_REMOTE_STRING_MAX);
    unsigned flags = vd_xdr_get_u32(args);

    if (!vd_dispatch_args_end(args, error) ||
        !vd_dispatch_check_flags(flags, VD_DEFINE_VALIDATE | VD_DEFINE_UNSAFE,
                                 "virDomainDefineXMLFlags", error))
        return FALSE;
    return define_xml(ctx, xml, flags, ret, error);
}

static gboolean
undefine(VdCallCtx *ctx, VdXdrReader *args, bool with_flags, GError **error)
{
    VdDomainObj *obj = vd_call_get_domain(ctx, args, error);
    unsigned flags = with_flags ? vd_xdr_get_u32(args) : 0;
    const unsigned known = VD_UNDEFINE_MANAGED_SAVE |
        VD_UNDEFINE_SNAPSHOTS_METADATA | VD_UNDEFINE_NVRAM |
        VD_UNDEFINE_KEEP_NVRAM | VD_UNDEFINE_CHECKPOINTS_METADATA;

    if (!obj || !vd_dispatch_args_end(args, error) ||
        !vd_dispatch_check_flags(flags, known, "virDomainUndefineFlags", error))
        return FALSE;
    return vd_domain_store_undefine(ctx->daemon, obj, error);
}

static gboolean
proc_undefine(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret, GError **error)
{
    return undefine(ctx, args, false, error);
}

static gboolean
proc_undefine_flags(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret,
                    GError **error)
{
    return undefine(ctx, args, true, error);
}

static gboolean
proc_get_xml_desc(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret,
                  GError **error)
{
    VdDomainObj *obj = vd_call_get_domain(ctx, args, error);
    unsigned flags = vd_xdr_get_u32(args);
    g_autofree char *xml = NULL;

    /* SECURE, INACTIVE, UPDATE_CPU, MIGRATABLE: one definition serves all. */
    if (!obj || !vd_dispatch_args_end(args, error) ||
        !vd_dispatch_check_flags(flags, 0xf, "virDomainGetXMLDesc", error))
        return FALSE;
    xml = vd_domain_def_format(obj->def);
    vd_xdr_put_string(ret, xml);
    return TRUE;
}

static gboolean
proc_get_info(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret, GError **error)
{
    VdDomainObj *obj = vd_call_get_domain(ctx, args, error);
    VdDomainResources res;

    if (!obj || !vd_dispatch_args_end(args, error))
        return FALSE;
    vd_domain_resources_get(obj->def, &res);
    vd_xdr_put_u32(ret, obj->state);        /* unsigned char: 4 bytes */
    vd_xdr_put_u64(ret, res.max_mem_kib);
    vd_xdr_put_u64(ret, res.mem_kib);
    vd_xdr_put_u32(ret, res.nr_vcpu);       /* unsigned short: 4 bytes */
    vd_xdr_put_u64(ret, 0);                 /* cpuTime: no guest CPU here */
    return TRUE;
}

static gboolean
proc_get_state(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret,
               GError **error)
{
    VdDomainObj *obj = vd_call_get_domain(ctx, args, error);
    unsigned flags = vd_xdr_get_u32(args);

    if (!obj || !vd_dispatch_args_end(args, error) ||
        !vd_dispatch_check_flags(flags, 0, "virDomainGetState", error))
        return FALSE;
    vd_xdr_put_i32(ret, obj->state);
    vd_xdr_put_i32(ret, obj->reason);
    return TRUE;
}

static gboolean
proc_get_os_type(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret,
                 GError **error)
{
    VdDomainObj *obj = vd_call_get_domain(ctx, args, error);

    if (!obj || !vd_dispatch_args_end(args, error))
        return FALSE;
    vd_xdr_put_string(ret, vd_os_type_to_string(obj->def->os_type));
    return TRUE;
}

/* The yes/no questions virsh asks; each answers an int. */
static gboolean
answer_int(VdCallCtx *ctx, VdXdrReader *args, bool with_flags, GByteArray *ret,
           int (*answer)(const VdDomainObj *), GError **error)
{
    VdDomainObj *obj = vd_call_get_domain(ctx, args, error);

    if (with_flags)
        (void)vd_xdr_get_u32(args);
    if (!obj || !vd_dispatch_args_end(args, error))
        return FALSE;
    vd_xdr_put_i32(ret, answer(obj));
    return TRUE;
}

static int is_active(const VdDomainObj *obj) { return obj->id >= 0; }
static int always(const VdDomainObj *obj) { return 1; }
static int never(const VdDomainObj *obj) { return 0; }

static gboolean
proc_is_active(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret, GError **error)
{
    return answer_int(ctx, args, false, ret, is_active, error);
}

static gboolean
proc_is_persistent(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret,
                   GError **error)
{
    return answer_int(ctx, args, false, ret, always, error);
}

static gboolean
proc_get_autostart(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret,
                   GError **error)
{
    return answer_int(ctx, args, false, ret, never, error);
}

static gboolean
proc_has_managed_save(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret,
                      GError **error)
{
    return answer_int(ctx, args, true, ret, never, error);
}

static gboolean
proc_snapshot_num(VdCallCtx *ctx, VdXdrReader *args, GByteArray *ret,
                  GError **error)
{
    return answer_int(ctx, args, true, ret, never, error);
}

const VdProcDef vd_domain_procs[] = {
    { VD_PROC_CONNECT_LIST_ALL_DOMAINS, "virConnectListAllDomains",
      proc_list_all, 0 },
    { VD_PROC_DOMAIN_LOOKUP_BY_NAME, "virDomainLookupByName",
      proc_lookup_by_name, 0 },
    { VD_PROC_DOMAIN_LOOKUP_BY_UUID, "virDomainLookupByUUID",
      proc_lookup_by_uuid, 0 },
    { VD_PROC_DOMAIN_LOOKUP_BY_ID, "virDomainLookupByID", proc_lookup_by_id, 0 },
    { VD_PROC_DOMAIN_DEFINE_XML, "virDomainDefineXML", proc_define_xml,
      VD_PROC_FLAG_MUTATES },
    { VD_PROC_DOMAIN_DEFINE_XML_FLAGS, "virDomainDefineXMLFlags",
      proc_define_xml_flags, VD_PROC_FLAG_MUTATES },
    { VD_PROC_DOMAIN_UNDEFINE, "virDomainUndefine", proc_undefine,
      VD_PROC_FLAG_MUTATES },
    { VD_PROC_DOMAIN_UNDEFINE_FLAGS, "virDomainUndefineFlags",
      proc_undefine_flags, VD_PROC_FLAG_MUTATES },
    { VD_PROC_DOMAIN_GET_XML_DESC, "virDomainGetXMLDesc", proc_get_xml_desc, 0 },
    { VD_PROC_DOMAIN_GET_INFO, "virDomainGetInfo", proc_get_info, 0 },
    { VD_PROC_DOMAIN_GET_STATE, "virDomainGetState", proc_get_state, 0 },
    { VD_PROC_DOMAIN_GET_OS_TYPE, "virDomainGetOSType", proc_get_os_type, 0 },
    { VD_PROC_DOMAIN_IS_ACTIVE, "virDomainIsActive", proc_is_active, 0 },
    { VD_PROC_DOMAIN_IS_PERSISTENT, "virDomainIsPersistent",
      proc_is_persistent, 0 },
    { VD_PROC_DOMAIN_GET_AUTOSTART, "virDomainGetAutostart",
      proc_get_autostart, 0 },
    { VD_PROC_DOMAIN_HAS_MANAGED_SAVE_IMAGE, "virDomainHasManagedSaveImage",
      proc_has_managed_save, 0 },
    { VD_PROC_DOMAIN_SNAPSHOT_NUM, "virDomainSnapshotNum", proc_snapshot_num, 0 },
    { 0, NULL, NULL, 0 },
};
