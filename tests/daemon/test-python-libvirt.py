"""python-libvirt, unmodified, drives vdiskd. argv: URI, RO-URI, XML file."""

import sys

import libvirt

uri, ro_uri, xml_path = sys.argv[1:4]
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def error_code(fn, *args):
    try:
        fn(*args)
    except libvirt.libvirtError as e:
        return e.get_error_code()
    return None


libvirt.registerErrorHandler(lambda ctx, err: None, None)
with open(xml_path) as f:
    xml = f.read()

conn = libvirt.open(uri)
check(conn.getType() == "vdisk", "getType")
check(conn.getLibVersion() > 0, "getLibVersion")
check(conn.listAllDomains(0) == [], "no domains at first")

dom = conn.defineXML(xml)
check(dom.name() == "vm1" and dom.ID() == -1, "defineXML")
check([d.name() for d in conn.listAllDomains(0)] == ["vm1"], "listAllDomains")
found = conn.lookupByName("vm1")
check(found.UUIDString() == "4dea22b3-1d52-d8f3-2516-782e98ab3fa0", "lookupByName")
check(conn.lookupByUUIDString(found.UUIDString()).name() == "vm1", "lookupByUUIDString")
state, maxmem, mem, vcpus, cputime = found.info()
check(state == libvirt.VIR_DOMAIN_SHUTOFF and maxmem == 524288 and vcpus == 2, "info")
check(found.state() == [libvirt.VIR_DOMAIN_SHUTOFF, 0], "state")
check("<name>vm1</name>" in found.XMLDesc(0), "XMLDesc")
check(error_code(conn.lookupByName, "nosuch") == libvirt.VIR_ERR_NO_DOMAIN,
      "missing domain: VIR_ERR_NO_DOMAIN")
check(error_code(conn.defineXML, "<domain type='kvm'><name>x</name><os><type>hvm"
                 "</type></os><devices><disk type='file'><driver cache='bogus'/>"
                 "<source file='/x'/><target dev='vda'/></disk></devices></domain>")
      == libvirt.VIR_ERR_XML_ERROR, "invalid XML: VIR_ERR_XML_ERROR")

ro = libvirt.openReadOnly(ro_uri)
check(error_code(ro.lookupByName("vm1").undefine) == libvirt.VIR_ERR_OPERATION_DENIED,
      "read-only undefine: VIR_ERR_OPERATION_DENIED")
ro.close()

found.undefine()
check(conn.listAllDomains(0) == [], "undefine")
conn.close()
sys.exit(1 if failures else 0)
