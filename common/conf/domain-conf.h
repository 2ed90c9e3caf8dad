/*
 * Domain definitions: libvirt's domain XML, the subset vdisk manages.
 *
 * vd_domain_def_parse() turns XML into a VdDomainDef, checking every value
 * it understands; vd_domain_def_format() turns it back, field by field in
 * the same order, so that parse(format(def)) == def. Elements and
 * attributes outside the subset (interfaces, graphics, memory, <address>
 * inside a disk, ...) are kept verbatim and given back, so a user can
 * paste a real libvirt domain.
 *
 * Control plane only. A VdDomainDef owns all its memory; free it with
 * vd_domain_def_free() (g_autoptr works).
 */
#ifndef VD_CONF_DOMAIN_CONF_H
#define VD_CONF_DOMAIN_CONF_H

#include <stdbool.h>
#include <glib.h>
#include <libxml/tree.h>

#include "common/conf/disk-conf.h"
#include "common/util/uuid.h"

/* Largest domain XML document accepted, in bytes (libvirt's string max). */
#define VD_DOMAIN_XML_MAX (4 * 1024 * 1024)

typedef enum {
    VD_DOMAIN_TYPE_KVM,
    VD_DOMAIN_TYPE_QEMU,
    VD_DOMAIN_TYPE_XEN,
    VD_DOMAIN_TYPE_TEST,
} VdDomainType;

typedef enum {
    VD_OS_TYPE_HVM,
    VD_OS_TYPE_XEN,    /* Xen PV: <type>xen</type> */
    VD_OS_TYPE_LINUX,  /* Xen PV, older spelling: <type>linux</type> */
} VdOsType;

typedef struct {
    VdDomainType type;
    char *name;
    unsigned char uuid[VD_UUID_LEN];
    VdOsType os_type;          /* format writes it into the kept <os> */

    VdDiskDef **disks;         /* in document order */
    size_t ndisks;

    /*
     * What vdisk does not manage, kept verbatim in document order:
     * attributes of <domain> other than type, children of <domain> other
     * than name, uuid and devices (the whole <os> included), and children
     * of <devices> other than <disk>. Owned copies in their own document.
     */
    xmlDocPtr extras_doc;
    xmlNodePtr domain_extras;   /* a holder element; its children */
    xmlNodePtr devices_extras;  /* a holder element; its children */
    /*
     * A holder element; its attributes and the namespace declarations of
     * <domain> (xmlns:qemu=...). It is the extras document's root: every
     * other holder, the disks' included, sits under it (see xml-kept.h).
     */
    xmlNodePtr domain_attrs;
} VdDomainDef;

/*
 * An empty definition: kvm, hvm, no name, a zero uuid, no disks, and
 * empty holders for kept XML. Set at least the name before formatting.
 */
VdDomainDef *vd_domain_def_new(void);
void vd_domain_def_free(VdDomainDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VdDomainDef, vd_domain_def_free)

/*
 * Parse and validate a domain document. A missing <uuid> is generated.
 * On error returns NULL and sets an error in VD_ERROR_XML with code
 * VD_ERR_XML_ERROR whose message names the element, the attribute and the
 * offending value. The parser never reads the network or any file, expands
 * no entity and refuses documents with a DOCTYPE or over VD_DOMAIN_XML_MAX.
 */
VdDomainDef *vd_domain_def_parse(const char *xml, size_t len, GError **error);

/* Format a definition as libvirt-shaped domain XML (newly allocated). */
char *vd_domain_def_format(const VdDomainDef *def);

/* A deep copy. */
VdDomainDef *vd_domain_def_copy(const VdDomainDef *def);

/* Names of enum values as they appear in XML; NULL when out of range. */
const char *vd_domain_type_to_string(VdDomainType type);
const char *vd_os_type_to_string(VdOsType type);
/* The enum value a name stands for, or -1. */
int vd_domain_type_from_string(const char *s);
int vd_os_type_from_string(const char *s);

/* The disk whose target dev or source path is name, or NULL. */
VdDiskDef *vd_domain_def_find_disk(const VdDomainDef *def, const char *name);

#endif /* VD_CONF_DOMAIN_CONF_H */
