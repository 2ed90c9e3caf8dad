/*
 * The state directory: its layout, the one-daemon lock, the pid file, and
 * domain definitions surviving (or being set aside) across restarts.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>
#include <glib/gstdio.h>

#include "common/util/error.h"
#include "common/util/file.h"
#include "daemon/state-dir.h"
#include "tests/common/check-run.h"
#include "tests/tmpdir.h"

#define UUID_A "0b2c4b1e-4c8d-4a52-9a8e-1f0e5d3c2b1a"
#define UUID_B "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b"
#define UUID_C "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a"
#define UUID_D "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f"

static VdStateDir *
open_or_fail(const char *path)
{
    g_autoptr(GError) err = NULL;
    VdStateDir *sd = vd_state_dir_open(path, &err);

    ck_assert_msg(sd != NULL, "%s", err ? err->message : "");
    return sd;
}

static char *
read_or_fail(const char *path)
{
    g_autoptr(GError) err = NULL;
    char *data = NULL;
    size_t len;

    ck_assert_msg(vd_file_read_all(path, 1 << 20, &data, &len, &err),
                  "%s", err ? err->message : "");
    return data;
}

static void
write_or_fail(const char *path, const char *text)
{
    g_autoptr(GError) err = NULL;

    ck_assert_msg(vd_file_write_atomic(path, text, strlen(text), 0600, &err),
                  "%s", err ? err->message : "");
}

static void
assert_mode(const char *path, mode_t mode)
{
    struct stat st;

    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_msg((st.st_mode & 07777) == mode, "%s has mode %o", path,
                  (unsigned)(st.st_mode & 07777));
}

/* The error of a second open, which must be "busy". */
static GError *
open_busy(const char *path)
{
    GError *err = NULL;
    VdStateDir *sd = vd_state_dir_open(path, &err);

    ck_assert_msg(sd == NULL, "second open of %s succeeded", path);
    ck_assert(g_error_matches(err, VD_ERROR_CONF, VD_ERR_RESOURCE_BUSY));
    return err;
}

/* @got is @rel below @dir. */
static void
assert_below(const char *got, const char *dir, const char *rel)
{
    g_autofree char *expected = g_build_filename(dir, rel, NULL);

    ck_assert_str_eq(got, expected);
}

START_TEST(test_open_creates_layout)
{
    g_autofree char *tmp = vd_test_tmpdir_new();
    g_autofree char *dir = g_build_filename(tmp, "a", "state", NULL);
    g_autofree char *pid = g_strdup_printf("%d\n", (int)getpid());
    g_autofree char *pid_path = g_build_filename(dir, "run", "vdiskd.pid",
                                                 NULL);
    g_autofree char *text = NULL;
    VdStateDir *sd;

    umask(022);
    sd = open_or_fail(dir);
    ck_assert_str_eq(vd_state_dir_path(sd), dir);
    assert_mode(dir, 0700);
    assert_below(vd_state_dir_domains_dir(sd), dir, "domains");
    assert_mode(vd_state_dir_domains_dir(sd), 0700);
    assert_below(vd_state_dir_corrupt_dir(sd), dir, "domains/corrupt");
    assert_mode(vd_state_dir_corrupt_dir(sd), 0700);
    assert_below(vd_state_dir_run_dir(sd), dir, "run");
    assert_mode(vd_state_dir_run_dir(sd), 0700);
    assert_below(vd_state_dir_socket_path(sd), dir, "run/vdiskd-sock");
    assert_below(vd_state_dir_socket_ro_path(sd), dir, "run/vdiskd-sock-ro");
    text = read_or_fail(pid_path);
    ck_assert_str_eq(text, pid);
    vd_state_dir_close(sd);
    vd_test_tmpdir_remove(tmp);
}
END_TEST

START_TEST(test_close_removes_pid_file)
{
    g_autofree char *dir = vd_test_tmpdir_new();
    g_autofree char *pid_path = g_build_filename(dir, "run", "vdiskd.pid",
                                                 NULL);
    g_autofree char *lock_path = g_build_filename(dir, "run", "vdiskd.lock",
                                                  NULL);
    VdStateDir *sd = open_or_fail(dir);

    ck_assert(g_file_test(pid_path, G_FILE_TEST_IS_REGULAR));
    vd_state_dir_close(sd);
    ck_assert(!g_file_test(pid_path, G_FILE_TEST_EXISTS));
    /* Kept: removing a lock file races with another daemon locking it. */
    ck_assert(g_file_test(lock_path, G_FILE_TEST_IS_REGULAR));
    /* Closed means unlocked. */
    vd_state_dir_close(open_or_fail(dir));
    vd_test_tmpdir_remove(dir);
}
END_TEST

/* OFD locks conflict between two opens even within one process. */
START_TEST(test_second_open_in_process)
{
    g_autofree char *dir = vd_test_tmpdir_new();
    g_autofree char *pid_path = g_build_filename(dir, "run", "vdiskd.pid",
                                                 NULL);
    g_autofree char *expected = NULL;
    g_autofree char *text = NULL;
    g_autoptr(GError) err = NULL;
    VdStateDir *sd = open_or_fail(dir);

    err = open_busy(dir);
    expected = g_strdup_printf("state directory %s is in use by vdiskd "
                               "(pid %d)", dir, (int)getpid());
    ck_assert_str_eq(err->message, expected);
    /* The failed open left the holder's pid file alone. */
    text = read_or_fail(pid_path);
    ck_assert_int_eq(atoi(text), getpid());
    vd_state_dir_close(sd);
    vd_state_dir_close(open_or_fail(dir));
    vd_test_tmpdir_remove(dir);
}
END_TEST

/*
 * Another process holds the directory. The child tells the parent when it
 * holds the lock and keeps it until the parent closes the pipe: ordered by
 * the pipes, not by timing.
 */
START_TEST(test_second_open_across_fork)
{
    g_autofree char *dir = vd_test_tmpdir_new();
    g_autofree char *pid_path = g_build_filename(dir, "run", "vdiskd.pid",
                                                 NULL);
    g_autofree char *expected = NULL;
    g_autofree char *text = NULL;
    g_autoptr(GError) err = NULL;
    int ready[2], hold[2];
    char byte = 0;
    pid_t pid;
    int status;

    ck_assert_int_eq(pipe(ready), 0);
    ck_assert_int_eq(pipe(hold), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        VdStateDir *sd = vd_state_dir_open(dir, NULL);

        close(ready[0]);
        close(hold[1]);
        if (sd == NULL)
            _exit(1);
        if (write(ready[1], "r", 1) != 1)
            _exit(2);
        /* Returns at EOF, when the parent closes its end. */
        if (read(hold[0], &byte, 1) != 0)
            _exit(3);
        vd_state_dir_close(sd);
        _exit(0);
    }
    close(ready[1]);
    close(hold[0]);
    ck_assert_int_eq(read(ready[0], &byte, 1), 1);

    err = open_busy(dir);
    expected = g_strdup_printf("state directory %s is in use by vdiskd "
                               "(pid %d)", dir, (int)pid);
    ck_assert_str_eq(err->message, expected);
    text = read_or_fail(pid_path);
    ck_assert_int_eq(atoi(text), pid);

    close(hold[1]);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 0);
    close(ready[0]);
    /* The child closed cleanly: its pid file is gone, the lock is free. */
    ck_assert(!g_file_test(pid_path, G_FILE_TEST_EXISTS));
    vd_state_dir_close(open_or_fail(dir));
    vd_test_tmpdir_remove(dir);
}
END_TEST

/* Between taking the lock and writing its pid, a holder has no pid file. */
START_TEST(test_busy_without_pid_file)
{
    g_autofree char *dir = vd_test_tmpdir_new();
    g_autofree char *pid_path = g_build_filename(dir, "run", "vdiskd.pid",
                                                 NULL);
    g_autoptr(GError) err = NULL;
    VdStateDir *sd = open_or_fail(dir);

    ck_assert_int_eq(g_unlink(pid_path), 0);
    err = open_busy(dir);
    ck_assert_ptr_nonnull(strstr(err->message, "is in use by another vdiskd"));
    ck_assert_ptr_nonnull(strstr(err->message, pid_path));
    vd_state_dir_close(sd);
    vd_test_tmpdir_remove(dir);
}
END_TEST

/* A directory too deep for a socket address fails before creating anything. */
START_TEST(test_socket_path_too_long)
{
    g_autofree char *tmp = vd_test_tmpdir_new();
    g_autofree char *long_name = g_strnfill(100, 'd');
    g_autofree char *dir = g_build_filename(tmp, long_name, NULL);
    g_autoptr(GError) err = NULL;

    ck_assert_ptr_null(vd_state_dir_open(dir, &err));
    ck_assert(g_error_matches(err, VD_ERROR_CONF, VD_ERR_INVALID_ARG));
    ck_assert_ptr_nonnull(strstr(err->message, "vdiskd-sock-ro"));
    ck_assert(!g_file_test(dir, G_FILE_TEST_EXISTS));
    vd_test_tmpdir_remove(tmp);
}
END_TEST

/* The daemon may chdir("/"): a relative --state-dir must not move. */
START_TEST(test_relative_path_made_absolute)
{
    g_autofree char *tmp = vd_test_tmpdir_new();
    g_autofree char *expected = g_build_filename(tmp, "state", NULL);
    VdStateDir *sd;

    ck_assert_int_eq(chdir(tmp), 0);
    sd = open_or_fail("state");
    ck_assert_str_eq(vd_state_dir_path(sd), expected);
    ck_assert_int_eq(chdir("/"), 0);
    vd_state_dir_close(sd);
    vd_test_tmpdir_remove(tmp);
}
END_TEST

START_TEST(test_save_and_remove)
{
    g_autofree char *dir = vd_test_tmpdir_new();
    g_autofree char *file = g_build_filename(dir, "domains", UUID_D ".xml",
                                             NULL);
    g_autofree char *upper = g_ascii_strup(UUID_D, -1);
    g_autofree char *text = NULL;
    g_auto(GStrv) names = NULL;
    g_autoptr(GError) err = NULL;
    VdStateDir *sd = open_or_fail(dir);

    ck_assert(vd_state_dir_save_domain(sd, UUID_D, "<domain>1</domain>",
                                       NULL));
    /* Upper case names the same domain, and the same file. */
    ck_assert(vd_state_dir_save_domain(sd, upper, "<domain>2</domain>", NULL));
    text = read_or_fail(file);
    ck_assert_str_eq(text, "<domain>2</domain>");
    assert_mode(file, 0600);
    names = vd_test_dir_names(vd_state_dir_domains_dir(sd));
    ck_assert_uint_eq(g_strv_length(names), 2);
    ck_assert_str_eq(names[0], UUID_D ".xml");
    ck_assert_str_eq(names[1], "corrupt");

    ck_assert(vd_state_dir_remove_domain(sd, upper, NULL));
    ck_assert(!g_file_test(file, G_FILE_TEST_EXISTS));
    /* Again: already gone is success. */
    ck_assert(vd_state_dir_remove_domain(sd, UUID_D, NULL));
    vd_state_dir_close(sd);
    vd_test_tmpdir_remove(dir);
}
END_TEST

START_TEST(test_save_refuses_bad_input)
{
    g_autofree char *dir = vd_test_tmpdir_new();
    g_autofree char *big = g_strnfill(VD_STATE_DOMAIN_MAX + 1, 'x');
    g_auto(GStrv) names = NULL;
    GError *err = NULL;
    VdStateDir *sd = open_or_fail(dir);

    ck_assert(!vd_state_dir_save_domain(sd, "../" UUID_D, "<d/>", &err));
    ck_assert(g_error_matches(err, VD_ERROR_CONF, VD_ERR_INVALID_ARG));
    g_clear_error(&err);
    ck_assert(!vd_state_dir_remove_domain(sd, "../" UUID_D, &err));
    ck_assert(g_error_matches(err, VD_ERROR_CONF, VD_ERR_INVALID_ARG));
    g_clear_error(&err);
    ck_assert(!vd_state_dir_save_domain(sd, UUID_D, "", &err));
    ck_assert(g_error_matches(err, VD_ERROR_CONF, VD_ERR_INVALID_ARG));
    g_clear_error(&err);
    ck_assert(!vd_state_dir_save_domain(sd, UUID_D, big, &err));
    ck_assert(g_error_matches(err, VD_ERROR_CONF, VD_ERR_INVALID_ARG));
    g_clear_error(&err);
    names = vd_test_dir_names(vd_state_dir_domains_dir(sd));
    ck_assert_uint_eq(g_strv_length(names), 1);
    vd_state_dir_close(sd);
    vd_test_tmpdir_remove(dir);
}
END_TEST

/* What the loader's callback saw, and what it logged. */
typedef struct {
    GPtrArray *names;     /* base names passed to the callback, in order */
    GPtrArray *contents;
    GPtrArray *logs;      /* warnings and messages */
    guint handler;
} LoadRecord;

static void
record_log(const char *domain, GLogLevelFlags level, const char *message,
           gpointer user_data)
{
    LoadRecord *rec = user_data;

    g_ptr_array_add(rec->logs, g_strdup(message));
}

static void
record_init(LoadRecord *rec)
{
    rec->names = g_ptr_array_new_with_free_func(g_free);
    rec->contents = g_ptr_array_new_with_free_func(g_free);
    rec->logs = g_ptr_array_new_with_free_func(g_free);
    rec->handler = g_log_set_handler(NULL, G_LOG_LEVEL_WARNING |
                                     G_LOG_LEVEL_MESSAGE, record_log, rec);
}

static void
record_clear(LoadRecord *rec)
{
    g_log_remove_handler(NULL, rec->handler);
    g_ptr_array_unref(rec->names);
    g_ptr_array_unref(rec->contents);
    g_ptr_array_unref(rec->logs);
}

/* The one log line that mentions @needle, which must also hold @reason. */
static void
assert_logged(LoadRecord *rec, const char *needle, const char *reason)
{
    guint i, found = 0;

    for (i = 0; i < rec->logs->len; i++) {
        const char *line = g_ptr_array_index(rec->logs, i);

        if (strstr(line, needle) == NULL)
            continue;
        found++;
        ck_assert_msg(strstr(line, reason) != NULL, "'%s' lacks '%s'",
                      line, reason);
    }
    ck_assert_msg(found == 1, "%u log lines mention %s", found, needle);
}

/* A stand-in for the domain parser: a definition must be complete. */
static gboolean
parse_domain(const char *path, const char *xml, size_t len, void *user_data,
             GError **error)
{
    LoadRecord *rec = user_data;

    ck_assert_uint_eq(strlen(xml), len);
    if (!g_str_has_suffix(xml, "</domain>")) {
        g_set_error(error, VD_ERROR_XML, VD_ERR_XML_ERROR,
                    "premature end of data");
        return FALSE;
    }
    g_ptr_array_add(rec->names, g_path_get_basename(path));
    g_ptr_array_add(rec->contents, g_strdup(xml));
    return TRUE;
}

/* The one file in corrupt/ moved there from @name, with its content. */
static void
assert_moved_aside(const char *corrupt, const char *name,
                   const char *content)
{
    g_auto(GStrv) names = vd_test_dir_names(corrupt);
    g_autofree char *prefix = g_strconcat(name, ".", NULL);
    guint i, found = 0;

    for (i = 0; names[i] != NULL; i++) {
        g_autofree char *path = NULL;
        g_autofree char *text = NULL;

        if (!g_str_has_prefix(names[i], prefix))
            continue;
        found++;
        path = g_build_filename(corrupt, names[i], NULL);
        text = read_or_fail(path);
        ck_assert_str_eq(text, content);
    }
    ck_assert_msg(found == 1, "%u copies of %s in corrupt/", found, name);
}

static void
make_file(const char *dir, const char *name, const char *content)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);

    write_or_fail(path, content);
}

START_TEST(test_load_domains)
{
    g_autofree char *dir = vd_test_tmpdir_new();
    const char *temp = "." UUID_D ".xml.Ab12Cd.tmp";
    g_auto(GStrv) left = NULL;
    g_autoptr(GError) err = NULL;
    LoadRecord rec;
    VdStateDir *sd = open_or_fail(dir);
    const char *domains = vd_state_dir_domains_dir(sd);

    record_init(&rec);
    /* Written in reverse so that order of creation is not order of name. */
    make_file(domains, UUID_D ".xml", "<domain>d</domain>");
    make_file(domains, UUID_C ".xml", "<domain>c, cut sh");
    make_file(domains, UUID_B ".xml", "");
    make_file(domains, UUID_A ".xml", "<domain>a</domain>");
    make_file(domains, temp, "<domain>half of a new d");
    make_file(domains, "README", "not a definition");

    ck_assert(vd_state_dir_load_domains(sd, parse_domain, &rec, &err));

    ck_assert_uint_eq(rec.names->len, 2);
    ck_assert_str_eq(g_ptr_array_index(rec.names, 0), UUID_A ".xml");
    ck_assert_str_eq(g_ptr_array_index(rec.contents, 0),
                     "<domain>a</domain>");
    ck_assert_str_eq(g_ptr_array_index(rec.names, 1), UUID_D ".xml");
    ck_assert_str_eq(g_ptr_array_index(rec.contents, 1),
                     "<domain>d</domain>");

    /* Bad files set aside intact, each with a warning saying why. */
    assert_moved_aside(vd_state_dir_corrupt_dir(sd), UUID_B ".xml", "");
    assert_moved_aside(vd_state_dir_corrupt_dir(sd), UUID_C ".xml",
                       "<domain>c, cut sh");
    assert_logged(&rec, UUID_B ".xml", "empty file");
    assert_logged(&rec, UUID_C ".xml", "premature end of data");
    assert_logged(&rec, temp, "interrupted write");

    left = vd_test_dir_names(domains);
    ck_assert_uint_eq(g_strv_length(left), 4);
    ck_assert_str_eq(left[0], UUID_A ".xml");
    ck_assert_str_eq(left[1], "README");
    ck_assert_str_eq(left[2], UUID_D ".xml");
    ck_assert_str_eq(left[3], "corrupt");

    record_clear(&rec);
    vd_state_dir_close(sd);
    vd_test_tmpdir_remove(dir);
}
END_TEST

/* Files that cannot be read at all are set aside like unparsable ones. */
START_TEST(test_load_unreadable)
{
    g_autofree char *dir = vd_test_tmpdir_new();
    g_autoptr(GError) err = NULL;
    g_autofree char *big = NULL;
    g_autofree char *sub = NULL;
    g_auto(GStrv) corrupt = NULL;
    LoadRecord rec;
    VdStateDir *sd = open_or_fail(dir);
    int fd;

    record_init(&rec);
    big = g_build_filename(vd_state_dir_domains_dir(sd), UUID_A ".xml", NULL);
    fd = open(big, O_WRONLY | O_CREAT, 0600);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(ftruncate(fd, VD_STATE_DOMAIN_MAX + 1), 0);
    close(fd);
    sub = g_build_filename(vd_state_dir_domains_dir(sd), UUID_B ".xml", NULL);
    ck_assert_int_eq(g_mkdir(sub, 0700), 0);

    ck_assert(vd_state_dir_load_domains(sd, parse_domain, &rec, &err));
    ck_assert_uint_eq(rec.names->len, 0);
    assert_logged(&rec, UUID_A ".xml", "larger than");
    assert_logged(&rec, UUID_B ".xml", "not a regular file");
    ck_assert(!g_file_test(big, G_FILE_TEST_EXISTS));
    ck_assert(!g_file_test(sub, G_FILE_TEST_EXISTS));
    corrupt = vd_test_dir_names(vd_state_dir_corrupt_dir(sd));
    ck_assert_uint_eq(g_strv_length(corrupt), 2);

    record_clear(&rec);
    vd_state_dir_close(sd);
    vd_test_tmpdir_remove(dir);
}
END_TEST

/* The same bad name twice: the first copy set aside is not replaced. */
START_TEST(test_corrupt_never_overwritten)
{
    g_autofree char *dir = vd_test_tmpdir_new();
    g_auto(GStrv) corrupt = NULL;
    char *texts[2];
    LoadRecord rec;
    VdStateDir *sd = open_or_fail(dir);
    const char *domains = vd_state_dir_domains_dir(sd);
    guint i;

    record_init(&rec);
    make_file(domains, UUID_A ".xml", "<domain>first");
    ck_assert(vd_state_dir_load_domains(sd, parse_domain, &rec, NULL));
    make_file(domains, UUID_A ".xml", "<domain>second");
    ck_assert(vd_state_dir_load_domains(sd, parse_domain, &rec, NULL));

    corrupt = vd_test_dir_names(vd_state_dir_corrupt_dir(sd));
    ck_assert_uint_eq(g_strv_length(corrupt), 2);
    for (i = 0; i < 2; i++) {
        g_autofree char *path = g_build_filename(vd_state_dir_corrupt_dir(sd),
                                                 corrupt[i], NULL);

        ck_assert(g_str_has_prefix(corrupt[i], UUID_A ".xml."));
        texts[i] = read_or_fail(path);
    }
    /* Either order: the names hold wall-clock times. */
    ck_assert_str_ne(texts[0], texts[1]);
    for (i = 0; i < 2; i++)
        ck_assert(g_str_equal(texts[i], "<domain>first") ||
                  g_str_equal(texts[i], "<domain>second"));
    g_free(texts[0]);
    g_free(texts[1]);
    record_clear(&rec);
    vd_state_dir_close(sd);
    vd_test_tmpdir_remove(dir);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("state-dir");
    TCase *dir = tcase_create("dir");
    TCase *domains = tcase_create("domains");

    tcase_add_test(dir, test_open_creates_layout);
    tcase_add_test(dir, test_close_removes_pid_file);
    tcase_add_test(dir, test_second_open_in_process);
    tcase_add_test(dir, test_second_open_across_fork);
    tcase_add_test(dir, test_busy_without_pid_file);
    tcase_add_test(dir, test_socket_path_too_long);
    tcase_add_test(dir, test_relative_path_made_absolute);
    suite_add_tcase(s, dir);
    tcase_add_test(domains, test_save_and_remove);
    tcase_add_test(domains, test_save_refuses_bad_input);
    tcase_add_test(domains, test_load_domains);
    tcase_add_test(domains, test_load_unreadable);
    tcase_add_test(domains, test_corrupt_never_overwritten);
    suite_add_tcase(s, domains);
    return vd_test_run(s);
}
