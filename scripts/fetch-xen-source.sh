#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Fetch Debian's xen source package (4.17 on bookworm) into DIR and print
# the path of the unpacked tree.  Used by `make bench` (to build Xen's vPCI
# dispatcher beside ours) and `make xen-intree`.  Xen's code is fetched at
# build time and never committed.
#
# usage: scripts/fetch-xen-source.sh DIR
set -euo pipefail

dir=${1:?usage: $0 DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

tree=$(ls -d "$dir"/xen-4.*/ 2>/dev/null | head -n1 || true)
if [ -n "$tree" ] && [ -f "$tree/xen/drivers/vpci/vpci.c" ]; then
    echo "${tree%/}"
    exit 0
fi

SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive

# apt-get source needs a deb-src entry: add one mirroring the deb entries.
if ! grep -rqs '^\s*\(Types:.*deb-src\|deb-src\)' \
        /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo "fetch-xen-source: adding a deb-src entry for bookworm" >&2
    $SUDO tee /etc/apt/sources.list.d/xecam-deb-src.sources >/dev/null <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    $SUDO apt-get update -qq >&2
fi
command -v dpkg-source >/dev/null || \
    $SUDO apt-get install -y -qq --no-install-recommends dpkg-dev >&2

# A mirror may list a version it no longer carries (seen with the
# security suite): try every listed version, newest first.
fetched=""
for v in $(apt-cache showsrc xen | awk '/^Version:/ { print $2 }' | sort -rV); do
    if ( cd "$dir" && apt-get source -qq "xen=$v" >&2 ); then
        fetched=$v
        break
    fi
    echo "fetch-xen-source: xen $v not available, trying an older one" >&2
done
[ -n "$fetched" ] || { echo "fetch-xen-source: no xen source package" >&2; exit 1; }
tree=$(ls -d "$dir"/xen-4.*/ | head -n1)
test -f "$tree/xen/drivers/vpci/vpci.c"
echo "${tree%/}"
