#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make style: the mechanical part of Xen's CODING_STYLE.
#
# Every tracked file under hvm/, vpci/, include/ and port/xen/ (the code
# that goes into Xen) must have
#   - no line over 80 columns (tabs count to the next multiple of 8),
#   - no tab in C sources (.c, .h; Makefiles and Kconfig need theirs),
#   - no trailing whitespace,
#   - an SPDX-License-Identifier on its first or second line.
# port/xen/patches/*.patch are git format-patch output (Xen's own context
# lines, mail headers) and are not checked.
#
# The C files of the userspace side (port/user, tools, unit, fuzz, bench,
# examples) are checked the same way but only reported: they never fail the
# target.
#
# usage: scripts/check-style.sh            the sets above
#        scripts/check-style.sh PATH...    only PATHs, every finding fails
# Prints FILE:LINE: REASON for each finding; exits 1 if one fails.
set -euo pipefail
cd "$(dirname "$0")/.."

STRICT=(hvm vpci include port/xen)
REPORT=(port/user tools unit fuzz bench examples)

# Tracked (and new, not ignored) files under the given paths.
files() {
    git ls-files --cached --others --exclude-standard -- "$@" |
        LC_ALL=C sort -u | while read -r f; do
            [ -f "$f" ] && echo "$f"
        done
}

# check FILE...: the findings, one per line, FILE:LINE: REASON.
check() {
    [ $# = 0 ] && return 0
    LC_ALL=C awk '
    function finding(file, line, why) { printf "%s:%d: %s\n", file, line, why }
    # A file shorter than two lines: its SPDX test is made when the next
    # one starts, or at the end.
    function spdx_done() {
        if ( file != "" && !spdx && !spdx_tested )
            finding(file, 1, "no SPDX-License-Identifier on line 1 or 2")
    }
    FNR == 1 {
        spdx_done()
        file = FILENAME
        csrc = FILENAME ~ /\.[ch]$/
        spdx = spdx_tested = 0
    }
    FNR <= 2 && /SPDX-License-Identifier:/ { spdx = 1 }
    FNR == 2 { spdx_tested = 1 }
    FNR == 2 && !spdx {
        finding(file, 1, "no SPDX-License-Identifier on line 1 or 2")
    }
    {
        # Columns: tabs to the next multiple of 8, a UTF-8 character one.
        s = $0
        gsub(/[\200-\277]/, "", s)
        col = 0
        for ( i = 1; i <= length(s); i++ )
            col = substr(s, i, 1) == "\t" ? col - col % 8 + 8 : col + 1
        if ( col > 80 )
            finding(file, FNR, col " columns (max 80)")
        if ( csrc && index($0, "\t") )
            finding(file, FNR, "tab in a C source")
        if ( $0 ~ /[ \t\r]$/ )
            finding(file, FNR, "trailing whitespace")
    }
    END { spdx_done() }
    ' "$@"
}

strict=() report=()
if [ $# -gt 0 ]; then
    mapfile -t strict < <(files "$@" | grep -v '\.patch$' || true)
else
    mapfile -t strict < <(files "${STRICT[@]}" | grep -v '\.patch$' || true)
    mapfile -t report < <(files "${REPORT[@]}" | grep -E '\.(c|h|S)$' || true)
fi

bad=$(check "${strict[@]}")
notes=$(check "${report[@]}")

[ -z "$bad" ] || echo "$bad"
if [ -n "$notes" ]; then
    echo "$notes" | sed 's/$/ (reported only)/'
fi
nbad=$(grep -c . <<<"$bad" || true)
nnotes=$(grep -c . <<<"$notes" || true)
msg="style: ${#strict[@]} files checked, $nbad findings"
[ ${#report[@]} = 0 ] ||
    msg="$msg; ${#report[@]} userspace files, $nnotes findings reported only"
echo "$msg"
[ "$nbad" = 0 ]
