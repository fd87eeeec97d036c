#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# mkdom0.sh OUT_DIR: the PV dom0 that make e2e-xen boots under Xen, made
# from Debian's packages only, and cached in OUT_DIR keyed by its inputs:
#
#   OUT_DIR/vmlinux     Debian's linux-image-6.1 kernel, uncompressed (Xen
#                       builds dom0 from an ELF in 0.3 s, from the xz
#                       bzImage in 6-23 s under TCG)
#   OUT_DIR/base.cpio.gz a busybox initramfs with xl, xenstored,
#                       xenconsoled, xen-init-dom0, the Xen kernel modules,
#                       qemu-xen (the HVM device model), SeaBIOS and every
#                       shared library they load
#
# Our own files (the init script, the dom0 command, the test guest) go in a
# second archive that run.sh appends: the kernel unpacks both.  Prints
# OUT_DIR; exit 77 (skipped) when a package cannot be had.
set -euo pipefail

out=${1:?usage: mkdom0.sh OUT_DIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
here=$(cd "$(dirname "$0")" && pwd)

say()  { echo "mkdom0: $*" >&2; }
skip() { say "skipped: $*"; exit 77; }

PKGS=(busybox-static cpio xz-utils xen-utils-4.17 qemu-system-xen seabios)
MODULES=(xenfs xen-privcmd xen-evtchn xen-gntdev xen-gntalloc xen-pciback)

install_missing() {
    local missing=() p sudo=""
    for p in "${PKGS[@]}"; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    [ ${#missing[@]} = 0 ] && return
    say "installing ${missing[*]}"
    [ "$(id -u)" = 0 ] || sudo="sudo"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
        --no-install-recommends "${missing[@]}" >/dev/null ||
        skip "cannot install ${missing[*]}"
}

# The kernel package linux-image-amd64 points at, e.g. linux-image-6.1.0-57-amd64.
kernel_pkg() {
    apt-cache depends linux-image-amd64 2>/dev/null |
        sed -n 's/^ *Depends: \(linux-image-6\.1\.[^ ]*-amd64\)$/\1/p' |
        head -1
}

# What the cache depends on: this script, the kernel and package versions.
stamp_of() {
    local p
    {
        cat "$0"
        echo "$1"
        for p in "${PKGS[@]}"; do dpkg-query -W -f '${Package} ${Version}\n' "$p"; done
    } | sha256sum | cut -c1-16
}

# The ELF inside a bzImage: the payload after the xz magic.
extract_vmlinux() {
    local img=$1 dst=$2 off
    off=$(grep -abo $'\xfd7zXZ' "$img" | head -1 | cut -d: -f1)
    [ -n "$off" ] || { say "no xz payload in $img"; return 1; }
    tail -c +$((off + 1)) "$img" | xz -dc 2>/dev/null > "$dst" || true
    head -c 4 "$dst" | grep -q $'\x7fELF' || { say "no ELF in $img"; return 1; }
}

# Copy a file and every library it loads (ldd) into the tree.
copy_with_libs() {
    local root=$1 f lib
    shift
    for f in "$@"; do
        install -D -m 0755 "$f" "$root$f"
        ldd "$f" 2>/dev/null | grep -o '/[^ ]*' | while read -r lib; do
            [ -e "$root$lib" ] || install -D -m 0755 "$lib" "$root$lib"
        done
    done
}

build_base() {
    local kver=$1 tree=$2 xb=/usr/lib/xen-4.17/bin m f
    mkdir -p "$tree"/{bin,sbin,proc,sys,dev,tmp,run,etc,root}
    mkdir -p "$tree"/var/{lib/xen,lib/xenstored,log/xen,run/xen,run/xenstored}
    mkdir -p "$tree"/etc/xen "$tree/lib/modules/$kver"
    install -m 0755 /bin/busybox "$tree/bin/busybox"
    for f in sh mount umount mkdir cat echo sleep insmod poweroff ls grep \
             sed awk dmesg ps kill cp rm ln head tail wc date tr cut seq \
             test true false timeout uptime; do
        ln -sf busybox "$tree/bin/$f"
    done
    copy_with_libs "$tree" "$xb/xl" "$xb/xenstored" "$xb/xenconsoled" \
        "$xb/xen-init-dom0" "$xb/libxl-save-helper" \
        /usr/libexec/xen-qemu-system-i386
    # libxl runs its helpers from the Debian paths.
    ln -sf "$xb/xl" "$tree/sbin/xl"
    f=$(ldconfig -p | sed -n 's/.*libgcc_s\.so\.1 (libc6,x86-64) => //p' | head -1)
    install -D -m 0644 "$f" "$tree$f"
    for m in "${MODULES[@]}"; do
        f=$(find "$kdir/lib/modules/$kver" -name "$m.ko*" | head -1)
        [ -n "$f" ] || { say "no module $m"; return 1; }
        install -m 0644 "$f" "$tree/lib/modules/$kver/$m.ko"
    done
    install -D -m 0644 /usr/share/seabios/bios-256k.bin \
        "$tree/usr/share/seabios/bios-256k.bin"
    mkdir -p "$tree/usr/share/qemu"
    cp -a /usr/share/qemu/keymaps "$tree/usr/share/qemu/"
    # The device model's VGA option ROMs, where QEMU looks for them.
    cp -L /usr/share/seabios/vgabios-cirrus.bin \
        /usr/share/seabios/vgabios-stdvga.bin "$tree/usr/share/qemu/"
    printf 'root:x:0:0:root:/root:/bin/sh\n' > "$tree/etc/passwd"
    printf 'root:x:0:\n' > "$tree/etc/group"
    (cd "$tree" && find . | cpio -o -H newc --quiet | gzip -1) > "$out/base.cpio.gz.new"
    mv "$out/base.cpio.gz.new" "$out/base.cpio.gz"
}

install_missing
kpkg=$(kernel_pkg)
[ -n "$kpkg" ] || skip "no linux-image-6.1 package known to apt (apt-get update?)"
stamp=$(stamp_of "$kpkg")
if [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$stamp" ] &&
   [ -f "$out/vmlinux" ] && [ -f "$out/base.cpio.gz" ]; then
    say "cached ($out)"
    echo "$out"
    exit 0
fi
t0=$(date +%s)
work=$out/work
rm -rf "$work" && mkdir -p "$work"
say "downloading $kpkg"
(cd "$work" && apt-get download "$kpkg" >/dev/null 2>&1) ||
    skip "cannot download $kpkg"
kdir=$work/kernel
dpkg-deb -x "$work"/"$kpkg"_*.deb "$kdir"
kver=${kpkg#linux-image-}
say "extracting vmlinux from vmlinuz-$kver"
extract_vmlinux "$kdir/boot/vmlinuz-$kver" "$out/vmlinux"
echo "$kver" > "$out/kver"
say "building the initramfs"
build_base "$kver" "$work/tree"
rm -rf "$work"
echo "$stamp" > "$out/stamp"
say "done in $(( $(date +%s) - t0 )) s: $(stat -c %s "$out/base.cpio.gz") bytes of initramfs"
echo "$out"
