noinst_LIBRARIES += libvddaemon.a
libvddaemon_a_SOURCES = \
	daemon/daemon.h \
	daemon/client.c daemon/client.h \
	daemon/server.c daemon/server.h \
	daemon/dispatch.c daemon/dispatch.h \
	daemon/handlers-connect.c daemon/handlers-domain.c \
	daemon/handlers-vdisk.c daemon/call-args.c daemon/call-args.h \
	daemon/handlers-lifecycle.c daemon/handlers-stats.c \
	daemon/domain-runtime.c daemon/domain-runtime.h \
	daemon/domain-runtime-priv.h daemon/domain-runtime-stop.c \
	daemon/domain-runtime-pause.c \
	daemon/image-lock.c daemon/image-lock.h \
	daemon/domain-registry.c daemon/domain-registry.h \
	daemon/domain-resources.c daemon/domain-resources.h \
	daemon/domain-store.c daemon/domain-store.h \
	daemon/state-dir.c daemon/state-domains.c daemon/state-dir.h \
	daemon/test-hooks.c daemon/test-hooks.h

sbin_PROGRAMS += vdiskd
vdiskd_SOURCES = daemon/main.c
vdiskd_LDADD = libvddaemon.a libvdexport.a libvddrivers.a $(VD_COMMON_LIBS) \
	$(VD_STORAGE_LIBS)
