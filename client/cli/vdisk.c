/*
 * vdisk: the command line client of vdiskd.
 *
 *   vdisk [-c URI] [-r] [--json] COMMAND [ARGS...]
 *
 * Global options may come before or after the command, so that
 * `vdisk list --json` and `vdisk --json list` both work; the command's own
 * --flags are checked against its table entry (commands.h). Exit status
 * 0 on success, 1 on any error, usage errors included.
 */
#include "config.h"

#include <string.h>

#include "client/cli/commands.h"

typedef struct {
    const char *uri;
    bool read_only;
    bool json;
    bool help;
    const char *verb;
    GPtrArray *flags;           /* the command's --flags, owned */
    GPtrArray *values;          /* their values, or NULL; owned */
    GPtrArray *args;            /* the command's positional arguments */
} Invocation;

/* The option of the verb called @name (up to a '='), or NULL. */
static const VdCliOption *
verb_option(const char *verb, const char *name, size_t len)
{
    const VdCliCommand *cmd = vd_cli_command_find(verb);

    for (size_t o = 0; cmd && cmd->options && cmd->options[o].name; o++) {
        if (strlen(cmd->options[o].name) == len &&
            strncmp(cmd->options[o].name, name, len) == 0)
            return &cmd->options[o];
    }
    return NULL;
}

/*
 * A --flag of the verb, with its value from "--flag=VALUE" or the next
 * argument when the option takes one; false (the error printed) when
 * the value is missing.
 */
static bool
parse_verb_option(Invocation *inv, char **argv, int argc, int *i)
{
    const char *arg = argv[*i];
    const char *eq = strchr(arg, '=');
    size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
    const VdCliOption *opt = verb_option(inv->verb, arg, len);
    const char *value = NULL;

    if (opt && opt->value) {
        if (eq) {
            value = eq + 1;
        } else if (*i + 1 < argc) {
            value = argv[++*i];
        } else {
            vd_cli_usage_error(inv->verb, "option '%s' needs a %s", arg,
                               opt->value);
            return false;
        }
    } else {
        len = strlen(arg);
    }
    g_ptr_array_add(inv->flags, g_strndup(arg, len));
    g_ptr_array_add(inv->values, g_strdup(value));
    return true;
}

/* Global options; false (the error printed) for an unknown one. */
static bool
parse_global(Invocation *inv, char **argv, int argc, int *i)
{
    const char *arg = argv[*i];

    if (strcmp(arg, "-r") == 0 || strcmp(arg, "--readonly") == 0) {
        inv->read_only = true;
    } else if (strcmp(arg, "--json") == 0) {
        inv->json = true;
    } else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
        inv->help = true;
    } else if (g_str_has_prefix(arg, "--connect=")) {
        inv->uri = arg + strlen("--connect=");
    } else if (strcmp(arg, "-c") == 0 || strcmp(arg, "--connect") == 0) {
        if (*i + 1 >= argc) {
            vd_cli_usage_error(NULL, "option '%s' needs a URI", arg);
            return false;
        }
        inv->uri = argv[++*i];
    } else if (inv->verb != NULL) {
        return parse_verb_option(inv, argv, argc, i);
    } else {
        vd_cli_usage_error(NULL, "unknown option '%s'", arg);
        return false;
    }
    return true;
}

static bool
parse_argv(Invocation *inv, int argc, char **argv)
{
    bool options_done = false;

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];

        if (!options_done && strcmp(arg, "--") == 0) {
            options_done = true;
        } else if (!options_done && arg[0] == '-' && arg[1] != '\0') {
            if (!parse_global(inv, argv, argc, &i))
                return false;
        } else if (inv->verb == NULL) {
            inv->verb = arg;
        } else {
            g_ptr_array_add(inv->args, (char *)arg);
        }
    }
    return true;
}

/*
 * The command's flags as a bit mask of its options, their values into
 * @values; -1 for an unknown one.
 */
static int
match_flags(const VdCliCommand *cmd, GPtrArray *flags, GPtrArray *vals,
            const char **values)
{
    unsigned int mask = 0;

    for (guint f = 0; f < flags->len; f++) {
        const char *flag = flags->pdata[f];
        bool found = false;

        for (size_t o = 0; cmd->options != NULL && cmd->options[o].name; o++) {
            g_assert(o < VD_CLI_MAX_OPTIONS);
            if (strcmp(cmd->options[o].name, flag) == 0) {
                mask |= 1u << o;
                values[o] = vals->pdata[f];
                found = true;
            }
        }
        if (!found) {
            vd_cli_usage_error(cmd->name, "command '%s' has no option '%s'",
                               cmd->name, flag);
            return -1;
        }
    }
    return (int)mask;
}

static bool
check_arg_count(const VdCliCommand *cmd, size_t nargs, char **args)
{
    if (nargs < cmd->min_args) {
        vd_cli_usage_error(cmd->name, "missing argument: vdisk %s %s",
                           cmd->name, cmd->usage);
        return false;
    }
    if (nargs > cmd->max_args) {
        vd_cli_usage_error(cmd->name, "unexpected argument '%s'",
                           args[cmd->max_args]);
        return false;
    }
    return true;
}

static int
run(Invocation *inv)
{
    const VdCliCommand *cmd;
    g_autoptr(VdCliOut) out = NULL;
    g_autoptr(VdConnect) conn = NULL;
    g_autoptr(GError) err = NULL;
    VdCliContext ctx = { 0 };
    int opts;

    if (inv->verb == NULL) {
        if (inv->help) {
            vd_cli_print_help(NULL);
            return 0;
        }
        vd_cli_usage_error(NULL, "no command given");
        return 1;
    }
    cmd = vd_cli_command_find(inv->verb);
    if (cmd == NULL) {
        vd_cli_usage_error(NULL, "unknown command '%s'", inv->verb);
        return 1;
    }
    if (inv->help) {
        vd_cli_print_help(cmd);
        return 0;
    }
    opts = match_flags(cmd, inv->flags, inv->values, ctx.values);
    if (opts < 0 || !check_arg_count(cmd, inv->args->len,
                                     (char **)inv->args->pdata))
        return 1;

    if (cmd->needs_connection) {
        conn = vd_connect(inv->uri, inv->read_only ? VD_CONNECT_RO : 0, &err);
        if (conn == NULL) {
            vd_cli_error("failed to connect to vdiskd: %s", err->message);
            return 1;
        }
    }
    out = vd_cli_out_new(inv->json);
    ctx.cmd = cmd;
    ctx.conn = conn;
    ctx.out = out;
    ctx.args = (char **)inv->args->pdata;
    ctx.nargs = inv->args->len;
    ctx.opts = (unsigned int)opts;
    return cmd->run(&ctx);
}

int
main(int argc, char **argv)
{
    Invocation inv = { 0 };
    int status = 1;

    inv.flags = g_ptr_array_new_with_free_func(g_free);
    inv.values = g_ptr_array_new_with_free_func(g_free);
    inv.args = g_ptr_array_new();
    if (parse_argv(&inv, argc, argv))
        status = run(&inv);
    if (!vd_cli_out_flush())
        status = 1;
    g_ptr_array_unref(inv.flags);
    g_ptr_array_unref(inv.values);
    g_ptr_array_unref(inv.args);
    return status;
}
