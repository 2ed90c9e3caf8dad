sbin_PROGRAMS += vdiskd
vdiskd_SOURCES = daemon/main.c
vdiskd_LDADD = libvddrivers.a $(VD_COMMON_LIBS)
