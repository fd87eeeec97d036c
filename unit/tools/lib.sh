# SPDX-License-Identifier: GPL-2.0-only
#
# Sourced by the unit/tools/test_*.sh scripts: run from the top of the tree,
# a scratch directory removed on exit, and a pass/fail tally.
#   ok; bad "what"; ... finish NAME
# and the command line's manners, for ecamctl and kvmecam alike:
#   asked, refused, unusable
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

# PROG ARGS... asked for a usage: status 0, stdout starting with 'want',
# nothing on stderr.
asked()   # want  program arguments...
{
    local want=$1

    shift
    "$@" > "$tmp/o" 2> "$tmp/e"
    rc=$?
    if [ $rc = 0 ] && [ "$(head -c ${#want} "$tmp/o")" = "$want" ] &&
       [ ! -s "$tmp/e" ]
    then ok
    else bad "$*: rc=$rc stdout=$(head -1 "$tmp/o") stderr=$(cat "$tmp/e")"; fi
}

# A usage error: status 2, nothing on stdout, and on stderr exactly
# "PROG: message" and "Try 'PROG[ command] --help'."
refused()   # "message" "command" program arguments...
{
    local msg=$1 cmd=${2:+ $2} prog=${3##*/}

    shift 2
    "$@" > "$tmp/o" 2> "$tmp/e" < /dev/null
    rc=$?
    if [ $rc = 2 ] && [ ! -s "$tmp/o" ] &&
       [ "$(cat "$tmp/e")" = "$prog: $msg"$'\n'"Try '$prog$cmd --help'." ]
    then ok
    else bad "$*: rc=$rc stdout=$(head -1 "$tmp/o") stderr=$(cat "$tmp/e")"; fi
}

# A file that cannot be used: status 2, nothing on stdout, and on stderr
# exactly "PROG: FILE: reason" ('-': standard input).
unusable()   # "reason" FILE program arguments...
{
    local why=$1 file=${2/#-/standard input} prog=${3##*/}

    shift 2
    "$@" > "$tmp/o" 2> "$tmp/e" < /dev/null
    rc=$?
    if [ $rc = 2 ] && [ ! -s "$tmp/o" ] &&
       [ "$(cat "$tmp/e")" = "$prog: $file: $why" ]; then ok
    else bad "$*: rc=$rc stderr=$(cat "$tmp/e")"; fi
}

# Files that cannot be used, as "FILE:reason" lines: empty, a directory,
# missing, unreadable (EIO; EACCES too unless root).
unusable_files()
{
    : > "$tmp/empty"
    mkdir -p "$tmp/dir"
    printf '%s\n' "$tmp/empty:empty file" "$tmp/dir:Is a directory" \
        "$tmp/none:No such file or directory" \
        "/proc/self/mem:Input/output error"
    if [ "$(id -u)" != 0 ]; then
        echo x > "$tmp/locked" && chmod 000 "$tmp/locked"
        echo "$tmp/locked:Permission denied"
    fi
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
