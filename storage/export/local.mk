# The NBD export server: protocol codec, policy, handshake, connections,
# transmission and the export itself.
noinst_LIBRARIES += libvdexport.a
libvdexport_a_SOURCES = \
	storage/export/nbd-proto.c storage/export/nbd-proto.h \
	storage/export/nbd-policy.c storage/export/nbd-policy.h \
	storage/export/nbd-handshake.c storage/export/nbd-handshake.h \
	storage/export/nbd-conn.c storage/export/nbd-conn.h \
	storage/export/nbd-transmission.c \
	storage/export/nbd-server.c storage/export/nbd-server.h
