#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The programs' manners, without KVM: kvmecam's command line as ecamctl's
# (unit/tools/test_ecamctl.sh): usage when asked for, the version, usage
# errors, and the files it names, all said before a VM is made.  Then the
# manual pages, which must render without a warning, and make install.
. "$(dirname "$0")/lib.sh"
kvmecam=${KVMECAM:-build/kvmecam}
q=examples/q35

# 1. Usage on stdout when asked for, status 0.
top='usage: kvmecam [--version] [-h | --help] COMMAND [ARGS]'
asked "$top" "$kvmecam" --help
asked "$top" "$kvmecam" -h
asked "$top" "$kvmecam" help
grep -q '^Exit status: 0 done, 1 failed or mismatched, 2 usage or input' \
    "$tmp/o" && grep -q KVMECAM_LOG "$tmp/o" && ok ||
    bad "kvmecam's usage: no exit status, KVMECAM_LOG"
for c in walk bench spin irq linux help; do
    asked "usage: kvmecam $c" "$kvmecam" help $c
    cp "$tmp/o" "$tmp/help.$c"
    asked "usage: kvmecam $c" "$kvmecam" $c --help
    cmp -s "$tmp/o" "$tmp/help.$c" && ok || bad "$c --help is not help $c"
done

# 2. The version: ecamctl's.
"$kvmecam" --version > "$tmp/o" 2> "$tmp/e"
rc=$?
v=$("$ecamctl" --version | sed 's/^ecamctl //')
if [ $rc = 0 ] && [ "$(cat "$tmp/o")" = "kvmecam $v" ] && [ ! -s "$tmp/e" ]
then ok
else bad "kvmecam --version: rc=$rc $(cat "$tmp/o" "$tmp/e"), ecamctl's: $v"
fi

# 3. Usage errors: what, and a hint; status 2.
refused "unknown option '--frob'" walk "$kvmecam" walk --frob
refused "unknown option '--frob'" "" "$kvmecam" --frob
refused "'frob' is not a command" "" "$kvmecam" frob
refused "spin has no --host option" spin "$kvmecam" spin --host x
refused "bench has no --trace option" bench "$kvmecam" bench --trace x
refused "walk has no --kernel option" walk "$kvmecam" walk --kernel x
refused "unexpected argument 'x'" spin "$kvmecam" spin x
refused "unexpected argument 'b'" walk "$kvmecam" walk a b
refused "linux needs --kernel VMLINUX" linux "$kvmecam" linux $q/q35.cfg
refused "option '--timeout' needs a value" walk "$kvmecam" walk --timeout
refused "option '--check' takes no value" linux \
        "$kvmecam" linux --check=1 --kernel x
refused "--timeout: expected 1-86400, not '0'" spin \
        "$kvmecam" spin --timeout 0
refused "--timeout: expected 1-86400, not 'x'" spin \
        "$kvmecam" spin --timeout=x
refused "--count: expected 1-16777216, not '-1'" bench \
        "$kvmecam" bench --count -1
refused "--last-bus: expected 0-255, not '256'" walk \
        "$kvmecam" walk --last-bus 256
refused "at most 16 --host options" walk \
        "$kvmecam" walk $(printf -- '--host x %.0s' $(seq 17))

# 4. Files it reads (config, host dumps, kernel) and writes (trace, dump):
#    their name and why, status 2, before any VM.
while IFS=: read -r f why; do
    unusable "$why" "$f" "$kvmecam" walk --host $q/hosts.lspci "$f"
    unusable "$why" "$f" "$kvmecam" bench --host "$f" $q/q35.cfg
    unusable "$why" "$f" "$kvmecam" linux --kernel "$f"
done < <(unusable_files)
unusable "No such file or directory" "$tmp/none/t" \
         "$kvmecam" walk --trace "$tmp/none/t"
unusable "Is a directory" "$tmp/dir" "$kvmecam" walk --trace "$tmp/dir"
unusable "Is a directory" "$tmp/dir" \
         "$kvmecam" linux --kernel /proc/self/exe --dump "$tmp/dir"
# A trace that can be written is not left behind by a run refused after.
unusable "empty file" "$tmp/empty" \
         "$kvmecam" walk --trace "$tmp/t" --host "$tmp/empty"
[ ! -e "$tmp/t" ] && ok || bad "kvmecam walk left an empty trace behind"

# 4b. xen-ecam, the dom0 command: its manners, without Xen.
xen_ecam=${XEN_ECAM:-build/xen-ecam}
top='usage: xen-ecam get DOMID'
asked "$top" "$xen_ecam" --help
asked "$top" "$xen_ecam" -h
asked "$top" "$xen_ecam" help
asked "xen-ecam $v" "$xen_ecam" --version
refused "unknown command 'frob'" "" "$xen_ecam" frob
refused "'get' needs a domain id" "" "$xen_ecam" get
refused "'get' needs a domain id" "" "$xen_ecam" get 0x8000
refused "'set' needs a base address" "" "$xen_ecam" set 1
refused "'move' needs a base address" "" "$xen_ecam" move 1 -1
refused "unknown option '--frob'" "" "$xen_ecam" get 1 --frob
refused "'-s' needs a value" "" "$xen_ecam" get 1 -s
refused "bad value for '-s'" "" "$xen_ecam" get 1 -s 65536
refused "bad value for '-b'" "" "$xen_ecam" set 1 0xe0000000 -b 5
refused "bad value for '-b'" "" "$xen_ecam" set 1 0xe0000000 -b 0-256
refused "bad value for '--rsvd'" "" "$xen_ecam" remove 1 --rsvd 0x100000000
refused "unknown option '--permissive'" "" "$xen_ecam" get 1 --permissive
refused "unknown option '--root-port'" "" "$xen_ecam" set 1 0 --root-port 1.0
# assign and deassign: host and guest functions, their options.
bdf='[SSSS:]BB:DD.F'
refused "'assign' needs a domain id" "" "$xen_ecam" assign
refused "'assign' needs a host function, $bdf" "" "$xen_ecam" assign 1
refused "'assign' needs a guest function, $bdf" "" \
        "$xen_ecam" assign 1 05:00.0
for f in 5 05:00 05:00. 05:20.0 05:00.8 100:00.0 10000:05:00.0 05:00.0x \
         g5:00.0 :05:00.0 0000::00.0; do
    refused "'assign' needs a host function, $bdf" "" \
            "$xen_ecam" assign 1 "$f" 00:03.0
    refused "'assign' needs a guest function, $bdf" "" \
            "$xen_ecam" assign 1 0000:05:00.0 "$f"
done
refused "'deassign' needs a guest function, $bdf" "" "$xen_ecam" deassign 1
refused "'deassign' needs a guest function, $bdf" "" \
        "$xen_ecam" deassign 1 00:20.0
refused "'--root-port' needs a value" "" \
        "$xen_ecam" assign 1 05:00.0 01:00.0 --root-port
for v in 1c 1c.8 20.0 00:1c.0 x; do
    refused "bad value for '--root-port'" "" \
            "$xen_ecam" assign 1 05:00.0 01:00.0 --root-port "$v"
done
refused "bad value for '--rsvd'" "" \
        "$xen_ecam" assign 1 05:00.0 00:03.0 --rsvd 0x1000000
refused "bad value for '--flags'" "" \
        "$xen_ecam" assign 1 05:00.0 00:03.0 --flags 0x100000000
refused "unknown option '--dmop'" "" "$xen_ecam" assign 1 05:00.0 00:03.0 --dmop
refused "unknown option '--root-port'" "" \
        "$xen_ecam" deassign 1 00:03.0 --root-port 1c.0
refused "unknown option '--hidden'" "" "$xen_ecam" deassign 1 00:03.0 --hidden
refused "unknown option '--flags'" "" "$xen_ecam" deassign 1 00:03.0 --flags 1
refused "unknown option '-s'" "" "$xen_ecam" assign 1 05:00.0 00:03.0 -s 0
# hotplug: an action, a port, and what the action needs.
hp="'hotplug' needs port, add, button, remove or surprise"
refused "$hp" "" "$xen_ecam" hotplug 1
refused "$hp" "" "$xen_ecam" hotplug 1 plug 00:1c.0
refused "'hotplug' needs a Root Port, [SSSS:]00:DD.F" "" \
        "$xen_ecam" hotplug 1 button
refused "'hotplug port' needs a secondary bus (1-255)" "" \
        "$xen_ecam" hotplug 1 port 00:1c.0 0
refused "'hotplug add' needs a host function, $bdf" "" \
        "$xen_ecam" hotplug 1 add 00:1c.0
refused "unknown option '--permissive'" "" \
        "$xen_ecam" hotplug 1 remove 00:1c.0 --permissive
refused "unknown option '--root-port'" "" \
        "$xen_ecam" hotplug 1 add 00:1c.0 05:00.0 --root-port 1c.0
# Not on Xen: the hypercall interface cannot be opened, status 1, by the
# HVMOPs (libxencall) or the DMOPs (libxecamdm) alike.
if [ ! -e /dev/xen/privcmd ]; then
    for c in "get 1" "get 1 --dmop" "remove 1 -s 2 --dmop" \
             "assign 1 0000:05:00.0 01:00.0 --permissive --hidden --no-rciep \
              --irq-control --root-port 1c.0" "deassign 1 1:0.7" \
             "hotplug 1 port 00:1c.0 2" "hotplug 1 add 0:1c.0 5:0.0 --iommu" \
             "hotplug 1 surprise 00:1c.0"; do
        # shellcheck disable=SC2086
        "$xen_ecam" $c > "$tmp/o" 2> "$tmp/e"
        rc=$?
        [ $rc = 1 ] && [ ! -s "$tmp/o" ] &&
            grep -q '^xen-ecam: cannot open the hypercall interface' \
                "$tmp/e" && ok || bad "xen-ecam $c without Xen: rc=$rc" \
                "$(cat "$tmp/e")"
    done
fi

# 5. The manual pages render, as man -l renders them, without a warning.
if command -v groff > /dev/null; then
    for m in man/ecamctl.1 man/kvmecam.1 man/xen-ecam.1; do
        groff -man -ww -z "$m" > "$tmp/w" 2>&1
        rc=$?
        [ $rc = 0 ] && [ ! -s "$tmp/w" ] && ok ||
            bad "$m: groff -man -ww: rc=$rc $(head -5 "$tmp/w")"
        if command -v man > /dev/null; then
            MANWIDTH=80 man --warnings -l "$m" 2>&1 > "$tmp/page" |
                grep -v '^man: can.t set the locale' > "$tmp/w"
            [ ! -s "$tmp/w" ] && grep -q '^EXIT STATUS' "$tmp/page" && ok ||
                bad "$m: man -l: $(head -5 "$tmp/w")"
        fi
    done
    # Each page names every option its program's usage has.
    for p in ecamctl kvmecam xen-ecam; do
        prog=${ecamctl%/*}/$p
        for o in $({ "$prog" --help; "$prog" --help |
                     sed -n 's/^  \([a-z]*\) .*/\1/p' |
                     while read -r c; do "$prog" help "$c"; done; } |
                   grep -o -- '--[a-z-]*' | sort -u); do
            grep -q -- "${o//-/\\\\-}" man/$p.1 && ok ||
                bad "man/$p.1 does not name $o"
        done
    done
else
    echo "cli: man pages: skipped (no groff)"
fi

# 6. make install: the three programs and their pages under DESTDIR.
submake() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s "$@"; }
submake install DESTDIR="$tmp/root" PREFIX=/opt/x BUILD="${ecamctl%/*}" \
    > "$tmp/o" 2>&1 || bad "make install: $(cat "$tmp/o")"
(cd "$tmp/root" && find . -type f | sort) > "$tmp/installed"
printf '%s\n' ./opt/x/bin/ecamctl ./opt/x/bin/kvmecam ./opt/x/bin/xen-ecam \
    ./opt/x/share/man/man1/ecamctl.1 ./opt/x/share/man/man1/kvmecam.1 \
    ./opt/x/share/man/man1/xen-ecam.1 > "$tmp/want"
if diff "$tmp/want" "$tmp/installed" > "$tmp/d" &&
   [ -x "$tmp/root/opt/x/bin/ecamctl" ] &&
   "$tmp/root/opt/x/bin/ecamctl" --version > /dev/null; then ok
else bad "make install: $(cat "$tmp/d")"; fi
submake uninstall DESTDIR="$tmp/root" PREFIX=/opt/x > /dev/null 2>&1
[ -z "$(find "$tmp/root" -type f)" ] && ok || bad "make uninstall left files"

finish cli
