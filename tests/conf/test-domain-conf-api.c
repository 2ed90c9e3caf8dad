/*
 * Domain definitions beyond the data files: input limits that files in
 * the tree cannot carry (4 MiB, NUL bytes), libxml2 staying off stderr,
 * uuid generation, lookup, copies, and definitions changed in code.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/util/error.h"
#include "tests/conf/conf-test.h"
#include "tests/conf/def-diff.h"

/* A valid domain of exactly len bytes, padded inside <description>. */
static char *
vd_test_domain_of_size(size_t len)
{
    const char *head = "<domain type='kvm'><name>big</name>"
                       "<os><type>hvm</type></os><description>";
    const char *tail = "</description></domain>";
    size_t fixed = strlen(head) + strlen(tail);
    GString *s = g_string_sized_new(len + 1);

    g_assert(len >= fixed);
    g_string_append(s, head);
    for (size_t i = 0; i < len - fixed; i++)
        g_string_append_c(s, 'x');
    g_string_append(s, tail);
    return g_string_free(s, FALSE);
}

START_TEST(test_size_limit)
{
    g_autofree char *at = vd_test_domain_of_size(VD_DOMAIN_XML_MAX);
    g_autofree char *over = vd_test_domain_of_size(VD_DOMAIN_XML_MAX + 1);
    g_autoptr(VdDomainDef) def = vd_test_parse_ok(at, strlen(at), "at limit");
    g_autoptr(GError) err = NULL;
    g_autofree char *expected =
        g_strdup_printf("domain XML is too large: %d bytes, the limit is "
                        "%d bytes", VD_DOMAIN_XML_MAX + 1, VD_DOMAIN_XML_MAX);

    ck_assert_ptr_null(vd_domain_def_parse(over, strlen(over), &err));
    ck_assert_str_eq(err->message, expected);
    ck_assert_int_eq(vd_error_code(err), VD_ERR_XML_ERROR);
}
END_TEST

START_TEST(test_nul_byte)
{
    static const char xml[] = "<domain type='kvm'><name>a\0b</name>"
                              "<os><type>hvm</type></os></domain>";
    g_autoptr(GError) err = NULL;

    ck_assert_ptr_null(vd_domain_def_parse(xml, sizeof(xml) - 1, &err));
    ck_assert_str_eq(err->message,
                     "domain XML contains a NUL byte at offset 26");
}
END_TEST

/* Run fn with fd 2 sent to a file; return how many bytes it wrote there. */
static long
vd_test_stderr_bytes(void (*fn)(void))
{
    FILE *capture = tmpfile();
    int saved = dup(STDERR_FILENO);
    long size;

    ck_assert_ptr_nonnull(capture);
    ck_assert_int_ge(saved, 0);
    fflush(stderr);
    ck_assert_int_ge(dup2(fileno(capture), STDERR_FILENO), 0);
    fn();
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    fseek(capture, 0, SEEK_END);
    size = ftell(capture);
    fclose(capture);
    return size;
}

static void
vd_test_write_to_stderr(void)
{
    fputs("x", stderr);
}

/* Errors, and warnings too (a relative namespace URI is one). */
static void
vd_test_parse_noisy_documents(void)
{
    static const char *const docs[] = {
        "<domain type='kvm'><name>x</name></domainx>",
        "<domain type='kvm'><name>&nope;</name></domain>",
        "<domain type='kvm' xmlns:rel='relative'><name>x</name>"
        "<os><type>hvm</type></os></domain>",
        "<domain",
    };

    for (size_t i = 0; i < G_N_ELEMENTS(docs); i++) {
        g_autoptr(GError) err = NULL;
        g_autoptr(VdDomainDef) def =
            vd_domain_def_parse(docs[i], strlen(docs[i]), &err);

        /* The parser ran: an error, or a definition for the one that
         * only warns. */
        ck_assert(def != NULL || err != NULL);
    }
}

START_TEST(test_errors_not_on_stderr)
{
    /* The capture works: what goes to stderr is counted. */
    ck_assert_int_eq(vd_test_stderr_bytes(vd_test_write_to_stderr), 1);
    ck_assert_int_eq(vd_test_stderr_bytes(vd_test_parse_noisy_documents), 0);
}
END_TEST

START_TEST(test_truncated_document)
{
    g_autoptr(GError) err = NULL;

    ck_assert_ptr_null(vd_domain_def_parse("<domain", 7, &err));
    ck_assert(g_str_has_prefix(err->message, "malformed domain XML at line 1: "));
}
END_TEST

START_TEST(test_uuid_generated_each_time)
{
    g_autoptr(VdDomainDef) a = vd_test_parse_file("missing-uuid");
    g_autoptr(VdDomainDef) b = vd_test_parse_file("missing-uuid");

    ck_assert(memcmp(a->uuid, b->uuid, VD_UUID_LEN) != 0);
}
END_TEST

START_TEST(test_find_disk)
{
    g_autoptr(VdDomainDef) def = vd_test_parse_file("libvirt-full");

    ck_assert_ptr_eq(vd_domain_def_find_disk(def, "vda"), def->disks[0]);
    ck_assert_ptr_eq(vd_domain_def_find_disk(def, "sda"), def->disks[1]);
    ck_assert_ptr_eq(vd_domain_def_find_disk(
                         def, "/var/lib/libvirt/images/web01.qcow2"),
                     def->disks[0]);
    /* Backing files are not disks of the domain. */
    ck_assert_ptr_null(vd_domain_def_find_disk(
                           def, "/var/lib/libvirt/images/debian12-base.qcow2"));
    ck_assert_ptr_null(vd_domain_def_find_disk(def, "vdz"));
}
END_TEST

/* A definition built in code has no kept <os>; format writes one. */
START_TEST(test_new_def_formats)
{
    g_autoptr(VdDomainDef) def = vd_domain_def_new();
    g_autoptr(VdDomainDef) back = NULL;
    g_autofree char *out = NULL;
    g_autofree char *diff = NULL;

    def->name = g_strdup("pv");
    def->type = VD_DOMAIN_TYPE_XEN;
    def->os_type = VD_OS_TYPE_XEN;
    ck_assert(vd_uuid_parse("3f2504e0-4f89-41d3-9a0c-0305e82c3301",
                            def->uuid));
    out = vd_domain_def_format(def);
    ck_assert_str_eq(out,
                     "<domain type='xen'>\n"
                     "  <name>pv</name>\n"
                     "  <uuid>3f2504e0-4f89-41d3-9a0c-0305e82c3301</uuid>\n"
                     "  <os>\n"
                     "    <type>xen</type>\n"
                     "  </os>\n"
                     "</domain>\n");
    back = vd_test_parse_ok(out, strlen(out), "new");
    ck_assert_int_eq(back->type, VD_DOMAIN_TYPE_XEN);
    ck_assert_int_eq(back->os_type, VD_OS_TYPE_XEN);
    ck_assert_str_eq(back->name, "pv");
    ck_assert_uint_eq(back->ndisks, 0);
}
END_TEST

/* Fields win over kept XML: the daemon and drivers change fields. */
START_TEST(test_changed_fields_format)
{
    g_autoptr(VdDomainDef) def = vd_test_parse_file("xen-pv");
    g_autofree char *out = NULL;

    def->os_type = VD_OS_TYPE_HVM;
    def->disks[0]->cache = VD_CACHE_WRITETHROUGH;
    def->disks[0]->readonly = true;
    def->disks[2]->bus = VD_DISK_BUS_DEFAULT;
    out = vd_domain_def_format(def);
    ck_assert_ptr_nonnull(strstr(out,
        "<type arch='x86_64' machine='xenpv'>hvm</type>"));
    ck_assert_ptr_nonnull(strstr(out,
        "<driver name='tap' type='aio' cache='writethrough'/>\n"
        "      <source file='/var/lib/xen/images/pv-guest-root.img'/>\n"
        "      <target dev='xvda' bus='xen'/>\n"
        "      <readonly/>\n"));
    ck_assert_ptr_nonnull(strstr(out, "<target dev='xvdc'/>"));
}
END_TEST

/* The comparator behind the round-trip checks sees each kind of change. */
START_TEST(test_diff_sees_changes)
{
    g_autoptr(VdDomainDef) def = vd_test_parse_file("libvirt-full");
    g_autoptr(VdDomainDef) copy = vd_domain_def_copy(def);
    char *diff;

    copy->disks[0]->cache = VD_CACHE_UNSAFE;
    diff = vd_test_domain_def_diff(def, copy);
    ck_assert_ptr_nonnull(diff);
    g_free(diff);
    copy->disks[0]->cache = def->disks[0]->cache;

    copy->disks[0]->backing->next_none = false;
    diff = vd_test_domain_def_diff(def, copy);
    ck_assert_ptr_nonnull(diff);
    g_free(diff);
    copy->disks[0]->backing->next_none = true;

    xmlSetProp(copy->disks[0]->driver_attrs, BAD_CAST "detect_zeroes",
               BAD_CAST "off");
    diff = vd_test_domain_def_diff(def, copy);
    ck_assert_ptr_nonnull(diff);
    ck_assert_ptr_nonnull(strstr(diff, "driver attrs"));
    g_free(diff);
}
END_TEST

/* A copy owns all its memory: the original can go first. */
START_TEST(test_copy_outlives_original)
{
    VdDomainDef *def = vd_test_parse_file("libvirt-full");
    g_autofree char *expected = vd_domain_def_format(def);
    g_autoptr(VdDomainDef) copy = vd_domain_def_copy(def);
    g_autofree char *out = NULL;

    vd_domain_def_free(def);
    out = vd_domain_def_format(copy);
    ck_assert_str_eq(out, expected);
}
END_TEST

/* Dropping a disk from a live definition drops its kept XML with it. */
START_TEST(test_disk_free_unlinks)
{
    g_autoptr(VdDomainDef) def = vd_test_parse_file("libvirt-full");
    g_autofree char *out = NULL;

    vd_disk_def_free(def->disks[0]);
    def->disks[0] = def->disks[1];
    def->ndisks = 1;
    out = vd_domain_def_format(def);
    ck_assert_ptr_null(strstr(out, "virtio-disk0"));
    ck_assert_ptr_null(strstr(out, "detect_zeroes"));
    ck_assert_ptr_nonnull(strstr(out, "sata0-0-0"));
}
END_TEST

/*
 * A namespace declared on <disk> for one of its attributes: the kept
 * attribute keeps its prefix and the output declares it, so that the
 * output is namespace-well-formed and parses back the same.
 */
START_TEST(test_namespaced_disk_attr)
{
    static const char xml[] =
        "<domain type='kvm'><name>ns</name><os><type>hvm</type></os>"
        "<devices><disk type='file' xmlns:v='urn:vendor' v:tier='gold'>"
        "<source file='/a.img'/><target dev='vda'/><v:hint level='1'/>"
        "</disk></devices></domain>";
    g_autoptr(VdDomainDef) def = vd_test_parse_ok(xml, sizeof(xml) - 1, "ns");
    g_autofree char *out = vd_domain_def_format(def);
    g_autoptr(VdDomainDef) back = vd_test_parse_ok(out, strlen(out), out);
    g_autofree char *out2 = vd_domain_def_format(back);

    ck_assert_ptr_nonnull(strstr(out, "v:tier='gold'"));
    ck_assert_ptr_nonnull(strstr(out, "<v:hint"));
    ck_assert_str_eq(out, out2);
}
END_TEST

/* format(parse(x)) parses, and formats the same a second time. */
static char *
vd_test_format_twice(const char *xml)
{
    g_autoptr(VdDomainDef) def = vd_test_parse_ok(xml, strlen(xml), xml);
    char *out = vd_domain_def_format(def);
    g_autoptr(VdDomainDef) back = vd_test_parse_ok(out, strlen(out), out);
    g_autofree char *out2 = vd_domain_def_format(back);

    ck_assert_str_eq(out, out2);
    return out;
}

/*
 * Text directly in <os> (which libvirt's schema would refuse, but the
 * parser keeps): <os> goes on one line, or indentation would pile up in
 * its text at every round.
 */
START_TEST(test_os_with_text_stable)
{
    g_autofree char *out = vd_test_format_twice(
        "<domain type='kvm'><name>t</name>"
        "<os>stray <type arch='x86_64'>hvm</type> text</os></domain>");

    ck_assert_ptr_nonnull(strstr(out,
        "  <os>stray <type arch='x86_64'>hvm</type> text</os>\n"));
}
END_TEST

/* libxml2 holds '&' in a namespace URI as "&#38;": written once, not twice. */
START_TEST(test_ns_uri_with_ampersand)
{
    g_autofree char *out = vd_test_format_twice(
        "<domain type='kvm' xmlns:q='urn:a&amp;b'><name>t</name>"
        "<os><type>hvm</type></os><q:x/></domain>");

    ck_assert_ptr_nonnull(strstr(out, "xmlns:q='urn:a&#38;b'"));
}
END_TEST

TCase *
vd_test_domain_conf_api_tcase(void)
{
    TCase *tc = tcase_create("api");

    /* 4 MiB documents parse in well under a second, but not under ASan
     * on a loaded machine. */
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_size_limit);
    tcase_add_test(tc, test_nul_byte);
    tcase_add_test(tc, test_errors_not_on_stderr);
    tcase_add_test(tc, test_truncated_document);
    tcase_add_test(tc, test_uuid_generated_each_time);
    tcase_add_test(tc, test_find_disk);
    tcase_add_test(tc, test_new_def_formats);
    tcase_add_test(tc, test_changed_fields_format);
    tcase_add_test(tc, test_diff_sees_changes);
    tcase_add_test(tc, test_copy_outlives_original);
    tcase_add_test(tc, test_disk_free_unlinks);
    tcase_add_test(tc, test_namespaced_disk_attr);
    tcase_add_test(tc, test_os_with_text_stable);
    tcase_add_test(tc, test_ns_uri_with_ampersand);
    return tc;
}
