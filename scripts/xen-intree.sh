#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make xen-intree: xen-ecam compiled into Xen 4.17.
#
# Fetches Debian's xen source package (scripts/fetch-xen-source.sh), copies it
# to build/xen-intree, drops the module in as xen/drivers/xecam/ with its
# glue (port/xen/), applies port/xen/xen-4.17.patch (Kconfig, the HVMOPs in
# do_hvm_op, the per-domain hooks, the ioreq path's ECAM decode), then
# builds the hypervisor twice: CONFIG_XECAM=y, which must link our symbols
# into xen-syms, and CONFIG_XECAM=n, which must leave none.  Any compiler
# warning from our files fails the target.
#
# usage: scripts/xen-intree.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
build=${1:-build}
out=$top/$build/xen-intree
jobs=$(nproc)

say() { echo "xen-intree: $*"; }
die() { echo "xen-intree: FAILED: $*" >&2; exit 1; }

deps() {
    local missing=()
    for t in flex bison python3 gcc make; do
        command -v "$t" >/dev/null || missing+=("$t")
    done
    [ ${#missing[@]} = 0 ] && return
    say "installing ${missing[*]}"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" \
        >/dev/null
}

# A fresh copy of the pristine tree with the module and glue in it.
prepare() {
    local src=$1 x
    rm -rf "$out/tree"
    mkdir -p "$out"
    cp -a "$src" "$out/tree"
    x=$out/tree/xen/drivers/xecam
    mkdir -p "$x/hvm" "$x/vpci" "$x/include/xecam"
    cp port/xen/Makefile port/xen/glue.c port/xen/port.c "$x/"
    cp hvm/*.c hvm/*.h "$x/hvm/"
    cp vpci/*.c vpci/*.h "$x/vpci/"
    cp port/xen/Makefile.core "$x/hvm/Makefile"
    cp port/xen/Makefile.core "$x/vpci/Makefile"
    cp include/xecam/*.h "$x/include/xecam/"
    cp include/public/hvm/ecam_op.h "$out/tree/xen/include/public/hvm/"
    cp port/xen/include/xen/xecam.h "$out/tree/xen/include/xen/"
    (cd "$out/tree" && patch -s -p1 < "$top/port/xen/xen-4.17.patch")
}

# build on|off: configure from Debian's config and build the hypervisor.
build() {
    local mode=$1 log=$out/build-$1.log t0 t1
    (
        cd "$out/tree"
        cp debian/xen-kconfig xen/.config
        [ "$mode" = on ] && echo "CONFIG_XECAM=y" >> xen/.config
        make -s -C xen olddefconfig XEN_TARGET_ARCH=x86_64
        grep -q "^CONFIG_XECAM=y" xen/.config && [ "$mode" = off ] &&
            { echo "CONFIG_XECAM still set"; exit 1; }
        [ "$mode" = on ] && ! grep -q "^CONFIG_XECAM=y" xen/.config &&
            { echo "CONFIG_XECAM did not stick"; exit 1; }
        make -C xen -j"$jobs" XEN_TARGET_ARCH=x86_64
    ) > "$log" 2>&1 || { tail -30 "$log" >&2; die "build with CONFIG_XECAM $mode ($log)"; }
    if grep -n "warning:" "$log" | grep -i "xecam" >&2; then
        die "compiler warnings from our files ($log)"
    fi
    cp "$out/tree/xen/xen.gz" "$out/xen-xecam-$mode.gz"
    cp "$out/tree/xen/xen-syms" "$out/xen-syms-xecam-$mode"
}

check_on() {
    local syms=$out/xen-syms-xecam-on nmout=$out/nm-on.txt n s
    nm "$syms" > "$nmout"
    n=$(grep -c " [Tt] xecam_" "$nmout" || true)
    [ "$n" -ge 50 ] || die "only $n xecam_ functions in xen-syms"
    for s in xecam_xen_domain_init xecam_xen_hvm_op xecam_xen_pci_config \
             xecam_hvm_op xecam_mmio_read xecam_pio_write xecam_vpci_assign \
             xecam_port_pci_read; do
        grep -q " T $s\$" "$nmout" || die "$s missing from xen-syms"
    done
    # Xen's own vPCI is still there, beside ours.
    grep -q " T vpci_read\$" "$nmout" || die "Xen's vpci_read is gone"
    # Hooks called through pointers land on ENDBR64 (CET-IBT).
    if grep -q "^CONFIG_XEN_IBT=y" "$out/tree/xen/.config"; then
        objdump -d --no-show-raw-insn "$syms" > "$out/objdump-on.txt"
        awk '/<xecam_cap_msi_init>:/ { getline; print; exit }' \
            "$out/objdump-on.txt" | grep -q endbr64 ||
            die "xecam_cap_msi_init has no ENDBR64"
    fi
    say "CONFIG_XECAM=y: $out/xen-xecam-on.gz ($(stat -c %s "$out/xen-xecam-on.gz") bytes), $n xecam_ functions in xen-syms"
}

check_off() {
    local n
    nm "$out/xen-syms-xecam-off" > "$out/nm-off.txt"
    n=$(grep -c "xecam" "$out/nm-off.txt" || true)
    [ "$n" = 0 ] || die "$n xecam symbols with CONFIG_XECAM=n"
    say "CONFIG_XECAM=n: $out/xen-xecam-off.gz ($(stat -c %s "$out/xen-xecam-off.gz") bytes), no xecam symbols"
}

deps
tree=$(scripts/fetch-xen-source.sh "$build/xen-src")
say "tree $tree"
prepare "$tree"
t0=$(date +%s)
build on
check_on
build off
check_off
say "done in $(( $(date +%s) - t0 )) s"
