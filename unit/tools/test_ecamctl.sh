#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# ecamctl end to end: the bundled example against its expected output, and
# the contract for malformed input (file:line:column, exit status 2).
. "$(dirname "$0")/lib.sh"

# 1. The example, text and JSON.
if "$ecamctl" replay examples/q35-basic/q35-basic.trace > "$tmp/out" &&
   diff -u examples/q35-basic/q35-basic.expected "$tmp/out"; then ok
else bad "example output differs"; fi
if "$ecamctl" replay - < examples/q35-basic/q35-basic.trace > "$tmp/stdin" 2>&1
then bad "stdin trace with relative host path should fail"
else ok; fi
if "$ecamctl" replay --json examples/q35-basic/q35-basic.trace > "$tmp/json" &&
   [ "$(grep -c '"route":"ioreq"' "$tmp/json")" = 4 ] &&
   [ "$(grep -c '"host_writes":0' "$tmp/json")" = 16 ] &&
   [ "$(grep -c '"route":"vpci refused"' "$tmp/json")" = 1 ] &&
   [ "$(grep -c '"host_writes":1' "$tmp/json")" = 1 ]; then ok
else bad "json output"; fi

# The Q35 example: view, view --diff and replay against their expected
# outputs.
q=examples/q35
if "$ecamctl" view --host $q/hosts.lspci $q/q35.cfg 2>/dev/null |
       diff -u $q/q35.view.expected - > "$tmp/d1" &&
   "$ecamctl" view --diff --host $q/hosts.lspci $q/q35.cfg 2>/dev/null |
       diff -u $q/q35.diff.expected - > "$tmp/d3" &&
   "$ecamctl" replay --host $q/hosts.lspci $q/q35.cfg $q/q35.trace 2>/dev/null |
       diff -u $q/q35.replay.expected - > "$tmp/d2"; then ok
else bad "q35 golden outputs differ: $(head -20 "$tmp/d1" "$tmp/d3" "$tmp/d2")"; fi

# view --diff says why, in the module's words: a hidden capability with
# its policy's reason (as docs/capabilities.md has it), an emulated
# register with its capability's, a header register with its own, the
# RCiEP view's link registers and the next pointers with theirs.
policy_why() {   # "ext 0x0010"
    grep -F "| $1 |" docs/capabilities.md | awk -F ' [|] ' '{ print $4 }' |
        sed 's/ |$//'
}
"$ecamctl" view --diff --host $q/hosts.lspci $q/q35.cfg > "$tmp/qd" 2>/dev/null
sriov=$(policy_why "ext 0x0010")
msi=$(policy_why "std 0x05")
if [ -n "$sriov" ] && [ -n "$msi" ] &&
   grep -qF "0x160 4    0x00010010 0x00000000 SR-IOV: hidden: $sriov" "$tmp/qd" &&
   grep -qF "0x05c 4    0xfee00000 0x00000000 MSI Message Address: emulated: $msi" "$tmp/qd" &&
   grep -qF "0x030 4    0xfb000000 0x00000000 Expansion ROM BAR: emulated: the guest address is virtual" "$tmp/qd" &&
   grep -qF "PCI Express Link Status: emulated: an RCiEP has no link: reads 0" "$tmp/qd" &&
   grep -qF "0x150 4    0x1601000e 0x0001000e ARI Extended Capability Header: read-only: the next pointer skips" "$tmp/qd" &&
   grep -qF "0x100 4    0x1101000d 0x11000000 ACS Null Extended Capability: hidden: 0x100 always holds a header" "$tmp/qd"
then ok
else bad "view --diff reasons: $(grep -c : "$tmp/qd") lines, sriov='$sriov' msi='$msi'"; fi

# 2. Malformed lines: the exact position, exit 2, nothing after them runs.
expect_error() {   # trace-text  "line:col: reason" in the trace
    printf '%s\n' "$1" > "$tmp/t.trace"
    "$ecamctl" replay "$tmp/t.trace" > "$tmp/o" 2> "$tmp/e"
    rc=$?
    if [ $rc = 2 ] && grep -qF "$2" "$tmp/e"; then ok
    else bad "'$1': rc=$rc stderr=$(cat "$tmp/e")"; fi
}
expect_error 'bogus 1 2'                          "$tmp/t.trace:1:1: unknown directive"
expect_error $'window 0 0-255 0xe0000000\nread ecam 0xe0000000' \
             "$tmp/t.trace:2:1: wrong number"
expect_error 'window 0 0-300 0xe0000000'          "$tmp/t.trace:1:10: expected a bus range"
expect_error 'window 0x10000 0-1 0xe0000000'      "$tmp/t.trace:1:8: expected a segment"
expect_error 'read cfg 00:1f.8 0 4'               "$tmp/t.trace:1:10: expected a PCI address"
expect_error 'read cfg 00:20.0 0 4'               "$tmp/t.trace:1:10: expected a PCI address"
expect_error 'read cfg 00:01.0 0 4'               "$tmp/t.trace:1:10: no ECAM window"
expect_error 'read nope 0 4'                      "$tmp/t.trace:1:6: expected ecam, pio or cfg"
expect_error 'read ecam 0xe0000000 9'             "$tmp/t.trace:1:22: expected a size 1-8"
expect_error 'vpci 00:01.0 00:02.0'               "$tmp/t.trace:1:14: no such host device"
expect_error 'emulate 3 00:01.0 00:02.0'          "$tmp/t.trace:1:19: no such host device"
expect_error $'window 0 0-0 0\ndomain cf8-ext'    "$tmp/t.trace:2:1: 'domain' must come"
expect_error 'domain turbo'                       "$tmp/t.trace:1:8: unknown domain option"
expect_error 'host /nonexistent/dump' \
             "$tmp/t.trace:1:6: /nonexistent/dump: No such file or directory"
: > "$tmp/empty.lspci"
expect_error "host $tmp/empty.lspci" \
             "$tmp/t.trace:1:6: $tmp/empty.lspci: empty file"
expect_error "host $tmp" "$tmp/t.trace:1:6: $tmp: Is a directory"
printf '00:01.0 x\n00: 00 11\n' > "$tmp/short.lspci"
expect_error "host $tmp/short.lspci" \
    "$tmp/t.trace:1:6: $tmp/short.lspci:2:10: expected 16 two-digit hex bytes"
printf '00:01.0 x\n\tRegion 0: Memory at 0 [size=99999999999999999999K]\n' \
    > "$tmp/size.lspci"
expect_error "host $tmp/size.lspci" \
    "$tmp/t.trace:1:6: $tmp/size.lspci:2:30: size out of range (64 bits)"
printf '00:01.0 x\n\tRegion 0: Memory at 0 [size=16777216T]\n' > "$tmp/size.lspci"
expect_error "host $tmp/size.lspci" \
    "$tmp/t.trace:1:6: $tmp/size.lspci:2:30: size out of range (64 bits)"
printf '00:01.0 x\n\tRegion 0: Memory at 0 [size=4Q]\n' > "$tmp/size.lspci"
expect_error "host $tmp/size.lspci" \
    "$tmp/t.trace:1:6: $tmp/size.lspci:2:30: expected a size"
printf '00:01.0 x\0\n' > "$tmp/nul.lspci"
expect_error "host $tmp/nul.lspci" \
    "$tmp/t.trace:1:6: $tmp/nul.lspci:1:10: a NUL byte"

# Lines of any length are one line each; a NUL byte or a word too many is
# refused where it is.
expect_error "#$(printf '%03000d' 0)"$'\nbogus' "$tmp/t.trace:2:1: unknown directive"
expect_error "window $(printf '%2000s' '')0 0-300 0xe0000000" \
             "$tmp/t.trace:1:2010: expected a bus range"
printf 'read ecam 0xe0000000 4\0junk\n' > "$tmp/nul.trace"
"$ecamctl" replay "$tmp/nul.trace" > /dev/null 2> "$tmp/e"
[ $? = 2 ] && grep -qF "$tmp/nul.trace:1:23: a NUL byte" "$tmp/e" && ok ||
    bad "a NUL byte in a trace: $(cat "$tmp/e")"
expect_error 'write ecam 0xe0000000 4 1 2 3 4 5'  "$tmp/t.trace:1:33: too many arguments"
# The guest's RAM in a trace: a window over it is refused, one beside it
# is not.
printf 'ram 0xe0000000 0x1000\nwindow 0 0-255 0xe0000000\nwindow 0 0-255 0xd0000000\n' \
    > "$tmp/ram.trace"
if "$ecamctl" replay "$tmp/ram.trace" 2> "$tmp/e" |
   awk '{ print $1, $2, $3, $4 }' | tr -s ' ' |
   cmp -s - <(printf 'L1 ram ok \nL2 window File exists\nL3 window ok \n'); then ok
else bad "ram in a trace: $(cat "$tmp/e")"; fi
expect_error 'ram 0 0'                            "$tmp/t.trace:1:7: expected a size"
expect_error 'ram 0xffffffffffffffff 2'           "$tmp/t.trace:1:24: expected a size"
expect_error 'read ecam 0x1ffffffffffffffff 4'    "$tmp/t.trace:1:11: expected a number"
expect_error 'read ecam 0xe0000000 4x'            "$tmp/t.trace:1:22: expected a number"

h4k="host $PWD/unit/data/pcie-4k.lspci"
for bad_cap in cap=std:0x100:ro cap=ext:0x10000:hide cap=std:5:off cap=pci:5:ro \
               cap=std:5 cap=std:x:ro; do
    expect_error "$h4k"$'\nvpci 00:01.0 03:00.0 '"$bad_cap" \
                 "$tmp/t.trace:2:22: unknown option"
done
expect_error "$h4k"$'\nhotplug add 00:1c.0 03:00.0 cap=std:5:ro' \
             "$tmp/t.trace:2:29: a hot-plugged function takes no cap= override"
expect_error 'fail alloc 0'                      "$tmp/t.trace:1:12: expected N"
expect_error 'fail disk 1'                       "$tmp/t.trace:1:6: expected a fault kind"
expect_error 'xsm refuse window root'            "$tmp/t.trace:1:19: expected an XSM hook"
expect_error 'timeout 0'                         "$tmp/t.trace:1:9: expected 1-60000 ms"
expect_error 'misbehave 1 silent'                "$tmp/t.trace:1:11: no such server"
expect_error $'server 1\nmisbehave 1 late'       "$tmp/t.trace:2:13: this mode needs a value"
expect_error $'server 1\nmisbehave 1 loud'       "$tmp/t.trace:2:13: expected well, silent"
expect_error $'server 1\nmisbehave 1 silent 0'   "$tmp/t.trace:2:20: expected how many"
expect_error 'window 0 remove as nobody'         "$tmp/t.trace:1:20: expected a domain ID"
expect_error 'window 0 remove by 7'              "$tmp/t.trace:1:17: expected 'as toolstack'"
expect_error 'deassign 00:20.0'                  "$tmp/t.trace:1:10: expected a PCI address"
expect_error 'rootport 00:1c.0 256'              "$tmp/t.trace:1:18: expected a secondary bus"
expect_error "host $PWD/unit/data/pcie-4k.lspci"$'\nvpci 00:01.0 03:00.0 turbo' \
             "$tmp/t.trace:2:22: unknown option"

# A root port with a PCIe endpoint behind it, and the same endpoint as an
# RCiEP on bus 0.
printf 'host %s\nwindow 0 0-255 0xe0000000\nrootport 00:1c.0 1\nvpci 01:00.0 03:00.0\nvpci 00:05.0 03:00.0 norciep\nread cfg 00:1c.0 0x08 4\n' \
    "$PWD/unit/data/pcie-4k.lspci" > "$tmp/rp.trace"
if "$ecamctl" replay "$tmp/rp.trace" > "$tmp/o" 2>&1 &&
   grep -q '^L3 .*rootport .*ok' "$tmp/o" && grep -q '^L4 .*vpci .*ok' "$tmp/o" &&
   grep -q '^L5 .*vpci .*Device or resource busy' "$tmp/o" &&
   grep -q '= *0x06040000' "$tmp/o"; then ok
else bad "root port trace: $(cat "$tmp/o")"; fi

# Hot-plug directives: malformed ones are errors at their place; what the
# module refuses is an outcome (below).
expect_error 'hotplug'                            "$tmp/t.trace:1:1: wrong number"
expect_error 'hotplug frob 00:1c.0'               "$tmp/t.trace:1:9: expected add, button or remove"
expect_error 'hotplug add 00:1c.0'                "$tmp/t.trace:1:1: wrong number"
expect_error 'hotplug add 00:1c.9 03:00.0'        "$tmp/t.trace:1:13: expected a PCI address"
expect_error 'hotplug add 00:1c.0 09:00.0'        "$tmp/t.trace:1:21: no such host device"
expect_error "host $PWD/unit/data/pcie-4k.lspci"$'\nhotplug add 00:1c.0 03:00.0 hidden turbo' \
             "$tmp/t.trace:2:36: unknown option"
expect_error 'hotplug remove 00:1c.0 now'         "$tmp/t.trace:1:24: unknown option (surprise)"
expect_error 'hotplug remove 00:1c.0 surprise x'  "$tmp/t.trace:1:33: wrong number"
expect_error 'hotplug button 00:1c.0 x'           "$tmp/t.trace:1:24: wrong number"

# The PCI Express hot-plug model from the toolstack's side, against expected
# outputs compared exactly: the example (empty ports from an xl config, a
# pciehp-like add, power-on, button, power-off and removal, each port MSI
# said where it was sent), and the hostile traces of unit/tools/hotplug:
# refusals (-EBUSY, -EAGAIN, -ENOENT, -ENODEV), read-only and RW1C bits,
# edge against level, a surprise removal of a function in use.
e=examples/q35-hotplug
if "$ecamctl" replay --host $e/hosts.lspci $e/hotplug.cfg $e/hotplug.trace \
       2>/dev/null | diff -u $e/hotplug.replay.expected - > "$tmp/d1" &&
   "$ecamctl" view --host $e/hosts.lspci $e/hotplug.cfg 2>/dev/null |
       diff -u $e/hotplug.view.expected - > "$tmp/d2"; then ok
else bad "q35-hotplug golden outputs differ: $(head -20 "$tmp/d1" "$tmp/d2")"; fi
for t in refusals registers edge surprise; do
    h=unit/tools/hotplug/$t
    if "$ecamctl" replay $h.trace 2>/dev/null | diff -u $h.expected - > "$tmp/d"
    then ok
    else bad "hotplug $t: $(head -30 "$tmp/d")"; fi
done
# The replay language's attacks and the host's other moves (windows by
# other callers, deassignment, hostile device models, failing host calls,
# the security policy), compared exactly; then the host's write and the
# mapping around the MSI-X pages said in JSON too.
a=unit/tools/replay/attacks
if "$ecamctl" replay $a.trace 2>/dev/null | diff -u $a.expected - > "$tmp/d"
then ok
else bad "replay attacks: $(head -30 "$tmp/d")"; fi
"$ecamctl" replay --json $a.trace > "$tmp/j" 2> /dev/null
grep -qF '"host_write":[{"sbdf":"0000:04:00.0","reg":"0x004","size":2,"value":"0x6"}]' "$tmp/j" &&
grep -qF '"mappings":[{"io":false,"guest":"0xc0000000","host":"0xfb600000","size":"0x2000"}]' "$tmp/j" &&
    ok || bad "replay attacks --json: $(grep -m1 host_write "$tmp/j")"
# The same, said as facts rather than bytes: the outcomes in order, and
# which lines sent the port's MSI (level, not edge, would send more).
outcomes() { awk '/^L[0-9]+ +hotplug/ { printf "%s ", $NF }' "$1"; }
msi_lines() {
    awk '/^L/ { l = $1 }
         /port msi addr 0xfee01000 data 0x4044/ { printf "%s ", l }' "$1"
}
"$ecamctl" replay unit/tools/hotplug/refusals.trace > "$tmp/o" 2>&1
want="-ENOENT -ENOENT -ENOENT -ENODEV -ENODEV 0 -EBUSY -EBUSY -EBUSY -EBUSY"
want="$want 0 -EAGAIN 0 -EAGAIN 0 "
[ "$(outcomes "$tmp/o")" = "$want" ] &&
    ok || bad "hotplug refusals: $(outcomes "$tmp/o")"
"$ecamctl" replay unit/tools/hotplug/edge.trace > "$tmp/o" 2>&1
[ "$(msi_lines "$tmp/o")" = "L17 L28 L33 L36 L46 L53 " ] &&
    ok || bad "hotplug edges: MSIs after $(msi_lines "$tmp/o")"
"$ecamctl" replay --host $e/hosts.lspci $e/hotplug.cfg $e/hotplug.trace \
    > "$tmp/o" 2>&1
[ "$(msi_lines "$tmp/o")" = "L31 L41 L53 L56 L64 " ] &&
    grep -q '^L42 .*=  0x0150  vpci' "$tmp/o" &&
    grep -q '^L43 .*=  0x2011  vpci' "$tmp/o" &&
    grep -q '^L44 .*=  0x4b4babcd  vpci' "$tmp/o" &&
    grep -q '^L65 .*=  0x0008  vpci' "$tmp/o" &&
    ok || bad "hotplug example: MSIs after $(msi_lines "$tmp/o")"
# JSON: each directive's rc and error name, the MSIs in a "msis" member.
"$ecamctl" replay --json --host $e/hosts.lspci $e/hotplug.cfg \
    $e/hotplug.trace > "$tmp/j" 2>&1
msi='"msis":[{"addr":"0xfee01000","data":"0x4044"}]'
[ "$(grep -cF "$msi" "$tmp/j")" = 5 ] &&
    grep -qF '{"line":31,"setup":"hotplug add 00:1c.0 03:00.0","rc":0,' \
        "$tmp/j" &&
    ok || bad "hotplug --json: $(grep hotplug "$tmp/j")"
"$ecamctl" replay --json unit/tools/hotplug/refusals.trace > "$tmp/j" 2>&1
grep -qF '"setup":"hotplug add 00:1c.0 04:00.0","rc":-16,"error":"EBUSY","msis":[]}' \
    "$tmp/j" &&
    ok || bad "hotplug --json refusal: $(grep hotplug "$tmp/j" | head -8)"

# Nothing after a malformed line runs.
printf 'bogus\nwindow 0 0-0 0xe0000000\n' > "$tmp/t.trace"
"$ecamctl" replay "$tmp/t.trace" > "$tmp/o" 2> /dev/null
[ $? = 2 ] && [ ! -s "$tmp/o" ] && ok || bad "ran past a malformed line"

# 3. xl configs: errors at file:line:column, exit 2, nothing printed.
hosts="$PWD/examples/q35-basic/hosts.lspci"
cfg_error() {   # config-text  expected-message
    printf '%s\n' "$1" > "$tmp/c.cfg"
    "$ecamctl" view --host "$hosts" "$tmp/c.cfg" > "$tmp/o" 2> "$tmp/e"
    rc=$?
    if [ $rc = 2 ] && grep -qF "$tmp/c.cfg:$2" "$tmp/e" && [ ! -s "$tmp/o" ]
    then ok
    else bad "config '$1': rc=$rc stderr=$(cat "$tmp/e")"; fi
}
cfg_error "pci = [ '00:03.0',"                    "2:1: expected a number"
cfg_error "pci = [ '00:03.0' '00:02.0' ]"         "1:19: expected ',' or ']'"
cfg_error "pci = [ '00:3g.0' ]"                   "1:10: expected a BDF"
cfg_error "pci = [ '00:03.9' ]"                   "1:10: expected a BDF"
cfg_error "pci = [ '00:03.0,vslot=32' ]"          "1:18: expected vslot=0-31"
cfg_error "pci = [ '00:03.0@40' ]"                "1:18: expected a slot 0-31"
cfg_error "pci = [ '00:03.0,turbo=1' ]"           "1:18: unknown option"
cfg_error "pci = [ '00:03.0,permissive=2' ]"      "1:18: expected 0 or 1"
cfg_error "pci = [ 'vslot=3' ]"                   "1:10: no device"
cfg_error "pci = [ '00:03.0', '00:03.0,bdf=00:02.0' ]" "1:33: the device is given twice"
cfg_error "pci = [ '00:07.0' ]"                   "1:10: no such host device"
cfg_error "pci = [ '00:03.0,vslot=4', '00:02.0@4' ]" "1:29: this slot is taken"
cfg_error "pci = [ 3 ]"                           "1:9: expected a string"
cfg_error "pci_permissive = 2"                    "1:18: number out of range"
cfg_error "ecam_buses = \"9-3\""                 "1:15: the first bus is after the last"
cfg_error "ecam_buses = \"0-4294967551\""        "1:17: expected \"FIRST-LAST\""
cfg_error "ecam_buses = \"0-255junk\""           "1:20: expected \"FIRST-LAST\""
cfg_error "ecam_buses = \"0_255\""               "1:16: expected \"FIRST-LAST\""
cfg_error "ecam_buses = \"-255\""                "1:15: expected \"FIRST-LAST\""
cfg_error "ecam_base = 0x1ffffffffffffffff"       "1:13: number out of range (64 bits)"
cfg_error "ecam_base = 0xe0000000junk"            "1:23: junk after a number"
cfg_error "pci_permissive = 1x"                   "1:19: junk after a number"
cfg_error "memory = [ 1, 2k ]"                    "1:16: junk after a number"
printf 'memory = 1024\n\0pci = [ x\n' > "$tmp/c.cfg"
"$ecamctl" view --host "$hosts" "$tmp/c.cfg" > "$tmp/o" 2> "$tmp/e"
[ $? = 2 ] && grep -qF "$tmp/c.cfg:2:1: a NUL byte" "$tmp/e" && [ ! -s "$tmp/o" ] &&
    ok || bad "a NUL byte in a config: $(cat "$tmp/e")"
# The guest's RAM, as libxl lays it out: a window over it is refused.
ram="(the guest's RAM is there: see memory and mmio_hole)"
cfg_error "memory = 4096" \
    "1:10: the ECAM window (segment 0, buses 0-255 at 0xe0000000) is refused: File exists $ram"
cfg_error "memory = 3585"                         "1:10: the ECAM window"
cfg_error $'memory = 1024\nmaxmem = 4096' "1:10: the ECAM window"
cfg_error $'memory = 8192\nmmio_hole = 1024\necam_base = 0x100000000' \
    "3:13: the ECAM window (segment 0, buses 0-255 at 0x100000000) is refused: File exists"
cfg_error "mmio_hole = 128"                       "1:13: expected an MMIO hole of 256-3840 MiB"
cfg_error "mmio_hole = 4096"                      "1:13: number out of range"
for ok_cfg in $'memory = 4096\nmmio_hole = 1024' \
              $'memory = 8192\nmmio_hole = 1024\necam_base = 0x300000000' \
              $'memory = 3584'; do
    printf '%s\n' "$ok_cfg" > "$tmp/c.cfg"
    "$ecamctl" view --host "$hosts" "$tmp/c.cfg" > /dev/null 2> "$tmp/e" &&
        ok || bad "config '$ok_cfg' refused: $(cat "$tmp/e")"
done
cfg_error "ecam_base = 0xe0000001" \
    "1:13: the ECAM window (segment 0, buses 0-255 at 0xe0000001) is refused: Invalid argument"
cfg_error $'ecam_segment = 1\ndevice_model_pci = [ \'0002:00:04.0\' ]' \
                                                  "2:23: not in the ECAM window's segment"
cfg_error "memory 2048"                           "1:8: expected '='"
cfg_error "name = 'unterminated"                  "1:8: unterminated string"
cfg_error "pci = [ 'bdf=00:03.0x' ]"              "1:21: junk after the BDF"
cfg_error "x = $(printf '[%.0s' $(seq 20))"        "1:21: lists nested too deeply"
cfg_error "ecam_root_ports = 5"                   "1:19: expected a list of slots"
cfg_error "ecam_root_ports = [ 0x1f ]"            "1:21: expected a slot 1-0x1e"
cfg_error "ecam_root_ports = [ 'x' ]"             "1:22: expected a slot 1-0x1e"
cfg_error "ecam_root_ports = [ 4, 4 ]"            "1:24: this slot is taken"
cfg_error $'ecam_root_ports = [ 4 ]\npci = [ \'00:03.0,vslot=4\' ]' \
                                                  "2:10: this slot is taken"
cfg_error $'device_model_pci = [ \'00:04.0\' ]\necam_root_ports = [ 4 ]' \
                                                  "2:21: this slot is taken"
printf "pci = [ '00:03.0,seize=1' ]\n" > "$tmp/n.cfg"
if "$ecamctl" view --host "$hosts" "$tmp/n.cfg" > /dev/null 2> "$tmp/e" &&
   grep -qF "n.cfg:1:18: note: seize is not applicable" "$tmp/e"; then ok
else bad "seize note: $(cat "$tmp/e")"; fi

# 4. view: xl's defaults, slots, and what lspci -F makes of it.
# The config's segment is its devices' and its device model's: the same
# guest on segment 1 is the same functions, named 0001:bb:dd.f.
sed 's/^ecam_segment = 0/ecam_segment = 1/' $q/q35.cfg > "$tmp/seg1.cfg"
"$ecamctl" view --host $q/hosts.lspci $q/q35.cfg > "$tmp/seg0" 2> /dev/null
"$ecamctl" view --host $q/hosts.lspci "$tmp/seg1.cfg" > "$tmp/seg1" 2> /dev/null
fn='[0-9a-f][0-9a-f]:[0-9a-f][0-9a-f]\.[0-7] '
n0=$(grep -c "^$fn" "$tmp/seg0")
n1=$(grep -c "^0001:$fn" "$tmp/seg1")
if [ "$n0" -ge 5 ] && [ "$n1" = "$n0" ] &&
   sed 's/^0001://' "$tmp/seg1" | cmp -s - "$tmp/seg0"; then ok
else bad "view on segment 1: $n1 functions there, $n0 on segment 0"; fi
printf "name = 'g'\nmemory = 1024\npci = [ '00:03.0,vslot=4', '0000:00:02.0' ]\n" > "$tmp/v.cfg"
if "$ecamctl" view --host "$hosts" "$tmp/v.cfg" > "$tmp/v.dump" 2>/dev/null &&
   grep -q '^00:04.0 Class 0200: 1af4:1041' "$tmp/v.dump" &&
   grep -q '^00:01.0 Class 0180: 1af4:1042' "$tmp/v.dump" &&
   [ "$(grep -c '^[0-9a-f]*:[0-9a-f]*\.[0-7] ' "$tmp/v.dump")" = 2 ]; then ok
else bad "view placement: $(head -3 "$tmp/v.dump")"; fi
if command -v lspci > /dev/null; then
    lspci -F "$tmp/v.dump" -vvv > "$tmp/lspci" 2>/dev/null
    if grep -q '^00:04.0 Ethernet controller' "$tmp/lspci" &&
       grep -q 'Vendor Specific Information' "$tmp/lspci" &&
       ! grep -q 'chain looped\|chain broken' "$tmp/lspci" &&
       ! grep -q 'MSI-X' "$tmp/lspci"; then ok
    else bad "lspci -F of view: $(head -20 "$tmp/lspci")"; fi
fi

# view --json: the same functions, for scripts.
if "$ecamctl" view --json --host "$hosts" "$tmp/v.cfg" > "$tmp/j" 2>/dev/null &&
   python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert [f["sbdf"] for f in d] == ["0000:00:01.0", "0000:00:04.0"], d
assert d[1]["host"] == "0000:00:03.0"
assert len(d[0]["config"]) == 8192 and d[1]["config"].startswith("f41a4110")
' "$tmp/j"; then ok
else bad "view --json: $(head -c 300 "$tmp/j")"; fi

# view --diff: host against guest, with the rule and its reason.
if "$ecamctl" view --diff --host "$hosts" "$tmp/v.cfg" > "$tmp/d" 2>/dev/null &&
   grep -q '^0000:00:04.0  <- host 0000:00:03.0' "$tmp/d" &&
   grep -q '0x004 2    0x0406     0x0004     Command: partly emulated: IO and MEM' "$tmp/d" &&
   grep -q '0x084 2    0x9809     0x0009     Vendor Specific Capability ID, Next Pointer: read-only: the next pointer skips' "$tmp/d" &&
   grep -q '0x098 4    0x80020011 0x00000000 MSI-X: hidden: the emulation refuses what the device says' "$tmp/d" &&
   grep -q 'no extended config space' "$tmp/d"; then ok
else bad "view --diff: $(head -12 "$tmp/d")"; fi

# --host sysfs: this machine's first type 0 function, read only.
sysdev=""
for d in /sys/bus/pci/devices/*; do
    [ -r "$d/config" ] || continue
    t=$(od -An -tx1 -j14 -N1 "$d/config" 2>/dev/null | tr -d ' ')
    case "$t" in 00|80) sysdev=$(basename "$d"); break;; esac
done
if [ -n "$sysdev" ]; then
    printf "pci = [ '%s' ]\n" "$sysdev" > "$tmp/s.cfg"
    before=$(md5sum "/sys/bus/pci/devices/$sysdev/config")
    if "$ecamctl" view --host sysfs "$tmp/s.cfg" > "$tmp/s.dump" 2>/dev/null &&
       [ "$(grep -c '^00:01.0 ' "$tmp/s.dump")" = 1 ] &&
       [ "$before" = "$(md5sum "/sys/bus/pci/devices/$sysdev/config")" ]
    then ok
    else bad "view --host sysfs ($sysdev): $(head -2 "$tmp/s.dump")"; fi
fi

# shell: the same engine; a bad line is reported and the shell goes on,
# to exit 2 as replay does.
printf 'read cfg 00:04.0 0 4\nbogus\nread cfg 00:01.0 0 2\nquit\nread cfg 00:04.0 0 4\n' |
    "$ecamctl" shell --host "$hosts" "$tmp/v.cfg" > "$tmp/o" 2> "$tmp/e"
rc=$?
if [ $rc = 2 ] && [ "$(grep -c ' vpci' "$tmp/o")" = 2 ] &&
   grep -q '= *0x10411af4' "$tmp/o" && grep -q '= *0x1af4' "$tmp/o" &&
   grep -qF 'shell:2:1: unknown directive' "$tmp/e"; then ok
else bad "shell: rc=$rc $(cat "$tmp/o" "$tmp/e")"; fi

# shell: hot-plug at run time; empty ports take the buses after those of
# the devices behind Root Ports.  The removal's Presence Detect Changed
# joins the add's, unacknowledged: one MSI for both.
printf "pci = [ '00:03.0,rootport=1' ]\necam_root_ports = [ 0x1c ]\n" \
    > "$tmp/hp.cfg"
printf '%s\n' "host $PWD/examples/q35-hotplug/nvme.lspci" \
    'read cfg 00:1c.0 0x18 4' 'write cfg 00:1c.0 0x84 4 0xfee01000' \
    'write cfg 00:1c.0 0x8c 2 0x41' 'write cfg 00:1c.0 0x82 2 1' 'write cfg 00:1c.0 0x58 2 0x17e9' \
    'write cfg 00:1c.0 0x5a 2 0x10' 'hotplug add 00:1c.0 03:00.0' \
    'hotplug add 00:1c.0 03:00.0' 'hotplug bogus 00:1c.0' \
    'hotplug remove 00:1c.0' \
    'read cfg 00:1c.0 0x5a 2' |
    "$ecamctl" shell --host "$hosts" "$tmp/hp.cfg" > "$tmp/o" 2> "$tmp/e"
rc=$?
if [ $rc = 2 ] && grep -q '^L2 .*= *0x00020200' "$tmp/o" &&
   grep -q '^L8 .*hotplug add 00:1c.0 03:00.0 *0$' "$tmp/o" &&
   grep -q '^L9 .*hotplug add 00:1c.0 03:00.0 *-EBUSY$' "$tmp/o" &&
   grep -q '^L11 .*hotplug remove 00:1c.0 *0$' "$tmp/o" &&
   grep -q '^L12 .*= *0x0008' "$tmp/o" &&
   [ "$(grep -c 'port msi addr 0xfee01000 data 0x41' "$tmp/o")" = 1 ] &&
   grep -qF 'shell:10:9: expected add, button or remove' "$tmp/e"; then ok
else bad "shell hotplug: rc=$rc $(cat "$tmp/o" "$tmp/e")"; fi

# 5. docs/permissive.md holds exactly what 'ecamctl rules' prints.
sed -n '/<!-- rules:begin -->/,/<!-- rules:end -->/p' docs/permissive.md |
    sed '1d;$d' > "$tmp/doc-rules"
if "$ecamctl" rules > "$tmp/rules" && diff -u "$tmp/doc-rules" "$tmp/rules" &&
   [ "$(wc -l < "$tmp/rules")" -gt 100 ]; then ok
else bad "docs/permissive.md is out of date: run build/ecamctl rules"; fi
# Rows are named by the module: capability, action, register; the body of
# a capability the policy does not know is that capability's.
if grep -qF '| 0x054 | 4 | MSI, emulated | Message Address | emulated |' \
       "$tmp/rules" &&
   grep -qF '| 0x004 | 2 | header | Command |' "$tmp/rules" &&
   grep -qF '| 0x0d4 | 4 | VPD, hidden | - |' "$tmp/rules" &&
   grep -qF '| 0x1fc | 4 | unknown ext ID 0x0fff, read-only | - | device |' \
       "$tmp/rules"; then ok
else bad "rules: rows not named by the module"; fi

# 6. The command line, as git's: usage on stdout when asked for (0), on
#    stderr with the error and a hint otherwise (2).
top='usage: ecamctl [--version] [-h | --help] COMMAND [ARGS]'
asked "$top" "$ecamctl" --help
asked "$top" "$ecamctl" -h
asked "$top" "$ecamctl" help
grep -q '^Exit status: 0 done, 1 failed, 2 usage or input error' "$tmp/o" &&
    grep -q ECAMCTL_LOG "$tmp/o" && ok || bad "the usage: no exit status, ECAMCTL_LOG"
for c in view replay shell rules help; do
    asked "usage: ecamctl $c" "$ecamctl" help $c
    cp "$tmp/o" "$tmp/help.$c"
    asked "usage: ecamctl $c" "$ecamctl" $c --help
    cmp -s "$tmp/o" "$tmp/help.$c" && ok || bad "$c --help is not help $c"
    asked "usage: ecamctl $c" "$ecamctl" --help $c
done
asked "usage: ecamctl view [--diff | --json] [--host FILE|sysfs]... CFG" \
    "$ecamctl" view --host examples/q35/hosts.lspci -h examples/q35/q35.cfg
"$ecamctl" --version > "$tmp/o" 2> "$tmp/e"
rc=$?
if [ $rc = 0 ] && grep -qx 'ecamctl version [^ ]*[^ -]' "$tmp/o" &&
   [ "$(wc -l < "$tmp/o")" = 1 ] && [ ! -s "$tmp/e" ]; then ok
else bad "--version: rc=$rc $(cat "$tmp/o" "$tmp/e")"; fi
if [ -e .git ] && command -v git > /dev/null &&
   v=$(git describe --always 2> /dev/null); then
    grep -q "^ecamctl version $v" "$tmp/o" && ok ||
        bad "--version: $(cat "$tmp/o"), git describe: $v"
fi

q=examples/q35
refused "unknown option '--frob'" "view" "$ecamctl" view --frob $q/q35.cfg
refused "unknown option '--frob'" "view" "$ecamctl" view --frob=1 $q/q35.cfg
refused "unknown option '-x'" "replay" "$ecamctl" replay -x $q/q35.trace
refused "unknown option '--frob'" "" "$ecamctl" --frob
refused "'frob' is not a command" "" "$ecamctl" frob
refused "'frob' is not a command" "" "$ecamctl" help frob
refused "shell has no --json option" "shell" "$ecamctl" shell --json $q/q35.cfg
refused "replay has no --diff option" "replay" \
        "$ecamctl" replay --diff $q/q35.trace
refused "rules has no --host option" "rules" "$ecamctl" rules --host x
refused "--json and --diff cannot be combined" "view" "$ecamctl" \
        view --json --diff --host $q/hosts.lspci $q/q35.cfg
refused "--host needs a CFG (a TRACE alone loads its hosts with 'host' lines)" \
        replay "$ecamctl" replay --host $q/hosts.lspci $q/q35.trace
refused "option '--host' needs a value" "view" "$ecamctl" view $q/q35.cfg --host
refused "option '--json' takes no value" "view" \
        "$ecamctl" view --json=yes $q/q35.cfg
refused "view needs a CFG" "view" "$ecamctl" view --host $q/hosts.lspci
refused "replay needs a TRACE, or a CFG and a TRACE" "replay" \
        "$ecamctl" replay
refused "unexpected argument 'x'" "view" "$ecamctl" view $q/q35.cfg x
refused "unexpected argument 'x'" "rules" "$ecamctl" rules x
refused "at most 16 --host options" "view" "$ecamctl" \
        view $(printf -- '--host x %.0s' $(seq 17)) $q/q35.cfg
"$ecamctl" > "$tmp/o" 2> "$tmp/e"
rc=$?
[ $rc = 2 ] && [ ! -s "$tmp/o" ] && [ "$(head -1 "$tmp/e")" = "$top" ] && ok ||
    bad "no arguments: rc=$rc, $(head -1 "$tmp/e")"

# --host=FILE, and '--' before an argument that starts with '-'.
cp $q/q35.cfg "$tmp/-q.cfg"
if (cd "$tmp" && "$OLDPWD/$ecamctl" view --host="$OLDPWD/$q/hosts.lspci" \
        -- -q.cfg) 2> /dev/null | cmp -s - $q/q35.view.expected; then ok
else bad "view --host=FILE -- -q.cfg"; fi

# 7. Exit status, the same in every command: 0 done, 1 failed (here, the
#    output cannot be written), 2 usage or input error.
status() {   # want  ecamctl arguments
    local want=$1

    shift
    "$ecamctl" "$@" > /dev/null 2>&1 < /dev/null
    rc=$?
    [ $rc = "$want" ] && ok || bad "ecamctl $*: exit $rc, not $want"
}
status 0 view --host $q/hosts.lspci $q/q35.cfg
status 0 replay --host $q/hosts.lspci $q/q35.cfg $q/q35.trace
status 0 shell --host $q/hosts.lspci $q/q35.cfg
status 0 rules
for c in "view --host $q/hosts.lspci $q/q35.cfg" \
         "replay --host $q/hosts.lspci $q/q35.cfg $q/q35.trace" rules --help; do
    "$ecamctl" $c > /dev/full 2> "$tmp/e"
    rc=$?
    [ $rc = 1 ] &&
        grep -q '^ecamctl: standard output: No space left' "$tmp/e" &&
        ok || bad "ecamctl $c > /dev/full: exit $rc, $(cat "$tmp/e")"
done
printf 'bogus\n' > "$tmp/bad.trace"
status 2 replay "$tmp/bad.trace"
status 2 replay --host $q/hosts.lspci $q/q35.cfg "$tmp/bad.trace"
printf "pci = [ '00:03.0' ]\n" > "$tmp/bad.cfg"
status 2 view "$tmp/bad.cfg"
status 2 shell "$tmp/bad.cfg"
status 2 replay "$tmp/bad.cfg" $q/q35.trace
"$ecamctl" shell --host $q/hosts.lspci $q/q35.cfg < "$tmp/bad.trace" \
    > /dev/null 2>&1
[ $? = 2 ] && ok || bad "shell, a malformed line: exit 2"

# 8. Files that cannot be used, as a config, a trace or a host dump: their
#    name and why, status 2, nothing on stdout.
while IFS=: read -r f why; do
    unusable "$why" "$f" "$ecamctl" view --host $q/hosts.lspci "$f"
    unusable "$why" "$f" "$ecamctl" shell --host $q/hosts.lspci "$f"
    unusable "$why" "$f" "$ecamctl" replay --host $q/hosts.lspci "$f" \
        $q/q35.trace
    unusable "$why" "$f" "$ecamctl" replay "$f"
    unusable "$why" "$f" "$ecamctl" replay --host $q/hosts.lspci \
        $q/q35.cfg "$f"
    unusable "$why" "$f" "$ecamctl" view --host "$f" $q/q35.cfg
    unusable "$why" "$f" "$ecamctl" view --host $q/hosts.lspci --host "$f" \
        $q/q35.cfg
done < <(unusable_files)
unusable "empty file" - "$ecamctl" replay -

finish ecamctl
