noinst_LIBRARIES += libvdutil.a
libvdutil_a_SOURCES = \
	common/util/clock.h \
	common/util/error.c common/util/error.h \
	common/util/file.c common/util/file.h \
	common/util/json-writer.c common/util/json-writer.h \
	common/util/paths.c common/util/paths.h \
	common/util/uuid.c common/util/uuid.h
