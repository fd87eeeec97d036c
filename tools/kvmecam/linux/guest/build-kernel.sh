#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# build-kernel.sh BUILD_DIR: the guest kernel of `kvmecam linux`.
#
# Debian's linux-source-6.1, unpacked once into BUILD_DIR/linux/, with our
# initcall (xecam_dump.c) added to drivers/pci/, configured as `make
# tinyconfig` plus kernel.config, built as an ELF vmlinux.  The build is
# skipped when BUILD_DIR/linux/vmlinux exists and was built from the same
# fragment, initcall and script (a stamp of their hashes).
#
# stdout: the vmlinux path, alone.  stderr: progress; the make output goes
# to BUILD_DIR/kernel-build.log.  Exit 77 with "skipped: why" when the
# kernel cannot be built here (no source package and no way to install
# it), 1 when the build itself fails.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build-kernel.sh BUILD_DIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
tree=$out/linux
log=$out/kernel-build.log
tarball=/usr/src/linux-source-6.1.tar.xz
pkgs="linux-source-6.1 flex bison bc libelf-dev libssl-dev"

say()  { echo "build-kernel: $*" >&2; }
skip() { echo "skipped: $*"; echo "build-kernel: skipped: $*" >&2; exit 77; }

missing()
{
    local p

    for p in $pkgs; do
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
            grep -q 'install ok installed' || echo "$p"
    done
}

install_deps()
{
    local need

    need=$(missing | tr '\n' ' ')
    [ -z "$need" ] && [ -f "$tarball" ] && return 0
    [ "$(id -u)" = 0 ] || skip "not root, cannot install: $need"
    say "installing $need"
    export DEBIAN_FRONTEND=noninteractive
    # shellcheck disable=SC2086
    apt-get install -y -q $need >> "$log" 2>&1 ||
        { apt-get update -q >> "$log" 2>&1 &&
          apt-get install -y -q $need >> "$log" 2>&1; } ||
        skip "cannot install $need (see $log)"
    [ -f "$tarball" ] || skip "$tarball is missing"
}

stamp()
{
    cat "$here/kernel.config" "$here/xecam_dump.c" "$0" | sha256sum |
        cut -d' ' -f1
}

unpack()
{
    [ -f "$tree/.xecam-unpacked" ] && return 0
    say "unpacking $tarball into $tree"
    rm -rf "$tree"
    mkdir -p "$tree"
    tar -xf "$tarball" -C "$tree" --strip-components=1
    touch "$tree/.xecam-unpacked"
}

add_initcall()
{
    cmp -s "$here/xecam_dump.c" "$tree/drivers/pci/xecam_dump.c" ||
        cp "$here/xecam_dump.c" "$tree/drivers/pci/xecam_dump.c"
    grep -qx 'obj-y += xecam_dump.o' "$tree/drivers/pci/Makefile" ||
        echo 'obj-y += xecam_dump.o' >> "$tree/drivers/pci/Makefile"
}

# Every option the fragment sets must have survived olddefconfig.
check_config()
{
    local line sym bad=0

    while read -r line; do
        case "$line" in
        CONFIG_*=*)
            grep -qx "$line" "$tree/.config" ||
                { say "not set: $line"; bad=1; } ;;
        "# CONFIG_"*" is not set")
            sym=${line#\# }; sym=${sym%% *}
            ! grep -q "^$sym=" "$tree/.config" ||
                { say "still set: $sym"; bad=1; } ;;
        esac
    done < "$here/kernel.config"
    return $bad
}

configure_and_build()
{
    local start=$SECONDS jobs

    jobs=$(nproc)
    say "configuring (tinyconfig + kernel.config)"
    make -C "$tree" tinyconfig >> "$log" 2>&1
    "$tree/scripts/kconfig/merge_config.sh" -m -O "$tree" "$tree/.config" \
        "$here/kernel.config" >> "$log" 2>&1
    make -C "$tree" olddefconfig >> "$log" 2>&1
    check_config ||
        { say "the fragment did not apply (see $tree/.config)"; exit 1; }
    say "building vmlinux with -j$jobs (log: $log)"
    make -C "$tree" -j"$jobs" vmlinux >> "$log" 2>&1 ||
        { tail -30 "$log" >&2; say "kernel build failed (see $log)"; exit 1; }
    say "built in $((SECONDS - start)) s"
    echo "$((SECONDS - start))" > "$tree/.xecam-build-seconds"
}

main()
{
    local want

    : > "$log"
    want=$(stamp)
    if [ -f "$tree/vmlinux" ] && [ -f "$tree/.xecam-stamp" ] &&
       [ "$(cat "$tree/.xecam-stamp")" = "$want" ]; then
        say "up to date: $tree/vmlinux"
        echo "$tree/vmlinux"
        return 0
    fi
    install_deps
    unpack
    add_initcall
    rm -f "$tree/.xecam-stamp"
    configure_and_build
    echo "$want" > "$tree/.xecam-stamp"
    echo "$tree/vmlinux"
}

main
