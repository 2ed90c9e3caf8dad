/*
 * The verbs of the vdisk CLI. Each is a table entry: its usage, what it
 * accepts, and a run function that gets its arguments already checked
 * against that description, so no verb parses argv itself.
 */
#ifndef VD_CLI_COMMANDS_H
#define VD_CLI_COMMANDS_H

#include <stdbool.h>
#include <stddef.h>

#include "client/cli/output.h"
#include "client/libvdisk.h"
#include "common/conf/domain-conf.h"

/*
 * A --flag of one verb; bit i of VdCliContext.opts when options[i] given.
 * An option with a value (`--size SIZE` or `--size=SIZE`) names it in
 * `value`; what was given is VdCliContext.values[i].
 */
typedef struct {
    const char *name;           /* "--all" */
    const char *help;
    const char *value;          /* "SIZE"; NULL for a plain flag */
} VdCliOption;

/* Options a verb may have (bits of VdCliContext.opts). */
#define VD_CLI_MAX_OPTIONS 16

typedef struct VdCliContext VdCliContext;

typedef struct {
    const char *name;
    const char *usage;          /* what follows the verb: "FILE [--unsafe]" */
    const char *summary;        /* one line for `vdisk help` */
    size_t min_args;            /* positional arguments */
    size_t max_args;
    const VdCliOption *options; /* terminated by { NULL }; NULL for none */
    bool needs_connection;
    /* 0 on success; 1 once the error is printed. */
    int (*run)(VdCliContext *ctx);
} VdCliCommand;

struct VdCliContext {
    const VdCliCommand *cmd;
    VdConnect *conn;            /* open when cmd->needs_connection */
    VdCliOut *out;
    char **args;                /* the positional arguments */
    size_t nargs;
    unsigned int opts;
    const char *values[VD_CLI_MAX_OPTIONS];  /* of options with a value */
};

/* All verbs, in the order `vdisk help` lists them; NULL-terminated. */
extern const VdCliCommand *const vd_cli_commands[];

const VdCliCommand *vd_cli_command_find(const char *name);

/* `vdisk help` (cmd NULL) or `vdisk help VERB`, on stdout. */
void vd_cli_print_help(const VdCliCommand *cmd);

/* The domain a user named (name, UUID or id); prints the error if none. */
VdDomainRef *vd_cli_lookup_domain(VdCliContext *ctx, const char *name);

/* dom's definition, parsed from the XML the daemon sends (free with
 * vd_domain_def_free); prints the error if there is none. */
VdDomainDef *vd_cli_get_domain_def(VdCliContext *ctx, const VdDomainRef *dom);

extern const VdCliCommand vd_cli_cmd_list;
extern const VdCliCommand vd_cli_cmd_dominfo;
extern const VdCliCommand vd_cli_cmd_dumpxml;
extern const VdCliCommand vd_cli_cmd_explain;
extern const VdCliCommand vd_cli_cmd_migrate_check;
extern const VdCliCommand vd_cli_cmd_define;
extern const VdCliCommand vd_cli_cmd_undefine;
extern const VdCliCommand vd_cli_cmd_start;
extern const VdCliCommand vd_cli_cmd_shutdown;
extern const VdCliCommand vd_cli_cmd_destroy;
extern const VdCliCommand vd_cli_cmd_suspend;
extern const VdCliCommand vd_cli_cmd_resume;
extern const VdCliCommand vd_cli_cmd_domblklist;
extern const VdCliCommand vd_cli_cmd_domblkinfo;
extern const VdCliCommand vd_cli_cmd_domblkstat;
extern const VdCliCommand vd_cli_cmd_nbd_uri;
extern const VdCliCommand vd_cli_cmd_version;
extern const VdCliCommand vd_cli_cmd_image_create;
extern const VdCliCommand vd_cli_cmd_image_info;
extern const VdCliCommand vd_cli_cmd_image_check;
extern const VdCliCommand vd_cli_cmd_help;

#endif /* VD_CLI_COMMANDS_H */
