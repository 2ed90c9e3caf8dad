noinst_LIBRARIES += libvddaemon.a
libvddaemon_a_SOURCES = \
	daemon/state-dir.c daemon/state-domains.c daemon/state-dir.h

sbin_PROGRAMS += vdiskd
vdiskd_SOURCES = daemon/main.c
vdiskd_LDADD = libvddaemon.a libvddrivers.a $(VD_COMMON_LIBS)
