# The crash-consistency tools: the guest workload that drives a disk over
# NBD and records what it was told, and the explorer that checks every
# crash state a write log allows against that record.
noinst_LIBRARIES += libvdcrash.a
libvdcrash_a_SOURCES = \
	tools/crash/block.c tools/crash/block.h \
	tools/crash/guest-record.c tools/crash/guest-record.h

if HAVE_LIBNBD
noinst_PROGRAMS += tools/crash/vdisk-crash-guest
tools_crash_vdisk_crash_guest_SOURCES = tools/crash/crash-guest.c
tools_crash_vdisk_crash_guest_CFLAGS = $(AM_CFLAGS) $(LIBNBD_CFLAGS)
tools_crash_vdisk_crash_guest_LDADD = libvdcrash.a libvdutil.a \
	$(LIBNBD_LIBS) $(GLIB_LIBS)
endif

libvdcrash_a_SOURCES += \
	tools/crash/oracle.c tools/crash/oracle.h \
	tools/crash/image.c tools/crash/image.h \
	tools/crash/overlay.c tools/crash/overlay.h \
	tools/crash/check.c tools/crash/check.h \
	tools/crash/verify.c tools/crash/verify.h \
	tools/crash/states.c tools/crash/states.h \
	tools/crash/explore.c tools/crash/explore.h \
	tools/crash/aftermath.c \
	tools/crash/initial.c tools/crash/initial.h

# What a program using the explorer links after libvdcrash.a.
VD_CRASH_LIBS = libvdcrash.a libvdconf.a $(VD_STORAGE_LIBS) $(LIBXML_LIBS)

noinst_PROGRAMS += tools/crash/vdisk-crash-explore
tools_crash_vdisk_crash_explore_SOURCES = tools/crash/crash-explore.c
tools_crash_vdisk_crash_explore_LDADD = $(VD_CRASH_LIBS)

noinst_PROGRAMS += tools/crash/vdisk-crash-fill
tools_crash_vdisk_crash_fill_SOURCES = tools/crash/crash-fill.c
tools_crash_vdisk_crash_fill_LDADD = libvdcrash.a $(GLIB_LIBS)
