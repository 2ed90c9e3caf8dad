/*
 * Atomic writes and capped reads: the state directory relies on a target
 * holding either its old or its new content, never a mix, and on failures
 * leaving no temporary files behind.
 */
#include "config.h"

#include <errno.h>
#include <linux/capability.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>
#include <glib/gstdio.h>

#include "common/util/file.h"
#include "tests/common/check-run.h"
#include "tests/tmpdir.h"

/* Exit codes of the child processes below. */
enum { CHILD_AS_EXPECTED = 0, CHILD_SUCCEEDED = 1, CHILD_OTHER_ERROR = 2 };

static void
assert_content(const char *path, const char *expected)
{
    g_autofree char *data = NULL;
    size_t len = 0;
    g_autoptr(GError) err = NULL;

    ck_assert_msg(vd_file_read_all(path, 1 << 20, &data, &len, &err),
                  "%s", err ? err->message : "");
    ck_assert_uint_eq(len, strlen(expected));
    ck_assert_str_eq(data, expected);
}

/* @dir holds exactly the one name @only. */
static void
assert_only_entry(const char *dir, const char *only)
{
    g_auto(GStrv) names = vd_test_dir_names(dir);

    ck_assert_uint_eq(g_strv_length(names), 1);
    ck_assert_str_eq(names[0], only);
}

static void
write_or_fail(const char *path, const char *text)
{
    g_autoptr(GError) err = NULL;

    ck_assert_msg(vd_file_write_atomic(path, text, strlen(text), 0600, &err),
                  "%s", err ? err->message : "");
}

static int
wait_child(pid_t pid)
{
    int status;

    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status), "child did not exit (status %d)", status);
    return WEXITSTATUS(status);
}

/*
 * Run a write of @len bytes of 'x' over @path in a child, and tell how it
 * went by the exit code: CHILD_AS_EXPECTED if it failed because of
 * @expect_errno and said so, naming @path.
 */
static void
child_write(const char *path, size_t len, int expect_errno)
{
    g_autofree char *data = g_malloc(len);
    GError *err = NULL;

    memset(data, 'x', len);
    if (vd_file_write_atomic(path, data, len, 0600, &err))
        _exit(CHILD_SUCCEEDED);
    if (!g_error_matches(err, G_FILE_ERROR,
                         g_file_error_from_errno(expect_errno)) ||
        strstr(err->message, path) == NULL ||
        strstr(err->message, g_strerror(expect_errno)) == NULL)
        _exit(CHILD_OTHER_ERROR);
    _exit(CHILD_AS_EXPECTED);
}

/*
 * Root may write anywhere because of CAP_DAC_OVERRIDE; without it, even
 * root gets EACCES on a directory whose mode denies it writes.
 */
static void
drop_dac_override(void)
{
    struct __user_cap_header_struct hdr = {
        .version = _LINUX_CAPABILITY_VERSION_3,
    };
    struct __user_cap_data_struct caps[_LINUX_CAPABILITY_U32S_3];

    if (syscall(SYS_capget, &hdr, caps) < 0)
        _exit(CHILD_OTHER_ERROR);
    caps[CAP_TO_INDEX(CAP_DAC_OVERRIDE)].effective &=
        ~CAP_TO_MASK(CAP_DAC_OVERRIDE);
    if (syscall(SYS_capset, &hdr, caps) < 0)
        _exit(CHILD_OTHER_ERROR);
}

START_TEST(test_write_creates)
{
    g_autofree char *dir = vd_test_tmpdir_new();
    g_autofree char *path = g_build_filename(dir, "a.xml", NULL);
    struct stat st;

    umask(022);
    write_or_fail(path, "<domain/>");
    assert_content(path, "<domain/>");
    ck_assert_int_eq(g_stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    assert_only_entry(dir, "a.xml");
    vd_test_tmpdir_remove(dir);
}
END_TEST

START_TEST(test_write_replaces)
{
    g_autofree char *dir = vd_test_tmpdir_new();
    g_autofree char *path = g_build_filename(dir, "a.xml", NULL);

    write_or_fail(path, "old content, longer than the new one");
    write_or_fail(path, "new");
    assert_content(path, "new");
    assert_only_entry(dir, "a.xml");
    vd_test_tmpdir_remove(dir);
}
END_TEST

START_TEST(test_write_empty)
{
    g_autofree char *dir = vd_test_tmpdir_new();
    g_autofree char *path = g_build_filename(dir, "a.xml", NULL);
    g_autoptr(GError) err = NULL;

    write_or_fail(path, "old");
    ck_assert(vd_file_write_atomic(path, NULL, 0, 0600, &err));
    assert_content(path, "");
    vd_test_tmpdir_remove(dir);
}
END_TEST

START_TEST(test_write_readonly_dir_keeps_old)
{
    g_autofree char *dir = vd_test_tmpdir_new();
    g_autofree char *path = g_build_filename(dir, "a.xml", NULL);
    pid_t pid;
    int code;

    write_or_fail(path, "old");
    ck_assert_int_eq(chmod(dir, 0500), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        drop_dac_override();
        child_write(path, 3, EACCES);
    }
    code = wait_child(pid);
    ck_assert_int_eq(chmod(dir, 0700), 0);
    ck_assert_int_eq(code, CHILD_AS_EXPECTED);
    assert_content(path, "old");
    assert_only_entry(dir, "a.xml");
    vd_test_tmpdir_remove(dir);
}
END_TEST

/*
 * RLIMIT_FSIZE makes write() stop at the limit: first a short write, then
 * EFBIG. A writer that took the short write for success would leave a
 * truncated file; this one must fail and leave the old content.
 */
START_TEST(test_write_short_then_error_keeps_old)
{
    g_autofree char *dir = vd_test_tmpdir_new();
    g_autofree char *path = g_build_filename(dir, "a.xml", NULL);
    pid_t pid;

    write_or_fail(path, "old");
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        struct rlimit lim = { .rlim_cur = 4096, .rlim_max = 4096 };

        signal(SIGXFSZ, SIG_IGN);
        if (setrlimit(RLIMIT_FSIZE, &lim) < 0)
            _exit(CHILD_OTHER_ERROR);
        child_write(path, 3 * 4096, EFBIG);
    }
    ck_assert_int_eq(wait_child(pid), CHILD_AS_EXPECTED);
    assert_content(path, "old");
    assert_only_entry(dir, "a.xml");
    vd_test_tmpdir_remove(dir);
}
END_TEST

/* A rename that fails (the target is a directory) removes the temp file. */
START_TEST(test_write_rename_fails_removes_temp)
{
    g_autofree char *dir = vd_test_tmpdir_new();
    g_autofree char *path = g_build_filename(dir, "a.xml", NULL);
    g_autofree char *inner = g_build_filename(path, "inner", NULL);
    g_autoptr(GError) err = NULL;

    ck_assert_int_eq(g_mkdir(path, 0700), 0);
    write_or_fail(inner, "keep");
    ck_assert(!vd_file_write_atomic(path, "new", 3, 0600, &err));
    ck_assert_ptr_nonnull(err);
    ck_assert_ptr_nonnull(strstr(err->message, path));
    assert_content(inner, "keep");
    assert_only_entry(dir, "a.xml");
    vd_test_tmpdir_remove(dir);
}
END_TEST

START_TEST(test_write_missing_dir)
{
    g_autofree char *dir = vd_test_tmpdir_new();
    g_autofree char *path = g_build_filename(dir, "no", "a.xml", NULL);
    g_autoptr(GError) err = NULL;

    ck_assert(!vd_file_write_atomic(path, "x", 1, 0600, &err));
    ck_assert(g_error_matches(err, G_FILE_ERROR, G_FILE_ERROR_NOENT));
    ck_assert_ptr_nonnull(strstr(err->message, path));
    ck_assert_ptr_nonnull(strstr(err->message, g_strerror(ENOENT)));
    vd_test_tmpdir_remove(dir);
}
END_TEST

/*
 * A process killed in the middle of a write (SIGXFSZ's default action)
 * leaves its temporary file: it must be recognised as one, so a loader can
 * remove it, and the target must be untouched.
 */
START_TEST(test_crash_leaves_recognisable_temp)
{
    g_autofree char *dir = vd_test_tmpdir_new();
    g_autofree char *path = g_build_filename(dir, "a.xml", NULL);
    g_auto(GStrv) names = NULL;
    pid_t pid;
    int status;

    write_or_fail(path, "old");
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        struct rlimit lim = { .rlim_cur = 4096, .rlim_max = 4096 };
        struct rlimit nocore = { 0, 0 };

        setrlimit(RLIMIT_CORE, &nocore);
        signal(SIGXFSZ, SIG_DFL);
        if (setrlimit(RLIMIT_FSIZE, &lim) < 0)
            _exit(CHILD_OTHER_ERROR);
        child_write(path, 3 * 4096, EFBIG);
    }
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGXFSZ,
                  "child was not killed by SIGXFSZ (status %d)", status);
    assert_content(path, "old");
    names = vd_test_dir_names(dir);
    ck_assert_uint_eq(g_strv_length(names), 2);
    /* '.' sorts before 'a': the temp file comes first. */
    ck_assert_msg(vd_file_is_temp_name(names[0]), "%s", names[0]);
    ck_assert_str_eq(names[1], "a.xml");
    ck_assert(!vd_file_is_temp_name(names[1]));
    vd_test_tmpdir_remove(dir);
}
END_TEST

START_TEST(test_temp_names)
{
    ck_assert(vd_file_is_temp_name(".a.xml.Ab3dE9.tmp"));
    ck_assert(!vd_file_is_temp_name("a.xml"));
    ck_assert(!vd_file_is_temp_name(".a.xml"));
    ck_assert(!vd_file_is_temp_name("a.xml.Ab3dE9.tmp"));
    ck_assert(!vd_file_is_temp_name("..Ab3dE9.tmp"));
    ck_assert(!vd_file_is_temp_name(".a.xml.Ab3dE9.xml"));
}
END_TEST

START_TEST(test_fsync_dir)
{
    g_autofree char *dir = vd_test_tmpdir_new();
    g_autofree char *missing = g_build_filename(dir, "no", NULL);
    g_autoptr(GError) err = NULL;

    ck_assert(vd_file_fsync_dir(dir, NULL));
    ck_assert(!vd_file_fsync_dir(missing, &err));
    ck_assert(g_error_matches(err, G_FILE_ERROR, G_FILE_ERROR_NOENT));
    ck_assert_ptr_nonnull(strstr(err->message, missing));
    vd_test_tmpdir_remove(dir);
}
END_TEST

START_TEST(test_read_cap)
{
    g_autofree char *dir = vd_test_tmpdir_new();
    g_autofree char *path = g_build_filename(dir, "a", NULL);
    g_autofree char *data = NULL;
    g_autoptr(GError) err = NULL;
    size_t len = 0;

    write_or_fail(path, "0123456789");
    /* Exactly at the cap is allowed. */
    ck_assert(vd_file_read_all(path, 10, &data, &len, NULL));
    ck_assert_uint_eq(len, 10);
    ck_assert_str_eq(data, "0123456789");
    /* One byte over is not, and nothing is returned. */
    g_clear_pointer(&data, g_free);
    ck_assert(!vd_file_read_all(path, 9, &data, &len, &err));
    ck_assert_ptr_null(data);
    ck_assert_ptr_nonnull(strstr(err->message, path));
    vd_test_tmpdir_remove(dir);
}
END_TEST

/* Larger than any first guess at the size, to go through buffer growth. */
START_TEST(test_read_large)
{
    g_autofree char *dir = vd_test_tmpdir_new();
    g_autofree char *path = g_build_filename(dir, "a", NULL);
    g_autofree char *big = g_strnfill(100000, 'y');
    g_autofree char *data = NULL;
    size_t len = 0;

    write_or_fail(path, big);
    ck_assert(vd_file_read_all(path, 1 << 20, &data, &len, NULL));
    ck_assert_uint_eq(len, 100000);
    ck_assert_int_eq(memcmp(data, big, len), 0);
    ck_assert_int_eq(data[len], '\0');
    vd_test_tmpdir_remove(dir);
}
END_TEST

/* A FIFO is refused at once instead of blocking until a writer appears. */
START_TEST(test_read_fifo)
{
    g_autofree char *dir = vd_test_tmpdir_new();
    g_autofree char *path = g_build_filename(dir, "fifo", NULL);
    g_autofree char *data = NULL;
    g_autoptr(GError) err = NULL;
    size_t len = 0;

    ck_assert_int_eq(mkfifo(path, 0600), 0);
    ck_assert(!vd_file_read_all(path, 100, &data, &len, &err));
    ck_assert_ptr_nonnull(strstr(err->message, "not a regular file"));
    vd_test_tmpdir_remove(dir);
}
END_TEST

START_TEST(test_read_missing)
{
    g_autofree char *dir = vd_test_tmpdir_new();
    g_autofree char *path = g_build_filename(dir, "no", NULL);
    g_autofree char *data = NULL;
    g_autoptr(GError) err = NULL;
    size_t len = 0;

    ck_assert(!vd_file_read_all(path, 100, &data, &len, &err));
    ck_assert(g_error_matches(err, G_FILE_ERROR, G_FILE_ERROR_NOENT));
    ck_assert_ptr_nonnull(strstr(err->message, path));
    vd_test_tmpdir_remove(dir);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("file");
    TCase *write = tcase_create("write");
    TCase *read = tcase_create("read");

    tcase_add_test(write, test_write_creates);
    tcase_add_test(write, test_write_replaces);
    tcase_add_test(write, test_write_empty);
    tcase_add_test(write, test_write_readonly_dir_keeps_old);
    tcase_add_test(write, test_write_short_then_error_keeps_old);
    tcase_add_test(write, test_write_rename_fails_removes_temp);
    tcase_add_test(write, test_write_missing_dir);
    tcase_add_test(write, test_crash_leaves_recognisable_temp);
    tcase_add_test(write, test_temp_names);
    tcase_add_test(write, test_fsync_dir);
    suite_add_tcase(s, write);
    tcase_add_test(read, test_read_cap);
    tcase_add_test(read, test_read_large);
    tcase_add_test(read, test_read_fifo);
    tcase_add_test(read, test_read_missing);
    suite_add_tcase(s, read);
    return vd_test_run(s);
}
