noinst_LIBRARIES += libvdisk.a
libvdisk_a_SOURCES =
