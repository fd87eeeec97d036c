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
