/*
 * The <disk> element, for domain-conf only: parse, format and copy a
 * disk whose kept XML lives in a domain's extras document. Drivers and
 * the daemon use VdDomainDef and never call these.
 */
#ifndef VD_CONF_DISK_XML_H
#define VD_CONF_DISK_XML_H

#include <stdbool.h>
#include <glib.h>
#include <libxml/tree.h>

#include "common/conf/disk-conf.h"

/*
 * Parse and check one <disk>. Holders for kept XML are created under
 * extras (the extras document's root). index is the disk's position in
 * <devices>, from 1, naming the disk in errors until its target is known.
 */
VdDiskDef *vd_disk_def_parse_node(xmlNodePtr node, xmlNodePtr extras,
                                  unsigned int index, GError **error);

/* Append <disk>...</disk> at indent levels. */
void vd_disk_def_format_buf(GString *buf, int indent, const VdDiskDef *disk);

/* A deep copy whose holders are created under extras. */
VdDiskDef *vd_disk_def_copy(const VdDiskDef *disk, xmlNodePtr extras);

/*
 * Shared by the <disk> and <backingStore> parsers (disk-parse.c,
 * backing-parse.c); where ends error messages, as in xml-read.h.
 */

/* Parse <backingStore> into disk->backing, or backing_none if empty. */
bool vd_disk_parse_backing(VdDiskDef *disk, xmlNodePtr node,
                           xmlNodePtr extras, GError **error);

/* s is one of libvirt's storage formats (raw, qcow2, qed, ...). */
bool vd_disk_is_storage_format(const char *s);

/* The attribute of <source> that holds the path: "file" or "dev". */
const char *vd_disk_path_attr(VdDiskType type);

/* Refuse a path that is not absolute, naming element and attribute. */
bool vd_disk_check_path(const char *element, const char *attr,
                        const char *path, const char *where, GError **error);

/*
 * Read a <source> of a disk of the given type: the path into *path (left
 * NULL when absent), other attributes and children into the *kept holder.
 */
bool vd_disk_parse_source_node(xmlNodePtr source, VdDiskType type,
                               xmlNodePtr extras, char **path,
                               xmlNodePtr *kept, const char *where,
                               GError **error);

#endif /* VD_CONF_DISK_XML_H */
