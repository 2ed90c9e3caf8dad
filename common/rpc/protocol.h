/*
 * Numbers of the RPC protocol: libvirt's remote program (the subset vdisk
 * serves), libvirt's keepalive program, and vdisk's own program for what
 * libvirt has no call for. libvirt's numbers are interface facts observed
 * on the wire (they are append-only upstream); never renumber them.
 */
#ifndef VD_RPC_PROTOCOL_H
#define VD_RPC_PROTOCOL_H

/* Programs and their versions. */
#define VD_REMOTE_PROGRAM      0x20008086u
#define VD_REMOTE_VERSION      1u
#define VD_KEEPALIVE_PROGRAM   0x6b656570u   /* "keep" */
#define VD_KEEPALIVE_VERSION   1u
#define VD_VDISK_PROGRAM       0x76646b31u   /* "vdk1" */
#define VD_VDISK_VERSION       1u

/* Limits, as libvirt's (REMOTE_*_MAX). */
#define VD_REMOTE_STRING_MAX        4194304u
#define VD_REMOTE_DOMAIN_LIST_MAX   16384u
#define VD_REMOTE_AUTH_TYPE_LIST_MAX 20u
#define VD_REMOTE_TYPED_PARAM_MAX   16u   /* block stats replies */
#define VD_REMOTE_FIELD_LENGTH      80u   /* typed parameter names */
#define VD_REMOTE_STRING_LIST_MAX   1024u

/* Keepalive procedures; both travel as MESSAGE with serial 0. */
enum {
    VD_KEEPALIVE_PROC_PING = 1,
    VD_KEEPALIVE_PROC_PONG = 2,
};

/* libvirt remote procedures vdisk serves. */
enum {
    VD_PROC_CONNECT_OPEN = 1,
    VD_PROC_CONNECT_CLOSE = 2,
    VD_PROC_CONNECT_GET_TYPE = 3,
    VD_PROC_CONNECT_GET_VERSION = 4,
    VD_PROC_NODE_GET_INFO = 6,
    VD_PROC_DOMAIN_CREATE = 9,
    VD_PROC_DOMAIN_DEFINE_XML = 11,
    VD_PROC_DOMAIN_DESTROY = 12,
    VD_PROC_DOMAIN_GET_XML_DESC = 14,
    VD_PROC_DOMAIN_GET_AUTOSTART = 15,
    VD_PROC_DOMAIN_GET_INFO = 16,
    VD_PROC_DOMAIN_GET_OS_TYPE = 19,
    VD_PROC_DOMAIN_LOOKUP_BY_ID = 22,
    VD_PROC_DOMAIN_LOOKUP_BY_NAME = 23,
    VD_PROC_DOMAIN_LOOKUP_BY_UUID = 24,
    VD_PROC_DOMAIN_RESUME = 28,
    VD_PROC_DOMAIN_SHUTDOWN = 33,
    VD_PROC_DOMAIN_SUSPEND = 34,
    VD_PROC_DOMAIN_UNDEFINE = 35,
    VD_PROC_CONNECT_GET_HOSTNAME = 59,
    VD_PROC_DOMAIN_BLOCK_STATS = 64,
    VD_PROC_CONNECT_SUPPORTS_FEATURE = 60,
    VD_PROC_AUTH_LIST = 66,
    VD_PROC_CONNECT_GET_URI = 110,
    VD_PROC_CONNECT_DOMAIN_XML_TO_NATIVE = 136,
    VD_PROC_DOMAIN_IS_ACTIVE = 150,
    VD_PROC_DOMAIN_IS_PERSISTENT = 151,
    VD_PROC_CONNECT_GET_LIB_VERSION = 157,
    VD_PROC_DOMAIN_HAS_MANAGED_SAVE_IMAGE = 183,
    VD_PROC_DOMAIN_GET_BLOCK_INFO = 194,
    VD_PROC_DOMAIN_CREATE_WITH_FLAGS = 196,
    VD_PROC_DOMAIN_SNAPSHOT_NUM = 187,
    VD_PROC_DOMAIN_GET_STATE = 212,
    VD_PROC_DOMAIN_UNDEFINE_FLAGS = 231,
    VD_PROC_DOMAIN_DESTROY_FLAGS = 234,
    VD_PROC_DOMAIN_BLOCK_STATS_FLAGS = 243,
    VD_PROC_DOMAIN_SHUTDOWN_FLAGS = 258,
    VD_PROC_CONNECT_LIST_ALL_DOMAINS = 273,
    VD_PROC_DOMAIN_DEFINE_XML_FLAGS = 350,
    VD_PROC_CONNECT_REGISTER_CLOSE_CALLBACK = 360,
    VD_PROC_CONNECT_UNREGISTER_CLOSE_CALLBACK = 361,
};

/* vdisk's own procedures (program VD_VDISK_PROGRAM). */
enum {
    /* The daemon's identity: void -> string version, string state_dir,
     * hyper pid. */
    VD_VPROC_DAEMON_INFO = 1,
    /* Define and hear the policy's warnings: string xml, uint flags ->
     * remote_nonnull_domain, string warnings<VD_REMOTE_STRING_LIST_MAX>. */
    VD_VPROC_DOMAIN_DEFINE = 2,
    /* Every decision of the policy for a domain: remote_nonnull_domain,
     * uint flags (VD_EXPLAIN_JSON) -> string text. */
    VD_VPROC_DOMAIN_EXPLAIN = 3,
    /* The migration safety check: remote_nonnull_domain -> void, or
     * VIR_ERR_MIGRATE_UNSAFE naming the disk. */
    VD_VPROC_DOMAIN_MIGRATE_CHECK = 4,
    /* Statistics beyond libvirt's, per running disk: remote_nonnull_domain,
     * string path ("" for every disk) -> count, then per disk: string
     * target, and for each VdBlockKind (VD_BLOCK_KIND_COUNT of them, in
     * common/rpc/block-kinds.h; the same as VdReqType): hyper ops, bytes,
     * total_ns, errors, in_flight, p50_ns, p99_ns, p999_ns. */
    VD_VPROC_DOMAIN_BLOCK_STATS_EXT = 5,
    /* Where guests reach the running disks: remote_nonnull_domain ->
     * count, then per disk: string target, string uri. */
    VD_VPROC_DOMAIN_NBD_URIS = 6,
};

#define VD_EXPLAIN_JSON 1u

/* virDrvFeature numbers asked through CONNECT_SUPPORTS_FEATURE. */
enum {
    VD_FEATURE_TYPED_PARAM_STRING = 9,
    VD_FEATURE_PROGRAM_KEEPALIVE = 10,
    VD_FEATURE_REMOTE_EVENT_CALLBACK = 14,
    VD_FEATURE_REMOTE_CLOSE_CALLBACK = 15,
};

/* virDomainCreateFlags, virDomainDestroyFlags, virTypedParameterFlags. */
#define VD_START_PAUSED 1u
#define VD_DESTROY_GRACEFUL 1u
#define VD_TYPED_PARAM_STRING_OKAY 4u

/* virConnectOpen flags. */
#define VD_CONNECT_RO 1u

/* virDomainState and the reasons vdisk reports. */
enum {
    VD_DOMAIN_NOSTATE = 0,
    VD_DOMAIN_RUNNING = 1,
    VD_DOMAIN_BLOCKED = 2,
    VD_DOMAIN_PAUSED = 3,
    VD_DOMAIN_SHUTDOWN = 4,
    VD_DOMAIN_SHUTOFF = 5,
    VD_DOMAIN_CRASHED = 6,
};
enum {
    VD_DOMAIN_SHUTOFF_UNKNOWN = 0,
    VD_DOMAIN_SHUTOFF_SHUTDOWN = 1,
    VD_DOMAIN_SHUTOFF_DESTROYED = 2,
    VD_DOMAIN_SHUTOFF_CRASHED = 3,
};

/* virConnectListAllDomains flags. */
#define VD_LIST_DOMAINS_ACTIVE     1u
#define VD_LIST_DOMAINS_INACTIVE   2u
#define VD_LIST_DOMAINS_PERSISTENT 4u
#define VD_LIST_DOMAINS_TRANSIENT  8u
#define VD_LIST_DOMAINS_RUNNING    16u
#define VD_LIST_DOMAINS_PAUSED     32u
#define VD_LIST_DOMAINS_SHUTOFF    64u

/* virDomainUndefineFlags values that need no work when there is nothing. */
#define VD_UNDEFINE_MANAGED_SAVE         1u
#define VD_UNDEFINE_SNAPSHOTS_METADATA   2u
#define VD_UNDEFINE_NVRAM                4u
#define VD_UNDEFINE_KEEP_NVRAM           8u
#define VD_UNDEFINE_CHECKPOINTS_METADATA 16u

/* Flags of DOMAIN_DEFINE_XML_FLAGS: libvirt's VALIDATE, and vdisk's own
 * override of the safety policy, far from libvirt's bits. */
#define VD_DEFINE_VALIDATE 1u
#define VD_DEFINE_UNSAFE   (1u << 30)

#endif /* VD_RPC_PROTOCOL_H */
