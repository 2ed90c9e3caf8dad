/*
 * What the vdisk CLI prints: results for a person (virsh's layout) or for
 * a script (--json), from one description, so the two cannot drift apart;
 * and errors, always "error: ..." on stderr.
 *
 * A command describes its result as a record (one "Label: value" line
 * per field; a JSON object) or a table (aligned columns under a header;
 * a JSON array of objects) and adds fields to it. Each field has a label
 * for people and a key for scripts: a NULL label keeps a field out of
 * the human form, a NULL key out of JSON. Output goes to stdout when the
 * record or table ends. Single-threaded, like the CLI.
 */
#ifndef VD_CLI_OUTPUT_H
#define VD_CLI_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

/* "error: " and the message, on stderr. */
void vd_cli_error(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/* "warning: " and the message, on stderr: the command goes on. */
void vd_cli_warning(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/* A usage error: the message and where to read the usage (`vdisk help`,
 * or `vdisk help VERB` when verb is not NULL). */
void vd_cli_usage_error(const char *verb, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

typedef struct VdCliOut VdCliOut;

VdCliOut *vd_cli_out_new(bool json);
void vd_cli_out_free(VdCliOut *o);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VdCliOut, vd_cli_out_free)

bool vd_cli_out_is_json(const VdCliOut *o);

void vd_cli_out_begin_record(VdCliOut *o);
void vd_cli_out_end_record(VdCliOut *o);

/* headers: the columns, NULL-terminated; a field fills the column whose
 * header equals its label. */
void vd_cli_out_begin_table(VdCliOut *o, const char *const *headers);
void vd_cli_out_begin_row(VdCliOut *o);
void vd_cli_out_end_row(VdCliOut *o);
void vd_cli_out_end_table(VdCliOut *o);

void vd_cli_out_str(VdCliOut *o, const char *label, const char *key,
                    const char *value);
void vd_cli_out_int(VdCliOut *o, const char *label, const char *key,
                    int64_t value);
/* unit follows the number in the human form only ("65536 KiB"). */
void vd_cli_out_uint(VdCliOut *o, const char *label, const char *key,
                     uint64_t value, const char *unit);
/* yes/no: the words people read ("yes"/"no", "enable"/"disable"). */
void vd_cli_out_bool(VdCliOut *o, const char *label, const char *key,
                     bool value, const char *yes, const char *no);
/* A list of strings (NULL-terminated): a JSON array of strings; for
 * people, the strings joined by ", ". */
void vd_cli_out_strv(VdCliOut *o, const char *label, const char *key,
                     const char *const *values);
/* No value: JSON null, and human for people ("-"). */
void vd_cli_out_null(VdCliOut *o, const char *label, const char *key,
                     const char *human);

/* Fields under one key: in JSON an object nested in the record or row,
 * member key; for people nothing changes, so give the fields inside a
 * NULL label unless they belong in the human form too. */
void vd_cli_out_begin_group(VdCliOut *o, const char *key);
void vd_cli_out_end_group(VdCliOut *o);

/* Flush stdout; false (and an error printed) when the output was lost. */
bool vd_cli_out_flush(void);

#endif /* VD_CLI_OUTPUT_H */
