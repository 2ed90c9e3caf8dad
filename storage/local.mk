# The block backend: the data plane (plain C) with a GLib control side.
noinst_LIBRARIES += libvdstorage.a
libvdstorage_a_SOURCES = \
	storage/request.c storage/request.h \
	storage/iothread.c storage/iothread.h \
	storage/layer.c storage/layer.h \
	storage/disk.c storage/disk.h storage/disk-priv.h \
	storage/disk-gate.c \
	storage/engine/engine.c storage/engine/engine.h \
	storage/engine/sync-io.c storage/engine/sync-io.h \
	storage/engine/threadpool.c \
	storage/engine/aio.c \
	storage/engine/uring.c \
	storage/layers/file.c storage/layers/file.h \
	storage/layers/file-priv.h \
	storage/layers/file-probe.c \
	storage/layers/file-rmw.c \
	storage/layers/file-zero.c \
	storage/layers/raw.c storage/layers/raw.h \
	storage/layers/qed.c storage/layers/qed.h storage/layers/qed-priv.h \
	storage/layers/qed-cache.c \
	storage/layers/qed-alloc.c \
	storage/layers/qed-zero.c \
	storage/layers/qed-meta.c \
	storage/layers/qed-backing.c \
	storage/layers/stats.c storage/layers/stats.h \
	storage/layers/logwrites.c storage/layers/logwrites.h \
	storage/layers/logwrites-read.c \
	storage/layers/recorder.c storage/layers/recorder.h \
	storage/layers/fault.c storage/layers/fault.h \
	storage/planted.h
libvdstorage_a_CPPFLAGS = $(AM_CPPFLAGS) $(LIBURING_CFLAGS)

# The QED format on the control plane: header, tables, check, recovery,
# creation. Plain blocking I/O through VdQedIo, so that the CLI, the
# fuzzer and the crash-state explorer use it without the data plane.
noinst_LIBRARIES += libvdqed.a
libvdqed_a_SOURCES = \
	storage/layers/qed-format.h \
	storage/layers/qed-header.c \
	storage/layers/qed-image.c storage/layers/qed-image.h \
	storage/layers/qed-image-priv.h \
	storage/layers/qed-io.c \
	storage/layers/qed-table.c \
	storage/layers/qed-check.c \
	storage/layers/qed-log.c storage/layers/qed-log.h \
	storage/layers/qed-create.c storage/layers/qed-create.h

# What a program linking libvdstorage.a adds after it.
VD_STORAGE_LIBS = libvdstorage.a libvdqed.a libvdutil.a $(LIBURING_LIBS) $(LIBAIO_LIBS) \
	$(GLIB_LIBS) -lpthread
