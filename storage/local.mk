# The block backend: the data plane (plain C) with a GLib control side.
noinst_LIBRARIES += libvdstorage.a
libvdstorage_a_SOURCES = \
	storage/request.c storage/request.h \
	storage/iothread.c storage/iothread.h \
	storage/layer.c storage/layer.h \
	storage/disk.c storage/disk.h \
	storage/engine/engine.c storage/engine/engine.h \
	storage/engine/sync-io.c storage/engine/sync-io.h \
	storage/engine/threadpool.c \
	storage/engine/aio.c \
	storage/engine/uring.c \
	storage/layers/file.c storage/layers/file.h \
	storage/layers/file-priv.h \
	storage/layers/file-probe.c \
	storage/layers/file-rmw.c \
	storage/layers/raw.c storage/layers/raw.h \
	storage/layers/stats.c storage/layers/stats.h \
	storage/layers/logwrites.c storage/layers/logwrites.h \
	storage/layers/logwrites-read.c \
	storage/layers/recorder.c storage/layers/recorder.h \
	storage/layers/fault.c storage/layers/fault.h \
	storage/planted.h
libvdstorage_a_CPPFLAGS = $(AM_CPPFLAGS) $(LIBURING_CFLAGS)

# What a program linking libvdstorage.a adds after it.
VD_STORAGE_LIBS = libvdstorage.a libvdutil.a $(LIBURING_LIBS) $(LIBAIO_LIBS) \
	$(GLIB_LIBS) -lpthread
