/* Values of domain XML on their own: the enum name tables. */
#include "config.h"

#include "tests/conf/conf-test.h"

/*
 * Every name a table has parses back to its own value; values outside
 * the enum have no name, and names outside the table no value.
 */
#define VD_TEST_ENUM(what, prefix, type, first, last)                       \
    do {                                                                    \
        for (int v_ = (first); v_ <= (last); v_++) {                        \
            const char *name_ = prefix##_to_string((type)v_);               \
                                                                            \
            ck_assert_msg(name_ != NULL, "%s %d has no name", what, v_);    \
            ck_assert_msg(prefix##_from_string(name_) == v_,                \
                          "%s '%s' does not parse back to %d",              \
                          what, name_, v_);                                 \
        }                                                                   \
        ck_assert_ptr_null(prefix##_to_string((type)((last) + 1)));         \
        ck_assert_ptr_null(prefix##_to_string((type)-1));                   \
        ck_assert_int_eq(prefix##_from_string("bogus"), -1);                \
        ck_assert_int_eq(prefix##_from_string(""), -1);                     \
    } while (0)

START_TEST(test_enum_tables)
{
    VD_TEST_ENUM("disk type", vd_disk_type, VdDiskType,
                 VD_DISK_TYPE_FILE, VD_DISK_TYPE_BLOCK);
    VD_TEST_ENUM("device", vd_disk_device, VdDiskDevice,
                 VD_DISK_DEVICE_DISK, VD_DISK_DEVICE_CDROM);
    VD_TEST_ENUM("cache", vd_cache_mode, VdCacheMode,
                 VD_CACHE_NONE, VD_CACHE_UNSAFE);
    VD_TEST_ENUM("io", vd_io_mode, VdIoMode, VD_IO_THREADS, VD_IO_URING);
    VD_TEST_ENUM("discard", vd_discard_mode, VdDiscardMode,
                 VD_DISCARD_UNMAP, VD_DISCARD_IGNORE);
    VD_TEST_ENUM("error policy", vd_error_policy, VdErrorPolicy,
                 VD_ERROR_POLICY_STOP, VD_ERROR_POLICY_ENOSPACE);
    VD_TEST_ENUM("bus", vd_disk_bus, VdDiskBus,
                 VD_DISK_BUS_IDE, VD_DISK_BUS_SD);
    VD_TEST_ENUM("domain type", vd_domain_type, VdDomainType,
                 VD_DOMAIN_TYPE_KVM, VD_DOMAIN_TYPE_TEST);
    VD_TEST_ENUM("os type", vd_os_type, VdOsType,
                 VD_OS_TYPE_HVM, VD_OS_TYPE_LINUX);
}
END_TEST

/* The names are libvirt's, not just any names that round-trip. */
START_TEST(test_enum_names)
{
    ck_assert_str_eq(vd_cache_mode_to_string(VD_CACHE_DIRECTSYNC),
                     "directsync");
    ck_assert_str_eq(vd_cache_mode_to_string(VD_CACHE_DEFAULT), "default");
    ck_assert_int_eq(vd_cache_mode_from_string("default"), -1);
    ck_assert_int_eq(vd_io_mode_from_string("io_uring"), VD_IO_URING);
    ck_assert_int_eq(vd_io_mode_from_string("default"), -1);
    ck_assert_int_eq(vd_discard_mode_from_string("unmap"), VD_DISCARD_UNMAP);
    ck_assert_int_eq(vd_error_policy_from_string("enospace"),
                     VD_ERROR_POLICY_ENOSPACE);
    ck_assert_int_eq(vd_disk_bus_from_string("sata"), VD_DISK_BUS_SATA);
    ck_assert_int_eq(vd_disk_bus_from_string("uml"), -1);
    ck_assert_str_eq(vd_os_type_to_string(VD_OS_TYPE_LINUX), "linux");
    ck_assert_str_eq(vd_domain_type_to_string(VD_DOMAIN_TYPE_QEMU), "qemu");
    ck_assert_int_eq(vd_disk_device_from_string("lun"), -1);
}
END_TEST

TCase *
vd_test_conf_values_tcase(void)
{
    TCase *tc = tcase_create("values");

    tcase_add_test(tc, test_enum_tables);
    tcase_add_test(tc, test_enum_names);
    return tc;
}
