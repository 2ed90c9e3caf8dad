noinst_LIBRARIES += libvdrpc.a
libvdrpc_a_SOURCES =
