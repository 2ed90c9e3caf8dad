/*
 * The daemon's state directory: where persistent domain definitions live
 * and where the running daemon keeps its sockets, pid file and lock.
 *
 *   DIR/domains/UUID.xml    one persistent definition per domain
 *   DIR/domains/corrupt/    definitions found unusable at startup, kept
 *   DIR/run/vdiskd.lock     locked for the life of the daemon
 *   DIR/run/vdiskd.pid      pid of the daemon holding the lock
 *   DIR/run/vdiskd-sock     read-write RPC socket
 *   DIR/run/vdiskd-sock-ro  read-only RPC socket
 *
 * One daemon per directory: vd_state_dir_open() takes an OFD lock on the
 * lock file and fails, naming the holder's pid, if another daemon has it.
 * The lock belongs to the open file description: a child forked without
 * exec shares it and keeps the directory locked until it exits too.
 *
 * Threads: open, close and load_domains run on one thread while no other
 * call on the same VdStateDir is in flight. The accessors, save_domain and
 * remove_domain may be called from any thread once open has returned;
 * calls for the same domain must be ordered by the caller (the last one to
 * finish wins).
 *
 * Ownership: the VdStateDir belongs to the caller of open, who frees it
 * with close. Strings returned by accessors belong to the VdStateDir and
 * live until close. Errors are G_FILE_ERROR for system failures (naming
 * the path) and VD_ERROR_CONF for the others.
 */
#ifndef VD_DAEMON_STATE_DIR_H
#define VD_DAEMON_STATE_DIR_H

#include <stddef.h>

#include <glib.h>

typedef struct _VdStateDir VdStateDir;

/* The largest definition load_domains reads; larger ones are unusable. */
#define VD_STATE_DOMAIN_MAX ((size_t)4 << 20)

/*
 * Create the layout above under @path (directories mode 0700), lock it and
 * write the pid file. Fails with VD_ERR_RESOURCE_BUSY if another daemon
 * holds the lock; nothing of the holder's is changed then.
 */
VdStateDir *vd_state_dir_open(const char *path, GError **error);

/* Remove the pid file, then release the lock and free @sd. NULL is a no-op. */
void vd_state_dir_close(VdStateDir *sd);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(VdStateDir, vd_state_dir_close)

/* The state directory itself, as an absolute path. */
const char *vd_state_dir_path(const VdStateDir *sd);

/* DIR/domains: the persistent definitions. */
const char *vd_state_dir_domains_dir(const VdStateDir *sd);

/* DIR/domains/corrupt: definitions that load_domains moved aside. */
const char *vd_state_dir_corrupt_dir(const VdStateDir *sd);

/* DIR/run: a directory only this daemon uses, for runtime files. */
const char *vd_state_dir_run_dir(const VdStateDir *sd);

/*
 * Paths of the read-write and read-only sockets. Open checks that they fit
 * in a sockaddr_un. Binding them is the server's job.
 */
const char *vd_state_dir_socket_path(const VdStateDir *sd);
const char *vd_state_dir_socket_ro_path(const VdStateDir *sd);

/*
 * Durably store @xml as the definition of domain @uuid_str (canonical
 * text form, either case; the file name is lower case). After a crash the
 * domain has either its previous definition or this one, in full. Fails
 * with VD_ERR_INVALID_ARG for a bad UUID and for an empty definition or
 * one larger than VD_STATE_DOMAIN_MAX, which could not be loaded again.
 */
gboolean vd_state_dir_save_domain(VdStateDir *sd, const char *uuid_str,
                                  const char *xml, GError **error);

/*
 * Durably remove the definition of @uuid_str. Succeeds if there is none,
 * so that a retry after a failed directory fsync can finish the job.
 */
gboolean vd_state_dir_remove_domain(VdStateDir *sd, const char *uuid_str,
                                    GError **error);

/*
 * Called by load_domains with a definition's path and its content (@len
 * bytes, NUL-terminated). Return FALSE, with an error saying why, only if
 * the content itself is unusable: the file is then moved aside. Refusing
 * for any other reason (a missing driver, a duplicate) would hide a good
 * definition from the next start.
 */
typedef gboolean (*VdStateDomainFunc)(const char *path, const char *xml,
                                      size_t len, void *user_data,
                                      GError **error);

/*
 * Call @func for each DIR/domains/NAME.xml, in order of name. A file that
 * cannot be read, is empty, is larger than VD_STATE_DOMAIN_MAX or that
 * @func refuses is logged with g_warning (file and reason) and moved into
 * DIR/domains/corrupt/ under a new name with a timestamp: never deleted,
 * never overwriting one moved there before. Temporary files that a crash
 * left behind mid-write are removed. @func runs on the calling thread.
 * Fails only if DIR/domains cannot be listed.
 */
gboolean vd_state_dir_load_domains(VdStateDir *sd, VdStateDomainFunc func,
                                   void *user_data, GError **error);

#endif /* VD_DAEMON_STATE_DIR_H */
