/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The public ABI: sub-op numbers against Xen's own hvm_op.h, and the
 * argument's layout field by field.  (hvm/hypercall.c asserts the same at
 * build time, for 64- and, with `make m32`, 32-bit builds.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <public/hvm/ecam_op.h>
#include <xen/hvm/hvm_op.h>

/* Every sub-op number Xen's public header defines (x86 and common). */
static const unsigned int xen_hvmops[] = {
    HVMOP_set_param, HVMOP_get_param, HVMOP_set_pci_intx_level,
    HVMOP_set_isa_irq_level, HVMOP_set_pci_link_route, HVMOP_flush_tlbs,
    HVMOP_pagetable_dying, HVMOP_get_time, HVMOP_xentrace,
    12, 13,     /* HVMOP_set/get_mem_access: only for interface < 4.4 */
    HVMOP_get_mem_type,
    HVMOP_set_evtchn_upcall_vector, HVMOP_guest_request_vm_event,
    HVMOP_altp2m,
};

/* Retired numbers: never to be given a new meaning. */
static const unsigned int retired[] = { 6, 7, 8, 14, 16, 17, 18, 19, 20, 21,
                                        22 };

static void test_subop_numbers(void **state)
{
    unsigned int i;

    assert_int_equal(HVMOP_set_ecam_space, 26);
    assert_int_equal(HVMOP_get_ecam_space, 27);
    for ( i = 0; i < sizeof(xen_hvmops) / sizeof(xen_hvmops[0]); i++ )
    {
        assert_int_not_equal(HVMOP_set_ecam_space, xen_hvmops[i]);
        assert_int_not_equal(HVMOP_get_ecam_space, xen_hvmops[i]);
    }
    for ( i = 0; i < sizeof(retired) / sizeof(retired[0]); i++ )
    {
        assert_int_not_equal(HVMOP_set_ecam_space, retired[i]);
        assert_int_not_equal(HVMOP_get_ecam_space, retired[i]);
    }
}

#define FIELD(f, off, size)                                                 \
    do {                                                                    \
        assert_int_equal(offsetof(struct xen_hvm_ecam_space, f), off);      \
        assert_int_equal(sizeof(((struct xen_hvm_ecam_space *)0)->f), size); \
    } while ( 0 )

static void test_layout(void **state)
{
    FIELD(domid, 0, 2);
    FIELD(segment, 2, 2);
    FIELD(start_bus, 4, 1);
    FIELD(end_bus, 5, 1);
    FIELD(flags, 6, 2);
    FIELD(base, 8, 8);
    FIELD(rsvd, 16, 8);
    assert_int_equal(sizeof(struct xen_hvm_ecam_space), 24);
    assert_int_equal(XEN_HVM_ECAM_REMOVE, 1);
    assert_int_equal(1U << XEN_HVM_ECAM_BUS_SHIFT, 1024 * 1024);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_subop_numbers),
        cmocka_unit_test(test_layout),
    };

    return cmocka_run_group_tests_name("abi", tests, NULL, NULL);
}
