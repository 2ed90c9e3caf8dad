/* Comparing domain definitions; see def-diff.h. */
#include "config.h"

#include <string.h>
#include <libxml/tree.h>

#include "tests/conf/def-diff.h"

/*
 * A holder as libxml2 prints it; depth 2 stops at its attributes (the
 * domain_attrs root holds the other holders as children, which are
 * compared on their own).
 */
static char *
vd_test_dump_holder(xmlNodePtr holder, bool shallow)
{
    xmlBufferPtr buf;
    xmlNodePtr node;
    char *ret;

    if (holder == NULL)
        return g_strdup("(none)");
    node = xmlDocCopyNode(holder, holder->doc, shallow ? 2 : 1);
    buf = xmlBufferCreate();
    xmlNodeDump(buf, holder->doc, node, 0, 0);
    ret = g_strdup((const char *)xmlBufferContent(buf));
    xmlBufferFree(buf);
    xmlFreeNode(node);
    return ret;
}

static char *
vd_test_diff_holder(const char *what, xmlNodePtr a, xmlNodePtr b,
                    bool shallow)
{
    g_autofree char *da = vd_test_dump_holder(a, shallow);
    g_autofree char *db = vd_test_dump_holder(b, shallow);

    if (strcmp(da, db) == 0)
        return NULL;
    return g_strdup_printf("%s: %s != %s", what, da, db);
}

static char *
vd_test_diff_str(const char *what, const char *a, const char *b)
{
    if (g_strcmp0(a, b) == 0)
        return NULL;
    return g_strdup_printf("%s: '%s' != '%s'", what,
                           a != NULL ? a : "(null)",
                           b != NULL ? b : "(null)");
}

static char *
vd_test_diff_int(const char *what, long a, long b)
{
    if (a == b)
        return NULL;
    return g_strdup_printf("%s: %ld != %ld", what, a, b);
}

/* Return the first difference found by the expressions, in order. */
#define VD_DIFF(expr)               \
    do {                            \
        char *d_ = (expr);          \
        if (d_ != NULL)             \
            return d_;              \
    } while (0)

static char *
vd_test_diff_backing(const VdBackingDef *a, const VdBackingDef *b)
{
    for (int level = 1; a != NULL || b != NULL; level++) {
        if (a == NULL || b == NULL)
            return g_strdup_printf("backing level %d present on one side",
                                   level);
        VD_DIFF(vd_test_diff_int("backing type", a->type, b->type));
        VD_DIFF(vd_test_diff_str("backing format", a->format, b->format));
        VD_DIFF(vd_test_diff_str("backing source", a->source, b->source));
        VD_DIFF(vd_test_diff_int("backing next_none", a->next_none,
                                 b->next_none));
        VD_DIFF(vd_test_diff_holder("backing extras", a->extras, b->extras,
                                    false));
        VD_DIFF(vd_test_diff_holder("backing source extras",
                                    a->source_extras, b->source_extras,
                                    false));
        a = a->next;
        b = b->next;
    }
    return NULL;
}

static char *
vd_test_diff_disk(const VdDiskDef *a, const VdDiskDef *b)
{
    VD_DIFF(vd_test_diff_int("disk type", a->type, b->type));
    VD_DIFF(vd_test_diff_int("device", a->device, b->device));
    VD_DIFF(vd_test_diff_str("driver name", a->driver_name, b->driver_name));
    VD_DIFF(vd_test_diff_str("driver format", a->driver_format,
                             b->driver_format));
    VD_DIFF(vd_test_diff_int("cache", a->cache, b->cache));
    VD_DIFF(vd_test_diff_int("io", a->io, b->io));
    VD_DIFF(vd_test_diff_int("discard", a->discard, b->discard));
    VD_DIFF(vd_test_diff_int("error_policy", a->error_policy,
                             b->error_policy));
    VD_DIFF(vd_test_diff_str("source", a->source, b->source));
    VD_DIFF(vd_test_diff_backing(a->backing, b->backing));
    VD_DIFF(vd_test_diff_int("backing_none", a->backing_none,
                             b->backing_none));
    VD_DIFF(vd_test_diff_str("target", a->target_dev, b->target_dev));
    VD_DIFF(vd_test_diff_int("bus", a->bus, b->bus));
    VD_DIFF(vd_test_diff_int("readonly", a->readonly, b->readonly));
    VD_DIFF(vd_test_diff_int("shareable", a->shareable, b->shareable));
    VD_DIFF(vd_test_diff_str("serial", a->serial, b->serial));
    VD_DIFF(vd_test_diff_holder("disk attrs", a->disk_attrs, b->disk_attrs,
                                false));
    VD_DIFF(vd_test_diff_holder("driver attrs", a->driver_attrs,
                                b->driver_attrs, false));
    VD_DIFF(vd_test_diff_holder("disk extras", a->disk_extras,
                                b->disk_extras, false));
    VD_DIFF(vd_test_diff_holder("source extras", a->source_extras,
                                b->source_extras, false));
    VD_DIFF(vd_test_diff_holder("target extras", a->target_extras,
                                b->target_extras, false));
    return NULL;
}

char *
vd_test_domain_def_diff(const VdDomainDef *a, const VdDomainDef *b)
{
    VD_DIFF(vd_test_diff_int("domain type", a->type, b->type));
    VD_DIFF(vd_test_diff_str("name", a->name, b->name));
    if (memcmp(a->uuid, b->uuid, VD_UUID_LEN) != 0)
        return g_strdup("uuid differs");
    VD_DIFF(vd_test_diff_int("os type", a->os_type, b->os_type));
    VD_DIFF(vd_test_diff_holder("domain attrs", a->domain_attrs,
                                b->domain_attrs, true));
    VD_DIFF(vd_test_diff_holder("domain extras", a->domain_extras,
                                b->domain_extras, false));
    VD_DIFF(vd_test_diff_holder("devices extras", a->devices_extras,
                                b->devices_extras, false));
    VD_DIFF(vd_test_diff_int("ndisks", (long)a->ndisks, (long)b->ndisks));
    for (size_t i = 0; i < a->ndisks; i++) {
        char *d = vd_test_diff_disk(a->disks[i], b->disks[i]);

        if (d != NULL) {
            char *ret = g_strdup_printf("disk %zu: %s", i + 1, d);

            g_free(d);
            return ret;
        }
    }
    return NULL;
}
