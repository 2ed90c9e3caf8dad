noinst_LIBRARIES += libvddrivers.a
libvddrivers_a_SOURCES =
