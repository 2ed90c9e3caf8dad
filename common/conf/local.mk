noinst_LIBRARIES += libvdconf.a
libvdconf_a_SOURCES = \
	common/conf/domain-conf.h common/conf/disk-conf.h \
	common/conf/domain-conf.c common/conf/domain-parse.c \
	common/conf/domain-format.c \
	common/conf/disk-xml.h common/conf/disk-conf.c \
	common/conf/disk-parse.c common/conf/backing-parse.c \
	common/conf/disk-format.c \
	common/conf/xml-safe.h common/conf/xml-safe.c \
	common/conf/xml-read.h common/conf/xml-read.c \
	common/conf/xml-kept.h common/conf/xml-kept.c \
	common/conf/xml-write.h common/conf/xml-write.c
