#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# docs/bad-input.md stays true to the tests: every test function a row
# names ("`file.c: test_x`, `test_y`") exists in that file, every shell
# script and fuzz harness a row names exists, and the "Row counts" table
# says how many rows each section has.
. "$(dirname "$0")/lib.sh"

doc=docs/bad-input.md

# The file a row's test lives in, from its base name.
where()
{
    local f

    for f in unit/cmocka/"$1" unit/check/"$1" unit/tools/"$1" fuzz/"$1"; do
        [ -f "$f" ] && { echo "$f"; return 0; }
    done
    return 1
}

# Each table row's last column: "`file: name`, `name`" pairs, one a line.
grep '^| ' "$doc" | grep -v '^| section\|^| total\|^| [0-9]\. \|^| not yet' |
    awk -F'|' '{ print $(NF - 1) }' |
    grep -o '`[^`]*`' | tr -d '`' |
    sed 's/^\([A-Za-z0-9_.-]*\.\(c\|sh\)\): /\1\n/' |
    awk '/^[A-Za-z0-9_.-]+\.(c|sh)$/ { file = $0; print file, "-"; next }
         /^(test|check)_[a-z0-9_]+$/ && file { print file, $0 }' |
    sort -u > "$tmp/named"
[ -s "$tmp/named" ] || bad "$doc: no test named"
while read -r file name; do
    if ! path=$(where "$file"); then
        bad "$doc names $file: no such test file"
        continue
    fi
    if [ "$name" = - ] || grep -qw -- "$name" "$path"; then
        ok
    else
        bad "$doc names $file: $name: not in $path"
    fi
done < "$tmp/named"

# Rows per numbered section against the "Row counts" table.
awk '/^## [0-9]\. / { s = $2 + 0; next }
     /^## / { s = 0 }
     s && /^\| / && !/^\|---/ && !/^\| input \|/ { n[s]++ }
     END { for ( i = 1; i <= 7; i++ ) print i, n[i] + 0 }' "$doc" > "$tmp/rows"
sed -n 's/^| \([0-9]\)\. [^|]* | \([0-9]*\) |$/\1 \2/p' "$doc" > "$tmp/said"
total=$(sed -n 's/^| total | \([0-9]*\) |$/\1/p' "$doc")
if diff "$tmp/said" "$tmp/rows" > "$tmp/diff"; then
    ok
else
    bad "$doc: Row counts (<), rows (>): $(tr '\n' ' ' < "$tmp/diff")"
fi
[ "$total" = "$(awk '{ t += $2 } END { print t }' "$tmp/rows")" ] && ok ||
    bad "$doc: total says $total"

finish docs
