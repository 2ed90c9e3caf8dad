/* The table of verbs, and the help that is generated from it. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "client/cli/commands.h"

const VdCliCommand *const vd_cli_commands[] = {
    &vd_cli_cmd_list,
    &vd_cli_cmd_dominfo,
    &vd_cli_cmd_dumpxml,
    &vd_cli_cmd_explain,
    &vd_cli_cmd_migrate_check,
    &vd_cli_cmd_define,
    &vd_cli_cmd_undefine,
    &vd_cli_cmd_start,
    &vd_cli_cmd_shutdown,
    &vd_cli_cmd_destroy,
    &vd_cli_cmd_suspend,
    &vd_cli_cmd_resume,
    &vd_cli_cmd_domblklist,
    &vd_cli_cmd_nbd_uri,
    &vd_cli_cmd_domblkstat,
    &vd_cli_cmd_domblkinfo,
    &vd_cli_cmd_version,
    &vd_cli_cmd_image_create,
    &vd_cli_cmd_image_info,
    &vd_cli_cmd_image_check,
    &vd_cli_cmd_help,
    NULL,
};

const VdCliCommand *
vd_cli_command_find(const char *name)
{
    for (size_t i = 0; vd_cli_commands[i] != NULL; i++) {
        if (strcmp(vd_cli_commands[i]->name, name) == 0)
            return vd_cli_commands[i];
    }
    return NULL;
}

static const char global_usage[] =
    "Usage: vdisk [-c URI] [-r] [--json] COMMAND [ARGS...]\n"
    "\n"
    "Options (before or after the command):\n"
    "  -c, --connect URI  the daemon to talk to: vdisk:///system (the\n"
    "                     default) or DRIVER+unix:///PATH?socket=SOCKET\n"
    "  -r, --readonly     connect read-only: queries only\n"
    "      --json         print results as JSON\n"
    "  -h, --help         show this help\n";

static void
print_command_help(const VdCliCommand *cmd)
{
    size_t width = 12;

    printf("Usage: vdisk %s%s%s\n\n  %s\n",
           cmd->name, *cmd->usage ? " " : "", cmd->usage, cmd->summary);
    if (cmd->options == NULL || cmd->options[0].name == NULL)
        return;
    printf("\nOptions:\n");
    for (const VdCliOption *o = cmd->options; o->name != NULL; o++) {
        size_t len = strlen(o->name) + (o->value ? strlen(o->value) + 1 : 0);
        width = MAX(width, len);
    }
    for (const VdCliOption *o = cmd->options; o->name != NULL; o++) {
        g_autofree char *call = g_strdup_printf("%s%s%s", o->name,
                                                o->value ? " " : "",
                                                o->value ? o->value : "");
        printf("  %-*s %s\n", (int)width, call, o->help);
    }
}

/* "define FILE [--unsafe]": the verb and what follows it. */
static char *
command_call(const VdCliCommand *cmd)
{
    return g_strdup_printf("%s%s%s", cmd->name, *cmd->usage ? " " : "",
                           cmd->usage);
}

/* Every verb on a line, its summary in a column wide enough for all. */
static void
print_command_list(void)
{
    g_autoptr(GPtrArray) calls = g_ptr_array_new_with_free_func(g_free);
    size_t width = 0;

    for (size_t i = 0; vd_cli_commands[i] != NULL; i++) {
        char *call = command_call(vd_cli_commands[i]);

        width = MAX(width, strlen(call));
        g_ptr_array_add(calls, call);
    }
    for (size_t i = 0; vd_cli_commands[i] != NULL; i++)
        printf("  %-*s  %s\n", (int)width, (char *)calls->pdata[i],
               vd_cli_commands[i]->summary);
}

void
vd_cli_print_help(const VdCliCommand *cmd)
{
    if (cmd != NULL) {
        print_command_help(cmd);
        return;
    }
    fputs(global_usage, stdout);
    printf("\nCommands:\n");
    print_command_list();
    printf("\nDOM is a domain's name, UUID or id. "
           "'vdisk help COMMAND' shows a command's usage.\n");
}

static int
run_help(VdCliContext *ctx)
{
    const VdCliCommand *cmd = NULL;

    if (ctx->nargs > 0) {
        cmd = vd_cli_command_find(ctx->args[0]);
        if (cmd == NULL) {
            vd_cli_usage_error(NULL, "unknown command '%s'", ctx->args[0]);
            return 1;
        }
    }
    vd_cli_print_help(cmd);
    return 0;
}

const VdCliCommand vd_cli_cmd_help = {
    .name = "help",
    .usage = "[COMMAND]",
    .summary = "list the commands, or show one command's usage",
    .min_args = 0, .max_args = 1,
    .needs_connection = false,
    .run = run_help,
};
