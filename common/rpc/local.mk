noinst_LIBRARIES += libvdrpc.a
libvdrpc_a_SOURCES = \
	common/rpc/xdr-codec.c common/rpc/xdr-codec.h \
	common/rpc/message.c common/rpc/message.h \
	common/rpc/remote-types.c common/rpc/remote-types.h \
	common/rpc/block-kinds.c common/rpc/block-kinds.h \
	common/rpc/protocol.h
