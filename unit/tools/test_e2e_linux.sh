#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make e2e-linux: a real Linux 6.1 boots on kvmecam (tools/kvmecam/linux/)
# with the module serving its config space, CF8/CFC and ECAM, on the
# bundled Q35 guest (examples/q35), and what Linux saw is checked:
#
#  1. the boot completes, Linux uses MMCONFIG, and kvmecam's own --check
#     (Linux's report against the module's view before and after the boot)
#     passes;
#  2. Linux found exactly ecamctl view's functions, plus the two kvmecam
#     adds beside the config: the 945 host bridge at 00:00.0 (a guest has
#     one, ecamctl's configs cannot place it) and the device model's
#     function (ecamctl's DM answers all-ones for it until told its bytes);
#  3. every byte Linux read of ecamctl view's functions is ecamctl view's,
#     except the dwords Linux wrote itself (BAR sizing and assignment,
#     bridge windows, Device Control), found in the boot's trace;
#  4. ecamctl replay of that trace reads what Linux read, and afterwards
#     every function, the added two included, holds the bytes Linux dumped;
#  5. cfg_size 4096 for every PCI Express function; none of the hidden
#     capabilities of docs/capabilities.md in Linux's chains, though the
#     host functions have some; the chains and PCIe types (RCiEPs: 9) are
#     ecamctl view's; PCIEXBAR reads as kvmecam placed it;
#  6. negative runs, PCIEXBAR disabled or the window not e820-reserved:
#     Linux does not use MMCONFIG and gives every function 256 bytes;
#  7. hot-plug (the first boot runs with --hotplug: an empty Root Port
#     beside the config's, docs/hotplug.md): hotplug-add, once Linux has
#     booted kvmecam adds a function behind it and presses the attention
#     button, Linux's pciehp powers the slot on and enumerates it, its
#     chains and IDs are those of the function whose bytes it has, its dump
#     is the module's view; hotplug-remove, the button again, pciehp takes
#     it down and powers the slot off, xecam_hotplug_remove then succeeds
#     and the function is gone from Linux.  Linux's pciehp lines are
#     printed as they came.
#
# The kernel comes from tools/kvmecam/linux/guest/build-kernel.sh (cached in
# $BUILD/linux), or $VMLINUX.  Exits 77 ("skipped: ...") without /dev/kvm
# or when the kernel cannot be built here.
. "$(dirname "$0")/lib.sh"
kvmecam=${KVMECAM:-build/kvmecam}
build=${BUILD:-build}
q=examples/q35
cfg=$q/q35.cfg
hosts=$q/hosts.lspci
timeout=${E2E_TIMEOUT:-300}

skip() { echo "e2e-linux: skipped: $*"; exit 77; }

kernel()
{
    local rc log=$tmp/kbuild

    VMLINUX=$(tools/kvmecam/linux/guest/build-kernel.sh "$build" 2> "$log")
    rc=$?
    [ $rc = 77 ] &&
        skip "kernel: $(sed -n 's/^build-kernel: skipped: //p' "$log")"
    if [ $rc != 0 ]; then
        cat "$log"
        bad "the kernel build failed"
        finish e2e-linux
        exit 1
    fi
    echo "kernel: $VMLINUX ($(grep -q 'up to date' "$log" && echo cached ||
        sed -n 's/^build-kernel: \(built in .*\)/\1/p' "$log"))"
}

[ -c /dev/kvm ] || skip "no /dev/kvm"
[ -n "${VMLINUX:-}" ] || kernel

# ---- helpers (mawk: no regex intervals, no strtonum) ----

# Functions as "BB:DD.F HEX" lines, from lspci -xxxx style dumps (ecamctl
# view, host dumps) or the guest's console (the xecam-dump blocks).
flat()
{
    awk '
    function out() { if (cur != "") print cur, hex; cur = "" }
    { sub(/\r$/, "") }
    /^xecam-dump: [0-9a-f][0-9a-f][0-9a-f][0-9a-f]:/ {
        out(); cur = substr($2, 6); hex = ""; next
    }
    /^xecam-dump: / { out(); next }
    /^[0-9a-f][0-9a-f][0-9a-f]?: / {
        if (cur != "")
            for (i = 2; i <= 17; i++)
                hex = hex $i
        next
    }
    /^[0-9a-f][0-9a-f][0-9a-f][0-9a-f]:[0-9a-f][0-9a-f]:[0-9a-f][0-9a-f]\./ {
        out(); cur = substr($1, 6, 7); hex = ""; next
    }
    /^[0-9a-f][0-9a-f]:[0-9a-f][0-9a-f]\.[0-7]/ {
        out(); cur = substr($1, 1, 7); hex = ""; next
    }
    END { out() }' "$1"
}

# Capability chains of flat functions, as the initcall walks them:
#   BB:DD.F std ID@OFF... | ext ID@OFF... | pcie TYPE    (-1: not PCIe)
chains()
{
    awk '
    function b(o,   hi, lo) {
        hi = index("0123456789abcdef", substr(h, 2 * o + 1, 1)) - 1
        lo = index("0123456789abcdef", substr(h, 2 * o + 2, 1)) - 1
        return 16 * hi + lo
    }
    function dw(o) {
        return b(o) + 256 * (b(o + 1) + 256 * (b(o + 2) + 256 * b(o + 3)))
    }
    {
        h = $2; s = ""; e = ""; t = -1; ttl = 48
        pos = int(b(6) / 16) % 2 ? b(52) : 0
        while (pos >= 64 && ttl-- > 0) {
            pos -= pos % 4
            if (b(pos) == 255)
                break
            s = s sprintf(" %02x@%02x", b(pos), pos)
            if (b(pos) == 16 && t < 0)
                t = int(b(pos + 2) / 16)
            pos = b(pos + 1)
        }
        pos = 256; ttl = 480
        while (length(h) > 512 && pos >= 256 && ttl-- > 0) {
            v = dw(pos)
            if (v == 0 || v == 4294967295)
                break
            e = e sprintf(" %04x@%03x", v % 65536, pos)
            pos = int(v / 1048576) % 4096
            pos -= pos % 4
        }
        print $1, "std" s, "| ext" e, "| pcie", t
    }' "$1"
}

# Dwords the guest wrote, "BB:DD.F OFF" (hex), from a trace: ECAM
# addresses of the window at base $1, CFC through the CF8 latch.
written()
{
    awk -v base="$1" '
    function hex(s,   i, v) {
        s = tolower(s); sub(/^0x/, "", s); v = 0
        for (i = 1; i <= length(s); i++)
            v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
        return v
    }
    function mark(bus, devfn, reg) {
        printf "%02x:%02x.%d %03x\n", bus, int(devfn / 8), devfn % 8,
               reg - reg % 4
    }
    BEGIN { b = hex(base) }
    $1 != "write" { next }
    $2 == "pio" && $3 == "0xcf8" && $4 == 4 { cf8 = hex($5); next }
    $2 == "pio" && cf8 >= 2147483648 {
        p = hex($3) - 3324
        if (p >= 0 && p < 4)
            mark(int(cf8 / 65536) % 256, int(cf8 / 256) % 256,
                 cf8 % 256 - cf8 % 4 + p)
        next
    }
    $2 == "ecam" {
        o = hex($3) - b
        if (o >= 0 && o < 268435456)
            mark(int(o / 1048576), int(o / 4096) % 256, o % 4096)
    }' "$2" | sort -u
}

# Linux 6.1 with acpi=off: the 945 probe found the window, e820 reserves it.
mmconfig()
{
    grep -q 'PCI: MMCONFIG at .* reserved in E820' "$1" &&
        ! grep -q 'PCI: not using MMCONFIG' "$1"
}

# One boot, said before it starts (it takes some 30 s) and timed.
boots=3
booted=0
run()   # name, kvmecam options...
{
    local name=$1 rc t0=$EPOCHREALTIME

    shift
    booted=$((booted + 1))
    echo "e2e-linux: boot $booted of $boots: $name${*:+ (${*//$tmp\//})} ..."
    "$kvmecam" linux --kernel "$VMLINUX" --host $hosts --timeout "$timeout" \
        --dump "$tmp/$name.console" --check "$@" $cfg \
        > "$tmp/$name.out" 2> "$tmp/$name.err"
    rc=$?
    echo "e2e-linux: boot $booted of $boots: $name: status $rc in" \
         "$(awk -v a="$t0" -v b="$EPOCHREALTIME" \
                'BEGIN { printf "%.1f", b - a }') s"
    return $rc
}

# ---- 1. the boot ----
run boot --trace "$tmp/boot.trace" --hotplug
rc=$?
[ $rc = 77 ] && skip "$(sed -n 's/^kvmecam: skipped: //p' "$tmp/boot.out")"
grep -v '^guest|' "$tmp/boot.out" | sed -n '/^kvmecam linux/,/^functions in/p'
grep -E '^guest\| (PCI|pci 0000:00:00.0: \[)' "$tmp/boot.out" | head -8
grep -v '^guest|' "$tmp/boot.out" | sed -n '/^boot:/,$p'
if [ $rc = 0 ] &&
   grep -q '^check: [0-9]* functions, 0 mismatches' "$tmp/boot.out"; then ok
else bad "kvmecam linux: status $rc: $(grep '^check:' "$tmp/boot.out")" \
         "$(tail -5 "$tmp/boot.err")"; fi
mmconfig "$tmp/boot.out" && ok || bad "Linux did not use MMCONFIG"

base=$(sed -n 's/^ECAM window: .* at \(0x[0-9a-f]*\).*/\1/p' "$tmp/boot.out")
"$ecamctl" view --host $hosts $cfg > "$tmp/view" 2> /dev/null
flat "$tmp/view" | sort > "$tmp/view.flat"
flat "$tmp/boot.console" | sort > "$tmp/guest.flat"
written "$base" "$tmp/boot.trace" > "$tmp/written"

# ---- 2. the functions ----
dm_fns=$(sed -n 's/^device model: \([0-9a-f:.]*\) .*/\1/p' "$tmp/boot.out")
hp_port=$(sed -n 's/^hotplug port: \([0-9a-f:.]*\),.*/\1/p' "$tmp/boot.out")
{ cut -d' ' -f1 "$tmp/view.flat"; echo 00:00.0; printf '%s\n' $dm_fns;
  printf '%s\n' $hp_port; } | sort > "$tmp/want.fns"
cut -d' ' -f1 "$tmp/guest.flat" > "$tmp/guest.fns"
if [ "$(wc -l < "$tmp/view.flat")" -ge 5 ] &&
   diff "$tmp/want.fns" "$tmp/guest.fns" > "$tmp/d"; then ok
else bad "functions: ecamctl view + 00:00.0 + DM + hot-plug port against Linux:" \
         "$(cat "$tmp/d")"; fi

# ---- 3. byte for byte against ecamctl view ----
join "$tmp/view.flat" "$tmp/guest.flat" | awk -v wfile="$tmp/written" '
    BEGIN {
        while ((getline l < wfile) > 0) {
            split(l, a, " ")
            w[a[1] " " a[2]] = 1
        }
    }
    {
        for (i = 0; i < length($3) / 8; i++) {
            v = substr($2, 8 * i + 1, 8)
            g = substr($3, 8 * i + 1, 8)
            if (v == g) {
                same++
                continue
            }
            if (!(($1 " " sprintf("%03x", 4 * i)) in w)) {
                if (++bad <= 5)
                    printf "FAIL: %s dword %03x: view %s, Linux %s " \
                           "(never written)\n", $1, 4 * i, v, g
                continue
            }
            wrote++
            if ($1 != last)
                changed = changed (last == "" ? "" : ";") " " $1 ":"
            changed = changed sprintf(" %03x", 4 * i)
            last = $1
        }
    }
    END {
        printf "ecamctl view against Linux: %d dwords equal, %d differ " \
               "where Linux wrote, %d differ elsewhere\n", same, wrote, bad
        printf "  differ where Linux wrote:%s\n", changed
        exit (bad > 0 || same < 1000)
    }' > "$tmp/cmp"
rc=$?
cat "$tmp/cmp"
[ $rc = 0 ] && ok || bad "bytes differ from ecamctl view"

# ---- 4. ecamctl replay of the boot ----
"$ecamctl" replay --host $hosts $cfg "$tmp/boot.trace" > "$tmp/replay" \
    2> /dev/null || bad "ecamctl replay of the boot failed"
if replay_agrees "$tmp/boot.trace" "$tmp/replay"
then ok
else bad "Linux and ecamctl replay differ ($replay_reads reads): $(head -5 "$tmp/d")"; fi

# After the boot's accesses, every function holds what Linux dumped.
sed 's/^host boot.trace.lspci$/host final.trace.lspci/' "$tmp/boot.trace" \
    > "$tmp/final.trace"
cp "$tmp/boot.trace.lspci" "$tmp/final.trace.lspci"
first=$(($(wc -l < "$tmp/final.trace") + 1))
awk '{ for (o = 0; o < length($2) / 2; o += 4)
           printf "read cfg %s 0x%x 4\n", $1, o }' "$tmp/guest.flat" \
    >> "$tmp/final.trace"
"$ecamctl" replay --host $hosts $cfg "$tmp/final.trace" 2> /dev/null |
    awk -v first="$first" '
    $1 ~ /^L/ && substr($1, 2) + 0 >= first && $2 == "read" {
        v = $7
        printf "%s%s%s%s", substr(v, 9, 2), substr(v, 7, 2),
               substr(v, 5, 2), substr(v, 3, 2)
    }' > "$tmp/final.hex"
cut -d' ' -f2 "$tmp/guest.flat" | tr -d '\n' > "$tmp/guest.hex"
if [ -s "$tmp/final.hex" ] && cmp -s "$tmp/final.hex" "$tmp/guest.hex"; then
    ok
    echo "ecamctl replay: $replay_reads reads as Linux read them; the final state of" \
         "$(wc -l < "$tmp/guest.flat") functions is Linux's dump"
else bad "the state after ecamctl replay of the boot is not Linux's dump"; fi

# ---- 5. sizes, capabilities, types, PCIEXBAR ----
chains "$tmp/view.flat" > "$tmp/view.chains"
chains "$tmp/guest.flat" > "$tmp/guest.chains"
tr -d '\r' < "$tmp/boot.console" |
    sed -n 's/^xecam-dump: [0-9a-f]*:\([0-9a-f:.]*\) cfg_size /\1 /p' |
    sort > "$tmp/sizes"
awk -v sfile="$tmp/sizes" '
    BEGIN {
        while ((getline l < sfile) > 0) {
            split(l, a, " ")
            s[a[1]] = a[2]
        }
    }
    $NF >= 0 {
        n++
        if (s[$1] != 4096) {
            bad++
            print "FAIL: " $1 " is PCIe, cfg_size " s[$1]
        }
    }
    END {
        printf "cfg_size 4096: %d of %d PCI Express functions\n", n - bad, n
        exit (bad > 0 || n < 5)
    }' "$tmp/view.chains" && ok || bad "PCIe functions without 4096 bytes"

# Linux's chains (over its cfg_size bytes) are ecamctl view's.
chain_bad=0
while read -r bdf rest; do
    g=$(grep "^$bdf " "$tmp/guest.chains" | cut -d' ' -f2-)
    if [ "$(grep "^$bdf " "$tmp/sizes" | cut -d' ' -f2)" = 256 ]; then
        rest=$(echo "$rest" | sed 's/| ext[^|]*|/| ext |/')
    fi
    [ "$g" = "$rest" ] ||
        { chain_bad=1; echo "FAIL: $bdf chains: view '$rest', Linux '$g'"; }
done < "$tmp/view.chains"
[ $chain_bad = 0 ] && ok || bad "capability chains differ from ecamctl view"

# No hidden capability, by docs/capabilities.md's table, though hosts have.
hidden=$(awk -F'|' '/\| hidden \|/ { split($2, a, " "); print a[1] ":" a[2] }' \
         docs/capabilities.md)
found_hidden()   # chains file: "BDF kind:ID" for each hidden capability
{
    awk -v hidden="$hidden" '
    BEGIN {
        n = split(hidden, h, "\n")
        for (i = 1; i <= n; i++) {
            sub(/:0x/, ":", h[i])
            H[h[i]] = 1
        }
    }
    {
        kind = "std"
        for (i = 2; i <= NF; i++) {
            if ($i == "std" || $i == "ext")
                kind = $i
            split($i, c, "@")
            if (c[2] != "" && (kind ":" c[1]) in H)
                print $1, kind ":" c[1]
        }
    }' "$1"
}
flat "$hosts" > "$tmp/hosts.flat"
chains "$tmp/hosts.flat" > "$tmp/hosts.chains"
found_hidden "$tmp/hosts.chains" > "$tmp/hidden.hosts"
found_hidden "$tmp/guest.chains" > "$tmp/hidden.guest"
grep 'xecam-dump: linux ' "$tmp/boot.console" |
    grep -v 'sriov 0 acs 0 l1ss 0 physfn 0' > "$tmp/hidden.linux"
if [ -s "$tmp/hidden.hosts" ] && [ ! -s "$tmp/hidden.guest" ] &&
   [ ! -s "$tmp/hidden.linux" ]; then
    ok
    echo "hidden capabilities: the hosts have" \
         "$(awk '{ printf "%s%s %s", s, $1, $2; s = ", " }' \
              "$tmp/hidden.hosts");" \
         "Linux found none (its SR-IOV, ACS and L1SS lookups: 0)"
else bad "hidden capabilities seen by Linux:" \
         "$(cat "$tmp/hidden.guest" "$tmp/hidden.linux")"; fi

# PCIe types (RCiEPs: 9 on bus 0) as ecamctl view has them.
tr -d '\r' < "$tmp/boot.console" |
    awk '/^xecam-dump: [0-9a-f]+:/ { bdf = substr($2, 6) }
         /^xecam-dump: linux / { print bdf, $6 }' | sort > "$tmp/types"
join "$tmp/types" <(cut -d' ' -f1 "$tmp/view.flat") | awk '$2 >= 0' \
    > "$tmp/got.types"
awk '$NF >= 0 { print $1, $NF }' "$tmp/view.chains" > "$tmp/want.types"
rciep=$(awk '$1 ~ /^00:/ && $2 == 9 { printf " %s", $1 }' "$tmp/got.types")
if [ -n "$rciep" ] && diff "$tmp/want.types" "$tmp/got.types" > "$tmp/d"
then
    ok
    echo "PCIe types as ecamctl view has them:" \
         "$(awk '{ printf "%s%s %s", s, $1, $2; s = ", " }' \
              "$tmp/got.types");" \
         "RCiEPs (type 9):$rciep"
else bad "PCIe types differ from ecamctl view: $(cat "$tmp/d")"; fi

pciexbar=$(sed -n 's/.*PCIEXBAR \(0x[0-9a-f]*\).*/\1/p' "$tmp/boot.out")
bar=$(grep '^00:00.0 ' "$tmp/guest.flat" | cut -d' ' -f2 | cut -c145-152 |
      sed 's/\(..\)\(..\)\(..\)\(..\)/0x\4\3\2\1/')
[ -n "$bar" ] && [ "$bar" = "$pciexbar" ] && ok ||
    bad "PCIEXBAR: Linux read $bar, kvmecam placed $pciexbar"

# ---- 6. negative runs: no MMCONFIG, 256 bytes everywhere ----
negative()   # name, option, what
{
    local rc sizes why

    run "$1" "$2"
    rc=$?
    sizes=$(tr -d '\r' < "$tmp/$1.console" |
            sed -n 's/^xecam-dump: .* cfg_size \([0-9]*\)$/\1/p' | sort -u |
            tr '\n' ' ')
    why=$(grep -o 'not using MMCONFIG' "$tmp/$1.out" || echo 'no window found')
    if [ $rc = 0 ] && [ "$sizes" = "256 " ] && ! mmconfig "$tmp/$1.out" &&
       grep -q '^check: [0-9]* functions, 0 mismatches' "$tmp/$1.out"; then
        ok
        echo "$3 ($2): Linux did not use MMCONFIG ($why), every function" \
             "cfg_size 256, boot" \
             "$(sed -n 's/^boot: .* after //p' "$tmp/$1.out")"
    else bad "$3: status $rc, cfg sizes '$sizes':" \
             "$(grep '^check:' "$tmp/$1.out")"; fi
}
negative nobar --no-pciexbar "PCIEXBAR disabled"
negative noreserve --no-reserve "window not e820-reserved"

# ---- 7. hot-plug, on the first boot ----
# "hotplug port: 00:1c.0, ... secondary bus 06; kept aside for 06:00.0: host
# ... (the bytes of host ..., guest 01:00.0)"
hp_line=$(grep '^hotplug port: ' "$tmp/boot.out")
hp_fn=$(echo "$hp_line" | sed -n 's/.* kept aside for \([0-9a-f:.]*\):.*/\1/p')
hp_model=$(echo "$hp_line" | sed -n 's/.*, guest \([0-9a-f:.]*\))$/\1/p')
hp_slot=$(echo "$hp_line" | sed -n 's/.*(slot \([0-9]*\)).*/\1/p')
tr -d '\r' < "$tmp/boot.console" > "$tmp/hp.console"
# Linux's pciehp lines about the slot, as they came.
grep -E "pciehp.*Slot\(?${hp_slot:-none}\)?" "$tmp/hp.console" \
    > "$tmp/pciehp" 2> /dev/null
echo "hot-plug: ${hp_line:-no hot-plug port}"
grep '^hotplug: ' "$tmp/boot.out"
echo "Linux's pciehp lines for slot ${hp_slot:-?}:"
sed 's/^/  /' "$tmp/pciehp"
# Lines of the watch: up to the function's "added", and after it.
sed -n '/^xecam-hp: watching$/,/^xecam-hp: added /p' "$tmp/hp.console" \
    > "$tmp/hp.add"
sed -n '/^xecam-hp: added /,$p' "$tmp/hp.console" > "$tmp/hp.remove"
# The added function's dump, in the boot dump's format, and its chains.
sed -n 's/^xecam-hp: \([0-9a-f][0-9a-f]*:\)/\1/p' "$tmp/hp.console" |
    sed 's/^\([0-9a-f]*:[0-9a-f]*:[0-9a-f]*\.[0-7] cfg_size\)/xecam-dump: \1/' \
    > "$tmp/hp.dump"
flat "$tmp/hp.dump" > "$tmp/hp.flat"
chains "$tmp/hp.flat" | cut -d' ' -f2- > "$tmp/hp.chains"
grep "^${hp_model:-none} " "$tmp/view.chains" | cut -d' ' -f2- \
    > "$tmp/model.chains"
hp_ids=$(cut -d' ' -f2 "$tmp/hp.flat" | cut -c1-8)
model_ids=$(grep "^${hp_model:-none} " "$tmp/view.flat" | cut -d' ' -f2 |
            cut -c1-8)
step()   # file, pattern...: each pattern on a later line than the last
{
    awk -v pats="$(printf '%s\n' "${@:2}")" '
    BEGIN { n = split(pats, p, "\n"); i = 1 }
    i <= n && index($0, p[i]) { i++ }
    END { exit i <= n }' "$1"
}
slot="Slot(${hp_slot:-?})"
if [ -n "$hp_fn" ] &&
   grep -q "^hotplug: add $hp_fn behind $hp_port: 0, attention button: 0$" \
       "$tmp/boot.out" &&
   grep -q "^hotplug: Linux added $hp_fn .* its dump is the module's view: \([0-9]*\) of \1 dwords$" \
       "$tmp/boot.out" &&
   grep -q "^hotplug: the port's MSIs: [1-9][0-9]* signalled" "$tmp/boot.out" &&
   step "$tmp/hp.add" "$slot: Attention button pressed" \
       "$slot Powering on due to button press" "$slot: Card present" \
       "xecam-hp: 0000:$hp_fn cfg_size 4096" "xecam-hp: added 0000:$hp_fn" &&
   [ -s "$tmp/model.chains" ] && cmp -s "$tmp/hp.chains" "$tmp/model.chains" &&
   [ -n "$hp_ids" ] && [ "$hp_ids" = "$model_ids" ]; then
    ok
    echo "hotplug-add: ok: Linux enumerated $hp_fn behind $hp_port, IDs" \
         "$hp_ids and chains '$(cat "$tmp/hp.chains")' as $hp_model's"
else
    bad "hotplug-add: $hp_fn behind ${hp_port:-?}: chains" \
        "'$(cat "$tmp/hp.chains" 2> /dev/null)', $hp_model's" \
        "'$(cat "$tmp/model.chains" 2> /dev/null)'; the watch:" \
        "$(grep -v '^xecam-hp: [0-9a-f]*: ' "$tmp/hp.add" | tail -8)"
fi
if [ -n "$hp_fn" ] &&
   grep -q "^hotplug: attention button: 0; remove: 0 after .* $hp_fn then reads ffffffff$" \
       "$tmp/boot.out" &&
   grep -q "^hotplug: Linux removed $hp_fn " "$tmp/boot.out" &&
   step "$tmp/hp.remove" "xecam-hp: added 0000:$hp_fn" \
       "$slot: Attention button pressed" \
       "$slot: Powering off due to button press" \
       "xecam-hp: removed 0000:$hp_fn" "xecam-hp: watch end"; then
    ok
    echo "hotplug-remove: ok: Linux let $hp_fn go, the slot powered off," \
         "xecam_hotplug_remove took it"
else
    bad "hotplug-remove: $hp_fn behind ${hp_port:-?}:" \
        "$(grep '^hotplug: ' "$tmp/boot.out" | tail -4)" \
        "$(tail -8 "$tmp/hp.remove" 2> /dev/null)"
fi

finish e2e-linux
