# SPDX-License-Identifier: GPL-2.0-only
#
# Sourced by the unit/tools/test_*.sh scripts: run from the top of the tree,
# a scratch directory removed on exit, and a pass/fail tally.
#   ok; bad "what"; ... finish NAME
set -u
cd "$(dirname "$0")/../.."
ecamctl=${ECAMCTL:-build/ecamctl}
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

finish()
{
    echo "$1: $pass passed, $fail failed"
    [ $fail = 0 ]
}

# The reads of a kvmecam trace ("read ... # = V") against ecamctl replay's
# output for it ("L<n> read ... = V"), line by line.  0 if more than 1000
# reads agree; $replay_reads says how many, $tmp/d the differences.
read_values()
{
    awk -v pre="$1" '$0 ~ pre {
        for (i = 1; i <= NF; i++)
            if ($i == "=") {
                print (pre == "^read" ? "L" NR : $1), $(i + 1)
                next
            }
    }' "$2"
}

replay_agrees()
{
    read_values '^read' "$1" > "$tmp/guest.vals"
    read_values '^L[0-9]+ +read' "$2" > "$tmp/replay.vals"
    replay_reads=$(wc -l < "$tmp/guest.vals")
    [ "$replay_reads" -gt 1000 ] &&
        diff "$tmp/guest.vals" "$tmp/replay.vals" > "$tmp/d"
}
