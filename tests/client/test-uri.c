/* Connection URIs: the forms virsh uses, the default sockets, refusals. */
#include "config.h"

#include <check.h>

#include "client/libvdisk-private.h"
#include "tests/common/check-run.h"

/* GLib reads the variable once, on first use; set it before any test. */
static void
setup_state_home(void)
{
    g_setenv("XDG_STATE_HOME", "/st", TRUE);
}

static void
assert_target(const char *uri, bool read_only, const char *socket_path,
              const char *name)
{
    g_autoptr(GError) err = NULL;
    VdUriTarget t;

    ck_assert_msg(vd_uri_resolve(uri, read_only, &t, &err), "%s: %s", uri,
                  err ? err->message : "");
    ck_assert_str_eq(t.socket_path, socket_path);
    ck_assert_str_eq(t.name, name);
    vd_uri_target_clear(&t);
}

static void
assert_refused(const char *uri, const char *needle)
{
    g_autoptr(GError) err = NULL;
    VdUriTarget t;

    ck_assert_msg(!vd_uri_resolve(uri, false, &t, &err), "%s accepted", uri);
    ck_assert(g_error_matches(err, vd_error_quark(VD_FROM_REMOTE),
                              VD_ERR_INVALID_ARG));
    ck_assert_msg(strstr(err->message, uri) != NULL, "%s", err->message);
    ck_assert_msg(strstr(err->message, needle) != NULL, "%s", err->message);
    ck_assert_ptr_null(t.socket_path);
}

START_TEST(test_default_uri)
{
    assert_target(NULL, false, "/st/vdisk/run/vdiskd-sock", "vdisk:///system");
    assert_target(NULL, true, "/st/vdisk/run/vdiskd-sock-ro", "vdisk:///system");
    assert_target("vdisk:///system", false, "/st/vdisk/run/vdiskd-sock",
                  "vdisk:///system");
    assert_target("vdisk:///system", true, "/st/vdisk/run/vdiskd-sock-ro",
                  "vdisk:///system");
    assert_target("vdisk+unix:///system", false, "/st/vdisk/run/vdiskd-sock",
                  "vdisk:///system");
}
END_TEST

START_TEST(test_explicit_socket)
{
    assert_target("vdisk+unix:///system?socket=/tmp/s", false, "/tmp/s",
                  "vdisk:///system");
    /* An explicit socket is used as given, read-only or not, as virsh does. */
    assert_target("vdisk+unix:///system?socket=/tmp/s", true, "/tmp/s",
                  "vdisk:///system");
    assert_target("vdisk:///system?socket=/tmp/s", false, "/tmp/s",
                  "vdisk:///system");
}
END_TEST

START_TEST(test_other_driver_names)
{
    /* The name sent loses the transport and the socket, as virsh's does. */
    assert_target("qemu+unix:///session?socket=/run/x/sock", false,
                  "/run/x/sock", "qemu:///session");
    assert_target("blkcached+unix:///system?socket=/s", false, "/s",
                  "blkcached:///system");
}
END_TEST

START_TEST(test_socket_is_decoded)
{
    assert_target("vdisk+unix:///system?socket=/tmp/a%20b%26c+d", false,
                  "/tmp/a b&c+d", "vdisk:///system");
}
END_TEST

START_TEST(test_refusals)
{
    assert_refused("qemu:///system", "needs +unix");
    assert_refused("vdisk+ssh://host/system", "transport 'ssh'");
    assert_refused("vdisk+tcp:///system", "transport 'tcp'");
    assert_refused("vdisk://host/system", "no host");
    assert_refused("vdisk+unix://user@/system?socket=/s", "no host");
    assert_refused("vdisk:///", "path");
    assert_refused("vdisk:", "path");
    assert_refused("vdisk+unix:///system?socket=rel/s", "absolute");
    assert_refused("vdisk+unix:///system?socket=", "absolute");
    assert_refused("vdisk+unix:///system?socket=/a&socket=/b", "twice");
    assert_refused("vdisk+unix:///system?socket=/a&mode=legacy", "'mode'");
    assert_refused("qemu+unix:///session", "socket=SOCKET is needed");
    assert_refused("vdisk:///system#frag", "fragment");
    assert_refused("no uri at all", "vdisk:///system");
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("uri");
    TCase *tc = tcase_create("resolve");

    tcase_add_unchecked_fixture(tc, setup_state_home, NULL);
    tcase_add_test(tc, test_default_uri);
    tcase_add_test(tc, test_explicit_socket);
    tcase_add_test(tc, test_other_driver_names);
    tcase_add_test(tc, test_socket_is_decoded);
    tcase_add_test(tc, test_refusals);
    suite_add_tcase(s, tc);
    return vd_test_run(s);
}
