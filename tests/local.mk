# Tests mirror the source tree. Unit tests are check programs; integration
# tests are scripts that start vdiskd on a temporary state directory.
AM_TESTS_ENVIRONMENT = \
	top_srcdir='$(abs_top_srcdir)'; export top_srcdir; \
	top_builddir='$(abs_top_builddir)'; export top_builddir; \
	VDISKD='$(abs_top_builddir)/vdiskd'; export VDISKD; \
	VDISK='$(abs_top_builddir)/vdisk'; export VDISK;
TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
TEST_LIBS = libvdtest.a $(CHECK_LIBS)

check_LIBRARIES = libvdtest.a
libvdtest_a_SOURCES = tests/common/check-run.c tests/common/check-run.h
libvdtest_a_CFLAGS = $(TEST_CFLAGS)

include tests/util/local.mk
include tests/rpc/local.mk
include tests/conf/local.mk
include tests/drivers/local.mk
include tests/daemon/local.mk
include tests/client/local.mk
include tests/storage/local.mk
include tests/storage/export/local.mk
include tests/storage/qed/local.mk
include tests/crash/local.mk
