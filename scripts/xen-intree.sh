#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make xen-intree: xen-ecam compiled into Xen 4.17.
#
# Fetches Debian's xen source package (scripts/fetch-xen-source.sh) and
# makes build/xen-intree/tree a git repository of it, in three steps:
#
#   1. the source package as unpacked, committed as is     (tag xen-pristine)
#   2. three commits generated from this repository, which add the new files:
#      public/hvm/ecam_op.h; public/hvm/ecam_dm_op.h; then xen/drivers/xecam/
#      (hvm/, vpci/, include/xecam/ with port/xen/include/xecam/, port/xen/'s
#      glue, dmop, port, Kconfig and Makefiles) and xen/include/xen/xecam.h
#                                                           (tag xecam-import)
#   3. port/xen/patches/*.patch, the changes to Xen's own files, applied
#      with git am
#
# It then builds the hypervisor twice: CONFIG_XECAM=y, which must link our
# symbols into xen-syms, and CONFIG_XECAM=n, which must leave none.  Any
# compiler warning from our files fails the target.  scripts/xen-patches.sh
# writes the series back from the tree, or exports all of it.
#
# usage: scripts/xen-intree.sh [--tree-only] [BUILD_DIR]
#   --tree-only   stop once the tree is made (to change the series in it)
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
jobs=$(nproc)

say() { echo "xen-intree: $*"; }
die() { echo "xen-intree: FAILED: $*" >&2; exit 1; }

deps() {
    local missing=()
    for t in flex bison python3 gcc make git; do
        command -v "$t" >/dev/null || missing+=("$t")
    done
    [ ${#missing[@]} = 0 ] && return
    say "installing ${missing[*]}"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" \
        >/dev/null
}

# The committer, and the author of the commits generated here.
GIT_NAME="xen-ecam developers"
GIT_EMAIL="xen-ecam@example.invalid"

# git in the tree ($tree), without user or system configuration.
tgit() {
    GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 git -C "$tree" "$@"
}

# commit TAG|- DATE: commit what is staged, the message on stdin.
commit() {
    GIT_AUTHOR_DATE=$2 GIT_COMMITTER_DATE=$2 tgit commit -q --no-verify -F -
    [ "$1" = - ] || tgit tag "$1"
}

# The generated commits' last line: which state of this repository.
provenance() {
    local rev
    rev=$(git -C "$top" rev-parse --short=12 HEAD 2>/dev/null) || {
        echo "Generated from xen-ecam (no git metadata)."; return; }
    [ -z "$(git -C "$top" status --porcelain -- hvm vpci include port/xen)" ] ||
        rev="$rev with local changes"
    echo "Generated from xen-ecam $rev by scripts/xen-intree.sh."
}

# The new files, generated from this repository (its one source of truth;
# never edited in the tree): the public header, then the module.
import() {
    local t=$tree x=$tree/xen/drivers/xecam date from
    date=$(git -C "$top" log -1 --format=%aI 2>/dev/null ||
           echo 2000-01-01T00:00:00Z)
    from=$(provenance)

    cp include/public/hvm/ecam_op.h "$t/xen/include/public/hvm/"
    tgit add xen/include/public/hvm/ecam_op.h
    commit - "$date" <<MSG
public/hvm: HVMOP_set_ecam_space and HVMOP_get_ecam_space

A Q35 guest finds PCI Express configuration space through its MCFG
table: an ECAM (MMCONFIG) window of 1 MiB per bus in guest-physical
address space.  Xen has no notion of such a window for HVM guests, so
an access to it can only reach a device model as plain MMIO, and
neither Xen's vPCI nor an ioreq server's PCI config ranges ever see it.

Add the ABI that places the windows: one per PCI segment, set (or
removed) with HVMOP_set_ecam_space by the guest's toolstack or device
model, and read back with HVMOP_get_ecam_space.  26 and 27 are
the first free sub-op numbers; 16 and 17 are retired and stay unused.
struct xen_hvm_ecam_space has the same 24-byte layout for 32- and
64-bit callers, with no implicit padding.

Nothing implements the sub-ops yet: the following patches do.

$from

Signed-off-by: $GIT_NAME <$GIT_EMAIL>
MSG

    cp include/public/hvm/ecam_dm_op.h "$t/xen/include/public/hvm/"
    tgit add xen/include/public/hvm/ecam_dm_op.h
    commit - "$date" <<MSG
public/hvm: the ECAM device-model operations

A device model that Xen confines to dm_op (xl's dm_restrict) cannot
issue HVMOP_set_ecam_space, yet it is the one that learns where the
guest's firmware moves the ECAM window, and the one that gives the
guest its passed-through functions.

Add four dm_op sub-ops, in a header of their own that dm_op.h will
include: XEN_DMOP_ecam_set_window and XEN_DMOP_ecam_get_window, the
HVMOPs' window operations on dm_op's target domain, and
XEN_DMOP_ecam_assign and XEN_DMOP_ecam_deassign, which give a host
function the domain owns through the IOMMU to its vPCI at a guest
SBDF (with an optional emulated Root Port in front of its bus), and
take it back.  21 to 24 follow Xen 4.17's last op, 20; upstream they
would take the next free numbers of their day.  Each structure has one
layout for 32- and 64-bit callers, fits struct xen_dm_op's union, and
has explicit padding that must be zero.

Nothing dispatches the ops yet: the following patches do.

$from

Signed-off-by: $GIT_NAME <$GIT_EMAIL>
MSG

    mkdir -p "$x/hvm" "$x/vpci" "$x/include/xecam"
    cp port/xen/Kconfig port/xen/Makefile port/xen/dmop.c port/xen/glue.c \
        port/xen/port.c "$x/"
    cp hvm/*.c hvm/*.h "$x/hvm/"
    cp vpci/*.c vpci/*.h "$x/vpci/"
    cp port/xen/Makefile.core "$x/hvm/Makefile"
    cp port/xen/Makefile.core "$x/vpci/Makefile"
    cp include/xecam/*.h port/xen/include/xecam/*.h "$x/include/xecam/"
    cp port/xen/include/xen/xecam.h "$t/xen/include/xen/"
    tgit add xen/drivers/xecam xen/include/xen/xecam.h
    commit xecam-import "$date" <<MSG
xen/drivers: xen-ecam, PCI Express configuration space for HVM guests

The ECAM windows of the previous patch need a home: an MMIO intercept
that decodes an access into a config cycle for one function, and
someone to serve it.  xen-ecam does both for HVM domains, alongside
drivers/vpci, which keeps serving the PVH hardware domain:

- hvm/: the windows, the two HVMOPs and the ECAM DMOPs, the MMCONFIG
  and CF8/CFC decoders, and the routing of each function to a vPCI
  device or to the ioreq server that claimed it;
- vpci/: config-space emulation of passed-through functions (header,
  BARs, MSI, MSI-X, PCI Express and PM capabilities, an emulated root
  port);
- port.c: the primitives the core asks for, on Xen's own (locks,
  memory, logging, guest copies, XSM, the p2m, pci_conf_*);
- include/xecam/port_prims.h: its atomics, barriers, build-time
  assertions and bit operations, Xen's own too (read_atomic, xchg,
  smp_rmb, BUILD_BUG_ON_ZERO, hweight32...): no __atomic builtin or
  _Static_assert, which Xen's baseline compiler lacks;
- glue.c, dmop.c and xen/xecam.h: the intercepts and the entry points
  for the rest of Xen, with no-op stubs when the option is off;
- Kconfig: CONFIG_XECAM, depending on X86, HVM and IOREQ_SERVER.

Every global symbol starts with xecam_, and every function Xen calls
through a pointer is cf_check.  Nothing builds or calls the module yet:
the following patches wire it in.

$from

Signed-off-by: $GIT_NAME <$GIT_EMAIL>
MSG
}

# A fresh git repository of the pristine tree, the import, then the series.
# An earlier tree is only removed while it is as this script left it: work
# committed in it (not yet written back by scripts/xen-patches.sh refresh)
# or uncommitted changes stop the run.
prepare() {
    local src=$1 mark=$tree/.git/xecam-prepared
    if [ -d "$tree/.git" ]; then
        [ -f "$mark" ] && [ "$(tgit rev-parse HEAD)" = "$(cat "$mark")" ] &&
            [ -z "$(tgit status --porcelain --untracked-files=no)" ] ||
            die "$tree has changes of its own: scripts/xen-patches.sh" \
                "refresh keeps them, rm -rf $tree drops them"
    fi
    rm -rf "$tree"
    mkdir -p "$out"
    cp -a "$src" "$tree"
    tgit init -q -b xecam
    tgit config user.name "$GIT_NAME"
    tgit config user.email "$GIT_EMAIL"
    tgit config core.autocrlf false
    # The package as shipped, files its .gitignore names included.
    tgit add -A -f .
    commit xen-pristine 2000-01-01T00:00:00Z <<MSG
$(basename "$src"): Debian's xen source package, as unpacked

With Debian's patches (debian/patches) applied, as apt-get source
leaves the tree.
MSG
    import
    tgit am -q "$top"/port/xen/patches/*.patch ||
        die "git am of port/xen/patches/ failed (see $tree)"
    tgit rev-parse HEAD > "$mark"
    # The patches are exactly what git format-patch writes back.
    scripts/xen-patches.sh check "$tree" >/dev/null ||
        die "port/xen/patches/ is not what scripts/xen-patches.sh refresh" \
            "writes: run it"
    say "tree $tree: $(tgit rev-list --count xecam-import..HEAD) patches" \
        "on $(tgit rev-list --count xen-pristine..xecam-import) generated" \
        "commits on xen-pristine"
}

# build on|off: configure from Debian's config and build the hypervisor.
build() {
    local mode=$1 log=$out/build-$1.log t0=$SECONDS
    say "building xen.gz with CONFIG_XECAM $mode (-j$jobs, log: $log) ..."
    (
        cd "$tree"
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
    cp "$tree/xen/xen.gz" "$out/xen-xecam-$mode.gz"
    cp "$tree/xen/xen-syms" "$out/xen-syms-xecam-$mode"
    say "built xen.gz with CONFIG_XECAM $mode in $((SECONDS - t0)) s"
}

check_on() {
    local syms=$out/xen-syms-xecam-on nmout=$out/nm-on.txt n s
    nm "$syms" > "$nmout"
    n=$(grep -c " [Tt] xecam_" "$nmout" || true)
    [ "$n" -ge 50 ] || die "only $n xecam_ functions in xen-syms"
    for s in xecam_xen_domain_init xecam_xen_hvm_op xecam_xen_pci_config \
             xecam_xen_dm_op xecam_hvm_op xecam_dm_op xecam_mmio_read \
             xecam_pio_write xecam_vpci_assign xecam_port_pci_read; do
        grep -q " T $s\$" "$nmout" || die "$s missing from xen-syms"
    done
    # Xen's own vPCI is still there, beside ours.
    grep -q " T vpci_read\$" "$nmout" || die "Xen's vpci_read is gone"
    # Hooks called through pointers land on ENDBR64 (CET-IBT).
    if grep -q "^CONFIG_XEN_IBT=y" "$tree/xen/.config"; then
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

tree_only=false
if [ "${1:-}" = --tree-only ]; then
    tree_only=true
    shift
fi
build=${1:-build}
out=$top/$build/xen-intree
tree=$out/tree

deps
src=$(scripts/fetch-xen-source.sh "$build/xen-src")
say "source $src"
prepare "$src"
$tree_only && exit 0
t0=$(date +%s)
build on
check_on
build off
check_off
say "done in $(( $(date +%s) - t0 )) s"
