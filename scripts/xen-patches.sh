#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The Xen 4.17 series, out of the tree scripts/xen-intree.sh makes
# (build/xen-intree/tree, a git repository; docs/xen-integration.md):
#
#   xen-pristine..xecam-import  the new files, generated from this
#                               repository on every run (never edited there)
#   xecam-import..HEAD          port/xen/patches/*.patch, applied with git am:
#                               the changes to Xen's own files
#
# To change the series, make the tree, change it with git (edit Xen's files
# and commit: git commit --amend, git rebase -i, a new commit with a
# Signed-off-by), then write it back:
#
#   scripts/xen-intree.sh --tree-only
#   (cd build/xen-intree/tree && ...)
#   scripts/xen-patches.sh refresh
#   make xen-intree
#
# usage: scripts/xen-patches.sh refresh [TREE]
#            port/xen/patches/ := git format-patch xecam-import..HEAD
#        scripts/xen-patches.sh export DIR [TREE]
#            DIR := git format-patch xen-pristine..HEAD, the whole series
#            with the generated import first: what git am applies to
#            Debian's pristine Xen 4.17 tree
#        scripts/xen-patches.sh check [TREE]
#            exit 0 if TREE's series is exactly port/xen/patches/ and
#            nothing is uncommitted; scripts/xen-intree.sh runs it on each
#            tree it makes
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
patches=$top/port/xen/patches

die() { echo "xen-patches: $*" >&2; exit 1; }

# git in the tree, with no user or system configuration: the same patches
# for everyone.
tgit() {
    GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 git -C "$tree" "$@"
}

# format RANGE DIR: the commits of RANGE as patches in DIR.
format() {
    tgit -c core.abbrev=12 format-patch -q --no-signature --zero-commit \
        --abbrev=12 -o "$2" "$1"
}

# Tree sanity: the tags, no uncommitted change, and no series commit that
# edits a generated file.
usable() {
    local clash
    tgit rev-parse -q --verify xen-pristine >/dev/null &&
        tgit rev-parse -q --verify xecam-import >/dev/null ||
        die "$tree is not a tree of scripts/xen-intree.sh"
    [ -z "$(tgit status --porcelain --untracked-files=no)" ] ||
        die "$tree has uncommitted changes: commit them (or drop them)"
    clash=$(comm -12 \
        <(tgit diff --name-only xen-pristine xecam-import | sort) \
        <(tgit diff --name-only xecam-import HEAD | sort))
    [ -z "$clash" ] ||
        die "the series edits files generated from this repository;" \
            "edit them here (hvm/, vpci/, include/, port/xen/) instead:" \
            $clash
}

# Each series commit is signed off.
signed_off() {
    local c
    for c in $(tgit rev-list xecam-import..HEAD); do
        tgit log -1 --format=%B "$c" | grep -q '^Signed-off-by: ' ||
            die "$(tgit log -1 --format='%h %s' "$c"): no Signed-off-by"
    done
}

cmd=${1:-}
case $cmd in
refresh|check)
    tree=${2:-$top/build/xen-intree/tree} ;;
export)
    out=${2:?usage: $0 export DIR [TREE]}
    tree=${3:-$top/build/xen-intree/tree} ;;
*)
    sed -n '/^# usage:/,/^set -e/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2
    exit 2 ;;
esac
[ -d "$tree/.git" ] ||
    die "no tree at $tree (scripts/xen-intree.sh --tree-only makes one)"
tree=$(cd "$tree" && pwd)
usable

case $cmd in
refresh)
    signed_off
    rm -f "$patches"/*.patch
    mkdir -p "$patches"
    format xecam-import..HEAD "$patches"
    echo "xen-patches: port/xen/patches/ from $tree:"
    (cd "$patches" && ls -1 -- *.patch)
    git -C "$top" status --short -- port/xen/patches
    ;;
export)
    signed_off
    mkdir -p "$out"
    out=$(cd "$out" && pwd)
    rm -f "$out"/*.patch
    format xen-pristine..HEAD "$out"
    echo "xen-patches: $(ls "$out"/*.patch | wc -l) patches in $out," \
         "for git am on $(tgit log -1 --format=%s xen-pristine | cut -d: -f1)"
    ;;
check)
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    format xecam-import..HEAD "$tmp"
    diff -r "$patches" "$tmp" >/dev/null 2>&1 ||
        die "$tree's series is not port/xen/patches/" \
            "(scripts/xen-patches.sh refresh writes it back)"
    ;;
esac
