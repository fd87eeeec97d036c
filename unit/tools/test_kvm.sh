#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# kvmecam end to end: a KVM guest walks the functions of examples/q35
# through ECAM and CF8/CFC, the module serving every exit.  What the guest
# read must match `ecamctl replay` of the recorded trace, it must find the
# functions `ecamctl view` shows, and its misaligned reads must read
# all-ones.  Then MSI and MSI-X from a simulated function reach the guest.
# Exits 77 ("skipped: ...") without a usable /dev/kvm.
. "$(dirname "$0")/lib.sh"
kvmecam=${KVMECAM:-build/kvmecam}
q=examples/q35
trace=$tmp/walk.trace

"$kvmecam" walk --host $q/hosts.lspci --trace "$trace" --timeout 50 \
    $q/q35.cfg > "$tmp/walk" 2> "$tmp/err"
rc=$?
if [ $rc = 77 ]; then
    echo "kvm: skipped: $(sed -n 's/^kvmecam: skipped: //p' "$tmp/walk")"
    exit 77
fi

# 1. The walk ran, and found no mismatch itself (guest against host, and
#    against an in-process replay on a fresh domain).
if [ $rc = 0 ] &&
   grep -q '^mismatches: 0 guest/host, 0 guest/replay' "$tmp/walk"; then ok
else bad "walk: status $rc: $(cat "$tmp/walk" "$tmp/err")"; fi

# 2. ecamctl replay of the trace reads what the guest read, line by line.
#    Trace:  read  ecam 0xe0008000 4  # = 0x12345678
#    Replay: L5    read  ecam 0xe0008000   /4  =  0x12345678  vpci
"$ecamctl" replay --host $q/hosts.lspci $q/q35.cfg "$trace" \
    > "$tmp/replay" 2> /dev/null || bad "ecamctl replay failed"
if replay_agrees "$trace" "$tmp/replay"
then ok
else bad "guest and ecamctl replay differ ($replay_reads reads): $(head -20 "$tmp/d")"; fi

# 3. Every kind of access was made: ECAM sizes 1-8, writes, CF8/CFC.
for pat in '^read  ecam 0x[0-9a-f]* 1 ' '^read  ecam 0x[0-9a-f]* 2 ' \
           '^read  ecam 0x[0-9a-f]* 4 ' '^read  ecam 0x[0-9a-f]* 8 ' \
           '^write ecam 0x[0-9a-f]* 8 ' '^write ecam ' '^write pio  0xcf8 4 ' \
           '^read  pio  0xcfc 1 ' '^write pio  0xcfc 2 '; do
    if grep -q "$pat" "$trace"; then ok; else bad "no access like '$pat'"; fi
done

# 4. The guest found exactly the functions ecamctl view shows.
"$ecamctl" view --host $q/hosts.lspci $q/q35.cfg 2> /dev/null |
    awk '/ Class /{ print $1 }' | sort > "$tmp/view.fns"
awk '/^function /{ print $2 }' "$tmp/walk" | sort > "$tmp/guest.fns"
if [ -s "$tmp/view.fns" ] && diff "$tmp/view.fns" "$tmp/guest.fns" > "$tmp/d"
then ok
else bad "functions differ from ecamctl view: $(cat "$tmp/d")"; fi

# 5. Misaligned reads (ECAM and CFC) read all-ones.
m=$(grep -c '# = 0x[0-9a-f]* misaligned$' "$trace")
if [ "$m" -gt 0 ] && grep -q '^read  ecam .* misaligned$' "$trace" &&
   grep -q '^read  pio .* misaligned$' "$trace" &&
   ! grep '# = 0x[0-9a-f]* misaligned$' "$trace" |
       grep -v '# = 0xf* misaligned$' > "$tmp/d"; then ok
else bad "misaligned reads ($m) not all-ones: $(head -5 "$tmp/d")"; fi

# 6. The bench runs and prints its ratios; a guest that never exits is
#    stopped by the timeout (SIGALRM, EINTR) on time.
if "$kvmecam" bench --count 2000 > "$tmp/bench" 2> "$tmp/err" &&
   grep -q '^median wall ratios: ECAM/MMIO peer ' "$tmp/bench"; then ok
else bad "bench: $(cat "$tmp/bench" "$tmp/err")"; fi
start=$SECONDS
if "$kvmecam" spin --timeout 1 > "$tmp/spin" 2> "$tmp/err" &&
   grep -q 'timeout' "$tmp/err" && [ $((SECONDS - start)) -lt 10 ]; then ok
else bad "spin: $(cat "$tmp/spin" "$tmp/err")"; fi

# 7. Interrupts, one named check each (kvmecam irq): the guest programs
#    00:03.0's MSI, then its MSI-X (table and PBA in BAR3), has the device
#    raise, and its vector arrives once (msi, msix); a masked entry's raise
#    stays pending with its PBA bit set until the unmask delivers it
#    (msix-mask).  A check without its "ok" line, run or not, fails; so
#    does the run if it fails otherwise (a message KVM refused, a trap).
"$kvmecam" irq --timeout 50 > "$tmp/irq" 2> "$tmp/err"
rc=$?
for c in msi msix msix-mask; do
    line=$(grep "^irq $c: " "$tmp/irq")
    if [ "${line#irq $c: ok }" != "$line" ]; then
        ok
        echo "kvm: $line"
    else bad "irq $c: ${line:-no result, status $rc} $(cat "$tmp/err")"; fi
done
if [ $rc = 0 ]; then ok
else bad "irq: status $rc: $(head -1 "$tmp/irq") $(cat "$tmp/err")"; fi

finish kvm
