# Hypervisor drivers: the shared policy, then one folder per driver.
noinst_LIBRARIES += libvddrivers.a
libvddrivers_a_SOURCES = \
	drivers/driver.h drivers/driver.c drivers/registry.h \
	drivers/policy.h drivers/policy.c drivers/policy-cache.c \
	drivers/policy-metadata.c drivers/bus-table.c drivers/migrate.c \
	drivers/explain.c \
	drivers/qemu/qemu-driver.c drivers/qemu/qemu-argv.h \
	drivers/qemu/qemu-argv.c \
	drivers/xen/xen-driver.c drivers/xen/xen-xl.h drivers/xen/xen-xl.c \
	drivers/test/test-driver.c
