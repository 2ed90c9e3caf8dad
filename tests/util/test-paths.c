/*
 * The default places of vdiskd's files, which the daemon and libvdisk
 * both take from here. Each test runs in its own process (check forks),
 * so it sets the environment before GLib caches the state directory.
 */
#include "config.h"

#include <check.h>
#include <glib.h>

#include "common/util/paths.h"
#include "tests/common/check-run.h"

START_TEST(test_default_state_dir)
{
    g_autofree char *path = NULL;

    ck_assert(g_setenv("XDG_STATE_HOME", "/srv/state-home", TRUE));
    path = vd_default_state_dir();
    ck_assert_str_eq(path, "/srv/state-home/vdisk");
}
END_TEST

START_TEST(test_default_sockets)
{
    g_autofree char *rw = NULL;
    g_autofree char *ro = NULL;

    ck_assert(g_setenv("XDG_STATE_HOME", "/st", TRUE));
    rw = vd_default_socket_path(false);
    ro = vd_default_socket_path(true);
    ck_assert_str_eq(rw, "/st/vdisk/run/vdiskd-sock");
    ck_assert_str_eq(ro, "/st/vdisk/run/vdiskd-sock-ro");
}
END_TEST

START_TEST(test_without_xdg_state_home)
{
    g_autofree char *path = NULL;

    g_unsetenv("XDG_STATE_HOME");
    ck_assert(g_setenv("HOME", "/home/someone", TRUE));
    path = vd_default_state_dir();
    ck_assert_str_eq(path, "/home/someone/.local/state/vdisk");
}
END_TEST

START_TEST(test_state_socket)
{
    g_autofree char *rw = vd_state_socket_path("/var/lib/vd", false);
    g_autofree char *ro = vd_state_socket_path("/var/lib/vd", true);

    ck_assert_str_eq(rw, "/var/lib/vd/run/vdiskd-sock");
    ck_assert_str_eq(ro, "/var/lib/vd/run/vdiskd-sock-ro");
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("paths");
    TCase *tc = tcase_create("paths");

    tcase_add_test(tc, test_default_state_dir);
    tcase_add_test(tc, test_default_sockets);
    tcase_add_test(tc, test_without_xdg_state_home);
    tcase_add_test(tc, test_state_socket);
    suite_add_tcase(s, tc);
    return vd_test_run(s);
}
