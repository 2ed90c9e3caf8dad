/*
 * libvdisk: the client library of vdiskd.
 *
 * It speaks the RPC that virsh speaks (libvirt's remote program over a
 * unix socket) plus vdisk's own program, one call at a time: every
 * function sends its call and blocks until the reply arrives. While it
 * waits it answers the daemon's keepalive PINGs, so a long call does not
 * get the connection dropped.
 *
 * Errors are GErrors whose domain is vd_error_quark() of a libvirt error
 * domain and whose code is a libvirt error number (common/util/error.h):
 * an error the daemon sent keeps its numbers and message; errors found
 * here use VD_FROM_RPC (VD_ERR_SYSTEM_ERROR for socket failures,
 * VD_ERR_RPC for protocol violations) or VD_FROM_REMOTE (VD_ERR_INVALID_ARG
 * for bad arguments, VD_ERR_AUTH_FAILED for a daemon that wants an
 * authentication we do not speak). After a protocol violation (a
 * malformed or oversized reply, an unexpected message, a socket error)
 * the connection is broken: every later call fails at once, and only
 * vd_connect_close() remains useful.
 *
 * Ownership: strings and structs returned are newly allocated and belong
 * to the caller (g_free, or the _free/_clear function named beside the
 * type). Arguments are borrowed for the duration of the call.
 *
 * Threads: a VdConnect may be used by one thread at a time; separate
 * connections are independent.
 *
 * Numbers shared with the daemon (connect flags VD_CONNECT_RO, domain
 * states VD_DOMAIN_*, list flags VD_LIST_DOMAINS_*, define, undefine,
 * explain, start and destroy flags) come from common/rpc/protocol.h, the
 * kinds of block request (VdBlockKind, vd_block_kind_name) from
 * common/rpc/block-kinds.h, both included here; UUID text
 * (vd_uuid_format, vd_uuid_parse) from common/util/uuid.h, included too.
 */
#ifndef VD_CLIENT_LIBVDISK_H
#define VD_CLIENT_LIBVDISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "common/rpc/block-kinds.h"
#include "common/rpc/protocol.h"
#include "common/util/error.h"
#include "common/util/uuid.h"

/* ---- Connections ---- */

typedef struct VdConnect VdConnect;

/*
 * Connect to vdiskd and open the connection as virsh does.
 *
 * uri: NULL or "vdisk:///system" for the default socket in the user's
 * state directory ($XDG_STATE_HOME/vdisk/run/vdiskd-sock, or vdiskd-sock-ro
 * when read-only); "DRIVER+unix:///PATH?socket=SOCKET" for an explicit
 * socket (the name sent to the daemon is then "DRIVER:///PATH", as virsh
 * sends it); "vdisk+unix:///system" without socket= for the default one.
 * flags: 0 or VD_CONNECT_RO (the daemon then refuses every change).
 *
 * Returns NULL and sets error when the URI is not one of these, the
 * socket cannot be reached, or the daemon refuses the connection.
 */
VdConnect *vd_connect(const char *uri, unsigned int flags, GError **error);

/* Say CONNECT_CLOSE (unless broken), close the socket, free. NULL is fine. */
void vd_connect_close(VdConnect *conn);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VdConnect, vd_connect_close)

/* True once a protocol or socket error made the connection unusable. */
bool vd_connect_is_broken(const VdConnect *conn);

/* CONNECT_SUPPORTS_FEATURE: 1 or 0, -1 on error. */
int vd_connect_supports_feature(VdConnect *conn, int feature, GError **error);

/* CONNECT_GET_TYPE: the driver name, e.g. "vdisk". */
char *vd_connect_get_type(VdConnect *conn, GError **error);
/* CONNECT_GET_VERSION: hypervisor version, major*1000000+minor*1000+micro. */
bool vd_connect_get_version(VdConnect *conn, uint64_t *version, GError **error);
/* CONNECT_GET_LIB_VERSION: the daemon's library version, same encoding. */
bool vd_connect_get_lib_version(VdConnect *conn, uint64_t *version,
                                GError **error);
char *vd_connect_get_hostname(VdConnect *conn, GError **error);
/* CONNECT_GET_URI: the URI the daemon knows itself by. */
char *vd_connect_get_uri(VdConnect *conn, GError **error);

/* vdisk's own DAEMON_INFO: who answers on this socket. */
typedef struct {
    char *version;
    char *state_dir;
    int64_t pid;
} VdDaemonInfo;

bool vd_connect_get_daemon_info(VdConnect *conn, VdDaemonInfo *info,
                                GError **error);
/* Free the strings of info (not info itself); safe to call twice. */
void vd_daemon_info_clear(VdDaemonInfo *info);

/* ---- Domains ---- */

/* A domain as the daemon names it (remote_nonnull_domain). */
typedef struct {
    char *name;
    unsigned char uuid[VD_UUID_LEN];
    int id;                     /* -1 while inactive */
} VdDomainRef;

void vd_domain_ref_free(VdDomainRef *dom);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VdDomainRef, vd_domain_ref_free)

/* A domain and its state, as `list` shows it. */
typedef struct {
    VdDomainRef dom;
    int state;                  /* VD_DOMAIN_RUNNING, VD_DOMAIN_SHUTOFF, ... */
    int reason;
} VdDomainSummary;

/* GET_INFO, in virDomainInfo's units. */
typedef struct {
    int state;
    uint64_t max_mem_kib;
    uint64_t mem_kib;
    unsigned int nr_vcpu;
    uint64_t cpu_time;          /* nanoseconds */
} VdDomainInfoRec;

/*
 * CONNECT_LIST_ALL_DOMAINS with VD_LIST_DOMAINS_* flags (0: all).
 * *doms receives an array of *ndoms refs (NULL when there are none), to
 * free with vd_domain_ref_array_free().
 */
bool vd_connect_list_all_domains(VdConnect *conn, unsigned int flags,
                                 VdDomainRef **doms, size_t *ndoms,
                                 GError **error);
void vd_domain_ref_array_free(VdDomainRef *doms, size_t ndoms);

/*
 * The list virsh shows: LIST_ALL_DOMAINS, then GET_STATE of each domain.
 * A domain undefined between the two calls is left out. Free the array
 * with vd_domain_summary_array_free().
 */
bool vd_connect_list_domain_summaries(VdConnect *conn, unsigned int flags,
                                      VdDomainSummary **out, size_t *nout,
                                      GError **error);
void vd_domain_summary_array_free(VdDomainSummary *sums, size_t nsums);

VdDomainRef *vd_domain_lookup_by_name(VdConnect *conn, const char *name,
                                      GError **error);
VdDomainRef *vd_domain_lookup_by_uuid(VdConnect *conn,
                                      const unsigned char uuid[VD_UUID_LEN],
                                      GError **error);
VdDomainRef *vd_domain_lookup_by_id(VdConnect *conn, int id, GError **error);

/*
 * Find a domain named as a user names it, as virsh does: a number is
 * tried as an id, a UUID as a UUID, then the string as a name. The error
 * is the name lookup's (VD_ERR_NO_DOMAIN) when nothing matches.
 */
VdDomainRef *vd_domain_lookup(VdConnect *conn, const char *name_or_uuid,
                              GError **error);

/* DOMAIN_DEFINE_XML: define (or redefine) a domain; returns it. */
VdDomainRef *vd_domain_define_xml(VdConnect *conn, const char *xml,
                                  GError **error);
/* DOMAIN_DEFINE_XML_FLAGS: VD_DEFINE_VALIDATE, VD_DEFINE_UNSAFE. */
VdDomainRef *vd_domain_define_xml_flags(VdConnect *conn, const char *xml,
                                        unsigned int flags, GError **error);

bool vd_domain_undefine(VdConnect *conn, const VdDomainRef *dom,
                        GError **error);
/* VD_UNDEFINE_* flags. */
bool vd_domain_undefine_flags(VdConnect *conn, const VdDomainRef *dom,
                              unsigned int flags, GError **error);

/* DOMAIN_GET_XML_DESC; flags as libvirt's (2: the inactive definition). */
char *vd_domain_get_xml_desc(VdConnect *conn, const VdDomainRef *dom,
                             unsigned int flags, GError **error);

bool vd_domain_get_info(VdConnect *conn, const VdDomainRef *dom,
                        VdDomainInfoRec *info, GError **error);
bool vd_domain_get_state(VdConnect *conn, const VdDomainRef *dom,
                         unsigned int flags, int *state, int *reason,
                         GError **error);
char *vd_domain_get_os_type(VdConnect *conn, const VdDomainRef *dom,
                            GError **error);

/* These answer 1 or 0, or -1 with error set. */
int vd_domain_is_active(VdConnect *conn, const VdDomainRef *dom,
                        GError **error);
int vd_domain_is_persistent(VdConnect *conn, const VdDomainRef *dom,
                            GError **error);
int vd_domain_get_autostart(VdConnect *conn, const VdDomainRef *dom,
                            GError **error);
int vd_domain_has_managed_save_image(VdConnect *conn, const VdDomainRef *dom,
                                     unsigned int flags, GError **error);

/* DOMAIN_SNAPSHOT_NUM: a count, or -1 with error set. */
int vd_domain_snapshot_num(VdConnect *conn, const VdDomainRef *dom,
                           unsigned int flags, GError **error);

/* ---- Running domains ----
 *
 * A running domain is one whose disks vdiskd has opened and serves over
 * NBD, one export per disk (vd_domain_get_nbd_uris); there is no guest
 * behind it but whatever connects to those exports. Each call returns
 * once the domain is in its new state: stopping and pausing wait for the
 * disks' I/O first. On the read-only socket every one of them fails with
 * VD_ERR_OPERATION_DENIED; a call that does not apply to the domain's
 * state (start a running domain, resume one that is not paused) with
 * VD_ERR_OPERATION_INVALID.
 */

/*
 * DOMAIN_CREATE: start dom. A disk another domain or daemon uses fails
 * with VD_ERR_RESOURCE_BUSY naming the user. dom is not changed: look
 * the domain up again for its new id, or use the call below.
 */
bool vd_domain_create(VdConnect *conn, const VdDomainRef *dom, GError **error);
/* DOMAIN_CREATE_WITH_FLAGS: start dom, paused with VD_START_PAUSED
 * (the exports then hold every request until vd_domain_resume()), and
 * return it with its new id. */
VdDomainRef *vd_domain_create_with_flags(VdConnect *conn,
                                         const VdDomainRef *dom,
                                         unsigned int flags, GError **error);

/*
 * DOMAIN_SHUTDOWN: stop dom gracefully: every request it has taken is
 * answered and made durable, then the disks are closed. Shut off
 * (shutdown) afterwards.
 */
bool vd_domain_shutdown(VdConnect *conn, const VdDomainRef *dom,
                        GError **error);
/* DOMAIN_SHUTDOWN_FLAGS: libvirt's shutdown modes, which all mean the
 * same here (there is no guest to ask). */
bool vd_domain_shutdown_flags(VdConnect *conn, const VdDomainRef *dom,
                              unsigned int flags, GError **error);

/*
 * DOMAIN_DESTROY: stop dom at once: requests still held fail, but no
 * write already acknowledged as durable is lost. Shut off (destroyed)
 * afterwards.
 */
bool vd_domain_destroy(VdConnect *conn, const VdDomainRef *dom,
                       GError **error);
/* DOMAIN_DESTROY_FLAGS: VD_DESTROY_GRACEFUL, accepted and the same. */
bool vd_domain_destroy_flags(VdConnect *conn, const VdDomainRef *dom,
                             unsigned int flags, GError **error);

/* DOMAIN_SUSPEND: hold new requests and wait for those in flight; paused
 * (user) afterwards. DOMAIN_RESUME: let the held requests go on. */
bool vd_domain_suspend(VdConnect *conn, const VdDomainRef *dom,
                       GError **error);
bool vd_domain_resume(VdConnect *conn, const VdDomainRef *dom,
                      GError **error);

/* ---- Block devices ----
 *
 * A disk is named by its target ("vda") or its source path, as libvirt
 * allows. Statistics are of running disks: a domain that is not running
 * gives VD_ERR_OPERATION_INVALID, a disk it does not have
 * VD_ERR_INVALID_ARG.
 */

/* DOMAIN_BLOCK_STATS: virDomainBlockStatsStruct; path "" sums every
 * disk. A counter the daemon does not keep is -1. */
typedef struct {
    int64_t rd_req;
    int64_t rd_bytes;
    int64_t wr_req;
    int64_t wr_bytes;
    int64_t errs;
} VdBlockStatsRec;

bool vd_domain_block_stats(VdConnect *conn, const VdDomainRef *dom,
                           const char *path, VdBlockStatsRec *stats,
                           GError **error);

/* One counter of DOMAIN_BLOCK_STATS_FLAGS: libvirt's field name
 * ("rd_operations", "flush_total_times", ...) and its value. */
typedef struct {
    char *field;
    int64_t value;
} VdBlockStatParam;

/*
 * DOMAIN_BLOCK_STATS_FLAGS, both steps of it (how many, then those), as
 * the daemon orders them; path "" sums every disk. flags: 0 or
 * VD_TYPED_PARAM_STRING_OKAY. Counters that are not integers (none that
 * libvirt defines) are left out. *params receives *nparams counters (at
 * most VD_REMOTE_TYPED_PARAM_MAX; NULL when none), to free with
 * vd_block_stat_params_free().
 */
bool vd_domain_block_stats_flags(VdConnect *conn, const VdDomainRef *dom,
                                 const char *path, unsigned int flags,
                                 VdBlockStatParam **params, size_t *nparams,
                                 GError **error);
void vd_block_stat_params_free(VdBlockStatParam *params, size_t nparams);

/* DOMAIN_GET_BLOCK_INFO, in bytes: what the image holds on its file
 * system, what the guest sees, and the size of the file or device. Any
 * disk of the definition, running or not; flags 0. */
typedef struct {
    uint64_t allocation;
    uint64_t capacity;
    uint64_t physical;
} VdBlockInfo;

bool vd_domain_get_block_info(VdConnect *conn, const VdDomainRef *dom,
                              const char *path, unsigned int flags,
                              VdBlockInfo *info, GError **error);

/* vdisk's own statistics of one kind of request, since the disk opened:
 * successful requests (ops, bytes, total_ns), failed ones, those in
 * flight now, and latency percentiles (upper bounds, at most 12.5% high;
 * 0 while ops is 0). */
typedef struct {
    uint64_t ops;
    uint64_t bytes;
    uint64_t total_ns;
    uint64_t errors;
    uint64_t in_flight;
    uint64_t p50_ns;
    uint64_t p99_ns;
    uint64_t p999_ns;
} VdBlockKindStats;

typedef struct {
    char *target;                             /* "vda" */
    VdBlockKindStats kind[VD_BLOCK_KIND_COUNT];  /* by VdBlockKind */
} VdDiskStats;

/*
 * vdisk's extended statistics (BLOCK_STATS_EXT) of the disk named path,
 * or of every running disk for "" or NULL, in the definition's order.
 * *disks receives *ndisks entries (one when path names a disk), to free
 * with vd_disk_stats_array_free().
 */
bool vd_domain_block_stats_ext(VdConnect *conn, const VdDomainRef *dom,
                               const char *path, VdDiskStats **disks,
                               size_t *ndisks, GError **error);
void vd_disk_stats_array_free(VdDiskStats *disks, size_t ndisks);

/* Where a running disk is served: an NBD URI such as
 * "nbd+unix:///vda?socket=/path/to/socket", which qemu-io, qemu-img,
 * nbdinfo, libnbd and QEMU's -blockdev take as it is. */
typedef struct {
    char *target;
    char *uri;
} VdNbdUri;

/*
 * vdisk's NBD_URIS: the URI of each running disk of dom, in the
 * definition's order; none (not an error) while dom is not running.
 * *uris receives *nuris entries (NULL when none), to free with
 * vd_nbd_uri_array_free().
 */
bool vd_domain_get_nbd_uris(VdConnect *conn, const VdDomainRef *dom,
                            VdNbdUri **uris, size_t *nuris, GError **error);
void vd_nbd_uri_array_free(VdNbdUri *uris, size_t nuris);

/* ---- The safety policy (vdisk's own program) ----
 *
 * Calls that libvirt has no procedure for. A vdiskd that does not know
 * one answers with an error for which vd_error_is_unsupported() is true.
 */

/*
 * Define (or redefine) a domain as vd_domain_define_xml_flags() does
 * (flags VD_DEFINE_VALIDATE, VD_DEFINE_UNSAFE), and hear what the policy
 * warns about: an unsafe value it replaced, a refusal that VD_DEFINE_UNSAFE
 * or a <vdisk:override> lifted. Each warning is one line for the user,
 * "SEVERITY: disk DISK: DECISION (RULE): REASON".
 *
 * warnings: NULL, or where the warnings go: a NULL-terminated array
 * (g_strfreev), empty when there are none; NULL on error.
 * A refusal is VD_ERR_CONFIG_UNSUPPORTED naming the disk and the rule.
 */
VdDomainRef *vd_domain_define(VdConnect *conn, const char *xml,
                              unsigned int flags, char ***warnings,
                              GError **error);

/*
 * Every decision the policy takes for a defined domain, and why: one line
 * per decision ("vda: cache=none (qemu-default-cache): REASON"), or with
 * flags VD_EXPLAIN_JSON one JSON object
 * {"domain":..,"driver":..,"decisions":[{"disk","decision","rule",
 * "severity","reason"},..]} followed by a newline. The text is the
 * daemon's, unchanged.
 */
char *vd_domain_explain(VdConnect *conn, const VdDomainRef *dom,
                        unsigned int flags, GError **error);

/*
 * Would a live migration of dom be safe for its disks' data? False with
 * VD_ERR_MIGRATE_UNSAFE, whose message names the first unsafe disk and
 * its cache mode, when it would not; false with another error when the
 * check could not be made.
 */
bool vd_domain_migrate_check(VdConnect *conn, const VdDomainRef *dom,
                             GError **error);

/* ---- Helpers ---- */

/*
 * True when err says the daemon does not know a call: libvirt's "unknown
 * procedure" form (VD_ERR_RPC from VD_FROM_RPC or VD_FROM_REMOTE) or
 * VD_ERR_NO_SUPPORT. Callers fall back or skip, as virsh does.
 */
bool vd_error_is_unsupported(const GError *err);

/* "running", "shut off", ... as virsh words states; "unknown" otherwise. */
const char *vd_domain_state_name(int state);

#endif /* VD_CLIENT_LIBVDISK_H */
