/*
 * The libvirt C API, unmodified, drives vdiskd: argv[1] is the read-write
 * URI, argv[2] the read-only one, argv[3] a domain XML file.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

static int failures;

#define CHECK(cond, what) do { \
        if (cond) { printf("ok   %s\n", what); } \
        else { printf("FAIL %s\n", what); failures++; } \
    } while (0)

static void
quiet(void *data, virErrorPtr err)
{
}

static void
check_definitions(virConnectPtr conn, const char *xml)
{
    virDomainPtr dom = virDomainDefineXML(conn, xml), found;
    virDomainPtr *list = NULL;
    virDomainInfo info;
    char *dump;
    int n, state, reason;

    CHECK(dom != NULL, "virDomainDefineXML");
    if (!dom)
        return;
    CHECK(strcmp(virDomainGetName(dom), "vm1") == 0, "defined name");
    CHECK(virDomainGetID(dom) == (unsigned)-1, "inactive id");

    n = virConnectListAllDomains(conn, &list, VIR_CONNECT_LIST_DOMAINS_INACTIVE);
    CHECK(n == 1, "virConnectListAllDomains(INACTIVE) finds one");
    for (int i = 0; i < n; i++)
        virDomainFree(list[i]);
    free(list);
    n = virConnectListAllDomains(conn, &list, VIR_CONNECT_LIST_DOMAINS_ACTIVE);
    CHECK(n == 0, "virConnectListAllDomains(ACTIVE) finds none");
    free(list);

    found = virDomainLookupByName(conn, "vm1");
    CHECK(found != NULL, "virDomainLookupByName");
    dump = found ? virDomainGetXMLDesc(found, 0) : NULL;
    CHECK(dump && strstr(dump, "<name>vm1</name>"), "virDomainGetXMLDesc");
    free(dump);
    CHECK(found && virDomainGetInfo(found, &info) == 0 &&
          info.state == VIR_DOMAIN_SHUTOFF && info.maxMem == 524288 &&
          info.nrVirtCpu == 2, "virDomainGetInfo");
    CHECK(found && virDomainGetState(found, &state, &reason, 0) == 0 &&
          state == VIR_DOMAIN_SHUTOFF, "virDomainGetState");
    CHECK(found && virDomainIsActive(found) == 0, "virDomainIsActive");
    CHECK(found && virDomainIsPersistent(found) == 1, "virDomainIsPersistent");
    if (found)
        virDomainFree(found);

    found = virDomainLookupByName(conn, "nosuch");
    CHECK(found == NULL && virGetLastErrorCode() == VIR_ERR_NO_DOMAIN,
          "lookup of a missing domain fails with VIR_ERR_NO_DOMAIN");

    found = virDomainDefineXML(conn, "<domain type='kvm'><name>bad</name>"
                               "<devices><disk type='file'><driver cache='x'/>"
                               "<target dev='vda'/></disk></devices></domain>");
    CHECK(found == NULL && virGetLastErrorCode() == VIR_ERR_XML_ERROR,
          "invalid XML fails with VIR_ERR_XML_ERROR");
    virDomainFree(dom);
}

static void
check_readonly(const char *uri, const char *xml)
{
    virConnectPtr ro = virConnectOpenReadOnly(uri);
    virDomainPtr dom;

    CHECK(ro != NULL, "virConnectOpenReadOnly");
    if (!ro)
        return;
    dom = virDomainLookupByName(ro, "vm1");
    CHECK(dom != NULL, "read-only lookup");
    CHECK(dom && virDomainUndefine(dom) < 0 &&
          virGetLastErrorCode() == VIR_ERR_OPERATION_DENIED,
          "read-only undefine refused with VIR_ERR_OPERATION_DENIED");
    if (dom)
        virDomainFree(dom);
    CHECK(virDomainDefineXML(ro, xml) == NULL &&
          virGetLastErrorCode() == VIR_ERR_OPERATION_DENIED,
          "read-only define refused");
    virConnectClose(ro);
}

int
main(int argc, char **argv)
{
    g_autofree char *xml = NULL;
    virConnectPtr conn;
    virDomainPtr dom;
    unsigned long version = 0;
    const char *type;

    if (argc != 4 || !g_file_get_contents(argv[3], &xml, NULL, NULL)) {
        fprintf(stderr, "usage: %s URI RO-URI DOMAIN.xml\n", argv[0]);
        return 2;
    }
    virSetErrorFunc(NULL, quiet);
    conn = virConnectOpen(argv[1]);
    CHECK(conn != NULL, "virConnectOpen");
    if (!conn)
        return 1;
    type = virConnectGetType(conn);
    CHECK(type && strcmp(type, "vdisk") == 0, "virConnectGetType");
    CHECK(virConnectGetLibVersion(conn, &version) == 0 && version > 0,
          "virConnectGetLibVersion");

    check_definitions(conn, xml);
    check_readonly(argv[2], xml);

    dom = virDomainLookupByName(conn, "vm1");
    CHECK(dom && virDomainUndefine(dom) == 0, "virDomainUndefine");
    if (dom)
        virDomainFree(dom);
    CHECK(virConnectNumOfDefinedDomains(conn) <= 0, "no domain left");
    virConnectClose(conn);
    return failures ? 1 : 0;
}
