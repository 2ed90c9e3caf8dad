# libvdisk: the RPC client library; vdisk: the CLI built on it.
noinst_LIBRARIES += libvdisk.a
libvdisk_a_SOURCES = \
	client/libvdisk.h client/libvdisk-private.h \
	client/libvdisk-uri.c \
	client/libvdisk-transport.c \
	client/libvdisk-connect.c \
	client/libvdisk-domain.c \
	client/libvdisk-helpers.c
