#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make freestanding, first: the code built into Xen names no compiler
# primitive its port does not provide.
#
# hvm/, vpci/ and include/xecam/ are compiled into Xen 4.17, whose x86
# baseline compiler is GCC 4.1: it has no __atomic builtins (GCC 4.7) and
# no _Static_assert (GCC 4.6).  The core takes atomics, barriers, build-time
# assertions and bit operations from <xecam/port_prims.h>, which each port
# supplies (port/user/include/, port/xen/include/: not checked here).
# Outside comments and string and character literals, these fail:
#
#   __atomic_*, __ATOMIC_*   the C11 atomics
#   __sync_*                 the older ones: Xen has its own
#   _Static_assert           XECAM_BUILD_BUG_ON() is the port's
#   __builtin_*              but those of ALLOW
#
# usage: scripts/check-prims.sh [FILE...]   default: the three directories
# Prints FILE:LINE: WORD for each finding; exits 1 if there is one.
set -euo pipefail
cd "$(dirname "$0")/.."

# GCC 4.1 has these, and Xen 4.17 uses them in headers every compiler of
# its reads (likely() and unlikely(); constant bit operations).
ALLOW="__builtin_expect __builtin_constant_p"
WORDS='__(atomic|ATOMIC|sync)_[A-Za-z0-9_]*|_Static_assert'
WORDS+='|__builtin_[A-Za-z0-9_]*'

if [ $# = 0 ]; then
    mapfile -t files < <(find hvm vpci include/xecam -name '*.[ch]' |
                         LC_ALL=C sort)
else
    files=("$@")
fi

bad=0
for f in "${files[@]}"; do
    LC_ALL=C awk -v allow=" $ALLOW " -v re="$WORDS" '
    {
        # The line without comments, string and character literals.
        s = ""
        quote = ""
        for ( i = 1; i <= length($0); i++ )
        {
            c = substr($0, i, 1)
            c2 = substr($0, i, 2)
            if ( comment )
            {
                if ( c2 == "*/" )
                {
                    comment = 0
                    i++
                }
            }
            else if ( quote != "" )
            {
                if ( c == "\\" )
                    i++
                else if ( c == quote )
                    quote = ""
            }
            else if ( c2 == "/*" )
            {
                comment = 1
                i++
                s = s " "
            }
            else if ( c2 == "//" )
                break
            else if ( c == "\"" || c == "\047" )
                quote = c
            else
                s = s c
        }
        while ( match(s, re) )
        {
            w = substr(s, RSTART, RLENGTH)
            s = substr(s, RSTART + RLENGTH)
            if ( index(allow, " " w " ") )
                continue
            printf "%s:%d: %s\n", FILENAME, FNR, w
            found = 1
        }
    }
    END { exit found }
    ' "$f" || bad=1
done

if [ $bad = 1 ]; then
    echo "check-prims: use <xecam/port_prims.h>'s primitives (list in" \
         "include/xecam/types.h), or extend both ports" >&2
    exit 1
fi
echo "check-prims: ${#files[@]} files, no compiler primitive outside the ports"
