# Image files without a daemon: what vdisk's image-* commands run.
noinst_LIBRARIES += libvdimage.a
libvdimage_a_SOURCES = \
	storage/image/image.h \
	storage/image/image-create.c \
	storage/image/image-info.c
