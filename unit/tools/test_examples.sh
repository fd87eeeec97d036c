#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Every bundled example, end to end through the real lspci: `ecamctl view`
# of the guest, decoded by `lspci -F`, has no broken or looping chain, and
# its capabilities are the host devices' minus those the policy hides
# (docs/capabilities.md), whatever else the guest was given (root ports).
. "$(dirname "$0")/lib.sh"

# Hidden by the policy: lspci's names for them.
hidden='Single Root I/O Virtualization|Access Control Services|L1 PM Substates|Vital Product Data|Address Translation Service|Page Request Interface|Process Address Space ID|Downstream Port Containment|Precision Time Measurement|Resizable BAR|Virtual Channel|Multicast|Transaction Processing Hints|PCI-X|Slot ID|AGP'

# Capability names per function, sorted, skipping emulated bridges.
caps() {
    awk '/^[0-9a-f]/ { skip = ($0 ~ /XenSource/) } !skip && /Capabilities: \[/' "$1" |
        sed -E 's/^.*\] //; s/[:,].*//; s/ version.*//; s/ \(v[0-9]\).*//; s/ [0-9a-f]{2}-.*//' |
        grep -v '^Null$' | sort
}

if ! command -v lspci > /dev/null; then
    echo "examples: 0 passed, 0 failed (lspci not installed: skipped)"
    exit 0
fi
for cfg in examples/*/*.cfg; do
    dir=$(dirname "$cfg")
    hosts="$dir/hosts.lspci"
    if ! "$ecamctl" view --host "$hosts" "$cfg" > "$tmp/guest" 2> "$tmp/err"; then
        bad "$cfg: view failed: $(cat "$tmp/err")"
        continue
    fi
    lspci -F "$tmp/guest" -vvv > "$tmp/guest.txt" 2>/dev/null
    grep -v '^[[:space:]]' "$hosts" | grep -v '^#' > "$tmp/host"
    lspci -F "$tmp/host" -vvv > "$tmp/host.txt" 2>/dev/null
    if grep -q 'chain looped\|chain broken\|<?>' "$tmp/guest.txt"; then
        bad "$cfg: lspci reports a broken chain"
    else ok; fi
    if grep -Eq "Capabilities: .*($hidden)" "$tmp/guest.txt"; then
        bad "$cfg: a hidden capability is visible"
    else ok; fi
    caps "$tmp/guest.txt" > "$tmp/g.caps"
    caps "$tmp/host.txt" | grep -Ev "^($hidden)" > "$tmp/h.caps"
    if [ -s "$tmp/g.caps" ] && diff -u "$tmp/h.caps" "$tmp/g.caps"; then ok
    else bad "$cfg: the guest's capabilities are not the host's minus hidden"; fi
done
finish examples
