#!/usr/bin/env bash
# bench/listing.sh [--bin DIR] [--old DIR] [--old-module DIR] [--services N] [--loops L] [--reps R] [--rounds K]
#
# What one perpls listing costs perpd and the caller (issue #13: perpd read two cgroups
# per service for every L). N services (`exec sleep`, default 200) on a fresh base; per
# variant and round, a fresh perpd, every service up, then
#   - perpd's CPU over L perpls runs (default 100, one after the other by spawntime):
#     ticks (utime+stime of /proc/PID/stat, 10 ms each) and ns (schedstat, every thread);
#   - perpls's wall time, `spawntime R perpls -b BASE` (default 50): median, p90, min;
#   - round 1, when strace is there: perpd's system calls per listing (strace -c -f -p).
# Variants (each needs its binaries): new perpd + new perpls (panel: L flag 0x1),
# new perpd + new perpls -j (flags 0: the cgroup figures, as before), new perpd + old
# perpls (an old client: flags 0), old perpd + old perpls (the baseline). --old DIR is a
# build of the commit before (default: none, the old variants are left out). K rounds
# interleave the variants (default 3); figures are per round, then the median of rounds.
# With pwsh ($PWSH, else pwsh on PATH, else .tools/pwsh/pwsh): the module too, against the
# new perpd, per round: perpd ticks over 20 warm `Get-PerpService` of all (the objects
# unlooked at) and over 20 `Get-PerpService | Select-Object Name, CpuTime` (every object's
# figures looked at), with module/ and, with --old-module DIR, the module of the build before.
# Needs no root, but the cgroup figures exist only where perpd contains services (a
# writable cgroup2: root on this machine); the start-up line is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
new=out/bin old="" oldmodule="" n=200 loops=100 reps=50 rounds=3
while [ $# -gt 0 ]; do
    case $1 in
        --bin) new=$2; shift 2 ;;
        --old) old=$2; shift 2 ;;
        --old-module) oldmodule=$(readlink -f "$2"); shift 2 ;;
        --services) n=$2; shift 2 ;;
        --loops) loops=$2; shift 2 ;;
        --reps) reps=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        *) echo "usage: bench/listing.sh [--bin DIR] [--old DIR] [--old-module DIR] [--services N] [--loops L] [--reps R] [--rounds K]" >&2; exit 100 ;;
    esac
done
new=$(readlink -f "$new")
pwsh=${PWSH:-$(command -v pwsh || echo .tools/pwsh/pwsh)}
[ -x "$pwsh" ] || pwsh=""
modules=("new:$(readlink -f module)/Perp.psd1")
[ -z "$oldmodule" ] || modules+=("old:$oldmodule/Perp.psd1")
[ -z "$old" ] || old=$(readlink -f "$old")
work=$(mktemp -d)
perpd_pid=""
cleanup() {
    if [ -n "$perpd_pid" ]; then kill -TERM "$perpd_pid" 2>/dev/null || true; wait "$perpd_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
cc -O2 -o "$work/st" bench/lib/spawntime.c
base=$work/base
mkdir "$base"
for i in $(seq -f '%04g' 1 "$n"); do
    mkdir "$base/svc$i"
    printf '#!/bin/sh\n[ "$1" = start ] || exit 0\nexec sleep 100000\n' > "$base/svc$i/rc.main"
    chmod 755 "$base/svc$i/rc.main"
    chmod +t "$base/svc$i"
done

# cpu PID: "ticks ns" (utime+stime of the process; schedstat run time of all its threads)
cpu() {
    local stat ticks ns=0 t
    stat=$(cat "/proc/$1/stat")
    stat=${stat##*) }
    set -- $stat
    ticks=$(( ${12} + ${13} ))
    for t in /proc/"$perpd_pid"/task/*/schedstat; do
        read -r run _ < "$t"
        ns=$(( ns + run ))
    done
    echo "$ticks $ns"
}

start_perpd() { # DIR
    "$1/perpd" "$base" 2> "$work/perpd.log" &
    perpd_pid=$!
    local i up
    for i in $(seq 1 600); do
        up=$("$new/perpls" -b "$base" 2>/dev/null | grep -c '^\[+ +++' || true)
        [ "$up" -ge "$n" ] && break
        sleep 0.1
    done
    [ "$up" -ge "$n" ] || { echo "only $up of $n services up" >&2; cat "$work/perpd.log" >&2; exit 1; }
    sleep 1 # every service past the half-second "starting" rule, no start in flight
}

stop_perpd() {
    kill -TERM "$perpd_pid"
    wait "$perpd_pid" || true
    perpd_pid=""
}

variants=("new:new:" "new:new:-j")
[ -z "$old" ] || variants+=("new:old:" "old:old:")
declare -A results syscalls
for r in $(seq 1 "$rounds"); do
    for v in "${variants[@]}"; do
        IFS=: read -r d ls flag <<< "$v"
        ddir=$new; [ "$d" = old ] && ddir=$old
        ldir=$new; [ "$ls" = old ] && ldir=$old
        start_perpd "$ddir"
        [ "$r" = 1 ] && [ "$v" = "${variants[0]}" ] && grep -o 'containment: .*' "$work/perpd.log" | head -1
        args=("$ldir/perpls" ${flag:+"$flag"} -b "$base")
        "$work/st" 5 "${args[@]}" > /dev/null # warm the page cache
        read -r t0 n0 <<< "$(cpu "$perpd_pid")"
        "$work/st" "$loops" "${args[@]}" > /dev/null
        read -r t1 n1 <<< "$(cpu "$perpd_pid")"
        wall=$("$work/st" "$reps" "${args[@]}")
        if [ "$r" = 1 ] && command -v strace > /dev/null; then
            # perpd's system calls per listing (10 listings under strace -c).
            strace -c -f -p "$perpd_pid" -o "$work/strace" 2> /dev/null & tracer=$!
            sleep 0.5
            "$work/st" 10 "${args[@]}" > /dev/null
            kill -INT "$tracer"; wait "$tracer" || true
            syscalls["perpd=$d perpls=$ls${flag:+ $flag}"]=$(awk '$NF == "total" { c = $4 } $NF ~ /^open/ { o += $4 } END { printf "%d calls, %d open*", c / 10, o / 10 }' "$work/strace")
        fi
        stop_perpd
        name="perpd=$d perpls=$ls${flag:+ $flag}"
        results[$name]+="$((t1 - t0)) $(( (n1 - n0) / 1000000 )) $wall"$'\n'
        printf 'round %s  %-26s  perpd ticks/%s=%-3s  perpd ms/%s=%-5s  perpls wall: %s\n' \
            "$r" "$name" "$loops" "$((t1 - t0))" "$loops" "$(( (n1 - n0) / 1000000 ))" "$wall"
    done
done

# The module against the new perpd: ticks over 20 calls of each pipeline, per round.
declare -A modres
if [ -n "$pwsh" ]; then
    start_perpd "$new"
    for r in $(seq 1 "$rounds"); do
        for m in "${modules[@]}"; do
            mname=${m%%:*} psd1=${m#*:}
            for what in 'Get-PerpService -Base $b' 'Get-PerpService -Base $b | Select-Object Name, CpuTime'; do
                out=$("$pwsh" -NoProfile -NonInteractive -Command "
                    Import-Module '$psd1'; \$b = '$base'
                    function Ticks { \$f = (Get-Content /proc/$perpd_pid/stat -Raw) -replace '^.*\) ', '' -split ' '; [int]\$f[11] + [int]\$f[12] }
                    \$null = $what   # warm
                    \$t0 = Ticks; \$sw = [Diagnostics.Stopwatch]::StartNew()
                    for (\$i = 0; \$i -lt 20; \$i++) { \$null = $what }
                    '{0} {1:0.0}' -f ((Ticks) - \$t0), (\$sw.Elapsed.TotalMilliseconds / 20)")
                key="module=$mname  $what"
                modres[$key]+="$out"$'\n'
                printf 'round %s  %-70s  perpd ticks/20=%s  ms/call=%s\n' "$r" "$key" "${out% *}" "${out#* }"
            done
        done
    done
    stop_perpd
fi

echo
echo "median of $rounds rounds ($n services; perpd CPU over $loops perpls; perpls wall over $reps runs, µs):"
for v in "${variants[@]}"; do
    IFS=: read -r d ls flag <<< "$v"
    name="perpd=$d perpls=$ls${flag:+ $flag}"
    printf '%s' "${results[$name]}" | awk -v name="$name" '
        { t[NR] = $1; m[NR] = $2; sub(/.*median=/, "", $0); split($0, a, " "); w[NR] = a[1] }
        function med(x, k,   i, j, s) { for (i = 1; i <= k; i++) s[i] = x[i]; for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (s[j] < s[i]) { tmp = s[i]; s[i] = s[j]; s[j] = tmp }; return s[int((k + 1) / 2)] " (" s[1] "-" s[k] ")" }
        END { printf "  %-26s  perpd ticks %-12s  perpd ms %-14s  perpls median wall %s\n", name, med(t, NR), med(m, NR), med(w, NR) }'
    [ -z "${syscalls[$name]:-}" ] || printf '  %-26s  perpd system calls per listing: %s\n' "" "${syscalls[$name]}"
done
if [ -n "$pwsh" ]; then
    echo "the module against the new perpd (perpd ticks over 20 calls; ms per call in pwsh):"
    for m in "${modules[@]}"; do
        for what in 'Get-PerpService -Base $b' 'Get-PerpService -Base $b | Select-Object Name, CpuTime'; do
            key="module=${m%%:*}  $what"
            printf '%s' "${modres[$key]}" | awk -v name="$key" '
                { t[NR] = $1; w[NR] = $2 }
                function med(x, k,   i, j, s) { for (i = 1; i <= k; i++) s[i] = x[i]; for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (s[j] < s[i]) { tmp = s[i]; s[i] = s[j]; s[j] = tmp }; return s[int((k + 1) / 2)] " (" s[1] "-" s[k] ")" }
                END { printf "  %-70s  perpd ticks %-12s  ms/call %s\n", name, med(t, NR), med(w, NR) }'
        done
    done
fi
