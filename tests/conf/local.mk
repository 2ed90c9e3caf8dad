# Domain XML: a check program over the data files in this directory, and
# libvirt's own validator over every expected output.
check_PROGRAMS += tests/conf/test-domain-conf
TESTS += tests/conf/test-domain-conf tests/conf/test-schema.sh
tests_conf_test_domain_conf_SOURCES = \
	tests/conf/test-domain-conf.c tests/conf/test-domain-conf-api.c \
	tests/conf/test-conf-values.c tests/conf/conf-test.h \
	tests/conf/def-diff.c tests/conf/def-diff.h
tests_conf_test_domain_conf_CFLAGS = $(AM_CFLAGS) $(TEST_CFLAGS)
tests_conf_test_domain_conf_LDADD = libvdconf.a libvdutil.a \
	$(LIBXML_LIBS) $(GLIB_LIBS) $(TEST_LIBS)

# The data files, for make dist; one line per file.
EXTRA_DIST += tests/conf/test-schema.sh \
	tests/conf/backing-bad-format-invalid.err \
	tests/conf/backing-bad-format-invalid.xml \
	tests/conf/backing-chain.out.xml \
	tests/conf/backing-chain.xml \
	tests/conf/backing-missing-format-invalid.err \
	tests/conf/backing-missing-format-invalid.xml \
	tests/conf/bad-bus-invalid.err \
	tests/conf/bad-bus-invalid.xml \
	tests/conf/bad-cache-invalid.err \
	tests/conf/bad-cache-invalid.xml \
	tests/conf/bad-device-invalid.err \
	tests/conf/bad-device-invalid.xml \
	tests/conf/bad-discard-invalid.err \
	tests/conf/bad-discard-invalid.xml \
	tests/conf/bad-disk-type-invalid.err \
	tests/conf/bad-disk-type-invalid.xml \
	tests/conf/bad-domain-type-invalid.err \
	tests/conf/bad-domain-type-invalid.xml \
	tests/conf/bad-driver-type-invalid.err \
	tests/conf/bad-driver-type-invalid.xml \
	tests/conf/bad-error-policy-invalid.err \
	tests/conf/bad-error-policy-invalid.xml \
	tests/conf/bad-io-invalid.err \
	tests/conf/bad-io-invalid.xml \
	tests/conf/bad-os-type-invalid.err \
	tests/conf/bad-os-type-invalid.xml \
	tests/conf/bad-serial-invalid.err \
	tests/conf/bad-serial-invalid.xml \
	tests/conf/bad-target-invalid.err \
	tests/conf/bad-target-invalid.xml \
	tests/conf/bad-uuid-invalid.err \
	tests/conf/bad-uuid-invalid.xml \
	tests/conf/block-disk.out.xml \
	tests/conf/block-disk.xml \
	tests/conf/cdrom-empty.out.xml \
	tests/conf/cdrom-empty.xml \
	tests/conf/doctype-external-dtd-invalid.err \
	tests/conf/doctype-external-dtd-invalid.xml \
	tests/conf/doctype-external-entity-invalid.err \
	tests/conf/doctype-external-entity-invalid.xml \
	tests/conf/driver-all.out.xml \
	tests/conf/driver-all.xml \
	tests/conf/duplicate-driver-invalid.err \
	tests/conf/duplicate-driver-invalid.xml \
	tests/conf/duplicate-name-invalid.err \
	tests/conf/duplicate-name-invalid.xml \
	tests/conf/duplicate-target-invalid.err \
	tests/conf/duplicate-target-invalid.xml \
	tests/conf/empty-name-invalid.err \
	tests/conf/empty-name-invalid.xml \
	tests/conf/entity-bomb-invalid.err \
	tests/conf/entity-bomb-invalid.xml \
	tests/conf/kept-content.out.xml \
	tests/conf/kept-content.xml \
	tests/conf/libvirt-full.out.xml \
	tests/conf/libvirt-full.xml \
	tests/conf/malformed-invalid.err \
	tests/conf/malformed-invalid.xml \
	tests/conf/minimal-kvm.out.xml \
	tests/conf/minimal-kvm.xml \
	tests/conf/missing-domain-type-invalid.err \
	tests/conf/missing-domain-type-invalid.xml \
	tests/conf/missing-name-invalid.err \
	tests/conf/missing-name-invalid.xml \
	tests/conf/missing-os-invalid.err \
	tests/conf/missing-os-invalid.xml \
	tests/conf/missing-os-type-invalid.err \
	tests/conf/missing-os-type-invalid.xml \
	tests/conf/missing-source-invalid.err \
	tests/conf/missing-source-invalid.xml \
	tests/conf/missing-target-dev-invalid.err \
	tests/conf/missing-target-dev-invalid.xml \
	tests/conf/missing-target-invalid.err \
	tests/conf/missing-target-invalid.xml \
	tests/conf/missing-uuid.out.xml \
	tests/conf/missing-uuid.xml \
	tests/conf/name-control-invalid.err \
	tests/conf/name-control-invalid.xml \
	tests/conf/name-slash-invalid.err \
	tests/conf/name-slash-invalid.xml \
	tests/conf/name-too-long-invalid.err \
	tests/conf/name-too-long-invalid.xml \
	tests/conf/not-utf8-invalid.err \
	tests/conf/not-utf8-invalid.xml \
	tests/conf/readonly-attr-invalid.err \
	tests/conf/readonly-attr-invalid.xml \
	tests/conf/relative-source-invalid.err \
	tests/conf/relative-source-invalid.xml \
	tests/conf/source-wrong-attr-invalid.err \
	tests/conf/source-wrong-attr-invalid.xml \
	tests/conf/undefined-entity-invalid.err \
	tests/conf/undefined-entity-invalid.xml \
	tests/conf/undefined-prefix-invalid.xml \
	tests/conf/undefined-prefix-invalid.err \
	tests/conf/unexpected-root-invalid.err \
	tests/conf/unexpected-root-invalid.xml \
	tests/conf/xen-pv-on-kvm-invalid.err \
	tests/conf/xen-pv-on-kvm-invalid.xml \
	tests/conf/xen-pv.out.xml \
	tests/conf/xen-pv.xml
