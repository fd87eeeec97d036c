#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The programs' manners, without KVM: kvmecam's command line as ecamctl's
# (unit/tools/test_ecamctl.sh): usage when asked for, the version, usage
# errors, and the files it names, all said before a VM is made.
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
for c in walk bench spin linux help; do
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

finish cli
