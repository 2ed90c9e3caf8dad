noinst_LIBRARIES += libvdconf.a
libvdconf_a_SOURCES = \
	common/conf/domain-conf.h common/conf/disk-conf.h
