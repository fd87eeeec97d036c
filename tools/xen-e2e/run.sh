#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make e2e-xen: boot the CONFIG_XECAM=y Xen that make xen-intree built
# under QEMU (TCG, q35) with a PV dom0 made from Debian's packages
# (dom0/mkdom0.sh), run the test guest (guest/) as PVH and as HVM, and
# report one line per check.  Then the negative control: the same guest on
# the CONFIG_XECAM=n Xen must fail its window checks.
#
# usage: tools/xen-e2e/run.sh BUILD_DIR
# XEN_E2E_ONLY=pvh or =hvm runs that guest alone, without the negative
# control (when debugging one of them).
# Exit status: 0 every check passed, 1 some failed, 77 skipped (no QEMU,
# no Xen build, no dom0 packages).
set -uo pipefail

build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
out=$build/xen-e2e
log=$out/e2e-xen.log
mkdir -p "$out"
: > "$log"
passed=0 failed=0

say()  { echo "e2e-xen: $*"; echo "e2e-xen: $*" >> "$log"; }
skip() { say "skipped: $*"; exit 77; }
check() {   # check NAME ok|FAIL [why]
    if [ "$2" = ok ]; then
        passed=$((passed + 1)); say "$1 ok"
    else
        failed=$((failed + 1)); say "$1 FAIL (${3:-})"
    fi
}

command -v qemu-system-x86_64 > /dev/null || skip "no qemu-system-x86_64 (apt-get install qemu-system-x86)"
for f in xen-xecam-on.gz xen-xecam-off.gz; do
    [ -f "$build/xen-intree/$f" ] || skip "no $build/xen-intree/$f: run make xen-intree first"
done
for f in guest-pvh.elf guest-hvm.elf xen-ecam e2e-mbox; do
    [ -f "$out/$f" ] || skip "no $out/$f: run make e2e-xen"
done

t0=$(date +%s)
say "dom0: Debian's kernel and tools (cached in $out/dom0)"
dom0=$("$here/dom0/mkdom0.sh" "$out/dom0" 2>> "$log")
rc=$?
[ $rc = 77 ] && skip "$(grep 'skipped' "$log" | tail -1)"
[ $rc = 0 ] || { say "mkdom0 failed ($log)"; exit 1; }
say "dom0 ready in $(( $(date +%s) - t0 )) s"

# Our files, as a second archive after Debian's.
overlay() {
    local tree=$out/overlay f lib
    rm -rf "$tree"
    mkdir -p "$tree/e2e" "$tree/usr/bin"
    install -m 0755 "$here/dom0/init" "$tree/init"
    install -m 0644 "$here/dom0/pvh.cfg" "$here/dom0/hvm.cfg" \
        "$out/guest-pvh.elf" "$out/guest-hvm.elf" "$tree/e2e/"
    install -m 0755 "$out/xen-ecam" "$out/e2e-mbox" "$tree/usr/bin/"
    for f in "$out/xen-ecam" "$out/e2e-mbox"; do
        ldd "$f" | grep -o '/[^ ]*' | while read -r lib; do
            install -D -m 0755 "$lib" "$tree$lib"
        done
    done
    (cd "$tree" && find . | cpio -o -H newc --quiet | gzip -1) > "$out/overlay.cpio.gz"
    cat "$dom0/base.cpio.gz" "$out/overlay.cpio.gz" > "$out/initrd.cpio.gz"
}

# Devices to pass through, behind QEMU's AMD IOMMU: edu at 00:03.0, an
# e1000e behind a Root Port (01:00.0), and a second edu at 00:05.0 to
# hot-plug, as dom0's init expects them.  The
# negative control gets them too: the guests' configurations ask for the
# IOMMU (passthrough = "sync_pt"), which libxl refuses without one.
PT_DEVICES="-device amd-iommu -device edu,addr=3 \
    -device pcie-root-port,id=rp1,chassis=1,addr=4 -device e1000e,bus=rp1 \
    -device edu,addr=5"

# boot XEN_GZ MODE CONSOLE_LOG [QEMU ARGS]: one run of QEMU, 400 s at most.
boot() {
    local xen=$out/$(basename "$1" .gz).elf t=$(date +%s)
    zcat "$1" > "$xen"
    # shellcheck disable=SC2086
    timeout 400 qemu-system-x86_64 -machine q35 -accel tcg ${4:-} \
        -cpu qemu64,+svm,+npt -m 2048 -smp 2 -nographic -nodefaults \
        -serial stdio -no-reboot -kernel "$xen" \
        -append "console=com1 com1=115200,8n1 dom0_mem=512M,max:512M loglvl=all guest_loglvl=all noreboot iommu=debug xecam-pvh-iommu" \
        -initrd "$dom0/vmlinux console=hvc0 earlyprintk=xen e2e=$2,$out/initrd.cpio.gz" \
        < /dev/null > "$3" 2>&1
    local rc=$?
    say "boot ($2) ended after $(( $(date +%s) - t )) s (qemu exit $rc)"
    cat "$3" >> "$log"
}

# What the guests and dom0 said: "(dN) e2e: KIND.NAME ok|FAIL why" from the
# guests, "e2e-xen: NAME ok|FAIL (why)" from dom0.
collect() {
    local line name rest
    while IFS= read -r line; do
        case "$line" in
            *"e2e-xen: "*" ok") name=${line##*e2e-xen: }; check "${name% ok}" ok ;;
            *"e2e-xen: "*" FAIL "*) rest=${line##*e2e-xen: }
                check "${rest%% FAIL *}" FAIL "${rest#* FAIL (}" ;;
            *") e2e: "*" ok") rest=${line##*) e2e: }; check "${rest% ok}" ok ;;
            *") e2e: "*" FAIL "*) rest=${line##*) e2e: }
                check "${rest%% FAIL *}" FAIL "${rest#* FAIL }" ;;
        esac
    done < <(tr -d '\r' < "$1")
}

overlay
say "booting Xen (CONFIG_XECAM=y) with dom0, then the PVH and HVM guests"
only=${XEN_E2E_ONLY:-}
boot "$build/xen-intree/xen-xecam-on.gz" "${only:-full}" "$out/console-on.txt" \
    "$PT_DEVICES"
collect "$out/console-on.txt"
for kind in ${only:-pvh hvm}; do
    grep -q ") e2e: $kind done" "$out/console-on.txt" ||
        check "$kind.finished" FAIL "the guest never reported done"
    # The interrupt self-test and passthrough must run, not just pass when
    # they run.
    for c in irq-selftest pt-enumerate pt-ro-caps pt-bar-map pt-dma \
             pt-bar-unmap \
             pt-intx pt-msi pt-msix pt-msix-mask pt-hotplug \
             pt-hotplug-dom0 pt-destroy; do
        grep -aq "e2e[-a-z]*: $kind\.$c \(ok\|FAIL\)" "$out/console-on.txt" ||
            check "$kind.$c" FAIL "never ran"
    done
done
if grep -a "Triple fault\|Domain crashed\|domain_crash" "$out/console-on.txt" > "$out/crashes.txt"; then
    check xen.guest-crash FAIL "$(head -1 "$out/crashes.txt")"
fi
grep -a "xen-ecam:" "$out/console-on.txt" > "$out/module-on.log" || true
say "the module's Xen log lines: $(wc -l < "$out/module-on.log") ($out/module-on.log)"

[ -n "$only" ] && { say "$passed passed, $failed failed"; [ $failed = 0 ]; exit; }
say "negative control: the same guest on Xen with CONFIG_XECAM=n"
boot "$build/xen-intree/xen-xecam-off.gz" negative "$out/console-off.txt" \
    "$PT_DEVICES"
if grep -q ") e2e: pvh.window-get FAIL" "$out/console-off.txt" &&
   grep -q "e2e-xen: pvh.window-set FAIL" "$out/console-off.txt"; then
    check negative-control ok
else
    check negative-control FAIL "CONFIG_XECAM=n: window checks did not fail as they must"
fi

say "took $(( $(date +%s) - t0 )) s; consoles and the module's lines in $out"
say "$passed passed, $failed failed"
[ $failed = 0 ]
