# libvdisk: the RPC client library; vdisk: the CLI built on it.
noinst_LIBRARIES += libvdisk.a
libvdisk_a_SOURCES = \
	client/libvdisk.h client/libvdisk-private.h \
	client/libvdisk-uri.c \
	client/libvdisk-transport.c \
	client/libvdisk-connect.c \
	client/libvdisk-domain.c \
	client/libvdisk-lifecycle.c \
	client/libvdisk-blockstats.c \
	client/libvdisk-policy.c \
	client/libvdisk-helpers.c

bin_PROGRAMS += vdisk
vdisk_SOURCES = \
	client/cli/vdisk.c \
	client/cli/commands.h \
	client/cli/cmd-query.c \
	client/cli/cmd-domain.c \
	client/cli/cmd-policy.c \
	client/cli/cmd-lifecycle.c \
	client/cli/cmd-blkdev.c \
	client/cli/cmd-blkstat.c \
	client/cli/cmd-host.c \
	client/cli/cmd-image.c \
	client/cli/cmd-help.c \
	client/cli/domain-arg.c \
	client/cli/domain-def.c \
	client/cli/output.c client/cli/output.h
# libvdconf reads domain XML as virsh does client side (domblklist); the
# image commands work on files without a daemon.
vdisk_LDADD = libvdisk.a libvdimage.a libvdqed.a libvdconf.a libvdrpc.a \
	libvdutil.a $(LIBXML_LIBS) \
	$(GLIB_LIBS)
