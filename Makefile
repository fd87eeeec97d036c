# SPDX-License-Identifier: GPL-2.0-only
#
# make              library, tools and tests (tests with ASan + UBSan)
# make test         run the cmocka and check suites
# make freestanding hvm/ and vpci/ as hypervisor code: -ffreestanding -nostdinc
# make m32          the same, 32-bit, when gcc-multilib is installed
# make style        Xen's CODING_STYLE, the mechanical part (check-style.sh)
# make cppcheck     cppcheck over hvm/ and vpci/ as hypervisor code
# make install      the tools and their manual pages (PREFIX, DESTDIR)

CC        ?= gcc
BUILD     ?= build
XEN_PUBLIC ?= /usr/include/xen

WARN      := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
             -Wmissing-prototypes -Wno-unused-parameter
STD       := -std=gnu99
# <xecam/port_prims.h>, the core's atomics, barriers and builtins, is the
# port's: port/user/include/ here, port/xen/include/ inside Xen.
INC       := -Iinclude -Iport/user/include
OPT       ?= -O2 -g
SAN       := -fsanitize=address,undefined -fno-sanitize-recover=all \
             -fno-omit-frame-pointer

CORE_SRCS := $(wildcard hvm/*.c) $(wildcard vpci/*.c)
PORT_SRCS := $(wildcard port/user/*.c)
LIB_SRCS  := $(CORE_SRCS) $(PORT_SRCS)

CMOCKA_SRCS := $(wildcard unit/cmocka/test_*.c)
CHECK_SRCS  := $(wildcard unit/check/check_*.c)
ECAMCTL_SRCS := $(wildcard tools/ecamctl/*.c)

# Normal userspace build (tools).
OBJ_DIR   := $(BUILD)/obj
LIB       := $(BUILD)/libxecam.a
LIB_OBJS  := $(LIB_SRCS:%.c=$(OBJ_DIR)/%.o)
# Sanitized build (tests).
SAN_DIR   := $(BUILD)/san
SAN_LIB   := $(BUILD)/libxecam-san.a
SAN_OBJS  := $(LIB_SRCS:%.c=$(SAN_DIR)/%.o)

CMOCKA_BINS := $(CMOCKA_SRCS:unit/cmocka/%.c=$(BUILD)/unit/%)
CHECK_BINS  := $(CHECK_SRCS:unit/check/%.c=$(BUILD)/unit/%)
TOOL_BINS   := $(BUILD)/ecamctl $(BUILD)/kvmecam $(BUILD)/xen-ecam

# The tools' version: `git describe` in a git tree, else the VERSION file
# of a tarball, else 0.0-unknown.  $(BUILD)/version changes with it, so
# that the tools are linked again.
VERSION := $(shell { [ -e .git ] && git describe --always --dirty \
                     2>/dev/null; } || cat VERSION 2>/dev/null || \
                   echo 0.0-unknown)
VERSION_DEF := -DXECAM_VERSION='"$(VERSION)"'

CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)
CHECK_LIBS  := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck)

.PHONY: all lib tools tests test test-tsan freestanding m32 style cppcheck \
        fuzz fuzz-smoke fuzz-campaign fuzz-ledger fuzz-coverage \
        fuzz-throughput coverage \
        bench bench-count bench-kvm e2e-linux e2e-xen xen-intree clean \
        install uninstall FORCE
all: lib tools tests

lib: $(LIB)
tools: $(TOOL_BINS)
tests: $(CMOCKA_BINS) $(CHECK_BINS)

$(OBJ_DIR)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(OPT) $(INC) -MMD -MP -pthread -c $< -o $@

$(SAN_DIR)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(OPT) $(SAN) $(INC) -MMD -MP -pthread -c $< -o $@

$(LIB): $(LIB_OBJS)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

$(SAN_LIB): $(SAN_OBJS)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

$(BUILD)/version: FORCE
	@mkdir -p $(@D)
	@[ "$$(cat $@ 2>/dev/null)" = "$(VERSION)" ] || echo "$(VERSION)" > $@

$(BUILD)/ecamctl: $(ECAMCTL_SRCS) $(wildcard tools/ecamctl/*.h) $(LIB) \
                  $(BUILD)/version
	$(CC) $(STD) $(WARN) $(OPT) $(INC) $(VERSION_DEF) -pthread \
	    $(ECAMCTL_SRCS) $(LIB) -ledit -o $@

$(BUILD)/unit/test_%: unit/cmocka/test_%.c unit/helpers.h $(SAN_LIB)
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(OPT) $(SAN) $(INC) -Iunit -pthread $< \
	    $(SAN_LIB) $(CMOCKA_LIBS) -o $@

$(BUILD)/unit/check_%: unit/check/check_%.c unit/helpers.h $(SAN_LIB)
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(OPT) $(SAN) $(INC) -Iunit -pthread $< \
	    $(SAN_LIB) $(CHECK_LIBS) -o $@

# Each suite reports in its framework's words (cmocka, Check, shell); the
# runner closes with "total: N passed, N failed" and fails on any failure.
test: tests tools
	@unit/run-tests.sh $(CMOCKA_BINS) $(CHECK_BINS) unit/tools/test_ecamctl.sh \
	    unit/tools/test_cli.sh unit/tools/test_examples.sh \
	    unit/tools/test_kvm.sh unit/tools/test_docs.sh

# The threaded suites again under ThreadSanitizer (data races, lock order).
TSAN      := -fsanitize=thread -fno-omit-frame-pointer
TSAN_BINS := $(CHECK_SRCS:unit/check/%.c=$(BUILD)/tsan/%)

LIB_HDRS  := $(wildcard include/xecam/*.h include/public/hvm/*.h hvm/*.h \
                        vpci/*.h port/user/*.h port/user/include/xecam/*.h)

$(BUILD)/tsan/check_%: unit/check/check_%.c unit/helpers.h $(LIB_SRCS) \
                       $(LIB_HDRS)
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) -O1 -g $(TSAN) $(INC) -Iunit -pthread $< \
	    $(LIB_SRCS) $(CHECK_LIBS) -o $@

test-tsan: $(TSAN_BINS)
	@CK_FORK=no TSAN_OPTIONS=halt_on_error=1 unit/run-tests.sh $(TSAN_BINS)

# Hypervisor code sees include/ and Xen's public headers, nothing else, and
# the userspace port's <xecam/port_prims.h>: compiler builtins and no
# header, so the check still proves no libc.  Xen's own port_prims.h needs
# Xen's headers: make xen-intree builds it.  scripts/check-prims.sh first
# fails on builtins, __atomic and _Static_assert, which Xen's baseline
# compiler lacks, anywhere but the ports.
# Xen's headers define always_inline and noinline: so do we, to catch them.
FS_FLAGS := $(STD) $(WARN) -O2 -ffreestanding -nostdinc -fno-builtin \
            -DXECAM_FREESTANDING $(INC) -idirafter $(BUILD)/xenpub \
            -Dalways_inline=xen_macro -Dnoinline=xen_macro \
            -Wdeclaration-after-statement -Wredundant-decls -Wvla \
            -Wnested-externs
$(BUILD)/xenpub/xen:
	@mkdir -p $(@D)
	ln -sfn $(XEN_PUBLIC) $@

freestanding: $(BUILD)/xenpub/xen
	@scripts/check-prims.sh
	@mkdir -p $(BUILD)/fs
	@set -e; for f in $(CORE_SRCS); do \
	    echo "  FS $$f"; \
	    $(CC) $(FS_FLAGS) -c $$f -o $(BUILD)/fs/$$(echo $$f | tr / _).o; \
	done
	@echo "freestanding: $(words $(CORE_SRCS)) files built with -ffreestanding -nostdinc"

m32: $(BUILD)/xenpub/xen
	@mkdir -p $(BUILD)/fs32
	@set -e; for f in $(CORE_SRCS); do \
	    $(CC) -m32 $(FS_FLAGS) -c $$f -o $(BUILD)/fs32/$$(echo $$f | tr / _).o; \
	done
	@echo "m32: $(words $(CORE_SRCS)) files built for i386"

# Lines, tabs, trailing whitespace and SPDX tags of the code that goes into
# Xen; the userspace side's C files are reported, never failed on.
# make style STYLE_PATHS="hvm include" checks those paths only.
style:
	@scripts/check-style.sh $(STYLE_PATHS)

# hvm/ and vpci/ in one configuration, the freestanding build's: our
# include/, Xen's public headers, and the compiler's predefined macros
# (fixed-width types, __x86_64__, __ATOMIC_*) from $(CC) itself.  Findings
# in Xen's headers are not ours.  make cppcheck CPPCHECK_SRCS='hvm/*.c'
# checks a part.
CPPCHECK       ?= cppcheck
CPPCHECK_FLAGS := -q --enable=warning,portability --error-exitcode=1 \
                  --inline-suppr --platform=unix64 --std=c11 \
                  -DXECAM_FREESTANDING --include=$(BUILD)/cppcheck/predef.h \
                  $(INC) -I$(BUILD)/xenpub \
                  --suppress='*:$(BUILD)/xenpub/*'

CPPCHECK_SRCS  ?= $(CORE_SRCS)
CPPCHECK_FILES  = $(sort $(wildcard $(CPPCHECK_SRCS)))

cppcheck: $(BUILD)/xenpub/xen
	@mkdir -p $(BUILD)/cppcheck
	@$(CC) $(STD) -dM -E -x c /dev/null | LC_ALL=C sort \
	    > $(BUILD)/cppcheck/predef.h
	@echo "  CPPCHECK $(sort $(dir $(CPPCHECK_FILES)))"
	@$(CPPCHECK) $(CPPCHECK_FLAGS) $(CPPCHECK_FILES)
	@echo "cppcheck: $(words $(CPPCHECK_FILES)) files, no findings"

# Benchmarks: figures, never pass/fail.  Ratios within one run count.  Xen's
# vPCI dispatcher is measured beside ours: its source package is fetched into
# $(BUILD)/xen-src at bench time and vpci.c built as tools/tests/vpci does
# (includes stripped, our environment header first); never committed.
# header.c, msix.c and rangeset.c likewise, with __XEN__ (bench/xen/env_hv.h),
# for the MSI-X table and BAR mapping rows.
XEN_SRC    ?= $(BUILD)/xen-src
BENCH_XEN  := $(BUILD)/bench/xen
BENCH_FLAGS = $(STD) $(WARN) -O2 -g $(INC) -pthread
# Our side pays the locks Xen's build of the port pays (port/user/lock.c).
BENCH_DIR  := $(BUILD)/bench/obj
BENCH_LIB  := $(BUILD)/bench/libxecam-xenlocks.a
BENCH_OBJS := $(LIB_SRCS:%.c=$(BENCH_DIR)/%.o)

$(BENCH_DIR)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) -O2 -g -DXECAM_USER_XEN_LOCKS $(INC) -MMD -MP \
	    -pthread -c $< -o $@

$(BENCH_LIB): $(BENCH_OBJS)
	$(AR) rcs $@ $^

$(BUILD)/bench/bench_vpci: bench/bench_vpci.c $(wildcard bench/xen/*) \
                           scripts/fetch-xen-source.sh $(BENCH_LIB)
	@mkdir -p $(BENCH_XEN)
	@set -e; \
	if tree=$$(scripts/fetch-xen-source.sh $(XEN_SRC) 2>$(BENCH_XEN)/fetch.log); then \
	    echo "  XEN  $$tree/xen/drivers/vpci/vpci.c"; \
	    sed -e '/#include/d' $$tree/xen/include/xen/list.h >$(BENCH_XEN)/list.h; \
	    sed -e '/#include/d' $$tree/xen/include/xen/vpci.h >$(BENCH_XEN)/vpci.h; \
	    sed -e '/#include/d' $$tree/xen/include/xen/rangeset.h \
	        >$(BENCH_XEN)/rangeset.h; \
	    { printf '#include "env.h"\n#include "list.h"\n#include "vpci.h"\n'; \
	      printf '#include "env_late.h"\n'; \
	      sed -e '/#include/d' $$tree/xen/drivers/vpci/vpci.c; } >$(BENCH_XEN)/vpci.c; \
	    $(CC) -std=gnu99 -O2 -g -Ibench/xen -I$(BENCH_XEN) \
	        -c $(BENCH_XEN)/vpci.c -o $(BENCH_XEN)/vpci.o; \
	    for f in drivers/vpci/header.c drivers/vpci/msix.c common/rangeset.c; do \
	        b=$(BENCH_XEN)/$$(basename $$f .c); \
	        { printf '#include "env.h"\n#include "env_hv.h"\n#include "list.h"\n'; \
	          printf '#include "rangeset.h"\n#include "vpci.h"\n#include "env_late.h"\n'; \
	          sed -e '/#include/d' $$tree/xen/$$f; } >$$b.c; \
	        $(CC) -std=gnu99 -O2 -g -D__XEN__ -Ibench/xen -I$(BENCH_XEN) \
	            -c $$b.c -o $$b.o; \
	    done; \
	    $(CC) $(BENCH_FLAGS) -D__XEN__ -Ibench/xen -I$(BENCH_XEN) \
	        -c bench/xen/peer_dev.c -o $(BENCH_XEN)/peer_dev.o; \
	    $(CC) $(BENCH_FLAGS) -DXECAM_BENCH_XEN -Ibench/xen -I$(BENCH_XEN) \
	        $< bench/xen/peer.c $(BENCH_XEN)/peer_dev.o $(BENCH_XEN)/vpci.o \
	        $(BENCH_XEN)/header.o $(BENCH_XEN)/msix.o $(BENCH_XEN)/rangeset.o \
	        $(BENCH_LIB) -o $@; \
	else \
	    echo "  bench: no Xen source ($(BENCH_XEN)/fetch.log); ours only"; \
	    $(CC) $(BENCH_FLAGS) -DXECAM_BENCH_NO_XEN='"xen source package unavailable"' \
	        $< $(BENCH_LIB) -o $@; \
	fi

# The lock-order checker (docs/locking.md) is for tests: off here.
bench: $(BUILD)/bench/bench_vpci
	XECAM_LOCKCHECK=off $< $(BUILD)/bench/vpci.csv
	@echo "rows also in $(BUILD)/bench/vpci.csv"

# The same rows in instructions per access (callgrind): load-independent.
bench-count: $(BUILD)/bench/bench_vpci
	scripts/bench-count.sh $< $(BUILD)/bench

# kvmecam: a KVM host whose guests' ECAM and CF8/CFC exits the module
# serves.  vm/ is the host side every guest shares; tiny/ is the tiny test
# guest (tiny/guest/: a flat 64-bit binary run at CPL0; tiny/host/: what the
# host does with it); linux/ is a real Linux guest (linux/guest/: the
# kernel's config and our initcall; linux/host/: booting and checking it).
# kvmecam links ecamctl's config and session code.
OBJCOPY        ?= objcopy
KVM_DIR        := tools/kvmecam
KVMECAM_SRCS   := $(wildcard $(KVM_DIR)/vm/*.c $(KVM_DIR)/tiny/host/*.c \
                             $(KVM_DIR)/linux/host/*.c)
KVMECAM_HDRS   := $(wildcard $(KVM_DIR)/*/*.h $(KVM_DIR)/*/host/*.h \
                             tools/ecamctl/*.h)
KVMECAM_SHARED := $(addprefix tools/ecamctl/,guest.c dm.c xlcfg.c pcispec.c \
                    util.c replay.c access.c cli.c hotplug.c control.c)
KVM_GUEST      := $(BUILD)/kvmguest
KVM_GUEST_DIR  := $(KVM_DIR)/tiny/guest
KVM_GUEST_SRCS := $(KVM_GUEST_DIR)/entry.S $(KVM_GUEST_DIR)/idt.S \
                  $(wildcard $(KVM_GUEST_DIR)/*.c)
KVM_GUEST_FLAGS := $(STD) $(WARN) -O2 -m64 -ffreestanding -fno-builtin \
                   -nostdlib -static -fno-pic -fno-pie -no-pie -mno-red-zone \
                   -mgeneral-regs-only -fno-stack-protector \
                   -fno-asynchronous-unwind-tables -fcf-protection=none \
                   -I$(KVM_DIR)/tiny

$(KVM_GUEST)/guest.elf: $(KVM_GUEST_SRCS) $(KVM_GUEST_DIR)/guest.lds \
                        $(KVM_GUEST_DIR)/guest.h $(KVM_DIR)/tiny/abi.h
	@mkdir -p $(@D)
	$(CC) $(KVM_GUEST_FLAGS) -Wl,-T,$(KVM_GUEST_DIR)/guest.lds \
	    -Wl,--build-id=none -Wl,--no-warn-rwx-segments $(KVM_GUEST_SRCS) -o $@

$(KVM_GUEST)/guest.bin: $(KVM_GUEST)/guest.elf
	$(OBJCOPY) -O binary $< $@

KVMECAM_DEPS = $(KVMECAM_SRCS) $(KVM_DIR)/tiny/host/blob.S $(KVMECAM_HDRS) \
               $(KVMECAM_SHARED) $(KVM_GUEST)/guest.bin $(BUILD)/version
KVMECAM_CC   = $(CC) $(STD) $(WARN) $(OPT) $(INC) -Itools/ecamctl \
               -I$(KVM_DIR)/vm -I$(KVM_DIR)/tiny $(VERSION_DEF) -pthread \
               -DKVMECAM_GUEST_BIN='"$(KVM_GUEST)/guest.bin"' $(KVMECAM_SRCS) \
               $(KVM_DIR)/tiny/host/blob.S $(KVMECAM_SHARED)

$(BUILD)/kvmecam: $(KVMECAM_DEPS) $(LIB)
	$(KVMECAM_CC) $(LIB) -o $@

# bench-kvm times the module with the locks of Xen's build of the port (no
# lock checker compiled in), as make bench does.
$(BUILD)/bench/kvmecam: $(KVMECAM_DEPS) $(BENCH_LIB)
	@mkdir -p $(@D)
	$(KVMECAM_CC) $(BENCH_LIB) -o $@

bench-kvm: $(BUILD)/bench/kvmecam
	$< bench

# make e2e-linux: Linux 6.1 (Debian's linux-source-6.1, tinyconfig plus
# tools/kvmecam/linux/guest/kernel.config and our initcall, built once into
# $(BUILD)/linux) boots on kvmecam with the module serving its config space,
# checked against ecamctl view and replay.  Skips (77) without /dev/kvm or
# the kernel source.
e2e-linux: $(BUILD)/kvmecam $(BUILD)/ecamctl
	@tools/kvmecam/linux/guest/build-kernel.sh $(BUILD) > /dev/null || [ $$? = 77 ]
	@unit/tools/test_e2e_linux.sh || [ $$? = 77 ]

# make e2e-xen: the CONFIG_XECAM=y Xen of make xen-intree (built first if
# missing) boots under QEMU's TCG with a PV dom0 of Debian's packages; the
# test guest (tools/xen-e2e/guest/, freestanding) runs as PVH and as HVM and
# checks the module from inside; dom0 drives it with xen-ecam.  Then the
# negative control on the CONFIG_XECAM=n build.  Skips (77) without QEMU.
XEN_E2E       := $(BUILD)/xen-e2e
XEN_E2E_GUEST := tools/xen-e2e/guest
XEN_E2E_FLAGS := $(KVM_GUEST_FLAGS:-I$(KVM_DIR)/tiny=) $(INC) -Wa,--noexecstack \
                 -Wl,--no-warn-rwx-segments
XEN_E2E_SRCS  := $(XEN_E2E_GUEST)/entry.S $(XEN_E2E_GUEST)/idt.S \
                 $(wildcard $(XEN_E2E_GUEST)/*.c)
XEN_E2E_DEPS  := $(XEN_E2E_SRCS) $(XEN_E2E_GUEST)/pvh.S \
                 $(XEN_E2E_GUEST)/guest.lds $(XEN_E2E_GUEST)/guest.h \
                 $(XEN_E2E_GUEST)/run.h \
                 tools/xen-e2e/mbox.h include/public/hvm/ecam_op.h

$(XEN_E2E)/guest-pvh.elf: $(XEN_E2E_DEPS)
	@mkdir -p $(@D)
	$(CC) $(XEN_E2E_FLAGS) -Wl,-T,$(XEN_E2E_GUEST)/guest.lds \
	    -Wl,--build-id=none $(XEN_E2E_SRCS) $(XEN_E2E_GUEST)/pvh.S -o $@

# HVM firmware is loaded as ELF32 without Xen notes: the same code.
$(XEN_E2E)/guest-hvm.elf: $(XEN_E2E_DEPS)
	@mkdir -p $(@D)
	$(CC) $(XEN_E2E_FLAGS) -Wl,-T,$(XEN_E2E_GUEST)/guest.lds \
	    -Wl,--build-id=none $(XEN_E2E_SRCS) -o $@.64
	$(OBJCOPY) -O elf32-i386 $@.64 $@

# libxecamdm: the ECAM DMOPs for device models and the toolstack, in the
# manner of libxendevicemodel (privcmd's dm_op ioctl, else libxencall).
XECAMDM_DEPS := tools/libxecamdm/xecamdm.c tools/libxecamdm/xecamdm.h \
                include/public/hvm/ecam_dm_op.h

$(BUILD)/libxecamdm.a: $(XECAMDM_DEPS)
	@mkdir -p $(OBJ_DIR)/tools/libxecamdm
	$(CC) $(STD) $(WARN) $(OPT) $(INC) -c $< \
	    -o $(OBJ_DIR)/tools/libxecamdm/xecamdm.o
	$(AR) rcs $@ $(OBJ_DIR)/tools/libxecamdm/xecamdm.o

# Its test runs the library itself against the userspace port's dm_op.
$(BUILD)/unit/test_xecamdm: unit/cmocka/test_xecamdm.c unit/helpers.h \
                            $(XECAMDM_DEPS) $(SAN_LIB)
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(OPT) $(SAN) $(INC) -Iunit -Itools/libxecamdm \
	    -DXECAMDM_USER -pthread $< tools/libxecamdm/xecamdm.c \
	    $(SAN_LIB) $(CMOCKA_LIBS) -o $@

$(BUILD)/xen-ecam: tools/xen-ecam/xen-ecam.c tools/xen-ecam/iommu.c \
                   tools/xen-ecam/iommu.h include/public/hvm/ecam_op.h \
                   $(BUILD)/libxecamdm.a $(BUILD)/version
	$(CC) $(STD) $(WARN) $(OPT) $(INC) -Itools/libxecamdm $(VERSION_DEF) \
	    $< tools/xen-ecam/iommu.c $(BUILD)/libxecamdm.a -lxenctrl -lxencall \
	    -o $@

$(XEN_E2E)/e2e-mbox: tools/xen-e2e/dom0/e2e-mbox.c tools/xen-e2e/mbox.h
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(OPT) $< -lxenforeignmemory -o $@

e2e-xen: $(XEN_E2E)/guest-pvh.elf $(XEN_E2E)/guest-hvm.elf \
         $(BUILD)/xen-ecam $(XEN_E2E)/e2e-mbox
	@cp $(BUILD)/xen-ecam $(XEN_E2E)/xen-ecam
	@[ -f $(BUILD)/xen-intree/xen-xecam-off.gz ] || $(MAKE) xen-intree
	@tools/xen-e2e/run.sh $(BUILD) || [ $$? = 77 ]

# libFuzzer harnesses (clang), and standalone reproducers (any cc).  The
# module (hvm/, vpci/), the tools' parsers and the harnesses carry the
# fuzzer's coverage and comparison tracing; the userspace port is the test
# double around them, sanitized but not traced, so the fuzzer steers by the
# code under test and does not pay for the port's.  Each object is built
# once for every harness.
FUZZ_CC    ?= clang
FUZZ_FLAGS := $(STD) $(WARN) -O1 -g -fsanitize=address,undefined \
              -fno-sanitize-recover=all $(INC) -Itools/ecamctl -pthread
FUZZ_SRCS  := $(wildcard fuzz/fuzz_*.c)   # fuzz/standalone.c: the driver
FUZZ_BINS  := $(FUZZ_SRCS:fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_REPRO := $(FUZZ_SRCS:fuzz/%.c=$(BUILD)/fuzz/%-repro)
FUZZ_TIME  ?= 60
FUZZ_DIR   := $(BUILD)/fuzz/obj
FUZZ_OBJS  := $(LIB_SRCS:%.c=$(FUZZ_DIR)/%.o)

# Harnesses of the tools' parsers also link those sources.
FUZZ_TOOL_SRCS := tools/ecamctl/xlcfg.c tools/ecamctl/pcispec.c \
                  tools/ecamctl/util.c
fuzz_extra = $(if $(filter fuzz_parsers,$(1)),$(FUZZ_TOOL_SRCS))

$(FUZZ_DIR)/port/%.o: port/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -MMD -MP -c $< -o $@

$(FUZZ_DIR)/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

-include $(FUZZ_OBJS:.o=.d)
$(FUZZ_BINS): $(FUZZ_OBJS)     # named here, so make keeps them

.SECONDEXPANSION:
$(BUILD)/fuzz/%: fuzz/%.c $(FUZZ_OBJS) $$(call fuzz_extra,%) \
                 $(wildcard include/*/*.h port/user/include/*/*.h \
                            tools/*/*.h fuzz/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer $< $(FUZZ_OBJS) \
	    $(call fuzz_extra,$*) -o $@

$(BUILD)/fuzz/%-repro: fuzz/%.c fuzz/standalone.c $(SAN_LIB) \
                       $$(call fuzz_extra,%) $(wildcard fuzz/*.h)
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(OPT) $(SAN) $(INC) -Itools/ecamctl \
	    -DXECAM_FUZZ_STANDALONE -pthread $< fuzz/standalone.c \
	    $(call fuzz_extra,$*) $(SAN_LIB) -o $@

fuzz: $(FUZZ_BINS) $(FUZZ_REPRO)

fuzz-smoke: fuzz
	@set -e; for f in $(FUZZ_BINS); do \
	    n=$$(basename $$f); mkdir -p $(BUILD)/corpus/$$n; \
	    echo "== $$n ($(FUZZ_TIME) s)"; \
	    $$f -max_total_time=$(FUZZ_TIME) -max_len=4200 \
	        -print_final_stats=1 -artifact_prefix=$(BUILD)/ \
	        $(BUILD)/corpus/$$n fuzz/corpus/$$n > $(BUILD)/$$n.log 2>&1 || \
	        { tail -40 $(BUILD)/$$n.log; exit 1; }; \
	    grep -E "^Done|exec/s:" $(BUILD)/$$n.log | tail -2; \
	    rm -rf $(BUILD)/corpus/$$n.bal; mkdir $(BUILD)/corpus/$$n.bal; \
	    $$f -trace_malloc=1 -runs=0 -max_len=4200 $(BUILD)/corpus/$$n.bal \
	        fuzz/corpus/$$n 2>&1 | awk -v n=$$n '$(FUZZ_BALANCE)'; \
	done

# An input that ends with more allocations than frees is run again by
# libFuzzer, with a leak check, and a thousand of them turn its leak
# detection off: every input of a corpus but the first (which builds
# the host) must free what it allocated.
FUZZ_BALANCE = /MallocFreeTracer: STOP/ && $$3 > $$4 { k++ } \
    END { if ( k > 1 ) { print n ": " k " inputs end with more" \
          " allocations than frees"; exit 1 } }

# Every harness (or those in FUZZ_HARNESSES) on FUZZ_JOBS cores for
# FUZZ_TIME seconds (default 1 hour); the corpora merged and minimized,
# each run a line of fuzz/campaign.tsv.  `make fuzz-ledger`: its totals.
FUZZ_JOBS ?= $(shell nproc)
fuzz-campaign: FUZZ_TIME = 3600
fuzz-campaign: fuzz
	@scripts/fuzz-campaign.sh $(BUILD) $(FUZZ_TIME) $(FUZZ_JOBS) \
	    $(FUZZ_HARNESSES)

fuzz-ledger:
	@scripts/fuzz-campaign.sh --sum

# What each harness's corpus covers of hvm/ and vpci/, alone.
fuzz-coverage:
	@BUILD=$(BUILD) scripts/fuzz-coverage.sh $(FUZZ_HARNESSES)

# Executions a second and per CPU-second now and at FUZZ_BASE, side by
# side, from the same corpus: scripts/fuzz-throughput.sh.  The default
# base is the last revision before the harnesses kept their set-up.
FUZZ_BASE ?= 1359f813d7991aab6f09dc32cf8162b51a888b55
fuzz-throughput: FUZZ_TIME = 30
fuzz-throughput: fuzz
	@scripts/fuzz-throughput.sh $(BUILD) $(FUZZ_BASE) $(FUZZ_TIME) \
	    $(FUZZ_HARNESSES)

# Line and branch coverage of hvm/ and vpci/: unit tests plus corpora.
coverage:
	@unit/coverage.sh

# Xen 4.17 with xen-ecam built in (and without): scripts/xen-intree.sh.
xen-intree:
	scripts/xen-intree.sh $(BUILD)

# The tools and their manual pages, under $(DESTDIR)$(PREFIX).
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
INSTALL ?= install
MAN_PAGES := man/ecamctl.1 man/kvmecam.1 man/xen-ecam.1

install: $(TOOL_BINS)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	$(INSTALL) -m 755 $(TOOL_BINS) $(DESTDIR)$(BINDIR)
	$(INSTALL) -m 644 $(MAN_PAGES) $(DESTDIR)$(MANDIR)/man1

uninstall:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(notdir $(TOOL_BINS))) \
	    $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(MAN_PAGES)))

clean:
	rm -rf $(BUILD)

-include $(LIB_OBJS:.o=.d) $(SAN_OBJS:.o=.d) $(BENCH_OBJS:.o=.d)
