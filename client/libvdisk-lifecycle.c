/*
 * The lifecycle procedures of running domains: start, shutdown, destroy,
 * suspend and resume. The daemon replies once the domain has reached its
 * new state, so these are plain calls: no polling of the state after.
 */
#include "config.h"

#include "client/libvdisk-private.h"

/* A call whose arguments are the domain and, when with_flags, flags. */
static bool
domain_call_void(VdConnect *conn, int32_t proc, const VdDomainRef *dom,
                 bool with_flags, unsigned int flags, GError **error)
{
    g_autoptr(GByteArray) args = vd_domain_args(dom);

    if (with_flags)
        vd_xdr_put_u32(args, flags);
    return vd_remote_call_void(conn, proc, args, error);
}

bool
vd_domain_create(VdConnect *conn, const VdDomainRef *dom, GError **error)
{
    return domain_call_void(conn, VD_PROC_DOMAIN_CREATE, dom, false, 0,
                            error);
}

VdDomainRef *
vd_domain_create_with_flags(VdConnect *conn, const VdDomainRef *dom,
                            unsigned int flags, GError **error)
{
    g_autoptr(GByteArray) args = vd_domain_args(dom);

    vd_xdr_put_u32(args, flags);
    return vd_remote_call_domain(conn, VD_PROC_DOMAIN_CREATE_WITH_FLAGS, args,
                                 error);
}

bool
vd_domain_shutdown(VdConnect *conn, const VdDomainRef *dom, GError **error)
{
    return domain_call_void(conn, VD_PROC_DOMAIN_SHUTDOWN, dom, false, 0,
                            error);
}

bool
vd_domain_shutdown_flags(VdConnect *conn, const VdDomainRef *dom,
                         unsigned int flags, GError **error)
{
    return domain_call_void(conn, VD_PROC_DOMAIN_SHUTDOWN_FLAGS, dom, true,
                            flags, error);
}

bool
vd_domain_destroy(VdConnect *conn, const VdDomainRef *dom, GError **error)
{
    return domain_call_void(conn, VD_PROC_DOMAIN_DESTROY, dom, false, 0,
                            error);
}

bool
vd_domain_destroy_flags(VdConnect *conn, const VdDomainRef *dom,
                        unsigned int flags, GError **error)
{
    return domain_call_void(conn, VD_PROC_DOMAIN_DESTROY_FLAGS, dom, true,
                            flags, error);
}

bool
vd_domain_suspend(VdConnect *conn, const VdDomainRef *dom, GError **error)
{
    return domain_call_void(conn, VD_PROC_DOMAIN_SUSPEND, dom, false, 0,
                            error);
}

bool
vd_domain_resume(VdConnect *conn, const VdDomainRef *dom, GError **error)
{
    return domain_call_void(conn, VD_PROC_DOMAIN_RESUME, dom, false, 0,
                            error);
}
