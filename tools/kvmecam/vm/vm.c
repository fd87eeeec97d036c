/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam: the KVM VM: /dev/kvm, KVM_CREATE_VM, RAM at GPA 0 (KG_RAM_SIZE
 * bytes for the tiny guest), optionally the in-kernel PIC, IOAPIC and local
 * APIC, and the PIT (created before the vCPU, as KVM requires), and one
 * vCPU with the CPUID
 * KVM supports.  Nothing else is backed: the ECAM window exits to us
 * (KVM_EXIT_MMIO).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kvmecam.h"

#define MAX_CPUID 256

static int fail(const char *what)
{
    fprintf(stderr, "kvmecam: %s: %s\n", what, strerror(errno));

    return -1;
}

static int skip(char *why, size_t len, const char *what)
{
    snprintf(why, len, "%s: %s", what, strerror(errno));

    return KVMECAM_SKIP;
}

static int set_cpuid(struct vm *vm)
{
    struct kvm_cpuid2 *c = calloc(1, sizeof(*c) +
                                  MAX_CPUID * sizeof(c->entries[0]));
    int rc = -1;

    if ( !c )
        return fail("cpuid");
    c->nent = MAX_CPUID;
    if ( ioctl(vm->kvm, KVM_GET_SUPPORTED_CPUID, c) < 0 )
        fail("KVM_GET_SUPPORTED_CPUID");
    else if ( ioctl(vm->vcpu, KVM_SET_CPUID2, c) < 0 )
        fail("KVM_SET_CPUID2");
    else
        rc = 0;
    free(c);

    return rc;
}

static int add_ram(struct vm *vm, size_t size)
{
    struct kvm_userspace_memory_region r = {
        .slot = 0, .guest_phys_addr = 0, .memory_size = size,
    };

    vm->ram = mmap(NULL, size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if ( vm->ram == MAP_FAILED )
    {
        vm->ram = NULL;
        return fail("guest RAM");
    }
    vm->ram_size = size;
    r.userspace_addr = (uintptr_t)vm->ram;
    if ( ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &r) < 0 )
        return fail("KVM_SET_USER_MEMORY_REGION");

    return 0;
}

static int add_vcpu(struct vm *vm)
{
    int size;

    vm->vcpu = ioctl(vm->fd, KVM_CREATE_VCPU, 0);
    if ( vm->vcpu < 0 )
        return fail("KVM_CREATE_VCPU");
    size = ioctl(vm->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
    if ( size < (int)sizeof(*vm->run) )
        return fail("KVM_GET_VCPU_MMAP_SIZE");
    vm->run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
                   vm->vcpu, 0);
    if ( vm->run == MAP_FAILED )
    {
        vm->run = NULL;
        return fail("mmap of kvm_run");
    }
    vm->run_size = size;

    return set_cpuid(vm);
}

static int add_irqchip(struct vm *vm, bool with_pit)
{
    struct kvm_pit_config pit = { .flags = 0 };

    if ( ioctl(vm->fd, KVM_CREATE_IRQCHIP, 0) < 0 )
        return fail("KVM_CREATE_IRQCHIP");
    if ( with_pit && ioctl(vm->fd, KVM_CREATE_PIT2, &pit) < 0 )
        return fail("KVM_CREATE_PIT2");

    return 0;
}

int vm_open_spec(struct vm *vm, const struct vm_spec *spec, char *why,
                 size_t len)
{
    memset(vm, 0, sizeof(*vm));
    vm->fd = vm->vcpu = -1;
    vm->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if ( vm->kvm < 0 )
        return skip(why, len, "/dev/kvm");
    if ( ioctl(vm->kvm, KVM_GET_API_VERSION, 0) != KVM_API_VERSION )
    {
        snprintf(why, len, "KVM API version is not %d", KVM_API_VERSION);
        return KVMECAM_SKIP;
    }
    vm->fd = ioctl(vm->kvm, KVM_CREATE_VM, 0);
    if ( vm->fd < 0 )
        return skip(why, len, "KVM_CREATE_VM");

    return add_ram(vm, spec->ram_size) ?:
           (spec->irqchip ? add_irqchip(vm, spec->pit) : 0) ?: add_vcpu(vm);
}

int vm_open(struct vm *vm, char *why, size_t len)
{
    static const struct vm_spec tiny = {
        .ram_size = KG_RAM_SIZE, .irqchip = true,
    };

    return vm_open_spec(vm, &tiny, why, len);
}

void vm_close(struct vm *vm)
{
    if ( vm->run )
        munmap(vm->run, vm->run_size);
    if ( vm->ram )
        munmap(vm->ram, vm->ram_size);
    if ( vm->vcpu >= 0 )
        close(vm->vcpu);
    if ( vm->fd >= 0 )
        close(vm->fd);
    if ( vm->kvm >= 0 )
        close(vm->kvm);
    memset(vm, 0, sizeof(*vm));
    vm->kvm = vm->fd = vm->vcpu = -1;
}
